"""Validators accept tokens built to their format and reject the same tokens corrupted."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from make_examples import (
    age_secret_key,
    bedrock_short_term_key,
    crc32_token,
    github_stateless_token,
    jfrog_reference_token,
    jwt_token,
    pypi_token,
    sentry_org_token,
)

from leakward.rules.checksums import VALIDATORS, base62


def _flip_last(token: str) -> str:
    """The same token with its last character changed: a checksum must catch this."""
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def test_base62_pads_to_width() -> None:
    assert base62(0, 6) == "000000"
    assert base62(61, 2) == "0z"


@pytest.mark.parametrize("prefix", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
def test_github_crc32(prefix: str) -> None:
    token = crc32_token(prefix)
    assert VALIDATORS["github_crc32"](token)
    assert not VALIDATORS["github_crc32"](_flip_last(token))
    assert not VALIDATORS["github_crc32"](token[:-1])


def test_github_crc32_known_token() -> None:
    # Invented token from rules/github.yaml, checksum computed offline.
    assert VALIDATORS["github_crc32"]("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")
    assert not VALIDATORS["github_crc32"]("ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXX")


def test_npm_crc32() -> None:
    token = crc32_token("npm_")
    assert VALIDATORS["npm_crc32"](token)
    assert not VALIDATORS["npm_crc32"](_flip_last(token))
    assert not VALIDATORS["npm_crc32"]("npm_" + "a" * 36)


def test_pypi_macaroon_accepts_well_formed() -> None:
    assert VALIDATORS["pypi_macaroon"](pypi_token())


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda t: t[:-4], id="truncated-signature"),
        pytest.param(lambda t: t + "AAAA", id="trailing-bytes"),
        pytest.param(lambda t: t[:40], id="header-only"),
        pytest.param(lambda t: "pypi-AgEIcHlwaS5vcmc" + "x" * 60, id="prefix-then-junk"),
        pytest.param(lambda t: t.replace("pypi-AgEI", "pypi-AwEI", 1), id="wrong-version"),
    ],
)
def test_pypi_macaroon_rejects_corrupted(corrupt: Callable[[str], str]) -> None:
    assert not VALIDATORS["pypi_macaroon"](corrupt(pypi_token()))


def test_pypi_macaroon_rejects_other_location() -> None:
    assert not VALIDATORS["pypi_macaroon"](pypi_token(location=b"test.pypi.org"))


def test_jwt() -> None:
    token = jwt_token()
    assert VALIDATORS["jwt"](token)
    header, payload, signature = token.split(".")
    no_alg = base64.urlsafe_b64encode(json.dumps({"typ": "JWT"}).encode()).decode().rstrip("=")
    assert not VALIDATORS["jwt"](f"{no_alg}.{payload}.{signature}")
    assert not VALIDATORS["jwt"](f"{header}.{payload[:-3]}.{signature}")
    assert not VALIDATORS["jwt"](f"{header}.{payload}")
    not_object = base64.urlsafe_b64encode(b"[1, 2]").decode().rstrip("=")
    assert not VALIDATORS["jwt"](f"{header}.{not_object}.{signature}")


def test_base64_json() -> None:
    raw = json.dumps({"o": "1", "n": "stack", "k": "abc"}).encode()
    token = "glc_" + base64.b64encode(raw).decode()
    assert VALIDATORS["base64_json"](token)
    assert not VALIDATORS["base64_json"]("glc_" + base64.b64encode(b"not json").decode())
    assert not VALIDATORS["base64_json"]("glc_%%%")


def test_sentry_org_token() -> None:
    token = sentry_org_token()
    assert VALIDATORS["sentry_org_token"](token)
    assert not VALIDATORS["sentry_org_token"]("sntrys_" + "eyJ" + "q" * 40 + "_" + "a" * 43)


def test_bech32_age_key() -> None:
    key = age_secret_key()
    assert VALIDATORS["bech32"](key)
    assert VALIDATORS["bech32"](key.lower())
    assert not VALIDATORS["bech32"](_flip_last(key))
    assert not VALIDATORS["bech32"]("AGE-SECRET-KEY-1" + "Q" * 58)
    assert not VALIDATORS["bech32"]("no separator here")


def test_github_stateless_installation_token() -> None:
    token = github_stateless_token()
    assert VALIDATORS["github_stateless"](token)
    app_id, jwt = token.removeprefix("ghs_").split("_", 1)
    header, payload, signature = jwt.split(".")
    assert not VALIDATORS["github_stateless"](f"ghs_x{app_id}_{jwt}")  # app id is decimal
    assert not VALIDATORS["github_stateless"](f"ghs_{app_id}_{header}.{payload[:-2]}.{signature}")
    assert not VALIDATORS["github_stateless"](f"ghs_{app_id}{jwt}")  # no separator


def test_bedrock_short_term_key() -> None:
    token = bedrock_short_term_key()
    assert VALIDATORS["bedrock_short_term"](token)
    other_host = base64.b64encode(b"s3.amazonaws.com/?X-Amz-Credential=a&X-Amz-Signature=b")
    assert not VALIDATORS["bedrock_short_term"]("bedrock-api-key-" + other_host.decode())
    unsigned = base64.b64encode(b"bedrock.amazonaws.com/?Action=CallWithBearerToken")
    assert not VALIDATORS["bedrock_short_term"]("bedrock-api-key-" + unsigned.decode())


def test_jfrog_reference_token() -> None:
    token = jfrog_reference_token()
    assert VALIDATORS["jfrog_reference"](token)
    no_expiry = base64.b64encode(b"reftkn:01:never:" + b"a" * 24).decode()
    assert not VALIDATORS["jfrog_reference"](no_expiry)
    assert not VALIDATORS["jfrog_reference"](base64.b64encode(b"reftkn:01:1800000000").decode())


def test_basic_auth_base64() -> None:
    assert VALIDATORS["basic_auth_base64"](base64.b64encode(b"deploy:Vq8-rT2pLm").decode())
    assert not VALIDATORS["basic_auth_base64"](base64.b64encode(b"deployVq8rT2pLm").decode())
    assert not VALIDATORS["basic_auth_base64"](base64.b64encode(b":only-password").decode())
    assert not VALIDATORS["basic_auth_base64"](base64.b64encode(b"user:\x00\x01\x02").decode())


def test_grafana_legacy_api_key() -> None:
    def key(claims: dict[str, object]) -> str:
        return base64.b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode()

    valid = key({"k": "Wq8rT2pLmZ7xK4vN9bC3dF6gH1jS5tYu", "n": "ci-deploy", "id": 1})
    assert valid.startswith("eyJrIjoi")
    assert VALIDATORS["grafana_legacy_key"](valid)
    assert not VALIDATORS["grafana_legacy_key"](key({"k": "Wq8rT2pLmZ7x", "n": "ci"}))
    assert not VALIDATORS["grafana_legacy_key"](key({"k": 7, "n": "ci", "id": 1}))
    assert not VALIDATORS["grafana_legacy_key"](valid[:-6] + "!!!!!!")


@pytest.mark.parametrize("prefix", ["cfut_", "cfat_"])
def test_cloudflare_crc32(prefix: str) -> None:
    import zlib

    body = "Qm7TzK2vR9xW4pL8nB3cF6hJ1dS5gY0uEa7iOq2w"
    token = f"{prefix}{body}{zlib.crc32(body.encode()):08x}"
    assert VALIDATORS["cloudflare_crc32"](token)
    assert not VALIDATORS["cloudflare_crc32"](token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not VALIDATORS["cloudflare_crc32"](f"{prefix}{body}{zlib.crc32(body[1:].encode()):08x}")
    assert not VALIDATORS["cloudflare_crc32"](token[:-2])
