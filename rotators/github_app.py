"""GitHub credential material made locally: App JWTs and deploy-key pairs.

Stage: rotators. A GitHub App authenticates as itself with a short RS256 JWT signed by its
private key (iss = App id, at most 10 minutes long); installation tokens are minted with it.
Deploy keys are SSH key pairs generated here: only the public half is sent to GitHub.
"""

from __future__ import annotations

import base64
import json
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from leakward.secret import Secret
from rotators.base import PermanentError

# GitHub rejects an App JWT whose lifetime exceeds 10 minutes; back-date iat for clock drift.
_JWT_BACKDATE = 60
_JWT_LIFETIME = 540


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def app_jwt(app_id: str, private_key_pem: Secret, now: float | None = None) -> Secret:
    """An RS256 JWT for `app_id`; the PEM never appears in an error."""
    try:
        key = serialization.load_pem_private_key(private_key_pem.reveal().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise PermanentError("GitHub App private key could not be loaded (not an RSA PEM)") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PermanentError("GitHub App private key is not an RSA key")
    issued = int(now if now is not None else time.time()) - _JWT_BACKDATE
    header = {"alg": "RS256", "typ": "JWT"}
    claims = {"iat": issued, "exp": issued + _JWT_LIFETIME, "iss": app_id}
    signing_input = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
    )
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return Secret(f"{signing_input}.{_b64url(signature)}")


def deploy_keypair(comment: str) -> tuple[Secret, str]:
    """A new Ed25519 pair: the private key (OpenSSH PEM) and the public line to upload."""
    private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return Secret(private_pem), f"{public.decode()} {comment}"
