"""One `git log --raw` of the whole history: it names the blobs to scan, and after the scan it
gives attribution the commits that introduced the blobs with findings.

Stage: sources (git). A history scan read every tree of the history twice: the walk naming the
blobs (`rev-list --objects`, sources.git_walk) and attribution's log diffing every commit
against its parents (sources.git_introductions). Each blob a commit holds was put in place by
some commit, so one unfiltered log of every change (merges under `-c`), written to a temporary
file and read as git writes it, names the same blobs; read again after the scan, the same file
gives the introductions. Symfony's history: walk + attribution 10.3-11.0 CPU s, the one log
6.2-6.3 (rails 11.6-11.9 -> 6.1-6.5; bench/attribution_one_log.py, issue #18).

A blob is named where the log first meets it: its newest introduction, in the newest commit,
which is where `rev-list` walking from the tips met it too. What a log cannot name, the walk
still does, on the side:
- revisions with a bottom (`A..B`, `--not`, `^A`): `rev-list --objects` leaves out what the
  bottom's trees hold, a log of the range does not, so those scans keep the walk;
- blobs and trees a ref names itself (a tag on a blob): no commit puts them in place, so a small
  `rev-list --objects` over just those objects names their blobs after the log;
- a history git cannot read to the end (a missing tree): the log fails, and the walk then names
  what the log did not, reporting missing objects and failures as it always did.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Self

from leakward.scanner.sources.git_command import StreamedGit, git_at
from leakward.scanner.sources.git_introductions import Introduction, log_blocks, parse_block
from leakward.scanner.sources.git_order import CommitOrder, LoggedOrder
from leakward.scanner.sources.git_walk import Named, ReachableWalk, batched

# Commits of the log read again between two progress reports.
_REPORT_EVERY = 1024
# Attribution's log format (sources.git_introductions) with each commit's parents after its id:
# written out as the blobs are named, they are the commit graph the refs walk reads
# (sources.git_order.LoggedOrder), so no `rev-list --topo-order --parents` runs beside the scan.
_LOG_FORMAT = "%x01%H %P%x1f%an <%ae>%x1f%aI%x1f%s"


def has_bottom(revs: Sequence[str]) -> bool:
    """Whether `revs` exclude some history (`A..B`, `^A`, `--not`)."""
    return any(rev == "--not" or rev.startswith("^") or ".." in rev for rev in revs)


class HistoryLog:
    """The blobs `revs` reach, named by one `git log --raw` started now, kept in a temporary file
    for `introductions` after the scan. Read `batches` once; `missing` then holds the ids of
    objects git could not find. Use as a context manager: leaving it ends git if it still runs
    and removes the file."""

    def __init__(self, git_dir: Path, revs: Sequence[str]) -> None:
        self._git_dir = git_dir
        self._revs = tuple(revs)
        self.missing: list[str] = []
        self.commits = 0
        self._complete = False
        self._walk: ReachableWalk | None = None
        self._git: StreamedGit | None = None
        if has_bottom(revs):
            self._walk = ReachableWalk(git_dir, revs)
            return
        # Pack windows of 4 MiB, as attribution's log: it reads trees all over the pack.
        # `log.showRoot` set here: a user's `false` would leave the first commit's blobs unnamed.
        command = [
            *git_at(git_dir),
            "-c",
            "core.packedGitWindowSize=4m",
            # A 16 MiB delta base cache, as the walk's: at git's 96 MiB this log was a scan's
            # largest process (symfony 259 MB -> 185; CPU 5.3-5.3 s -> 4.7-5.4).
            "-c",
            "core.deltaBaseCacheLimit=16m",
            "-c",
            "log.showRoot=true",
            "log",
            "--topo-order",
            "-c",
            "-z",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--no-show-signature",
            f"--format={_LOG_FORMAT}",
            *revs,
            "--",
        ]
        self._graph = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        try:
            self._git = StreamedGit(command, "leakward-log-")
        except BaseException:
            self._graph.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._walk is not None:
            self._walk.__exit__(*exc)
        if self._git is not None:
            self._git.__exit__(*exc)
            self._graph.close()

    def order(self) -> CommitOrder | None:
        """The commits the log walked, children first, each with its parents, as
        `CommitOrder` lists them; complete once the log is. None when the walk named the blobs."""
        if self._git is None:
            return None
        return LoggedOrder(self._revs, self._graph, self.complete)

    def complete(self) -> bool:
        """Whether the log was read to its end and git listed the whole history: only then can
        attribution read its introductions here."""
        return self._complete

    def batches(self) -> Iterator[Named]:
        """The reachable blobs in batches, as git names them: a blob is named first where it
        was last put in place, and again at each older introduction."""
        return batched(self._blobs())

    def _blobs(self) -> Iterator[tuple[bytes, str]]:
        """(hex oid, path) of each blob, newest introduction first; each distinct path one
        string."""
        if self._walk is not None:
            yield from self._walk.blobs()
            self.missing = self._walk.missing
            return
        # A blob is named again at each older introduction: no set of the ones named (100 MB at a
        # million blobs) drops the repeats, since every reader keeps a blob's first name
        # (git_tasks.NamedBlobs, the small history's paths): the newest introduction's.
        names: dict[bytes, str] = {}
        graph = self._graph
        for block in self._written():
            self.commits += 1
            # `id parent...`; a root commit's has no parent after its space.
            graph.write(block[: block.find(b"\x1f")].rstrip(b" ") + b"\n")
            for oid, raw in _new_blobs(block):
                name = names.get(raw)
                if name is None:
                    name = names[raw] = raw.decode("utf-8", "surrogateescape")
                yield oid, name
        assert self._git is not None  # noqa: S101 - set whenever there is no walk
        failed = self._git.process.returncode != 0
        # After a failed log, the walk over the same revisions names what the log did not (and
        # raises as it did when git refused them); else one over what refs name themselves.
        rest = self._revs if failed else self._named_by_refs()
        if rest:
            with ReachableWalk(self._git_dir, rest) as walk:
                yield from walk.blobs()
                self.missing = walk.missing
        self._complete = not failed

    def _named_by_refs(self) -> list[str]:
        """Trees and blobs (tags peeled) that the revisions name themselves, not commits."""
        done = subprocess.run(
            [*git_at(self._git_dir), "rev-parse", *self._revs, "--"],
            capture_output=True,
            check=False,
        )
        # The ids it resolved them to (it echoes `--`; a bottom starts with `^`).
        tips = [line for line in done.stdout.split(b"\n") if len(line) in (40, 64)]
        if not tips:
            return []
        typed = subprocess.run(
            [*git_at(self._git_dir), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
            input=b"".join(tip + b"^{}\n" for tip in tips),
            capture_output=True,
            check=False,
        )
        others: dict[str, None] = {}
        for line in typed.stdout.decode().splitlines():
            oid, _, kind = line.partition(" ")
            if kind in ("tree", "blob"):
                others[oid] = None
        return list(others)

    def _written(self) -> Iterator[bytes]:
        """The log's `\\x01`-led commit blocks as git writes them, until it exits."""
        assert self._git is not None  # noqa: S101 - set whenever there is no walk
        yield from (block for block in self._git.records(b"\x01") if block)

    def introductions(
        self, oids: set[str], walked: Callable[[int], None] | None = None
    ) -> Iterator[Introduction]:
        """The changes that put one of `oids` in place, read again from the log's file (only
        once `complete`): what attribution's own log found, without diffing the trees again."""
        assert self._git is not None  # noqa: S101 - complete only when the log ran
        self._git.out.seek(0)
        position = 0
        for position, block in enumerate(log_blocks(self._git.out), 1):
            if walked is not None and position % _REPORT_EVERY == 0:
                walked(position)
            yield from parse_block(block, position - 1, oids, False)
        if walked is not None:
            walked(position)


def _new_blobs(block: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(hex oid, path) of each blob a commit's block of the log puts in place."""
    rest = block.partition(b"\0")[2].lstrip(b"\n\0")
    if not rest:
        return
    fields = rest.split(b"\0")
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        # `:m0 m1 a b S`, or for a merge `::m1 m2 m a1 a2 b SS`: the new mode is the one after
        # the parents'; 000000 is a deletion, 160000 a submodule's commit (no blob here).
        stripped = meta.lstrip(b":")
        parents = len(meta) - len(stripped)
        parts = stripped.split(b" ")
        if len(parts) < 2 * parents + 2 or parts[parents] in (b"000000", b"160000"):
            continue
        yield parts[2 * parents + 1], path
