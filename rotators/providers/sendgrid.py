"""SendGrid API keys: verify, reissue with the old key's scopes within the 100-key cap, revoke.

Stage: rotators. A SendGrid key reads "SG.<api_key_id>.<secret>", so the key id comes from the
leaked value itself (`find_key`). The managing key needs the api_keys scopes; the first key of
an account can only be made in the UI. A new key's value is returned only on create, so a
repeated reissue deletes its own earlier key (found by name) first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    NewCredential,
    PermanentError,
    Settings,
    Unrecorded,
    Verdict,
    settings_to_copy,
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    objects,
    optional_field,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes

FACTS_SENDGRID = FACTS["sendgrid"]


class SendGridRotator(HttpRotator):
    provider: ClassVar[str] = "sendgrid"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_SENDGRID  # EU subusers: base_url https://api.eu.sendgrid.com
    admin_missing = "SendGrid: no managing API key configured; set one in settings"

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._verify_with("scopes", secret)

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

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token (reissue names each key it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

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

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The key's scopes; None when SendGrid no longer has it (or its id is unknown)."""
        if not key.key_id:
            return None
        old = call(
            self._client,
            "GET",
            self._url("key", key_id=key.key_id),
            what="read key",
            headers=self._admin(),
        )
        if old.status_code == 404:
            return None
        scopes = json_object(expect(old, "read key", 200), "read key").get("scopes")
        if not isinstance(scopes, list):
            return None
        return {"scopes": [str(scope) for scope in scopes]}

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
        settings = settings_to_copy(key, self.read_settings)
        scopes = settings.get("scopes") if settings is not None else None
        if not isinstance(scopes, list) or not scopes:
            # Never recorded and no longer readable (deleted): a key created without scopes
            # gets Full Access, broader than the leaked one.
            raise PermanentError(
                "SendGrid: the leaked key's scopes are unknown (it could not be read and no "
                "snapshot was taken), and leakward will not issue a Full Access key in its "
                "place; create a replacement with the scopes it had by hand"
            )
        # Always explicit: SendGrid gives a key created without scopes Full Access.
        body: dict[str, object] = {"name": name, "scopes": scopes}
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
