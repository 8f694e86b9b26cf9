"""Where each blob's entry starts in the pack, from the object listing's on-disk sizes.

Stage: sources (git). A history scan lists the object store with `git cat-file
--batch-all-objects --unordered`, which walks a pack front to back and gives each entry's size
on disk. When the store is one pack (and maybe loose objects), the entries lie end to end after the
pack's header, so each one starts where the sizes before it add up to, and a worker reads a blob
there with no search of the pack's index: those searches cost rails' history about 2.3 s of CPU
(issue #18). Anything else (a loose object, a second pack, alternates, a listing in another
order) leaves the offsets unknown, and the index is searched as before. Loose objects, which
git lists first, are counted and passed over (symfony's clone has one).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from leakward.scanner.sources.git_pack import index_offsets

# A pack starts with "PACK", its version and its entry count; it ends with a checksum of the
# rest, as long as an object id.
PACK_HEADER = 12


def lone_pack(git_dir: Path) -> tuple[Path, int] | None:
    """The object store's only pack and how many loose objects are beside it, when it holds
    nothing else: no second pack, no alternate store. git lists loose objects first, then the
    pack; a loose object also in the pack is listed once, which the sizes then show."""
    objects = git_dir / "objects"
    if (objects / "info" / "alternates").exists():
        return None
    loose = 0
    try:
        packs = list((objects / "pack").glob("*.pack"))
        if len(packs) != 1:
            return None
        with os.scandir(objects) as entries:
            for entry in entries:
                # Loose objects live in folders named by their id's first two hex digits.
                if len(entry.name) == 2 and entry.is_dir():
                    with os.scandir(entry.path) as names:
                        loose += sum(1 for name in names if not name.name.startswith("tmp"))
    except OSError:
        return None
    return packs[0], loose


def offsets_hold(pack: Path, end: int, width: int, samples: Sequence[tuple[bytes, int]]) -> bool:
    """Whether entries summed to `end` bytes from the pack's header fill `pack` up to its
    checksum, and each sampled (binary id, offset) is where the pack's index puts that id:
    together, the listing named every entry in the pack's own order."""
    try:
        if end + width != pack.stat().st_size:
            return False
        found = index_offsets(pack, [oid for oid, _ in samples])
    except (OSError, ValueError):
        return False
    return found == [at for _, at in samples]
