"""OpenRouter API keys: verify with the key; find, disable, reissue and delete with a management
key (the provisioning keys API, `/api/v1/keys`).

Stage: rotators. A key is known to the API by its `hash`, never by its value; the list shows
each key's `label`, a redacted form of the value ("sk-or-v1-0e6...1c96"), which is how a leaked
value finds its hash (`find_key`). Lists come 100 keys at a time (`offset`) and, unless asked,
leave out disabled keys and keys outside the default workspace, so a key's workspace travels as
its `account`. A new key's value is returned only by the create call, so a repeated reissue
deletes its own earlier key (found by name) first. Management keys are made in the UI only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from leakward.rotators.providers.expiry import is_ahead
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import call, expect, field, json_object, objects, text_field
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import matches_hint, tagged, token_attributes

FACTS_OPENROUTER = FACTS["openrouter"]
PAGE = 100  # keys per list page ("List the most recent 100 API keys"; `offset` pages on)
NAME_PREFIX = "leakward-"
# What a replacement copies from the leaked key (the create body's fields): its spending limit
# and how that resets, whether BYOK usage counts, its workspace, and its expiry if still ahead.
COPIED = ("limit", "limit_reset", "include_byok_in_limit", "workspace_id", "expires_at")


class OpenRouterRotator(HttpRotator):
    provider: ClassVar[str] = "openrouter"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_OPENROUTER
    admin_missing = (
        "OpenRouter: no management key configured; create one at "
        "https://openrouter.ai/settings/management-keys and set OPENROUTER_MANAGEMENT_KEY"
    )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._verify_with("current", secret)

    def _page(self, offset: int, workspace: str | None) -> list[dict[str, object]]:
        params = {"include_disabled": "true", "offset": str(offset)}
        if workspace:
            params["workspace_id"] = workspace
        response = call(
            self._client,
            "GET",
            self._url("keys"),
            what="list keys",
            headers=self._admin(),
            params=params,
        )
        return objects(json_object(expect(response, "list keys", 200), "list keys"), "data")

    def _keys(self, workspace: str | None) -> list[dict[str, object]]:
        """Every key of the workspace (None: the default one), disabled ones included: a
        disabled key is enabled again with one call, so a leaked one must still be found."""
        keys: list[dict[str, object]] = []
        while True:
            page = self._page(len(keys), workspace)
            keys.extend(page)
            if len(page) < PAGE:
                return keys

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """The keys of workspace `account` (None: the default workspace)."""
        return [_ref(item) for item in self._keys(account)]

    def find_key(self, secret: Secret, workspace: str | None = None) -> KeyRef | None:
        """The one listed key whose label fits the value; None when none or several do."""
        hits = [ref for ref in self.list_keys(workspace) if matches_hint(secret, ref.hint)]
        return hits[0] if len(hits) == 1 else None

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token, in the workspace the replacement went to."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def _read(self, key_hash: str) -> Mapping[str, object] | None:
        response = call(
            self._client,
            "GET",
            self._url("key", key_hash=key_hash),
            what="read key",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        body = json_object(expect(response, "read key", 200), "read key")
        data = body.get("data")
        return data if isinstance(data, dict) else None

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The key's limit, reset, BYOK setting, workspace and expiry; None once it is gone."""
        if not key.key_id:
            return None
        data = self._read(key.key_id)
        if data is None:
            return None
        return {name: data.get(name) for name in COPIED if name in data}

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        settings = settings_to_copy(key, self.read_settings)
        if settings is None:
            # Without them the replacement would have no spending limit and no expiry: broader.
            raise PermanentError(
                "OpenRouter: the leaked key's limit and expiry are unknown (it could not be read "
                "and no snapshot was taken); create a replacement with the limits it had by hand"
            )
        workspace = text_field(settings, "workspace_id") or key.account
        name = NAME_PREFIX + idempotency_token
        for item in self._keys(workspace):
            if item.get("name") == name:  # an earlier attempt whose answer was lost
                self._delete(field(item, "hash", "list keys"))
        response = call(
            self._client,
            "POST",
            self._url("keys"),
            what="create key",
            headers=self._admin(),
            json=_create_body(name, settings),
        )
        created = json_object(expect(response, "create key", 201), "create key")
        data = created.get("data")
        if not isinstance(data, dict):
            raise PermanentError("create key: the answer has no 'data'")
        return NewCredential(
            Secret(field(created, "key", "create key")),
            field(data, "hash", "create key"),
            text_field(data, "expires_at"),
        )

    def _delete(self, key_hash: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("key", key_hash=key_hash),
            what="delete key",
            headers=self._admin(),
        )
        expect(response, "delete key", 200, 404)  # 404: already deleted

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("OpenRouter: the key's hash is unknown; find it with find_key")
        self._delete(key.key_id)

    def contain(self, key: KeyRef) -> bool:
        """Disable the key (PATCH `disabled: true`), reversible until it is deleted."""
        if not key.key_id:
            raise PermanentError("OpenRouter: the key's hash is unknown; find it with find_key")
        response = call(
            self._client,
            "PATCH",
            self._url("key", key_hash=key.key_id),
            what="disable key",
            headers=self._admin(),
            json={"disabled": True},
        )
        expect(response, "disable key", 200, 404)  # 404: deleted, which contains it too
        return True

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In OpenRouter ({FACTS_OPENROUTER.console_url}) delete API key "
            f"{key.hint or key.key_id or '(unknown)'}, create one with the same credit limit, "
            "and update every consumer."
        )


def _ref(item: Mapping[str, object]) -> KeyRef:
    return KeyRef(
        "openrouter",
        text_field(item, "hash"),
        text_field(item, "workspace_id"),
        text_field(item, "label"),
        token_attributes(item.get("name"), NAME_PREFIX),
    )


def _create_body(name: str, settings: Settings) -> dict[str, object]:
    """The create request: the copied settings OpenRouter accepts, an expiry only if ahead."""
    body: dict[str, object] = {"name": name}
    for setting in ("limit", "limit_reset", "include_byok_in_limit", "workspace_id"):
        value = settings.get(setting)
        if value is not None:
            body[setting] = value
    expires = text_field(settings, "expires_at")
    if expires is not None and is_ahead(expires):
        body["expires_at"] = expires
    return body
