"""The hex decoder finds printable pairs itself from the engines' first run of hex digits."""

from __future__ import annotations

import re

import pytest

from leakward.scanner import hex_runs
from leakward.scanner.hex_runs import decode_hex
from leakward.scanner.triggers import TRIGGERS

HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
TEXT = b"token = 'not a real value at all'".hex()


def _first_anchor(data: bytes) -> list[int]:
    """Where the engines' hex trigger first matches, as Hyperscan reports it single-match."""
    first = re.search(TRIGGERS["hex"].encode(), data)
    return [first.end()] if first else []


def _spans(data: bytes, floor: int = 0) -> list[tuple[int, int, bytes]]:
    return [(d.start, d.end, d.data) for d in decode_hex(data, _first_anchor(data), floor)]


@pytest.fixture(params=["hyperscan", "re"])
def finder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "re":
        monkeypatch.setattr(hex_runs, "_pairs_database", lambda: None)
    return str(request.param)


def test_text_after_a_hash_is_found_from_the_first_run(finder: str) -> None:
    data = f"sha = {HASH}\nblob = {TEXT}\nagain = {TEXT}\n".encode()
    spans = _spans(data)
    assert [span[2] for span in spans] == [b"token = 'not a real value at all'"] * 2
    assert data[spans[0][0] : spans[0][1]] == TEXT.encode()


def test_a_run_of_hex_digits_that_spells_no_text_decodes_to_nothing(finder: str) -> None:
    assert _spans(f"a = {HASH} b = {HASH.upper()}".encode()) == []


def test_pairs_that_end_at_or_before_the_floor_are_left_to_the_parent(finder: str) -> None:
    data = f"{TEXT} {TEXT}".encode()
    assert len(_spans(data)) == 2
    assert len(_spans(data, floor=len(TEXT))) == 1
