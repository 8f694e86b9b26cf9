"""Invents checksum-valid tokens for rule examples (`python tests/rules/make_examples.py ghp_`).

Stage: test data. Every value is random, never a real or revoked key; the checksum or structure
is computed with `leakward.rules.checksums` so the matcher's validators accept it.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import sys
import zlib

from leakward.rules.checksums import _BECH32, base62, bech32_checksum
from tests.sources.builders import uleb128

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def random_text(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def crc32_token(prefix: str) -> str:
    """`prefix` + 30 random base62 + base62 CRC32: GitHub `ghX_` and npm `npm_` tokens."""
    body = random_text(ALNUM, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


def _field(kind: int, payload: bytes) -> bytes:
    return uleb128(kind) + uleb128(len(payload)) + payload


def pypi_token(location: bytes = b"pypi.org") -> str:
    """A macaroon v2 shaped like PyPI's: location, identifier, one JSON caveat, 32-byte MAC."""
    identifier = secrets.token_hex(16).encode()
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    body = (
        b"\x02"
        + _field(1, location)
        + _field(2, identifier)
        + b"\x00"
        + _field(2, caveat)
        + b"\x00"
        + b"\x00"
        + _field(6, secrets.token_bytes(32))
    )
    return "pypi-" + base64.urlsafe_b64encode(body).decode().rstrip("=")


def _b64url_json(value: dict[str, object]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt_token() -> str:
    header = _b64url_json({"alg": "HS256", "typ": "JWT"})
    payload = _b64url_json({"sub": random_text(HEX, 12), "iat": 1700000000 + secrets.randbelow(9)})
    signature = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return f"{header}.{payload}.{signature}"


def base64_json_token(prefix: str, value: dict[str, object]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return prefix + base64.b64encode(raw).decode()


def sentry_org_token() -> str:
    claims = {"iat": 1700000000.5, "url": "https://sentry.io", "org": random_text(HEX, 8)}
    encoded = base64.b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"sntrys_{encoded}_{random_text(ALNUM, 43)}"


def github_stateless_token() -> str:
    """`ghs_` + app id + `_` + a JWT with GitHub-like claims and an RS256-sized signature."""
    header = _b64url_json({"alg": "RS256", "typ": "JWT"})
    claims = {
        "iss": str(100000 + secrets.randbelow(900000)),
        "installation_id": 10000000 + secrets.randbelow(90000000),
        "exp": 1800000000 + secrets.randbelow(9999),
        "jti": random_text(ALNUM, 22),
    }
    signature = base64.urlsafe_b64encode(secrets.token_bytes(256)).decode().rstrip("=")
    return f"ghs_{claims['iss']}_{header}.{_b64url_json(claims)}.{signature}"


def bedrock_short_term_key() -> str:
    """`bedrock-api-key-` + base64 of a presigned URL shaped like the token generator's."""
    key_id = "ASIA" + random_text(string.ascii_uppercase + "234567", 16)
    url = (
        "bedrock.amazonaws.com/?Action=CallWithBearerToken"
        f"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={key_id}%2F20261206%2Fus-east-1"
        "%2Fbedrock%2Faws4_request&X-Amz-Date=20261206T050000Z&X-Amz-Expires=43200"
        f"&X-Amz-Security-Token={random_text(ALNUM, 120)}"
        f"&X-Amz-SignedHeaders=host&X-Amz-Signature={random_text(HEX, 64)}&Version=1"
    )
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


def jfrog_reference_token() -> str:
    """base64 of `reftkn:01:<expiry>:<random>`, 64 characters like JFrog's reference tokens."""
    while True:
        raw = f"reftkn:01:{1800000000 + secrets.randbelow(10**8)}:{random_text(ALNUM, 27)}"
        token = base64.b64encode(raw.encode()).decode()
        if token.isalnum():
            return token


def age_secret_key() -> str:
    data = [secrets.randbelow(32) for _ in range(52)]
    hrp = "age-secret-key-"
    chars = data + bech32_checksum(hrp, data)
    return (hrp + "1" + "".join(_BECH32[v] for v in chars)).upper()


MAKERS = {
    "ghp_": lambda: crc32_token("ghp_"),
    "gho_": lambda: crc32_token("gho_"),
    "ghu_": lambda: crc32_token("ghu_"),
    "ghs_": lambda: crc32_token("ghs_"),
    "ghr_": lambda: crc32_token("ghr_"),
    "npm_": lambda: crc32_token("npm_"),
    "pypi": pypi_token,
    "jwt": jwt_token,
    "sentry": sentry_org_token,
    "age": age_secret_key,
    "ghs_jwt": github_stateless_token,
    "bedrock": bedrock_short_term_key,
    "jfrog": jfrog_reference_token,
}


if __name__ == "__main__":
    for kind in sys.argv[1:] or sorted(MAKERS):
        sys.stdout.write(f"{kind}\t{MAKERS[kind]()}\n")
