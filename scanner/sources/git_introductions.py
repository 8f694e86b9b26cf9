"""Which commit put a blob where: additions and changes read from `git log --raw`.

Stage: sources (git). Which commit introduced a blob is only asked for blobs that held a secret,
through one `git log --raw` naming them with `--find-object` (or one per slice of the history,
read in order): attribution costs nothing on a clean history.

Not limited to the blobs' paths: git matches each entry of each tree it diffs against every
pathspec, so on symfony's history the 116 paths of its 1,723 blobs with findings cost 15 CPU s
against 5.2 for the whole log (one path 1.6 s: the top trees, changed by nearly every commit,
are most of the work). The paths would not do anyway: the walk names a blob once, and 10 of
those blobs were put in place under two paths. Merges are 34,090 of the 72,392 commits and 577
of the 1,390 that introduced a finding; diffed against their first parent only they cost what
`-c` does (3.7 s). A larger delta base cache (1 GiB) saved nothing either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.git_log_runs import LogRun, LogRuns

# Commits of a log read between two progress reports.
_REPORT_EVERY = 1024
_LOG_FORMAT = "%x01%H%x1f%an <%ae>%x1f%aI%x1f%s"
# A log looking for blobs names each with `--find-object`, so git keeps only the changes that add
# or remove one: on rails' history the unfiltered log wrote 347 MB of raw diffs for Python to read
# through. The names may take this share of the system's room for a command's arguments, the rest
# left to the environment: about 8,300 SHA-1 names on Linux's 2 MiB. Rails' 4,260 blobs with
# findings were once past a fixed 4,096, and the unfiltered log cost 2.5 s more CPU (1 s here).
_FIND_OBJECTS_SHARE = 4
# Room assumed where the system does not say (POSIX's least ARG_MAX is 4 KiB; no system git
# runs on has less than this).
_ARGUMENT_ROOM = 256 * 1024


@dataclass(frozen=True, slots=True)
class Introduction:
    """A commit that put blob `oid` at `path`; `parent_oid` is what was there before, if any."""

    commit: str
    author: str
    date: str
    subject: str
    path: str
    oid: str
    parent_oid: str | None
    # Position in `git log --topo-order` output: children come before parents, so among commits
    # made in the same second the larger position is the older one.
    position: int = 0

    def age_key(self) -> tuple[float, int]:
        """Sorts oldest first. By the instant, not the text: each date carries its author's own
        UTC offset, and on rails `2014-06-14T00:29:30-07:00` sorted before the older
        `2014-06-14T12:35:31+05:30`, naming a merge as where a secret was first committed."""
        return (datetime.fromisoformat(self.date).timestamp(), -self.position)


def introductions(
    git_dir: Path,
    revs: Sequence[str],
    paths: Sequence[str] = (),
    oids: set[str] | None = None,
    errors: list[str] | None = None,
    deletions: bool = False,
    walked: Callable[[int], None] | None = None,
    combined: bool = False,
    slices: Sequence[bytes] = (),
    at_once: int = 0,
) -> Iterator[Introduction]:
    """Blob additions and changes in the commits of `revs` of the repository at `git_dir`: merges
    against each parent, or
    with `combined` only the paths where a merge differs from all its parents;
    with `deletions`, removals too, as introductions of ZERO_OID. `walked` gets the number
    of commits read so far, now and then. With `slices` (the commits of `revs` in
    topological order cut into runs, from sources.git_order), one git per run diffs them
    side by side, `at_once` of them at a time (0: all); read in turn, their output is the
    single log's.

    Streamed, so memory stays bounded on long histories. A log that fails part way (a missing
    tree in a damaged repository) still yields what it read; the failure goes to `errors`
    when given, else raises.
    """
    # `-m` diffs a merge against each parent: across long-diverged branches that is most of
    # the walk (symfony's history: 62 s of git's CPU with it, 4.7 s with `-c`). `-c` keeps
    # only what a merge made itself, a path that differs from every parent: that is enough to
    # find where a blob came from, since the commit that made it is walked too.
    merges = "-c" if combined else "-m"
    order = "--no-walk=unsorted" if slices else "--topo-order"
    # Pack windows of 4 MiB rather than git_at's 16, under the same cap: the log reads trees all
    # over the pack, and remapping 16 MiB around the few pages it wanted cost symfony's
    # attribution log 0.55-0.80 s of system time against 0.22-0.37 s (user time the same).
    args = ["-c", "core.packedGitWindowSize=4m", "--literal-pathspecs", "log", order, merges]
    args += ["-z", "--raw", "--no-abbrev"]
    args += ["--no-renames", f"--format={_LOG_FORMAT}", "--stdin"]
    if oids is not None and finds_fit(oids):
        args += [f"--find-object={oid}" for oid in sorted(oids)]
    # Paths go through stdin: thousands of them would overflow a command line. Revisions stay
    # on it, since older gits refuse `--all` and `--not` on stdin; a slice's commits are
    # plain ids, read from stdin before the paths.
    request = b"--\n" + b"".join(os.fsencode(path) + b"\n" for path in paths)
    if slices:
        runs = [
            LogRun(git_dir, args, commits + request, piped=not n)
            for n, commits in enumerate(slices)
        ]
    else:
        runs = [LogRun(git_dir, [*args, *revs], request)]
    commits, previous, position = 0, b"", 0
    with LogRuns(runs, at_once or len(runs)):
        for run in runs:
            for block in log_blocks(run.stdout):
                # `-m` repeats a merge once per parent: a commit is counted once.
                if walked is not None and block[:40] != previous:
                    previous, commits = block[:40], commits + 1
                    if commits % _REPORT_EVERY == 0:
                        walked(commits)
                yield from parse_block(block, position, oids, deletions)
                position += 1
            error = run.finish()
            if error is not None:
                if errors is None:
                    raise SourceError(
                        f"git log failed: {error}",
                        "check the revisions you passed and that the repository is intact",
                    )
                errors.append(error)
                break  # what the runs after it found would come after a gap
        if walked is not None:
            walked(commits)


def log_blocks(stream: IO[bytes]) -> Iterator[bytes]:
    """The `\\x01`-led commit blocks of a log, read a megabyte at a time."""
    pending = b""
    while chunk := stream.read(1 << 20):
        pending += chunk
        *complete, pending = pending.split(b"\x01")
        yield from (block for block in complete if block)
    if pending:
        yield pending


def parse_block(
    block: bytes, position: int, oids: set[str] | None, deletions: bool
) -> Iterator[Introduction]:
    """The introductions in one commit block of a `--raw -z` log (`log_blocks`), `position` its
    place in the log: those of the blobs in `oids` (every blob when None), deletions too when
    `deletions` is set."""
    header, _, rest = block.partition(b"\0")
    # A merge's header ends in a second NUL under `-c`, a newline otherwise.
    rest = rest.lstrip(b"\n\0")
    if not rest:
        # `-c` prints every merge, changes or not: on rails most of the attribution log's
        # commits, whose headers need no decoding.
        return
    commit, author, date, subject = header.decode("utf-8", "replace").split("\x1f", 3)
    # The history's own log gives each commit's parents after it (sources.git_history_log).
    commit = commit.partition(" ")[0]
    fields = rest.split(b"\0")
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        # `:mode mode old new status`, or for a merge under `-c`, one colon, mode and old blob
        # per parent: `::mode mode mode old1 old2 new statuses`.
        parents = len(meta) - len(meta.lstrip(b":"))
        parts = meta.lstrip(b":").split(b" ")
        # A gitlink (160000) is a submodule's commit, not content of this repository.
        if parents < 1 or len(parts) < 2 * parents + 3 or b"160000" in parts[: parents + 1]:
            continue
        if b"D" in parts[2 * parents + 2] and not deletions:
            continue
        old, new = parts[parents + 1].decode(), parts[2 * parents + 1].decode()
        if oids is not None and new not in oids:
            continue
        yield Introduction(
            commit=commit,
            author=author,
            date=date,
            subject=subject,
            path=path.decode("utf-8", "surrogateescape"),
            oid=new,
            parent_oid=None if old == ZERO_OID else old,
            position=position,
        )


def finds_fit(oids: Collection[str]) -> bool:
    """Whether a `--find-object` per blob fits on a command line beside the environment."""
    try:
        room = os.sysconf("SC_ARG_MAX")
    except (AttributeError, ValueError, OSError):
        room = _ARGUMENT_ROOM
    # Each name is its option's bytes, a NUL, and a pointer in argv.
    each = len("--find-object=") + max(map(len, oids), default=0) + 1 + 8
    return len(oids) * each <= max(room, _ARGUMENT_ROOM) // _FIND_OBJECTS_SHARE
