"""xAI API keys: verify with the key on api.x.ai; list, reissue and delete with a management key
on the management API (management-api.x.ai).

Stage: rotators. `GET /v1/api-key` answers a key's own record, its id and team included, so a
leaked value finds its key (`find_key`) without any list. API keys belong to a team; the team
comes from the registry entry's `account`, else XAI_TEAM_ID. A replacement copies the leaked
key's ACLs (a key without ACLs may call nothing), rate limits and a future expiry, and is named
after the attempt's token, so a repeated reissue deletes its own earlier key first and a lost
create is found again. No disable step: the update call's shape is not in the reference we read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Self

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
    settings_to_copy,
)
from leakward.rotators.providers.expiry import is_ahead
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    objects,
    probe,
    text_field,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import default_url, url_for

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_XAI = FACTS["xai"]
API_URL = default_url("xai.api")
PAGE = "100"  # keys per list page (pageSize); nextPageToken pages on
NAME_PREFIX = "leakward-"
# The create body's fields a replacement copies, by the name the list answers them with.
COPIED = {"acls": "aclStrings", "qps": "qps", "qpm": "qpm", "tpm": "tpm"}


class XaiRotator(HttpRotator):
    provider: ClassVar[str] = "xai"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_XAI
    admin_missing = (
        "xAI: no management key configured; create one in the xAI Console (Settings, "
        "Management Keys) and set XAI_MANAGEMENT_KEY"
    )

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        base_url: str | None = None,
        api_url: str = API_URL,
        team: str | None = None,
    ) -> None:
        super().__init__(client, admin_key=admin_key, base_url=base_url)
        self._api = api_url.rstrip("/")
        self._team = team

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        return cls(
            client,
            admin_key=admin,
            base_url=base_url,
            api_url=url_for(environ, "xai.api"),
            team=environ.get("XAI_TEAM_ID") or None,
        )

    def _own_record(self, secret: Secret) -> httpx.Response | Verdict:
        return probe(
            self._client,
            "GET",
            self.facts.url(self._api, "api_key"),
            headers=self.facts.key_auth.headers(secret),
        )

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return read_verdict(self._own_record(secret), self.facts.liveness)

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The key as xAI describes it to the key itself; None when xAI does not answer it."""
        answer = self._own_record(secret)
        if not isinstance(answer, httpx.Response) or answer.status_code != 200:
            return None
        body = json_object(answer, "read the key's own record")
        return KeyRef(
            "xai",
            text_field(body, "api_key_id"),
            text_field(body, "team_id"),
            text_field(body, "redacted_api_key"),
        )

    def _team_of(self, key: KeyRef | None) -> str:
        team = (key.account if key else None) or self._team
        if not team:
            raise PermanentError(
                "xAI: the key's team is unknown; set XAI_TEAM_ID or the registry entry's account"
            )
        return team

    def _keys(self, team: str) -> list[dict[str, object]]:
        keys: list[dict[str, object]] = []
        params = {"pageSize": PAGE}
        while True:
            response = call(
                self._client,
                "GET",
                self._url("keys", team=team),
                what="list keys",
                headers=self._admin(),
                params=params,
            )
            body = json_object(expect(response, "list keys", 200), "list keys")
            keys.extend(objects(body, "apiKeys"))
            token = text_field(body, "nextPageToken")
            if token is None:
                return keys
            params = {"pageSize": PAGE, "paginationToken": token}

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """The keys of team `account` (else XAI_TEAM_ID)."""
        team = self._team_of(KeyRef("xai", account=account))
        return [_ref(item) for item in self._keys(team)]

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return tagged(self.list_keys(self._team_of(key)), idempotency_token)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """ACLs, rate limits and expiry of the listed key; None once it is gone."""
        if not key.key_id:
            return None
        item = next(
            (k for k in self._keys(self._team_of(key)) if k.get("apiKeyId") == key.key_id), None
        )
        if item is None:
            return None
        settings: dict[str, object] = {
            name: item.get(listed) for name, listed in COPIED.items() if listed in item
        }
        settings["expireTime"] = item.get("expireTime")
        return settings

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        settings = settings_to_copy(key, self.read_settings)
        if settings is None or not isinstance(settings.get("acls"), list):
            raise PermanentError(
                "xAI: the leaked key's ACLs are unknown (it could not be read and no snapshot "
                "was taken); create a replacement with the permissions it had by hand"
            )
        team = self._team_of(key)
        name = NAME_PREFIX + idempotency_token
        for item in self._keys(team):
            if item.get("name") == name:  # an earlier attempt whose answer was lost
                self._delete(field(item, "apiKeyId", "list keys"))
        response = call(
            self._client,
            "POST",
            self._url("keys", team=team),
            what="create key",
            headers=self._admin(),
            json=_create_body(name, settings),
        )
        created = json_object(expect(response, "create key", 200, 201), "create key")
        return NewCredential(
            Secret(field(created, "apiKey", "create key")),
            field(created, "apiKeyId", "create key"),
            text_field(created, "expireTime"),
        )

    def _delete(self, key_id: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("key", key_id=key_id),
            what="delete key",
            headers=self._admin(),
        )
        expect(response, "delete key", 200, 204, 404)  # 404: already deleted

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("xAI: the key id is unknown; find it with find_key")
        self._delete(key.key_id)

    def contain(self, key: KeyRef) -> bool:
        return False  # see the module docstring: deletion is the step we can rely on

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In the xAI Console ({FACTS_XAI.console_url}) delete API key "
            f"{key.hint or key.key_id or '(unknown)'} of team {key.account or '(unknown)'}, "
            "create one with the same ACLs and rate limits, and update every consumer."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found xAI key: its own record on the inference host."""
    rotator = XaiRotator(found.client, base_url=found.url("xai"), api_url=found.url("xai.api"))
    return rotator.verify(found.secret)


def _ref(item: Mapping[str, object]) -> KeyRef:
    return KeyRef(
        "xai",
        text_field(item, "apiKeyId"),
        text_field(item, "teamId"),
        text_field(item, "redactedApiKey"),
        token_attributes(item.get("name"), NAME_PREFIX),
    )


def _create_body(name: str, settings: Settings) -> dict[str, object]:
    body: dict[str, object] = {"name": name}
    for setting in COPIED:
        value = settings.get(setting)
        if value is not None:
            body[setting] = value
    expires = text_field(settings, "expireTime")
    if expires is not None and is_ahead(expires):
        body["expireTime"] = expires
    return body
