"""Offline checksum validators that rules name in `validator:`.

Stage: data helpers for the matcher. A validator gets the captured secret and says whether its
built-in checksum holds; a token with a wrong checksum is a typo or a fake, never reported as real.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def is_github_token(secret: str) -> bool:
    """GitHub's current tokens end in a base62 CRC32 of their 30-character random part.

    `ghp_` + 30 random + 6 checksum; fine-grained `github_pat_` tokens carry no such checksum.
    """
    _, _, body = secret.partition("_")
    if len(body) != 36:
        return False
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def is_npm_token(secret: str) -> bool:
    """npm granular tokens (`npm_` + 36) use GitHub's format: the last six are a base62 CRC32."""
    body = secret.removeprefix("npm_")
    return len(body) == 36 and base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "github_crc32": is_github_token,
    "npm_crc32": is_npm_token,
}
