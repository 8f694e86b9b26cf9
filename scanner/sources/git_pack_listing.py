"""Every blob in a repository's object store, in storage order: read from the pack indexes
directly (sources.pack_index_listing), or listed by git where that reader does not apply.

Stage: sources (git). A history scan reads each unique blob once, in pack order: this listing
gives each blob's size, bytes on disk, delta base and (when its pack is the one the table names)
where its entry starts, beside the walk that names the reachable ones.

`git cat-file --batch-all-objects --unordered --batch-check` keeps every object id it listed in
a set: a million-blob history's largest process (269 MB; issue #18). The indexes and entry
headers read here give the same rows with nothing held but the blobs' columns. An alternate
object store, an index other than version 2, a SHA-256 store or an entry the reader cannot parse
goes to git as before (`Unreadable`).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_command import BackgroundGit, git_at
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.pack_index_listing import Blobs, Unreadable, list_blobs
from leakward.scanner.sources.pack_offsets import PACK_HEADER, lone_pack, offsets_hold

_FIELDS = "--batch-check=%(objecttype) %(objectname) %(objectsize) %(objectsize:disk) %(deltabase)"


class _CatFile(BackgroundGit):
    """`git cat-file --batch-all-objects --unordered --batch-check` running in the background.

    git writes to a temporary file rather than a pipe, so it never waits for this process to read
    and its output costs no memory here until `rows` streams it."""

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
                _FIELDS,
            ]
        )

    def rows(self) -> Iterator[tuple[str, int, int, str | None, int]]:
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
        if self._lone is None or not self._width:
            return False
        return offsets_hold(self._lone[0], self._end, self._width, samples)

    @property
    def pack(self) -> str:
        return self._lone[0].stem if self._lone is not None else ""


class PackListing:
    """The store's blobs, read from the packs here when `rows` or `columns` is asked, or by
    `git cat-file` started now where the packs cannot be read here (an alternate store) and
    started late where the reader gives up. Use as a context manager: leaving it ends git if
    the rows were never read."""

    def __init__(self, git_dir: Path) -> None:
        self._git_dir = git_dir
        self._git: _CatFile | None = None
        self._pack = ""
        # A linked worktree's folder names the common one, which holds the objects.
        pointer = git_dir / "commondir"
        if pointer.is_file():
            self._git_dir = git_dir / pointer.read_text().strip()
        self.direct = not (
            (self._git_dir / "objects" / "info" / "alternates").exists()
            or os.environ.get("GIT_OBJECT_DIRECTORY")
            or os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        )
        if not self.direct:
            self._git = _CatFile(git_dir)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._git is not None:
            self._git.__exit__(*exc)

    def columns(self) -> Blobs | None:
        """The blobs as columns when read here (offsets kept for the pack `pack` names, zero for
        the rest), else None: then read `rows`, which git lists."""
        if not self.direct:
            return None
        try:
            blobs, packs = list_blobs(self._git_dir)
        except Unreadable:
            self.direct = False
            self._listed_by_git()
            return None
        if packs:
            # Offsets are kept for one pack, the one holding the most blobs: the table names
            # a single pack (git_blob_table), and a blob elsewhere is found through its index.
            counts = [0] * len(packs)
            for number in blobs.packs:
                if number >= 0:
                    counts[number] += 1
            chosen = max(range(len(packs)), key=counts.__getitem__)
            self._pack = packs[chosen].stem
            if len(packs) > 1 or counts[chosen] != len(blobs):
                offsets = blobs.offsets
                for n, number in enumerate(blobs.packs):
                    if number != chosen:
                        offsets[n] = 0
        blobs.packs = array("i")
        return blobs

    def _listed_by_git(self) -> _CatFile:
        if self._git is None:
            self._git = _CatFile(self._git_dir)
        return self._git

    def rows(self) -> Iterator[tuple[str, int, int, str | None, int]]:
        """(oid, size, bytes on disk, delta base or None, offset) of each blob. The offset is
        where the entry starts in the pack `pack` names, or 0 (see `offsets_hold`)."""
        blobs = self.columns()
        if blobs is None:
            yield from self._listed_by_git().rows()
            return
        width = len(blobs.oids) // len(blobs) if len(blobs) else 20
        empty = bytes(width)
        for n in range(len(blobs)):
            base = blobs.base(n)
            yield (
                blobs.oids[n * width : (n + 1) * width].hex(),
                blobs.sizes[n],
                blobs.stored[n],
                None if base == empty else base.hex(),
                blobs.offsets[n],
            )

    def offsets_hold(self, samples: Sequence[tuple[bytes, int]]) -> bool:
        """Whether the rows' offsets are where their entries start: read from the index here,
        they are; summed from git's sizes, as the pack's index says for `samples` (binary id,
        offset) of them (sources.pack_offsets). Once rows are read."""
        if self._git is None:
            return bool(self._pack)
        return self._git.offsets_hold(samples)

    @property
    def pack(self) -> str:
        """The pack's name (file name without suffix) which known offsets are in."""
        return self._git.pack if self._git is not None else self._pack
