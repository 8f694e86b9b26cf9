"""Every blob in a repository's object store, in storage order, listed by git in the background.

Stage: sources (git). A history scan reads each unique blob once, in pack order: this listing
gives each blob's size, bytes on disk, delta base and (when the store is one pack) where its
entry starts, beside the walk that names the reachable ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from leakward.core.errors import SourceError
from leakward.scanner.sources.git_command import BackgroundGit, git_at
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.pack_offsets import PACK_HEADER, lone_pack, offsets_hold


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
