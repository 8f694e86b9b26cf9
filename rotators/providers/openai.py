"""OpenAI project API keys: verify with the key, revoke and reissue with an Admin API key.

Stage: rotators. The Admin API lists a project's keys with a redacted value, deletes any of them
(user-owned or service-account-owned), and creates service-account keys whose value is returned
once. A *user-owned* key cannot be minted through the API, so for those the rotator is
revoke-only unless the settings allow replacing them with a service-account key.

`attribute("project_id")` (else `KeyRef.account`) is the project id;
`attribute("service_account_id")` names the owning service account when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Self
from urllib.parse import quote

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    NewCredential,
    PermanentError,
    Settings,
    Verdict,
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
from leakward.rotators.providers.key_hints import matches_hint, token_attributes

FACTS_OPENAI = FACTS["openai"]


class OpenAIRotator(HttpRotator):
    provider: ClassVar[str] = "openai"
    capability: ClassVar[Capability] = Capability.FULL  # REVOKE_ONLY for user-owned keys
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_OPENAI
    admin_missing = "OpenAI: no Admin API key configured; set one in the settings"

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        base_url: str = FACTS_OPENAI.base_url,
        replace_user_keys_with_service_accounts: bool = False,
    ) -> None:
        super().__init__(client, admin_key=admin_key, base_url=base_url)
        self._allow_service_account = replace_user_keys_with_service_accounts

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        """LEAKWARD_OPENAI_SERVICE_ACCOUNTS=1 replaces user-owned keys with service-account
        keys."""
        return cls(
            client,
            admin_key=admin,
            base_url=base_url,
            replace_user_keys_with_service_accounts=environ.get("LEAKWARD_OPENAI_SERVICE_ACCOUNTS")
            == "1",
        )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._verify_with("models", secret)

    def _project(self, key: KeyRef) -> str:
        project = key.attribute("project_id") or key.account
        if not project:
            raise PermanentError(
                "OpenAI: the key's project id is unknown; register it with "
                "--attribute project_id=proj_… (or as the account)"
            )
        return project

    def _keys(self, project: str) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        params = {"limit": "100"}
        while True:
            response = call(
                self._client,
                "GET",
                self._url("project_keys", project=project),
                what="list keys",
                headers=self._admin(),
                params=params,
            )
            body = json_object(expect(response, "list keys", 200), "list keys")
            page = objects(body, "data")
            found.extend(page)
            if body.get("has_more") is not True or not page:
                return found
            params = {"limit": "100", "after": str(page[-1].get("id"))}

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        if account is None:
            raise PermanentError("OpenAI: list_keys needs a project id")
        refs = []
        for item in self._keys(account):
            owner = item.get("owner")
            owner_map: Mapping[str, object] = owner if isinstance(owner, dict) else {}
            attributes = [("owner_type", str(owner_map.get("type", "user")))]
            account_obj = owner_map.get("service_account")
            if isinstance(account_obj, dict) and account_obj.get("id"):
                attributes.append(("service_account_id", str(account_obj["id"])))
            attributes.extend(token_attributes(item.get("name"), "leakward-"))
            refs.append(
                KeyRef(
                    "openai",
                    optional_field(item, "id"),
                    account,
                    optional_field(item, "redacted_value"),
                    tuple(attributes),
                )
            )
        return refs

    def find_key(self, secret: Secret, project: str) -> KeyRef | None:
        """The project's key whose redacted value fits the leaked one, if exactly one does."""
        hits = [ref for ref in self.list_keys(project) if matches_hint(secret, ref.hint)]
        return hits[0] if len(hits) == 1 else None

    def read_settings(self, key: KeyRef) -> Settings | None:
        """Who owns the key (a service account's id, or a user): its replacement is minted for
        the same service account. None when the project no longer lists the key."""
        if not key.key_id:
            return None
        for ref in self.list_keys(self._project(key)):
            if ref.key_id == key.key_id:
                return {
                    "owner_type": ref.attribute("owner_type"),
                    "service_account_id": ref.attribute("service_account_id"),
                }
        return None

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        project = self._project(key)
        name = f"leakward-{idempotency_token[:60]}"
        # The owner as recorded before the key could be deleted, else as registered.
        settings = key.settings or {}
        recorded = settings.get("service_account_id")
        account_id = recorded if isinstance(recorded, str) else key.attribute("service_account_id")
        if account_id is None and not self._allow_service_account:
            raise PermanentError(
                "OpenAI: a user-owned key cannot be minted through the API; "
                + self.manual_steps(key)
            )
        # An earlier attempt may have created a key and lost its value: retire it first.
        for item in self._keys(project):
            if item.get("name") == name:
                self._delete_key(project, str(item.get("id")))
        if account_id is not None:
            url = self._url("service_accounts", project=project) + f"/{quote(account_id)}/api_keys"
            response = call(
                self._client,
                "POST",
                url,
                what="create key",
                headers=self._admin(),
                json={"name": name},
            )
            created = json_object(expect(response, "create key", 200, 201), "create key")
        else:
            response = call(
                self._client,
                "POST",
                self._url("service_accounts", project=project),
                what="create service account",
                headers=self._admin(),
                json={"name": name},
            )
            account = json_object(
                expect(response, "create service account", 200, 201), "create service account"
            )
            api_key = account.get("api_key")
            if not isinstance(api_key, dict):
                raise PermanentError("create service account: the answer holds no api_key")
            created = api_key
        return NewCredential(
            secret=Secret(field(created, "value", "create key")),
            key_id=field(created, "id", "create key"),
            extra_public=(("project", project),),
        )

    def _delete_key(self, project: str, key_id: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("project_key", project=project, key_id=key_id),
            what="delete key",
            headers=self._admin(),
        )
        expect(response, "delete key", 200, 204, 404)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("OpenAI: the key id is unknown; find it with find_key")
        self._delete_key(self._project(key), key.key_id)

    def capability_for(self, key: KeyRef) -> Capability:
        # A user-owned key cannot be minted, unless the settings allow a service-account key.
        if key.attribute("service_account_id") is None and not self._allow_service_account:
            return Capability.REVOKE_ONLY
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # OpenAI keys cannot be disabled, only deleted

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"Create a new secret key in project {key.account or '(unknown)'} at "
            f"{FACTS_OPENAI.console_url} with the same permissions, update every consumer, and "
            f"make sure key {key.hint or key.key_id or ''} is deleted. Service-account keys can "
            "be rotated automatically next time."
        )
