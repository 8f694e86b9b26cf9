"""Rows of a listing's ids found by id in a flat table (scanner.git_oid_rows).

Stage: orchestration. The table replaces a dict from id to row: it must answer as the dict did,
a blob listed twice at its first row, an id not listed as no row, ids that share their first
bytes (or all but one) told apart.
"""

from __future__ import annotations

import hashlib

from leakward.scanner.git_oid_rows import NO_ROW, OidRows


def _ids(count: int, width: int = 20) -> list[bytes]:
    return [hashlib.sha256(b"%d" % n).digest()[:width] for n in range(count)]


def test_every_id_is_found_at_its_first_row_and_others_at_none() -> None:
    ids = _ids(5000)
    # Listed again further on, as a second pack lists a blob: the first row stays its row.
    listing = [*ids, ids[10], ids[4999]]
    rows = OidRows(bytearray(b"".join(listing)), 20)
    assert list(rows.rows(b"".join(ids))) == list(range(5000))
    assert list(rows.first) == [1] * 5000 + [0, 0]
    others = _ids(6000)[5000:]
    assert list(rows.rows(b"".join(others))) == [NO_ROW] * 1000
    assert list(rows.rows(b"".join([ids[7], others[0], ids[4999]]))) == [7, NO_ROW, 4999]


def test_ids_alike_but_for_one_byte_are_told_apart() -> None:
    # The test histories' ids: zeros but for a counter, so most of their bytes are equal.
    ids = [bytes(19) + bytes([n]) for n in range(256)] + [bytes([n]) + bytes(19) for n in (1, 2)]
    rows = OidRows(bytearray(b"".join(ids)), 20)
    assert list(rows.rows(b"".join(ids))) == list(range(len(ids)))
    assert list(rows.rows(bytes(18) + b"\1\0")) == [NO_ROW]


def test_an_absent_id_is_no_row_even_where_an_id_of_zeros_is_listed() -> None:
    zero = bytes(32)
    ids = [zero, *_ids(3, 32)]
    rows = OidRows(bytearray(b"".join(ids)), 32)
    assert list(rows.rows(b"".join([zero, ids[2]]))) == [0, 2]
    assert list(rows.rows(b"".join([zero, ids[2]]), absent=zero)) == [NO_ROW, 2]


def test_an_empty_listing_finds_nothing() -> None:
    rows = OidRows(bytearray(), 20)
    assert list(rows.rows(_ids(1)[0])) == [NO_ROW]
    assert list(rows.rows(b"")) == []
    assert len(rows.first) == 0
