"""GCP service-account keys: verify by a token exchange, disable (contain), delete, create.

Stage: rotators. A leaked key file is verified by signing a JWT assertion with it and asking the
OAuth token endpoint for an access token (`invalid_grant` means the key is deleted or disabled).
`disable` is reversible, so contain uses it; revoke disables then deletes. A new key's
`privateKeyData` (a base64 key file) is returned once. Service accounts cap user-managed keys
(commonly 10), so reissue frees a disabled key other than the leaked one when full.

`KeyRef.account` is "projects/P/serviceAccounts/EMAIL", `key_id` the key id (private_key_id).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Self
from urllib.parse import quote

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.environment import http_client, secret_from
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.google import TokenSource
from leakward.rotators.providers.http import call, expect, field, json_object, objects, probe
from leakward.rotators.providers.jwt_signing import rs256_jwt
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import default_url, url_for

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_GCP = FACTS["gcp"]
IAM_URL = FACTS_GCP.base_url
OAUTH_EXCHANGE_URL = default_url("gcp.token")
_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


class GcpServiceAccountKeyRotator:
    provider: ClassVar[str] = "gcp"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.Client,
        *,
        token_source: TokenSource | None = None,
        iam_url: str = IAM_URL,
        token_url: str = OAUTH_EXCHANGE_URL,
    ) -> None:
        self._client = client
        self._token_source = token_source
        self._iam = iam_url.rstrip("/")
        self._token_url = token_url
        # The account's key ids before the first create with each issue token (memory only).
        self._before: dict[str, set[str]] = {}

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """GOOGLE_OAUTH_ACCESS_TOKEN, LEAKWARD_API_GCP (IAM API), LEAKWARD_API_GCP__TOKEN."""
        token = secret_from(environ, "GOOGLE_OAUTH_ACCESS_TOKEN")
        return cls(
            http_client(),
            token_source=(lambda: token) if token is not None else None,
            iam_url=url_for(environ, "gcp"),
            token_url=url_for(environ, "gcp.token"),
        )

    def _admin(self) -> dict[str, str]:
        if self._token_source is None:
            raise PermanentError("GCP: no OAuth token source configured; set one in settings")
        return {"Authorization": f"Bearer {self._token_source().reveal()}"}

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        """`secret` is the whole JSON key file (the private key alone names no account)."""
        try:
            info = json.loads(secret.reveal())
        except ValueError:
            return Verdict(Liveness.UNKNOWN, "only a whole key file can be verified")
        if (
            not isinstance(info, dict)
            or not info.get("client_email")
            or not info.get("private_key")
        ):
            return Verdict(Liveness.UNKNOWN, "the key file lacks client_email or private_key")
        now = int(time.time())
        claims = {
            "iss": info["client_email"],
            "scope": _SCOPE,
            "aud": self._token_url,
            "iat": now,
            "exp": now + 300,
        }
        try:
            assertion = rs256_jwt(
                claims,
                Secret(str(info["private_key"])),
                str(info.get("private_key_id") or "") or None,
            )
        except PermanentError:
            return Verdict(Liveness.UNKNOWN, "the key file's private key does not load")
        answer = probe(
            self._client,
            "POST",
            self._token_url,
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": assertion.reveal(),
            },
        )
        return read_verdict(answer, FACTS["gcp"].liveness, identity=str(info["client_email"]))

    def _key_url(self, key: KeyRef, suffix: str = "") -> str:
        if not key.account or not key.key_id:
            raise PermanentError("GCP: a key needs its service account and key id")
        return f"{self._iam}/v1/{quote(key.account, safe='/@')}/keys/{quote(key.key_id)}{suffix}"

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        # A key's access is its service account's; new keys take the default algorithm.
        return {}

    def contain(self, key: KeyRef) -> bool:
        response = call(
            self._client,
            "POST",
            self._key_url(key, ":disable"),
            what="disable key",
            headers=self._admin(),
            json={},
        )
        expect(response, "disable key", 200, 404)  # 404: deleted already, contained too
        return True

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        self.contain(key)
        response = call(
            self._client, "DELETE", self._key_url(key), what="delete key", headers=self._admin()
        )
        expect(response, "delete key", 200, 204, 404)

    def _user_keys(self, account: str) -> list[dict[str, object]]:
        response = call(
            self._client,
            "GET",
            f"{self._iam}/v1/{quote(account, safe='/@')}/keys",
            what="list keys",
            headers=self._admin(),
            params={"keyTypes": "USER_MANAGED"},
        )
        return objects(json_object(expect(response, "list keys", 200), "list keys"), "keys")

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        if not key.account:
            raise PermanentError("GCP: the service account is unknown (KeyRef.account)")
        keys = self._user_keys(key.account)
        keys = self._without_earlier_attempts(key.account, idempotency_token, keys)
        if FACTS_GCP.key_cap is not None and len(keys) >= FACTS_GCP.key_cap:
            spare = [
                k
                for k in keys
                if k.get("disabled") is True
                and not str(k.get("name", "")).endswith(f"/{key.key_id}")
            ]
            if not spare:
                raise PermanentError(f"GCP: {key.account} has {len(keys)} keys; delete one by hand")
            name = str(spare[0].get("name"))
            self.revoke(KeyRef("gcp", name.rsplit("/", 1)[1], key.account))
        response = call(
            self._client,
            "POST",
            f"{self._iam}/v1/{quote(key.account, safe='/@')}/keys",
            what="create key",
            headers=self._admin(),
            json={},
        )
        body = json_object(expect(response, "create key", 200), "create key")
        key_file = base64.b64decode(field(body, "privateKeyData", "create key")).decode()
        return NewCredential(
            Secret(key_file),
            field(body, "name", "create key").rsplit("/", 1)[1],
            extra_public=(("account", key.account),),
        )

    def _without_earlier_attempts(
        self, account: str, idempotency_token: str, keys: list[dict[str, object]]
    ) -> list[dict[str, object]]:
        """Delete what an earlier call with this token created whose answer was lost (a timeout
        after Google made the key): the keys that were not there before that first call. The
        same call repeated in one process is a retry; across processes, `find_unrecorded`."""
        ids = {str(k.get("name", "")).rsplit("/", 1)[-1] for k in keys}
        before = self._before.setdefault(idempotency_token, ids)
        for lost in sorted(ids - before):
            self.revoke(KeyRef("gcp", lost, account))
        return [k for k in keys if str(k.get("name", "")).rsplit("/", 1)[-1] in before]

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """Keys of the service account created since the attempt began: Google takes no name or
        tag for a key, so its creation time (`validAfterTime`) is what ties it to the attempt.
        The pipeline leaves out the keys it knows (the leaked one, the registry's)."""
        if not key.account:
            return Unrecorded()
        dated = [(item, _created(item)) for item in self._user_keys(key.account)]
        return Unrecorded(
            tuple(
                KeyRef("gcp", str(item.get("name", "")).rsplit("/", 1)[-1], key.account)
                for item, created in dated
                if created is not None and created >= since
            )
        )

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        if account is None:
            raise PermanentError("GCP: list_keys needs 'projects/P/serviceAccounts/EMAIL'")
        return [
            KeyRef(
                "gcp",
                str(item.get("name", "")).rsplit("/", 1)[-1],
                account,
                attributes=(("disabled", str(item.get("disabled") is True).lower()),),
            )
            for item in self._user_keys(account)
        ]

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In {FACTS_GCP.console_url} open service account {key.account or '(unknown)'}, "
            f"Keys: disable and delete key {key.key_id or '(unknown)'}, add a new JSON key, and "
            "update every consumer. Better: Workload Identity Federation, so no key file exists."
        )


def _created(item: Mapping[str, object]) -> datetime | None:
    """A key's `validAfterTime` (RFC 3339, "2026-12-06T08:00:00Z"); None when absent or garbled."""
    value = item.get("validAfterTime")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found service-account key file: exchange it for a token."""
    rotator = GcpServiceAccountKeyRotator(found.client, token_url=found.url("gcp.token"))
    return rotator.verify(found.secret)
