"""The phases of a git scan, as a progress display shows them.

Stage: orchestration. A history scan reads the object listing, scans the blobs, then walks the
commits to attribute what it found. The last walk took minutes on rails while the bar sat at
100 % with no word: a display that names phases (`PhasedProgress`) gets each one with its own
bar. A plain callback gets the scanning phase only, as it always did.

With LEAKWARD_PHASE_TIMES set, each phase and step writes its wall and CPU seconds since the
scan began to standard error: a two-core scan cannot beat half its CPU in wall time, so a step
that keeps one core idle shows as wall growing faster than CPU/2.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Sequence
from typing import IO, Protocol, runtime_checkable

from leakward.scanner.scan import Progress
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_refs import CommitCount

# Set (to anything) to have each phase's times written to standard error.
_TIMES = "LEAKWARD_PHASE_TIMES"


@runtime_checkable
class PhasedProgress(Protocol):
    """A progress display that names each phase of a scan and gives it its own bar."""

    def __call__(self, done: int, total: int, nbytes: int, /) -> None: ...

    def phase(self, name: str, unit: str) -> None: ...


class Phases:
    """Reports a git scan's phases to `progress` when it can show them."""

    def __init__(self, progress: Progress | None, repo: Repository) -> None:
        self.scanning = progress
        self._phased = progress if isinstance(progress, PhasedProgress) else None
        self._repo = repo
        self._counts: dict[tuple[str, ...], CommitCount] = {}
        self._commits: CommitCount | None = None
        self._known = 0
        self._times: IO[str] | None = sys.stderr if os.environ.get(_TIMES) else None
        self._started = time.perf_counter()

    def begin(self, name: str, unit: str) -> None:
        self.mark(name)
        if self._phased is not None:
            self._phased.phase(name, unit)

    def mark(self, step: str) -> None:
        """Notes the start of `step` where timings were asked for (LEAKWARD_PHASE_TIMES)."""
        if self._times is None:
            return
        wall = time.perf_counter() - self._started
        own = resource.getrusage(resource.RUSAGE_SELF)
        # Only children already waited for count: workers and gits of earlier steps.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        peak = own.ru_maxrss >> 10  # KiB on Linux
        self._times.write(
            f"leakward phase {step}: wall {wall:.2f} s, cpu {cpu:.2f} s, this process's peak "
            f"{peak} MiB\n"
        )

    def finished(self, count: int) -> None:
        """A phase whose work came in one piece is done."""
        if self._phased is not None:
            self._phased(count, count, 0)

    def begin_walk(self, name: str, revs: Sequence[str], total: int = 0) -> None:
        """A phase that walks the commits of `revs`; their count, for the total, is `total` when
        known, else asked of git beside the walk, and only when a display shows it."""
        self.begin(name, "commits")
        self._known = total
        if self._phased is not None and not total:
            key = tuple(revs)
            if key not in self._counts:
                self._counts[key] = CommitCount(self._repo.git_dir, revs)
            self._commits = self._counts[key]

    def walked(self, commits: int) -> None:
        if self._phased is None:
            return
        total = self._known or (self._commits.total() if self._commits is not None else 0)
        self._phased(min(commits, total) if total else commits, total, 0)

    def end_walk(self) -> None:
        """A walk that stopped once it had what it needed, or that git filtered down to the
        commits it needed, did all its work: its bar ends full."""
        if self._phased is None:
            return
        total = self._known or (self._commits.total(wait=True) if self._commits else 0)
        if total:
            self._phased(total, total, 0)

    def close(self) -> None:
        self.mark("end")
        for count in self._counts.values():
            count.close()
