"""RS256 JWTs signed locally: GitHub App authentication and Google service-account assertions.

Stage: rotators. Both providers take a short-lived JWT signed with a private key the rotator
holds; the key never leaves memory and never appears in an error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def rs256_jwt(
    claims: Mapping[str, object], private_key_pem: Secret, key_id: str | None = None
) -> Secret:
    """Sign `claims` with an RSA PEM; a key that will not load is a permanent error."""
    try:
        key = serialization.load_pem_private_key(private_key_pem.reveal().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise PermanentError(
            "the private key could not be loaded (not an unencrypted PEM)"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PermanentError("the private key is not an RSA key")
    header: dict[str, object] = {"alg": "RS256", "typ": "JWT"}
    if key_id:
        header["kid"] = key_id
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, dict(claims))
    )
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return Secret(f"{signing_input}.{b64url(signature)}")
