"""GitHub credential material made locally: App JWTs and deploy-key pairs.

Stage: rotators. A GitHub App authenticates as itself with a short RS256 JWT signed by its
private key (iss = App id, at most 10 minutes long); installation tokens are minted with it.
Deploy keys are SSH key pairs generated here: only the public half is sent to GitHub. A deploy
key's liveness is read from its repository's key list, so the public half of a leaked private key
is derived here too.
"""

from __future__ import annotations

import time

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from leakward.core.secret import Secret
from leakward.rotators.providers.jwt_signing import rs256_jwt

# GitHub rejects an App JWT whose lifetime exceeds 10 minutes; back-date iat for clock drift.
_JWT_BACKDATE = 60
_JWT_LIFETIME = 540


def app_jwt(app_id: str, private_key_pem: Secret, now: float | None = None) -> Secret:
    """An RS256 JWT for `app_id`; the PEM never appears in an error."""
    issued = int(now if now is not None else time.time()) - _JWT_BACKDATE
    claims = {"iat": issued, "exp": issued + _JWT_LIFETIME, "iss": app_id}
    return rs256_jwt(claims, private_key_pem)


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


def deploy_public_key(private_key: Secret) -> str | None:
    """The OpenSSH public line ("ssh-ed25519 AAAA…", no comment) of a private key in OpenSSH or
    PEM form; None when it cannot be read (encrypted, truncated, not a key SSH can use)."""
    data = private_key.reveal().strip().encode()
    try:
        key = (
            serialization.load_ssh_private_key(data, password=None)
            if b"BEGIN OPENSSH PRIVATE KEY" in data
            else serialization.load_pem_private_key(data, password=None)
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # TypeError: the key is encrypted and no passphrase was given.
        return None
    return " ".join(public.decode().split()[:2])
