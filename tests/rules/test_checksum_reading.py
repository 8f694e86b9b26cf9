"""GitHub and npm checksums read from the token answer as encoding the CRC did (#16)."""

from __future__ import annotations

import zlib

from hypothesis import example, given, settings
from hypothesis import strategies as st

from leakward.rules.checksums import base62, is_github_token, is_npm_token

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def encoded(body: str) -> bool:
    """The check as it was written first: the CRC encoded, compared with the last six."""
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def _signed(body: str) -> str:
    return body + base62(zlib.crc32(body.encode()), 6)


BODIES = st.text(alphabet=st.sampled_from(BASE62 + "_-é"), min_size=30, max_size=30)


@settings(max_examples=300, deadline=None)
@given(body=BODIES, tail=st.text(alphabet=st.sampled_from(BASE62 + "-é"), max_size=7))
@example(body="a" * 30, tail="000000")
@example(body="Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0g", tail="zzzzzz")
def test_reading_the_checksum_answers_as_encoding_it(body: str, tail: str) -> None:
    assert is_github_token(f"ghp_{body}{tail}") is (len(tail) == 6 and encoded(body + tail))
    assert is_npm_token(f"npm_{body}{tail}") is (len(tail) == 6 and encoded(body + tail))


@settings(max_examples=200, deadline=None)
@given(body=BODIES)
def test_a_signed_body_passes_and_a_changed_digit_fails(body: str) -> None:
    token = _signed(body)
    changed = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert is_github_token("ghp_" + token)
    assert is_npm_token("npm_" + token)
    assert not is_github_token("ghp_" + changed)
