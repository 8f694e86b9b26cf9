"""Git repositories: which blobs to scan, their bytes in bulk, and who introduced them.

Stage: sources. Every unique blob is read once, in pack order: a history scan inflates it from
the pack or rebuilds it from its delta base (see scanner.sources.git_pack), and reads the rest
(loose objects, other scans' blobs) through `git cat-file --batch`, one process per worker, so
blob bytes never cross process boundaries. Which commit introduced a blob is only asked for
blobs that held a secret, through one `git log --raw` limited to their paths: attribution costs
nothing on a clean history.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import git

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_command import BackgroundGit, git_at
from leakward.scanner.sources.git_log_runs import LogRun, LogRuns
from leakward.scanner.sources.pack_offsets import PACK_HEADER, lone_pack, offsets_hold

ZERO_OID = "0" * 40
# A full object name, SHA-1 or SHA-256: what git prints, never an abbreviation or a ref name.
OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# Commits of a log read between two progress reports.
_REPORT_EVERY = 1024
_LOG_FORMAT = "%x01%H%x1f%an <%ae>%x1f%aI%x1f%s"
# A log looking for blobs names each with `--find-object`, so git keeps only the changes that add
# or remove one: on rails' history the unfiltered log wrote 347 MB of raw diffs for Python to read
# through. The names may take this share of the system's room for a command's arguments, the rest
# left to the environment: about 8,300 SHA-1 names on Linux's 2 MiB. Rails' 4,260 blobs with
# findings were once past a fixed 4,096, and the unfiltered log cost 2.5 s more CPU (1 s here).
_FIND_OBJECTS_SHARE = 4
# Blobs handed on at a time by a walk naming them while it runs: few hand-overs, and still a
# steady flow (symfony's history: 67 batches over the walk).
_NAMES_AT_ONCE = 4096
# Blobs as the walk names them: their binary ids one after another, and a path each was seen
# at. Not a tuple per blob: names waiting while the object listing was read took 30 MB of
# tuples and id objects on symfony's history, 117 bytes a blob; so, 28.
Named = tuple[bytes, list[str]]
# Room assumed where the system does not say (POSIX's least ARG_MAX is 4 KiB; no system git
# runs on has less than this).
_ARGUMENT_ROOM = 256 * 1024


@dataclass(frozen=True, slots=True)
class Blob:
    oid: str
    path: str
    size: int
    # The blob git stores this one as a delta of, when that one is scanned too: this blob is
    # rebuilt from it.
    base: str | None = None
    # Whether the delta is small enough to scan only where it changed (git_delta.worth_comparing).
    compare: bool = False
    # Bytes it takes on disk when git stores it whole (`%(objectsize:disk)`): 0 for a delta, or
    # when unknown.
    stored: int = 0
    # Where its entry starts in the lone pack its scan was listed from (sources.pack_offsets);
    # 0 when unknown.
    offset: int = 0


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


class Repository:
    """A git repository (work tree or bare), driven through git's own plumbing."""

    def __init__(self, path: Path) -> None:
        try:
            repo = git.Repo(path, search_parent_directories=False)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise SourceError(
                f"{path} is not a git repository",
                "pass the repository's top directory (or its .git / a bare repository)",
            ) from None
        self.git_dir = Path(repo.git_dir)
        self.work_tree = None if repo.bare else Path(repo.working_tree_dir or path)
        repo.close()

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> bytes:
        output, error = self.run_partial(*args, stdin=stdin)
        if check and error is not None:
            raise SourceError(
                f"git {args[0]} failed: {error}",
                "check the revisions you passed and that the repository is intact",
            )
        return output

    def run_partial(self, *args: str, stdin: bytes | None = None) -> tuple[bytes, str | None]:
        """What git wrote, and its last error line when it failed part way (None on success)."""
        done = subprocess.run(
            [*git_at(self.git_dir), *args],
            capture_output=True,
            check=False,
            input=stdin,
        )
        if done.returncode == 0:
            return done.stdout, None
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return done.stdout, message[-1] if message else f"exit status {done.returncode}"

    def blob_sizes(self, oids: Iterable[str]) -> dict[str, int]:
        """Size of each blob that exists, from object headers only: no content is read."""
        request = b"".join(oid.encode() + b"\n" for oid in oids)
        if not request:
            return {}
        output, _ = self.run_partial(
            "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)", stdin=request
        )
        sizes: dict[str, int] = {}
        for line in output.split(b"\n"):
            parts = line.split(b" ")
            if len(parts) == 3 and parts[1] == b"blob":
                sizes[parts[0].decode()] = int(parts[2])
        return sizes

    def is_shallow(self) -> bool:
        """Whether git keeps a shallow boundary: a file in the common git folder (which a linked
        worktree's folder names), read directly; a git process for it cost a sweep 2 ms a repo."""
        common = self.git_dir
        pointer = common / "commondir"
        if pointer.is_file():
            common = common / pointer.read_text().strip()
        return (common / "shallow").is_file()

    def lines(self, *args: str, config: Sequence[str] = ()) -> Iterator[bytes]:
        """A git command's output lines (without the newline) as it writes them: a listing of a
        million objects is never held whole; `config` are `name=value` settings for this run.
        Raises SourceError when git fails."""
        settings = [option for setting in config for option in ("-c", setting)]
        with tempfile.TemporaryFile() as stderr:
            process = subprocess.Popen(
                [*git_at(self.git_dir), *settings, *args],
                stdout=subprocess.PIPE,
                stderr=stderr,
                bufsize=1 << 20,
            )
            assert process.stdout is not None  # noqa: S101 - a pipe was requested
            try:
                for line in process.stdout:
                    yield line.rstrip(b"\n")
            finally:
                process.stdout.close()
                status = process.wait()
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace").strip().splitlines()
        if status != 0:
            raise SourceError(
                f"git {args[0]} failed: {message[-1] if message else f'exit status {status}'}",
                "check the revisions you passed and that the repository is intact",
            )

    def reachable_blobs(
        self, revs: Sequence[str], named: Callable[[Named], None] | None = None
    ) -> tuple[dict[bytes, str], list[str]]:
        """Binary oid -> a path it was seen at, for every blob reachable from `revs`; and the
        missing oids (hex). With `named`, the blobs go to it instead in batches while git still
        walks, and the dictionary comes back empty.

        Streamed, and each distinct path is one string however many blobs it names: on a
        million-blob history most of the memory was those repeats and the listing held whole.
        Keys are binary ids, 56 bytes an object where a hex string took 96.
        """
        names: dict[bytes, str] = {}
        paths: dict[bytes, str] = {}
        missing: list[str] = []
        ids: list[bytes] = []
        batch: list[str] = []
        # git keeps up to core.deltaBaseCacheLimit (96 MiB) of inflated delta bases while it
        # reads the trees: that made this walk the largest process of a history scan (rails
        # 221 MB, of which 90 MB the cache; a 1M-blob history 323 MB). At 16 MiB its CPU time
        # stayed within the noise of the default (rails: 4.8-6.0 s against 4.8-5.1 s).
        # Objects named on the command line (the annotated tags `--all` names, a tag on a tree)
        # pass the filter unless it is told to apply to them too: each came out as a "blob"
        # named after its tag, was read and scanned as a file (rails: 478 such, symfony: 771).
        # The flag came with `object:type` itself (git 2.32), so any git that runs this has it.
        listing = (
            "rev-list",
            "--objects",
            "--filter=object:type=blob",
            "--filter-provided-objects",
            "--missing=print",
        )
        for line in self.lines(*listing, *revs, config=("core.deltaBaseCacheLimit=16m",)):
            if line.startswith(b"?"):
                missing.append(line[1:].decode())
            # A SHA-1 or SHA-256 name, then the path (a line without one is a commit). A blob a
            # ref or tag names itself comes first, with an empty path, and is not named again
            # where a tree holds it: dropped, it went unscanned.
            elif (cut := line.find(b" ")) in (40, 64):
                raw = line[cut + 1 :] or b"(blob " + line[:12] + b" named by a ref)"
                name = names.get(raw)
                if name is None:
                    name = names[raw] = raw.decode("utf-8", "surrogateescape")
                if named is None:
                    paths.setdefault(bytes.fromhex(line[:cut].decode()), name)
                    continue
                # git names each object once.
                ids.append(line[:cut])
                batch.append(name)
                if len(batch) == _NAMES_AT_ONCE:
                    named((bytes.fromhex(b"".join(ids).decode()), batch))
                    ids, batch = [], []
        if named is not None and batch:
            named((bytes.fromhex(b"".join(ids).decode()), batch))
        return paths, missing

    def pack_listing(self) -> PackListing:
        """Every blob in the object store, reachable or not, in storage order: git starts listing
        them now, beside whatever the caller does meanwhile (the walk for reachable blobs, which
        took as long again on one core), and the rows are read from `PackListing.rows`."""
        return PackListing(self.git_dir)

    def introductions(
        self,
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
        """Blob additions and changes in the commits of `revs`: merges against each parent, or
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
        args = ["--literal-pathspecs", "log", order, merges, "-z", "--raw", "--no-abbrev"]
        args += ["--no-renames", f"--format={_LOG_FORMAT}", "--stdin"]
        if oids is not None and finds_fit(oids):
            args += [f"--find-object={oid}" for oid in sorted(oids)]
        # Paths go through stdin: thousands of them would overflow a command line. Revisions stay
        # on it, since older gits refuse `--all` and `--not` on stdin; a slice's commits are
        # plain ids, read from stdin before the paths.
        request = b"--\n" + b"".join(os.fsencode(path) + b"\n" for path in paths)
        if slices:
            runs = [
                LogRun(self.git_dir, args, commits + request, piped=not n)
                for n, commits in enumerate(slices)
            ]
        else:
            runs = [LogRun(self.git_dir, [*args, *revs], request)]
        commits, previous, position = 0, b"", 0
        with LogRuns(runs, at_once or len(runs)):
            for run in runs:
                for block in _blocks(run.stdout):
                    # `-m` repeats a merge once per parent: a commit is counted once.
                    if walked is not None and block[:40] != previous:
                        previous, commits = block[:40], commits + 1
                        if commits % _REPORT_EVERY == 0:
                            walked(commits)
                    yield from _parse_block(block, position, oids, deletions)
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

    def staged_changes(self) -> Iterator[tuple[str, str, str | None]]:
        """(path, index blob, HEAD blob or None) for files added, copied, modified, renamed or
        deleted (index blob ZERO_OID): what the next commit changes."""
        # On an unborn branch `--cached` compares with the empty tree by itself.
        output = self.run(
            "diff", "--cached", "--raw", "-z", "--no-abbrev", "-M", "--diff-filter=ACDMRT"
        )
        fields = output.split(b"\0")
        index = 0
        while index < len(fields) - 1:
            parts = fields[index].lstrip(b":").split(b" ")
            if len(parts) < 5:
                index += 1
                continue
            renamed = parts[4][:1] in (b"R", b"C")
            path = fields[index + (2 if renamed else 1)].decode("utf-8", "surrogateescape")
            index += 3 if renamed else 2
            if b"160000" in (parts[0], parts[1]):
                continue  # a submodule's commit, not content
            old = parts[2].decode()
            yield path, parts[3].decode(), None if old == ZERO_OID else old

    def other_refs_than(self, commit: str, pushed_ref: str | None = None) -> list[str]:
        """Refs other than the pushed one: what a new branch's own commits are cut from.

        With `pushed_ref`, that ref and its remote-tracking copies are left out; without it,
        every ref pointing at `commit`.
        """
        output = self.run("for-each-ref", "--format=%(objectname) %(refname)")
        short = _short_ref(pushed_ref) if pushed_ref else None
        refs = []
        for line in output.decode("utf-8", "surrogateescape").splitlines():
            oid, _, name = line.partition(" ")
            if not name:
                continue
            if short is not None:
                is_pushed = name == pushed_ref or (
                    name.startswith("refs/remotes/") and name.split("/", 3)[-1] == short
                )
            else:
                is_pushed = oid == commit
            if not is_pushed:
                refs.append(name)
        return refs


class PackListing(BackgroundGit):
    """`git cat-file --batch-all-objects --unordered --batch-check` running in the background.

    git writes to a temporary file rather than a pipe, so it never waits for this process to read
    and its output costs no memory here until `rows` streams it. Use as a context manager: leaving
    it ends git if the rows were never read."""

    def __init__(self, git_dir: Path) -> None:
        # Looked at before git lists: an object added meanwhile makes the sizes overrun the pack.
        self._lone = lone_pack(git_dir)
        self._end = PACK_HEADER
        self._width = 0
        super().__init__(
            [
                *git_at(git_dir, in_pack_order=True),
                "cat-file",
                "--batch-all-objects",
                "--unordered",
                "--batch-check=%(objecttype) %(objectname) %(objectsize) %(objectsize:disk) "
                "%(deltabase)",
            ]
        )

    def rows(self) -> Iterator[tuple[str, int, int, str | None, int]]:
        """(oid, size, bytes on disk, delta base or None, offset) of each blob, once git has
        finished. The offset is where the entry starts if the store is one pack listed in its
        own order, from the sizes of every entry before it; `offsets_hold` says if it is."""
        status = self._finished()
        if status != 0:
            raise SourceError(
                f"git cat-file failed: {self._last_error() or f'exit status {status}'}",
                "check that the repository is intact (`git fsck`)",
            )
        at = PACK_HEADER
        # The loose objects come first, at no offset; the pack's entries then follow one another.
        loose = self._lone[1] if self._lone is not None else 0
        summing = self._lone is not None
        for line in self._out:
            if not summing and not line.startswith(b"blob "):
                continue  # no offsets to add up: trees, commits and tags are most of the lines
            parts = line.rstrip(b"\n").split(b" ")
            if len(parts) != 5:
                continue
            disk = int(parts[3])
            if parts[0] == b"blob":
                base = parts[4].decode()
                yield (
                    parts[1].decode(),
                    int(parts[2]),
                    disk,
                    None if base == ZERO_OID else base,
                    at if summing and not loose else 0,
                )
                self._width = len(parts[1]) // 2
            if loose:
                loose -= 1
            else:
                at += disk  # trees, commits and tags too: most of the entries
        self._end = at

    def offsets_hold(self, samples: Sequence[tuple[bytes, int]]) -> bool:
        """Whether the rows' offsets are where their entries start (sources.pack_offsets), as
        the pack's index says for `samples` (binary id, offset) of them; once rows are read."""
        if self._lone is None or not self._width:
            return False
        return offsets_hold(self._lone[0], self._end, self._width, samples)

    @property
    def pack(self) -> str:
        """The lone pack's name, which held offsets are in."""
        return self._lone[0].stem if self._lone is not None else ""


def _blocks(stream: IO[bytes]) -> Iterator[bytes]:
    """The `\\x01`-led commit blocks of a log, read a megabyte at a time."""
    pending = b""
    while chunk := stream.read(1 << 20):
        pending += chunk
        *complete, pending = pending.split(b"\x01")
        yield from (block for block in complete if block)
    if pending:
        yield pending


def _parse_block(
    block: bytes, position: int, oids: set[str] | None, deletions: bool
) -> Iterator[Introduction]:
    header, _, rest = block.partition(b"\0")
    # A merge's header ends in a second NUL under `-c`, a newline otherwise.
    rest = rest.lstrip(b"\n\0")
    if not rest:
        # `-c` prints every merge, changes or not: on rails most of the attribution log's
        # commits, whose headers need no decoding.
        return
    commit, author, date, subject = header.decode("utf-8", "replace").split("\x1f", 3)
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


def _short_ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def read_blobs(git_dir: Path, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(oid, content) for each oid, through `git cat-file --batch`; None for a missing one.

    A damaged object can kill cat-file part way: the object it died on is yielded as None and a
    new cat-file carries on with the rest, so one bad object never hides the others.
    """
    wanted = list(oids)
    done = 0
    while done < len(wanted):
        for oid, data in _batch(git_dir, wanted[done:]):
            done += 1
            yield oid, data
        if done < len(wanted):
            yield wanted[done], None
            done += 1


def _batch(git_dir: Path, wanted: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """One cat-file process over `wanted`, stopping early if it dies."""
    process = subprocess.Popen(
        # --buffer: one write per pipe-full instead of a flush per object.
        [*git_at(git_dir), "cat-file", "--batch", "--buffer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=1 << 20,
    )
    assert process.stdin is not None  # noqa: S101 - pipes were requested
    assert process.stdout is not None  # noqa: S101

    def feed(stream: IO[bytes]) -> None:
        # A thread writes the requests so a full pipe never deadlocks against our reads.
        try:
            stream.write(b"".join(oid.encode() + b"\n" for oid in wanted))
            stream.close()
        except (BrokenPipeError, ValueError):
            pass

    writer = threading.Thread(target=feed, args=(process.stdin,), daemon=True)
    writer.start()
    out = process.stdout
    try:
        for oid in wanted:
            header = out.readline()
            parts = header.split()
            if len(parts) == 2 and parts[1] == b"missing":
                yield oid, None
                continue
            if len(parts) != 3 or not parts[2].isdigit():
                return  # cat-file died on this object
            size = int(parts[2])
            data = out.read(size)
            if len(data) < size:
                return
            out.read(1)  # the newline after each object
            yield oid, data
    finally:
        out.close()
        process.kill()
        process.wait()
        writer.join()
