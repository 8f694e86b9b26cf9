"""The walk naming every blob reachable from some revisions, read as git writes it.

Stage: sources (git). `git rev-list --objects` writes to a temporary file, not a pipe
(git_command.StreamedGit), so git never waits for this process while it reads the object
listing beside it: the walk took as long again on one core.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_command import StreamedGit, git_at

# Blobs handed on at a time by a walk naming them while it runs: few hand-overs, and still a
# steady flow (symfony's history: 67 batches over the walk).
_NAMES_AT_ONCE = 4096
# Blobs as the walk names them: their binary ids one after another, and a path each was seen
# at. Not a tuple per blob: names waiting while the object listing was read took 30 MB of
# tuples and id objects on symfony's history, 117 bytes a blob; so, 28.
Named = tuple[bytes, list[str]]


def batched(blobs: Iterator[tuple[bytes, str]]) -> Iterator[Named]:
    """(hex oid, path) pairs as `Named` batches of up to _NAMES_AT_ONCE blobs."""
    ids: list[bytes] = []
    batch: list[str] = []
    for oid, name in blobs:
        ids.append(oid)
        batch.append(name)
        if len(batch) == _NAMES_AT_ONCE:
            yield bytes.fromhex(b"".join(ids).decode()), batch
            ids, batch = [], []
    if batch:
        yield bytes.fromhex(b"".join(ids).decode()), batch


class ReachableWalk:
    """`git rev-list --objects` over `revs`, listing the blobs they reach, started now. Read
    `batches` once; `missing` then holds the ids of objects git could not find.
    Use as a context manager: leaving it ends git if it still runs and removes the file."""

    def __init__(self, git_dir: Path, revs: Sequence[str]) -> None:
        # git keeps up to core.deltaBaseCacheLimit (96 MiB) of inflated delta bases while it
        # reads the trees: that made this walk the largest process of a history scan (rails
        # 221 MB, of which 90 MB the cache; a 1M-blob history 323 MB). At 16 MiB its CPU time
        # stayed within the noise of the default (rails: 4.8-6.0 s against 4.8-5.1 s).
        # Objects named on the command line (the annotated tags `--all` names, a tag on a tree)
        # pass the filter unless it is told to apply to them too: each came out as a "blob"
        # named after its tag, was read and scanned as a file (rails: 478 such, symfony: 771).
        # The flag came with `object:type` itself (git 2.32), so any git that runs this has it.
        # Pack windows of 4 MiB up to 64 MiB, not git_at's 16 up to 128: once our own process
        # shrank, this walk was a million-blob history's largest process, 287 MB -> 238 here
        # (rails 197 -> 154, symfony 158 -> 151), user time within the noise. Windows this
        # small keep away the system time a lower cap cost: rails 0.17-0.21 s, against
        # 0.12-0.18 at 128 MiB, 0.31 with 8 MiB windows and 0.73 with 16 (git_command).
        command = [
            *git_at(git_dir),
            "-c",
            "core.packedGitWindowSize=4m",
            "-c",
            "core.packedGitLimit=64m",
            "-c",
            "core.deltaBaseCacheLimit=16m",
            "rev-list",
            "--objects",
            "--filter=object:type=blob",
            "--filter-provided-objects",
            "--missing=print",
            *revs,
        ]
        self.missing: list[str] = []
        self._git = StreamedGit(command, "leakward-walk-")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._git.__exit__(*exc)

    def batches(self) -> Iterator[Named]:
        """The reachable blobs in batches, as git names them (each once)."""
        return batched(self.blobs())

    def blobs(self) -> Iterator[tuple[bytes, str]]:
        """(hex oid, path) of each blob named; each distinct path is one string however many
        blobs it names: on a million-blob history most of the memory was those repeats."""
        names: dict[bytes, str] = {}
        for line in self._lines():
            if line.startswith(b"?"):
                self.missing.append(line[1:].decode())
            # A SHA-1 or SHA-256 name, then the path (a line without one is a commit). A blob a
            # ref or tag names itself comes first, with an empty path, and is not named again
            # where a tree holds it: dropped, it went unscanned.
            elif (cut := line.find(b" ")) in (40, 64):
                raw = line[cut + 1 :] or b"(blob " + line[:12] + b" named by a ref)"
                name = names.get(raw)
                if name is None:
                    name = names[raw] = raw.decode("utf-8", "surrogateescape")
                yield line[:cut], name

    def _lines(self) -> Iterator[bytes]:
        """git's output lines as it writes them, until it exits; raises SourceError when it
        failed."""
        yield from self._git.records(b"\n")
        if self._git.process.returncode != 0:
            message = self._git.last_error() or f"exit status {self._git.process.returncode}"
            raise SourceError(
                f"git rev-list failed: {message}",
                "check the revisions you passed and that the repository is intact",
            )
