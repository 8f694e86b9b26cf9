"""Rows of a column of binary object ids, found by id, in one flat array.

Stage: orchestration. A history scan looks up each blob the walk names among the listing's rows.
A dict from id to row held a bytes object, an int and an entry per blob: about 180 MiB of a
million-blob history's 350 MiB peak. Here the rows are slots of an open-addressing table in an
`array('i')` (8 bytes a blob at most half full), keyed by Python's own hash of the id, salted
per process as a dict's is, so no repository can line its ids up in one probe run; a slot's id
is the listing's own, compared where it lies.
"""

from __future__ import annotations

from array import array

# No row: an empty slot, or an id that is not listed.
NO_ROW = -1
# Ids hashed per slice of the column: a copy of the whole column as bytes (a slice of a
# bytearray cannot be hashed) cost 20 MB at a million blobs.
_ROWS_AT_ONCE = 65_536


class OidRows:
    """The rows of `oids` (ids of `width` bytes one after another), each id at its first row.
    `first[n]` says whether row n is its id's first (a blob listed again, from a second pack,
    is not). `oids` must not change while this is used."""

    def __init__(self, oids: bytearray, width: int) -> None:
        self._oids, self._width = oids, width
        count = len(oids) // width
        # At most half full: a lookup then probes about 1.5 slots, 2.5 for an id not listed.
        self._mask = (1 << max(4, (2 * count).bit_length())) - 1
        self._slots = array("i", [NO_ROW]) * (self._mask + 1)
        self.first = bytearray(count)
        for start in range(0, count, _ROWS_AT_ONCE):
            self._insert(start, min(count, start + _ROWS_AT_ONCE))

    def _insert(self, start: int, end: int) -> None:
        oids, width, slots, mask = self._oids, self._width, self._slots, self._mask
        first = self.first
        ids = bytes(oids[start * width : end * width])
        for n, at in zip(range(start, end), range(0, len(ids), width), strict=True):
            oid = ids[at : at + width]
            slot = hash(oid) & mask
            while (row := slots[slot]) != NO_ROW:
                if oids.startswith(oid, row * width):
                    break  # listed before: the first row stays
                slot = (slot + 1) & mask
            else:
                slots[slot] = n
                first[n] = 1

    def rows(self, ids: bytes, absent: bytes = b"") -> array[int]:
        """The first row of each id of `ids` (ids one after another), NO_ROW where not listed
        or where the id is `absent` (zero bytes standing for no id). One call per batch: a
        call per id cost as much as its lookup."""
        oids, width, slots, mask = self._oids, self._width, self._slots, self._mask
        found = array("i")
        for at in range(0, len(ids), width):
            oid = ids[at : at + width]
            if oid == absent:
                found.append(NO_ROW)
                continue
            slot = hash(oid) & mask
            while (row := slots[slot]) != NO_ROW:
                if oids.startswith(oid, row * width):
                    break
                slot = (slot + 1) & mask
            found.append(row)
        return found
