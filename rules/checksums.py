"""Offline checksum and structure validators that rules name in `validator:`.

Stage: data helpers for the matcher. A validator gets the captured secret and says whether its
built-in checksum or structure holds; a token that fails is a typo or a fake, never reported as
real. Validators never raise and never log: they see the plaintext secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
# A PyPI token is "pypi-" + base64url(macaroon v2) whose location field says "pypi.org".
_MACAROON_V2 = 2
_FIELD_EOS, _FIELD_LOCATION, _FIELD_IDENTIFIER, _FIELD_VID, _FIELD_SIGNATURE = 0, 1, 2, 4, 6
_MACAROON_SIGNATURE_BYTES = 32


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


# Every two-character base62 string and its value: a 6-character checksum is read in three
# lookups instead of encoding the CRC a digit per loop step (a file of 20,000 GitHub tokens
# checks each; the loop was a tenth of the cost of a finding under callgrind).
_PAIRS = {a + b: i * 62 + j for i, a in enumerate(_BASE62) for j, b in enumerate(_BASE62)}


def _ends_in_crc32(body: str) -> bool:
    """Whether a 36-character body ends in the base62 CRC32 of its first 30 characters.

    The same answer as comparing `base62(crc, 6)` with the last six: base62 gives each value
    below 62**6 (a CRC32 is) exactly one six-digit string."""
    high, middle, low = _PAIRS.get(body[30:32]), _PAIRS.get(body[32:34]), _PAIRS.get(body[34:36])
    if high is None or middle is None or low is None:
        return False
    return (high * 3844 + middle) * 3844 + low == zlib.crc32(body[:30].encode())


def is_github_token(secret: str) -> bool:
    """GitHub's current tokens end in a base62 CRC32 of their 30-character random part.

    `ghp_` + 30 random + 6 checksum; fine-grained `github_pat_` tokens carry no such checksum.
    """
    _, _, body = secret.partition("_")
    return len(body) == 36 and _ends_in_crc32(body)


def is_npm_token(secret: str) -> bool:
    """npm granular tokens (`npm_` + 36) use GitHub's format: the last six are a base62 CRC32."""
    body = secret.removeprefix("npm_")
    return len(body) == 36 and _ends_in_crc32(body)


def decode_base64_loose(text: str) -> bytes | None:
    """Standard or URL-safe base64, padding optional; None when it is not base64 at all."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        return None


def _read_varint(data: bytes, pos: int) -> tuple[int, int] | None:
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None


def _read_field(data: bytes, pos: int) -> tuple[int, bytes, int] | None:
    """One macaroon v2 field: (type, payload, next position); EOS has an empty payload."""
    head = _read_varint(data, pos)
    if head is None:
        return None
    kind, pos = head
    if kind == _FIELD_EOS:
        return kind, b"", pos
    size = _read_varint(data, pos)
    if size is None or size[1] + size[0] > len(data):
        return None
    length, pos = size
    return kind, data[pos : pos + length], pos + length


def _parse_section(data: bytes, pos: int) -> tuple[dict[int, bytes], int] | None:
    """Fields up to and including the EOS that closes a section; fields must ascend by type."""
    fields: dict[int, bytes] = {}
    last = 0
    while True:
        field = _read_field(data, pos)
        if field is None:
            return None
        kind, payload, pos = field
        if kind == _FIELD_EOS:
            return fields, pos
        if kind <= last:
            return None
        fields[kind], last = payload, kind


def is_pypi_macaroon(secret: str) -> bool:
    """A PyPI API token: a well-formed macaroon v2 for location "pypi.org" with a 32-byte MAC.

    Checking the whole binary layout (header, caveats, signature) rules out any string that only
    copied the famous `pypi-AgEIcHlwaS5vcmc` prefix.
    """
    data = decode_base64_loose(secret.removeprefix("pypi-"))
    if not data or data[0] != _MACAROON_V2:
        return False
    header = _parse_section(data, 1)
    if header is None:
        return False
    fields, pos = header
    if fields.get(_FIELD_LOCATION) != b"pypi.org" or not fields.get(_FIELD_IDENTIFIER):
        return False
    while True:  # caveats, each a section; an empty section ends the list
        caveat = _parse_section(data, pos)
        if caveat is None:
            return False
        fields, pos = caveat
        if not fields:
            break
        if _FIELD_IDENTIFIER not in fields:
            return False
    signature = _read_field(data, pos)
    if signature is None:
        return False
    kind, payload, pos = signature
    return (
        kind == _FIELD_SIGNATURE and len(payload) == _MACAROON_SIGNATURE_BYTES and pos == len(data)
    )


def _json_object(data: bytes | None) -> dict[str, object] | None:
    if data is None:
        return None
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def is_jwt(secret: str) -> bool:
    """Header and payload base64url-decode to JSON objects and the header names an `alg`."""
    parts = secret.split(".")
    if len(parts) != 3:
        return False
    header = _json_object(decode_base64_loose(parts[0]))
    payload = _json_object(decode_base64_loose(parts[1]))
    return header is not None and payload is not None and "alg" in header


def is_base64_json_token(secret: str) -> bool:
    """`prefix_` + base64 of a JSON object (Grafana Cloud `glc_`, 1Password `ops_`)."""
    _, _, body = secret.partition("_")
    return _json_object(decode_base64_loose(body)) is not None


def is_cloudflare_scannable_token(secret: str) -> bool:
    """Cloudflare `cfut_`/`cfat_` tokens: 40 alphanumerics, then their CRC32 as 8 lowercase hex.

    Cloudflare documents a checksum without its construction; CRC32 of the 40 characters is what
    every public token we could find carries (three, of two types), so a random 8-hex tail fails.
    """
    _, _, rest = secret.partition("_")
    body, checksum = rest[:40], rest[40:]
    return len(body) == 40 and checksum == f"{zlib.crc32(body.encode()):08x}"


def is_atlassian_crc32_token(secret: str) -> bool:
    """Atlassian-issued tokens (Trello `ATTA…`, Atlassian `ATATT3…`): the last 8 characters are
    the CRC32 of everything before them, as upper-case hex.

    Atlassian documents no checksum; every public token we could find carries this one (eight
    Trello tokens in request URLs, two Atlassian API tokens), so a random tail fails.
    """
    head, checksum = secret[:-8], secret[-8:]
    return bool(head) and checksum == f"{zlib.crc32(head.encode()):08X}"


def is_grafana_legacy_api_key(secret: str) -> bool:
    """Grafana's legacy API key (`eyJrIjoi…`): base64 of `{"k": key, "n": name, "id": org}`."""
    payload = _json_object(decode_base64_loose(secret))
    return (
        payload is not None
        and isinstance(payload.get("k"), str)
        and isinstance(payload.get("n"), str)
        and isinstance(payload.get("id"), int)
    )


def is_sentry_org_token(secret: str) -> bool:
    """`sntrys_` + base64 JSON naming the Sentry URL and org + `_` + the random secret part."""
    body = secret.removeprefix("sntrys_")
    claims, _, _ = body.rpartition("_")
    payload = _json_object(decode_base64_loose(claims))
    return payload is not None and "iat" in payload


def is_github_stateless_installation_token(secret: str) -> bool:
    """GitHub App installation token in the stateless format: `ghs_` + app id + `_` + a JWT.

    GitHub signs the JWT internally, so only its shape can be checked: decimal app id, and a
    header and payload that decode to JSON objects with the header naming its `alg`.
    """
    body = secret.removeprefix("ghs_")
    app_id, sep, jwt = body.partition("_")
    return bool(sep) and app_id.isdigit() and is_jwt(jwt)


def is_bedrock_short_term_key(secret: str) -> bool:
    """Amazon Bedrock short-term API key: `bedrock-api-key-` + base64 of a SigV4-presigned URL
    for `bedrock.amazonaws.com` (what aws-bedrock-token-generator returns)."""
    url = decode_base64_loose(secret.removeprefix("bedrock-api-key-"))
    return (
        url is not None
        and url.startswith(b"bedrock.amazonaws.com/?")
        and b"X-Amz-Signature=" in url
        and b"X-Amz-Credential=" in url
    )


def is_jfrog_reference_token(secret: str) -> bool:
    """JFrog reference token: base64 of `reftkn:<version>:<expiry>:<random>`, all four present."""
    decoded = decode_base64_loose(secret)
    if decoded is None:
        return False
    parts = decoded.split(b":")
    return (
        len(parts) == 4
        and parts[0] == b"reftkn"
        and parts[1].isdigit()
        and parts[2].isdigit()
        and len(parts[3]) >= 16
    )


def is_basic_auth_base64(secret: str) -> bool:
    """base64 of `user:password` (.npmrc `_auth`, docker `auth`): printable, one side each."""
    decoded = decode_base64_loose(secret)
    if decoded is None or not decoded.isascii():
        return False
    user, sep, password = decoded.decode("ascii").partition(":")
    return bool(sep and user and password) and (user + password).isprintable()


def _bech32_polymod(values: list[int]) -> int:
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for bit, generator in enumerate(_BECH32_GENERATOR):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum


def bech32_checksum(hrp: str, data: list[int]) -> list[int]:
    """The six checksum characters (as 5-bit values) BIP-173 appends to `data`."""
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    return [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]


def is_bech32(secret: str) -> bool:
    """A bech32 string (BIP-173), as age secret keys `AGE-SECRET-KEY-1…` are."""
    text = secret.lower()
    hrp, sep, rest = text.rpartition("1")
    if not sep or not hrp or len(rest) < 6 or any(c not in _BECH32 for c in rest):
        return False
    values = [_BECH32.index(c) for c in rest]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _bech32_polymod(expanded + values) == 1


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "github_crc32": is_github_token,
    "npm_crc32": is_npm_token,
    "pypi_macaroon": is_pypi_macaroon,
    "jwt": is_jwt,
    "base64_json": is_base64_json_token,
    "sentry_org_token": is_sentry_org_token,
    "bech32": is_bech32,
    "github_stateless": is_github_stateless_installation_token,
    "bedrock_short_term": is_bedrock_short_term_key,
    "jfrog_reference": is_jfrog_reference_token,
    "basic_auth_base64": is_basic_auth_base64,
    "grafana_legacy_key": is_grafana_legacy_api_key,
    "cloudflare_crc32": is_cloudflare_scannable_token,
    "atlassian_crc32": is_atlassian_crc32_token,
}

# Validators that recompute a checksum the provider documents. A token failing one has the
# provider's exact shape but not its arithmetic: a generated example or a typo, which the low
# confidence tier still reports. The others check structure (a JWT's JSON header, a macaroon):
# a failure there says the text is something else altogether.
CHECKSUMS = frozenset(
    {"github_crc32", "npm_crc32", "cloudflare_crc32", "atlassian_crc32", "bech32"}
)
