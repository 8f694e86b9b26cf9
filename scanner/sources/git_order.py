"""The commits of a history in topological order, listed once, beside the scan.

Stage: sources. After the blobs are scanned, attribution walked the history twice on one core:
a `git log` diffing every commit's trees (rails: 5-12 s) and a `rev-list` for the refs holding
each finding. Listed once while the scan reads and scans blobs, the same order serves both: the
log is cut into contiguous slices of it, one `git log --no-walk` per core, whose outputs read in
turn are byte for byte the single log's; and the refs walk reads the listing instead of walking
the graph again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from io import BufferedRandom
from pathlib import Path

from leakward.scanner.sources.git_command import BackgroundGit, git_at


class CommitOrder(BackgroundGit):
    """`git rev-list --topo-order --parents REVS` running in the background to a temporary file:
    git never waits for this process, and the listing costs no memory here until it is read.
    Use as a context manager: leaving it ends git if the listing was never read."""

    def __init__(self, git_dir: Path, revs: Sequence[str]) -> None:
        self.revs = tuple(revs)
        super().__init__([*git_at(git_dir), "rev-list", "--topo-order", "--parents", *revs])
        self._count: int | None = None

    def complete(self) -> bool:
        """Whether git listed the whole history (a damaged one stops part way: callers then
        walk it themselves, reporting what they could not read)."""
        return self._process.wait() == 0

    def lines(self) -> Iterator[str]:
        """`commit parent...` per commit, children before their parents."""
        self._finished()
        for line in self._out:
            yield line.decode().rstrip("\n")

    def count(self) -> int:
        """How many commits git listed: a progress bar's total, without a count of its own."""
        if self._count is None:
            self._finished()
            self._count = sum(1 for _ in self._out)
        return self._count

    def slices(self, count: int) -> list[bytes]:
        """The commits cut into up to `count` contiguous runs of about equal length, in order,
        one id per line: what `git log --no-walk=unsorted --stdin` reads."""
        size = -(-self.count() // max(1, count)) or 1
        runs: list[bytes] = []
        current: list[bytes] = []
        self._finished()
        for line in self._out:
            current.append(line.split(b" ", 1)[0].rstrip(b"\n") + b"\n")
            if len(current) == size:
                runs.append(b"".join(current))
                current = []
        if current:
            runs.append(b"".join(current))
        return runs


class LoggedOrder(CommitOrder):
    """The same listing, written by the reader of a log that gave each commit's parents
    (sources.git_history_log) as it named the blobs: no walk of the graph of its own (symfony:
    the listing's `rev-list` cost 0.6 CPU s). `done` tells whether the log was read to its end."""

    def __init__(
        self, revs: Sequence[str], listing: BufferedRandom, done: Callable[[], bool]
    ) -> None:
        # No git to start: the listing is already written.
        self.revs = tuple(revs)
        self._out = listing
        self._done = done
        self._count = None

    def __exit__(self, *exc: object) -> None:
        self._out.close()

    def complete(self) -> bool:
        return self._done()

    def _finished(self) -> int:
        self._out.seek(0)
        return 0 if self._done() else 1
