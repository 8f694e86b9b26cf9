"""Invented tokens with valid checksums, built at import so no literal looks like a leak."""

from __future__ import annotations

import random
import string
import zlib

from leakward.rules.checksums import base62


def github_token(prefix: str, body: str) -> str:
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


GITHUB_PAT = github_token("ghp_", "u8jzPde0IgxLd6GncfBAepfJBd0Kh8")


def random_body(seed: int, size: int = 30) -> str:
    """A reproducible random alphanumeric body, as providers generate them."""
    chooser = random.Random(seed)
    return "".join(chooser.choice(string.ascii_letters + string.digits) for _ in range(size))
