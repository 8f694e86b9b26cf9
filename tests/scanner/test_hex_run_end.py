"""A run of hex digits is measured in C: its end is where `re` ends it, on either path."""

from __future__ import annotations

import binascii
import re

import pytest

from leakward.scanner import hex_runs

_HEX_RUN = re.compile(rb"[0-9A-Fa-f]+")


@pytest.fixture(params=["hyperscan", "re"])
def finder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "re":
        monkeypatch.setattr(hex_runs, "_run_end_database", lambda: None)
    return str(request.param)


@pytest.mark.parametrize("length", [0, 1, 24, 4095, 4096, 4097, 20000])
@pytest.mark.parametrize("after", [b"", b" ", b"g", b"\n41"])
def test_a_run_ends_where_re_ends_it(finder: str, length: int, after: bytes) -> None:
    data = b"x = " + (b"4a" * length)[:length] + after + b"4142" * 10
    for start in (4, 5, 4 + length // 2):
        expected = _HEX_RUN.match(data, start)
        assert hex_runs._run_end(data, start) == (expected.end() if expected else start)


def test_a_long_hex_run_is_read_past_re_in_one_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The work bound: `re` reads only the head of a long run (`_SHORT_RUN` bytes), however long
    the run is; the rest is one Hyperscan scan."""
    read: list[int] = []
    original: re.Pattern[bytes] = hex_runs._HEX_RUN

    class Counting:
        def match(self, data: bytes, pos: int = 0, endpos: int = 2**62) -> re.Match[bytes] | None:
            found = original.match(data, pos, endpos)
            read.append((found.end() if found else pos) - pos)
            return found

    monkeypatch.setattr(hex_runs, "_HEX_RUN", Counting())
    data = b"4142434445464748" * 100_000
    spans = list(hex_runs.decode_hex(data, [24]))
    assert [(span.start, span.end) for span in spans] == [(0, len(data))]
    assert spans[0].data == b"ABCDEFGH" * 100_000
    if hex_runs._run_end_database() is not None:
        assert sum(read) <= hex_runs._SHORT_RUN


@pytest.mark.parametrize(
    "length", [1, 24, 4095, 4096, 4098, 4097 + 65535, 4096 + 65536, 4098 + 65536, 200_001]
)
@pytest.mark.parametrize("after", [b"", b"g", b"\n41", b"4"])
def test_a_run_decoded_block_by_block_ends_and_reads_as_re_and_unhexlify_say(
    finder: str, length: int, after: bytes
) -> None:
    """A long run is decoded a block at a time and its end found in the block that fails to
    decode: the same end as `re`'s, the same bytes as decoding the whole run at once."""
    data = b"x = " + (b"4a6B" * length)[:length] + after + b" tail"
    expected = _HEX_RUN.match(data, 4)
    assert expected is not None
    digits = expected.group()
    end, decoded = hex_runs._decoded_run(data, 4)
    assert end == expected.end()
    assert decoded == binascii.unhexlify(digits[: len(digits) - len(digits) % 2])
