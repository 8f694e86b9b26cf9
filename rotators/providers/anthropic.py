"""Anthropic API keys: verify with the key; contain (inactive) and revoke (archived) with an
Admin API key. Revoke-only: keys are minted in the Console, never through the API.

Stage: rotators. The Admin API lists keys with a `partial_key_hint`, so a leaked value finds its
key id via `find_key`. "inactive" is reversible, "archived" is permanent. Admin API keys
(`sk-ant-admin01-…`) are verified on `GET /v1/organizations/me`, API keys on `/v1/models`.
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
)
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    json_object,
    objects,
    optional_field,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import matches_hint

FACTS_ANTHROPIC = FACTS["anthropic"]
# The statuses a key list must show (platform.claude.com/docs "List API Keys": `status` is one
# of active, inactive, archived, expired). An inactive key is switched back on with one call, so
# a leaked one is as dangerous as an active one and must be found and archived; archived and
# expired keys never work again.
LISTED_STATUSES = ("active", "inactive")


class AnthropicRotator(HttpRotator):
    provider: ClassVar[str] = "anthropic"
    capability: ClassVar[Capability] = Capability.REVOKE_ONLY
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_ANTHROPIC
    admin_missing = "Anthropic: no Admin API key configured; set one in the settings"

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._verify_with(self.facts.verify_endpoint(secret, "models"), secret)

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # the Admin API cannot create keys

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """Keys that still work or can be switched back on, optionally of one workspace
        (`account`), each with its `status` attribute."""
        return [ref for status in LISTED_STATUSES for ref in self._listed(status, account)]

    def _listed(self, status: str, account: str | None) -> list[KeyRef]:
        """Every page of the keys with `status`: the list filters by one status at a time."""
        refs: list[KeyRef] = []
        params = {"limit": "100", "status": status}
        if account:
            params["workspace_id"] = account
        while True:
            response = call(
                self._client,
                "GET",
                self._url("keys"),
                what="list keys",
                headers=self._admin(),
                params=params,
            )
            body = json_object(expect(response, "list keys", 200), "list keys")
            page = objects(body, "data")
            refs.extend(
                KeyRef(
                    "anthropic",
                    optional_field(item, "id"),
                    optional_field(item, "workspace_id"),
                    optional_field(item, "partial_key_hint"),
                    (("name", str(item.get("name", ""))), ("status", status)),
                )
                for item in page
            )
            if body.get("has_more") is not True or not page:
                return refs
            params = {**params, "after_id": str(page[-1].get("id"))}

    def find_key(self, secret: Secret, workspace: str | None = None) -> KeyRef | None:
        hits = [ref for ref in self.list_keys(workspace) if matches_hint(secret, ref.hint)]
        return hits[0] if len(hits) == 1 else None

    def _set_status(self, key: KeyRef, status: str) -> str | None:
        """Set the key's status; returns the status it had, None when Anthropic has no such key."""
        if not key.key_id:
            raise PermanentError("Anthropic: the key id is unknown; find it with find_key")
        url = self._url("key", key_id=key.key_id)
        current = call(self._client, "GET", url, what="read key", headers=self._admin())
        if current.status_code == 404:
            return None
        before = optional_field(json_object(expect(current, "read key", 200), "read key"), "status")
        if before in (status, "archived"):
            return before  # already there; an archived key cannot change again
        response = call(
            self._client,
            "POST",
            url,
            what=f"set key {status}",
            headers=self._admin(),
            json={"status": status},
        )
        expect(response, f"set key {status}", 200)
        return before

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # keys are minted in the Console, never here

    def contain(self, key: KeyRef) -> bool:
        self._set_status(key, "inactive")
        return True

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        self._set_status(key, "archived")

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        raise PermanentError(
            "Anthropic: API keys cannot be created through the API; " + self.manual_steps(key)
        )

    def manual_steps(self, key: KeyRef) -> str:
        where = f" in workspace {key.account}" if key.account else ""
        return (
            f"Create a new API key{where} at {FACTS_ANTHROPIC.console_url}, update every "
            f"consumer, then confirm key {key.hint or key.key_id or ''} shows as archived. "
            "Consider Workload Identity Federation so no static key is needed."
        )
