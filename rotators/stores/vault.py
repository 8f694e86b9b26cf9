"""HashiCorp Vault (or OpenBao) KV version 2 as a destination store, with check-and-set writes.

Stage: rotators (delivery). A consumer names one field of a KV secret (`vault:MOUNT/PATH#FIELD`).
The write reads the current version, replaces only that field, and writes back with
`cas=<version read>`, so a concurrent writer's change to the secret's other fields is never lost:
on a cas mismatch we read again and retry. Writing a value the field already holds is a no-op,
which makes repeats free. Vault keeps old versions (`max_versions`), the rollback point.
Reference: developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2; hvac secrets.kv.v2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import hvac  # type: ignore[import-untyped]
import requests
from hvac import exceptions as vault_errors

from leakward.core.secret import Secret
from leakward.registry.consumers import VaultSecret, consumer_from
from leakward.rotators.base import PermanentError, TransientError

_CAS_ROUNDS = 5


class KvV2(Protocol):
    """The part of hvac's `client.secrets.kv.v2` this store uses."""

    def read_secret_version(self, path: str, **kwargs: Any) -> Any: ...

    def create_or_update_secret(self, path: str, secret: dict[str, Any], **kwargs: Any) -> Any: ...


class VaultKvStore:
    kind: ClassVar[str] = "vault"

    def __init__(self, kv: KvV2) -> None:
        self.kv = kv

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> VaultKvStore:
        """Vault at $VAULT_ADDR with $VAULT_TOKEN (and $VAULT_NAMESPACE if set)."""
        client = hvac.Client(
            url=environ.get("VAULT_ADDR", "http://127.0.0.1:8200"),
            token=environ.get("VAULT_TOKEN"),
            namespace=environ.get("VAULT_NAMESPACE"),
            timeout=10,
        )
        return cls(client.secrets.kv.v2)

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        target = _target(locator)
        what = f"Vault secret {target.mount}/{target.path}"
        for _ in range(_CAS_ROUNDS):
            version, data = self._read(target, what)
            if data.get(target.field) == value.reveal():
                return  # already written (a repeat after a crash or a retry)
            try:
                self.kv.create_or_update_secret(
                    path=target.path,
                    secret={**data, target.field: value.reveal()},
                    cas=version,
                    mount_point=target.mount,
                )
                return
            except vault_errors.InvalidRequest as error:
                if "check-and-set" not in str(error):
                    raise PermanentError(f"{what}: Vault refused the write") from None
                continue  # someone wrote in between: read again
            except Exception as error:
                raise _translate(error, what) from None
        raise TransientError(f"{what}: kept changing under concurrent writers")

    def promote(self, locator: str, idempotency_token: str) -> None:
        return  # the cas write made the new version current

    def _read(self, target: VaultSecret, what: str) -> tuple[int, dict[str, Any]]:
        try:
            answer = self.kv.read_secret_version(
                path=target.path, mount_point=target.mount, raise_on_deleted_version=False
            )
        except vault_errors.InvalidPath:
            return 0, {}  # no secret yet: cas=0 creates it only if still absent
        except Exception as error:
            raise _translate(error, what) from None
        body = answer["data"]
        return int(body["metadata"]["version"]), dict(body.get("data") or {})


def _target(locator: str) -> VaultSecret:
    consumer = consumer_from("vault", locator)
    if not isinstance(consumer, VaultSecret):
        raise PermanentError(f"not a Vault locator: {locator}")
    return consumer


def _translate(error: Exception, what: str) -> Exception:
    """hvac's and requests' errors as ours; the message never repeats Vault's body."""
    if isinstance(error, vault_errors.RateLimitExceeded | vault_errors.InternalServerError):
        return TransientError(f"{what}: Vault answered {type(error).__name__}")
    if isinstance(error, vault_errors.VaultDown | vault_errors.BadGateway):
        return TransientError(f"{what}: Vault is unavailable")
    if isinstance(error, requests.RequestException):
        return TransientError(f"{what}: {type(error).__name__}")
    if isinstance(error, vault_errors.Forbidden | vault_errors.Unauthorized):
        return PermanentError(f"{what}: the Vault token may not write here; check its policy")
    if isinstance(error, vault_errors.VaultError):
        return PermanentError(f"{what}: Vault answered {type(error).__name__}")
    return error
