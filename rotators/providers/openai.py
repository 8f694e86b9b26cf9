"""OpenAI project API keys: verify with the key, revoke and reissue with an Admin API key.

Stage: rotators. The Admin API lists a project's keys with a redacted value (every enabled key
only with `owner_project_access=any`) and deletes user-owned keys. A service account's key cannot
be deleted on its own (the DELETE answers 400): it dies with its service account. So a
replacement is always minted on a *new* service account (created with one key whose value is
returned once) and the leaked key is revoked by deleting its old account. A *user-owned* key
cannot be minted through the API, so for those the rotator is revoke-only unless the settings
allow replacing them with a service-account key. Operations and their shapes: OpenAI's OpenAPI
document, kept for the contract tests in tests/contracts/specs/openai.yaml.

`attribute("project_id")` (else `KeyRef.account`) is the project id. Admin API keys
(`sk-admin-…`) are verified on `GET /v1/organization/projects`, project keys on `/v1/models`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Self

import httpx

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
    field,
    json_object,
    objects,
    optional_field,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import matches_hint, tagged, token_attributes

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
        return self._verify_with(self.facts.verify_endpoint(secret, "models"), secret)

    def _project(self, key: KeyRef) -> str:
        project = key.attribute("project_id") or key.account
        if not project:
            raise PermanentError(
                "OpenAI: the key's project id is unknown; register it with "
                "--attribute project_id=proj_… (or as the account)"
            )
        return project

    def _pages(self, url: str, what: str, **query: str) -> list[dict[str, object]]:
        """Every item of a cursor-paginated Admin API list (`after` = the page's `last_id`)."""
        found: list[dict[str, object]] = []
        params = {"limit": "100", **query}
        while True:
            response = call(
                self._client, "GET", url, what=what, headers=self._admin(), params=params
            )
            body = json_object(expect(response, what, 200), what)
            page = objects(body, "data")
            found.extend(page)
            cursor = optional_field(body, "last_id") or (
                optional_field(page[-1], "id") if page else None
            )
            if body.get("has_more") is not True or not page or cursor is None:
                return found
            params = {**params, "after": cursor}

    def _keys(self, project: str) -> list[dict[str, object]]:
        # Without `owner_project_access=any` the list applies membership-based visibility and
        # leaves out enabled keys whose owner lost access to the project.
        url = self._url("project_keys", project=project)
        return self._pages(url, "list keys", owner_project_access="any")

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token (reissue names each key it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        if account is None:
            raise PermanentError("OpenAI: list_keys needs a project id")
        return [_key_ref(item, account) for item in self._keys(account)]

    def find_key(self, secret: Secret, project: str) -> KeyRef | None:
        """The project's key whose redacted value fits the leaked one, if exactly one does."""
        hits = [ref for ref in self.list_keys(project) if matches_hint(secret, ref.hint)]
        return hits[0] if len(hits) == 1 else None

    def _listed(self, key: KeyRef) -> KeyRef | None:
        """The key as the project lists it now; None when it is gone."""
        if not key.key_id:
            return None
        return next((r for r in self.list_keys(self._project(key)) if r.key_id == key.key_id), None)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """Who owns the key (a service account, with its project role, or a user): the
        replacement is minted on a new service account with the same role. None when the
        project no longer lists the key."""
        listed = self._listed(key)
        if listed is None:
            return None
        return {
            "owner_type": listed.attribute("owner_type"),
            "service_account_id": listed.attribute("service_account_id"),
            "service_account_role": listed.attribute("service_account_role"),
        }

    def _is_service_account_key(self, key: KeyRef) -> bool:
        settings = key.settings or {}
        return (
            settings.get("owner_type") == "service_account"
            or isinstance(settings.get("service_account_id"), str)
            or key.attribute("service_account_id") is not None
        )

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        """A new service account named after the token, and the key it comes with.

        Never a key on the leaked key's own service account: OpenAI revokes a service account's
        key only by deleting the account, which would take the replacement with it.
        """
        project = self._project(key)
        if not self._is_service_account_key(key) and not self._allow_service_account:
            raise PermanentError(
                "OpenAI: a user-owned key cannot be minted through the API; "
                + self.manual_steps(key)
            )
        name = f"leakward-{idempotency_token[:60]}"
        accounts_url = self._url("service_accounts", project=project)
        # An earlier attempt may have created the account and lost its key's value: retire it.
        for stale in self._pages(accounts_url, "list service accounts"):
            if stale.get("name") == name:
                self._delete_account(project, field(stale, "id", "list service accounts"))
        response = call(
            self._client,
            "POST",
            accounts_url,
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
        self._copy_role(key, project, field(account, "id", "create service account"), account)
        return NewCredential(
            secret=Secret(field(api_key, "value", "create service account")),
            key_id=field(api_key, "id", "create service account"),
            extra_public=(("project", project),),
        )

    def _copy_role(
        self, key: KeyRef, project: str, account_id: str, created: Mapping[str, object]
    ) -> None:
        """A new account is a project `member`; an `owner` account's replacement stays one."""
        role = (key.settings or {}).get("service_account_role")
        if role != "owner" or created.get("role") == role:
            return
        url = self._url("service_account", project=project, account=account_id)
        response = call(
            self._client,
            "POST",
            url,
            what="set service account role",
            headers=self._admin(),
            json={"role": role},
        )
        expect(response, "set service account role", 200)

    def _delete_account(self, project: str, account_id: str) -> None:
        url = self._url("service_account", project=project, account=account_id)
        response = call(
            self._client, "DELETE", url, what="delete service account", headers=self._admin()
        )
        expect(response, "delete service account", 200, 204, 404)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """Delete a user's key; delete a service account's key by deleting the account (the only
        way OpenAI allows). The owner is read from the project's list, never assumed: the
        pipeline revokes lost replacements with the leaked key's attributes."""
        if not key.key_id:
            raise PermanentError("OpenAI: the key id is unknown; find it with find_key")
        project = self._project(key)
        listed = self._listed(key)
        if listed is None:
            return  # already gone
        account_id = listed.attribute("service_account_id")
        if account_id is not None:
            self._delete_account(project, account_id)
            return
        response = call(
            self._client,
            "DELETE",
            self._url("project_key", project=project, key_id=key.key_id),
            what="delete key",
            headers=self._admin(),
        )
        expect(response, "delete key", 200, 204, 404)

    def capability_for(self, key: KeyRef) -> Capability:
        # A user-owned key cannot be minted, unless the settings allow a service-account key.
        if not self._is_service_account_key(key) and not self._allow_service_account:
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


def _key_ref(item: Mapping[str, object], project: str) -> KeyRef:
    """A listed key: its owner (and a service account's id and role), and the issue token of a
    replacement leakward minted (the token names the service account it created)."""
    owner = item.get("owner")
    owner_map: Mapping[str, object] = owner if isinstance(owner, dict) else {}
    attributes = [("owner_type", str(owner_map.get("type", "user")))]
    account = owner_map.get("service_account")
    account_name = None
    if isinstance(account, dict) and account.get("id"):
        attributes.append(("service_account_id", str(account["id"])))
        if isinstance(account.get("role"), str):
            attributes.append(("service_account_role", str(account["role"])))
        account_name = account.get("name")
    attributes.extend(
        token_attributes(account_name, "leakward-")
        or token_attributes(item.get("name"), "leakward-")
    )
    return KeyRef(
        "openai",
        optional_field(item, "id"),
        project,
        optional_field(item, "redacted_value"),
        tuple(attributes),
    )
