"""SendGrid API keys: verify, reissue with the old key's scopes within the 100-key cap, revoke.

Stage: rotators. A SendGrid key reads "SG.<api_key_id>.<secret>", so the key id comes from the
leaked value itself (`find_key`). The managing key needs the api_keys scopes; the first key of
an account can only be made in the UI. A new key's value is returned only on create, so a
repeated reissue deletes its own earlier key (found by name) first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Self

import httpx

from leakward.secret import Secret
from rotators.base import Capability, KeyRef, NewCredential, PermanentError, Verdict
from rotators.environment import http_client, secret_from, url_from
from rotators.key_hints import token_attributes
from rotators.provider_facts import FACTS
from rotators.provider_http import (
    call,
    expect,
    field,
    json_object,
    objects,
    optional_field,
    probe,
    verdict_by_status,
)

FACTS_SENDGRID = FACTS["sendgrid"]


class SendGridRotator:
    provider: ClassVar[str] = "sendgrid"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        base_url: str = FACTS_SENDGRID.base_url,  # EU subusers: https://api.eu.sendgrid.com
    ) -> None:
        self._client = client
        self._admin_key = admin_key
        self._base = base_url.rstrip("/")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """SENDGRID_API_KEY (a key with the api_keys scopes) and SENDGRID_BASE_URL."""
        return cls(
            http_client(),
            admin_key=secret_from(environ, "SENDGRID_API_KEY"),
            base_url=url_from(environ, "SENDGRID_BASE_URL", FACTS_SENDGRID.base_url),
        )

    def _url(self, name: str, **parts: str) -> str:
        return FACTS_SENDGRID.url(self._base, name, **parts)

    def _admin(self) -> dict[str, str]:
        if self._admin_key is None:
            raise PermanentError("SendGrid: no managing API key configured; set one in settings")
        return {"Authorization": f"Bearer {self._admin_key.reveal()}"}

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        headers = {"Authorization": f"Bearer {secret.reveal()}"}
        return verdict_by_status(probe(self._client, "GET", self._url("scopes"), headers=headers))

    @staticmethod
    def find_key(secret: Secret) -> KeyRef | None:
        parts = secret.reveal().split(".")
        return KeyRef("sendgrid", parts[1]) if len(parts) == 3 and parts[0] == "SG" else None

    def _keys(self) -> list[dict[str, object]]:
        response = call(
            self._client,
            "GET",
            self._url("keys"),
            what="list keys",
            headers=self._admin(),
            params={"limit": "1000"},
        )
        return objects(json_object(expect(response, "list keys", 200), "list keys"), "result")

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return [
            KeyRef(
                "sendgrid",
                optional_field(item, "api_key_id"),
                None,
                optional_field(item, "name"),
                token_attributes(item.get("name"), "leakward-"),
            )
            for item in self._keys()
        ]

    def _delete(self, key_id: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("key", key_id=key_id),
            what="delete key",
            headers=self._admin(),
        )
        expect(response, "delete key", 204, 200, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        name = f"leakward-{idempotency_token[:60]}"
        keys = self._keys()
        for item in keys:
            if item.get("name") == name:
                self._delete(str(item.get("api_key_id")))  # an earlier attempt, value lost
        keys = [k for k in keys if k.get("name") != name]
        cap = FACTS_SENDGRID.key_cap or 100
        if len(keys) >= cap:
            raise PermanentError(
                f"SendGrid: the account holds {len(keys)} keys (cap {cap}); delete unused keys "
                "or allow revoke-first for this key"
            )
        body: dict[str, object] = {"name": name}
        if key.key_id:
            old = call(
                self._client,
                "GET",
                self._url("key", key_id=key.key_id),
                what="read key",
                headers=self._admin(),
            )
            scopes = json_object(old, "read key").get("scopes") if old.status_code == 200 else None
            if not isinstance(scopes, list):
                # Gone (revoke-first deletes it before the replacement is issued): a key
                # created without scopes gets Full Access, broader than the leaked one.
                raise PermanentError(
                    f"SendGrid: the leaked key's scopes could not be read ({old.status_code}), "
                    "and leakward will not issue a Full Access key in its place; create a "
                    "replacement with the scopes it had by hand"
                )
            body["scopes"] = scopes  # the replacement gets what the old key had
        response = call(
            self._client,
            "POST",
            self._url("keys"),
            what="create key",
            headers=self._admin(),
            json=body,
            passthrough=(403,),
        )
        if response.status_code == 403:
            raise PermanentError("SendGrid refused a new key (403): the 100-key cap or scopes")
        created = json_object(expect(response, "create key", 201), "create key")
        return NewCredential(
            Secret(field(created, "api_key", "create key")),
            field(created, "api_key_id", "create key"),
        )

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("SendGrid: the key id is unknown (use find_key)")
        self._delete(key.key_id)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # no disable; scopes could be emptied, but deletion is the real fix

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In SendGrid ({FACTS_SENDGRID.console_url}) delete API key "
            f"{key.key_id or key.hint or '(unknown)'}, create one with the same scopes, and "
            "update every consumer."
        )
