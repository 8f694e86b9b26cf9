"""Trello ATTA tokens: their CRC32 tail is checked, so a bare token needs no name nearby."""

from __future__ import annotations

import secrets
import zlib

from leakward.rules.checksums import VALIDATORS


def _atta_token(hex64: str | None = None) -> str:
    head = "ATTA" + (hex64 or secrets.token_hex(32))
    return head + f"{zlib.crc32(head.encode()):08X}"


def test_atlassian_crc32_accepts_a_token_built_to_the_format() -> None:
    assert VALIDATORS["atlassian_crc32"](_atta_token())


def test_atlassian_crc32_rejects_corrupted_tokens() -> None:
    token = _atta_token()
    flipped_tail = token[:-1] + ("0" if token[-1] != "0" else "1")
    flipped_body = token[:10] + ("a" if token[10] != "a" else "b") + token[11:]
    assert not VALIDATORS["atlassian_crc32"](flipped_tail)
    assert not VALIDATORS["atlassian_crc32"](flipped_body)
    assert not VALIDATORS["atlassian_crc32"](token[:-1])


def test_atlassian_crc32_wants_the_tail_in_upper_case() -> None:
    token = _atta_token("5e0c" * 16)  # its CRC32 has letters, so lower-casing changes it
    assert VALIDATORS["atlassian_crc32"](token)
    assert not VALIDATORS["atlassian_crc32"](token[:-8] + token[-8:].lower())
