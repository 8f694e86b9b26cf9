"""Twilio API keys (SK…): verify, reissue through the v1 Key resource, revoke.

Stage: rotators. An API key is a pair (SID and secret), so the `Secret` given to `verify` holds
"SKSID:SECRET". Key management needs a Main key or the Account SID + Auth Token (Standard and
Restricted keys cannot call /v1/Keys); the secret of a new key is returned only at creation, so a
repeated reissue deletes its own earlier key (found by FriendlyName) before creating another.
A Restricted key's replacement is Restricted with the same policy, never a broader Standard key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Self
from urllib.parse import quote, urlsplit

import httpx

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    PermanentError,
    Settings,
    TransientError,
    Unrecorded,
    Verdict,
    settings_to_copy,
)
from leakward.rotators.providers.environment import http_client, secret_from
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import (
    call,
    expect,
    field,
    json_object,
    objects,
    optional_field,
    probe,
)
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import default_url, url_for

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_TWILIO = FACTS["twilio"]
API_URL = default_url("twilio.api")
# Pages of 100 keys read before giving up: far more keys than one account holds.
MAX_PAGES = 100


class TwilioRotator:
    provider: ClassVar[str] = "twilio"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.Client,
        *,
        account_sid: str | None = None,
        admin_secret: Secret | None = None,  # the Auth Token, or "SKmain:secret" of a Main key
        base_url: str = FACTS_TWILIO.base_url,
        api_url: str = API_URL,
    ) -> None:
        self._client = client
        self._account_sid = account_sid
        self._admin_secret = admin_secret
        self._base = base_url.rstrip("/")
        self._api = api_url.rstrip("/")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (or a Main key "SK…:secret"),
        LEAKWARD_API_TWILIO (iam.twilio.com), LEAKWARD_API_TWILIO__API (api.twilio.com)."""
        return cls(
            http_client(),
            account_sid=environ.get("TWILIO_ACCOUNT_SID"),
            admin_secret=secret_from(environ, "TWILIO_AUTH_TOKEN"),
            base_url=url_for(environ, "twilio"),
            api_url=url_for(environ, "twilio.api"),
        )

    def _admin(self) -> tuple[str, str]:
        if self._account_sid is None or self._admin_secret is None:
            raise PermanentError("Twilio: account SID and Auth Token (or Main key) are needed")
        user, sep, password = self._admin_secret.reveal().partition(":")
        return (user, password) if sep else (self._account_sid, user)

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        if ":" not in secret.reveal() or self._account_sid is None:
            return Verdict(Liveness.UNKNOWN, "a Twilio key needs its SID and the account SID")
        url = self._api + FACTS_TWILIO.endpoints["account"].format(account=self._account_sid)
        answer = probe(self._client, "GET", url, auth=FACTS_TWILIO.key_auth.basic(secret))
        return read_verdict(answer, FACTS_TWILIO.liveness, identity=self._account_sid)

    def _keys(self) -> list[dict[str, object]]:
        """Every page of the account's keys. Twilio's `next_page_url` is absolute; it is followed
        only on the host the list started on, as the account's credentials go with it."""
        found: list[dict[str, object]] = []
        url = self._base + FACTS_TWILIO.endpoints["keys"]
        params: dict[str, str] | None = {"AccountSid": self._account_sid or "", "PageSize": "100"}
        for _ in range(MAX_PAGES):
            response = call(
                self._client, "GET", url, what="list keys", auth=self._admin(), params=params
            )
            body = json_object(expect(response, "list keys", 200), "list keys")
            found.extend(objects(body, "keys"))
            meta = body.get("meta")
            following = optional_field(meta, "next_page_url") if isinstance(meta, dict) else None
            if not following:
                return found
            if urlsplit(following)[:2] != urlsplit(self._base)[:2]:
                raise PermanentError(
                    "Twilio: the key list's next page is on another host; it was not followed "
                    f"with the account's credentials. Check that {self._base} is Twilio's API."
                )
            url, params = following, None  # the next-page URL carries its own query
        raise TransientError(f"list keys: more than {MAX_PAGES} pages")

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token (reissue names each key it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return [
            KeyRef(
                "twilio",
                optional_field(item, "sid"),
                self._account_sid,
                optional_field(item, "friendly_name"),
                token_attributes(item.get("friendly_name"), "leakward-"),
            )
            for item in self._keys()
        ]

    def _delete(self, sid: str) -> None:
        url = self._base + FACTS_TWILIO.endpoints["key"].format(key_id=quote(sid, safe=""))
        response = call(self._client, "DELETE", url, what="delete key", auth=self._admin())
        expect(response, "delete key", 204, 200, 404)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """A Restricted key's `policy` (a Standard key has none); None when Twilio no longer
        has the key."""
        if not key.key_id:
            return None
        url = self._base + FACTS_TWILIO.endpoints["key"].format(key_id=quote(key.key_id, safe=""))
        response = call(self._client, "GET", url, what="read key", auth=self._admin())
        if response.status_code == 404:
            return None
        policy = json_object(expect(response, "read key", 200), "read key").get("policy")
        return {"policy": policy if isinstance(policy, dict) else None}

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        settings = settings_to_copy(key, self.read_settings)
        if settings is None:
            # A Standard key in place of a Restricted one would be broader than the leak.
            raise PermanentError(
                "Twilio: the leaked key's permissions are unknown (it could not be read and no "
                "snapshot was taken), so leakward will not issue a Standard key in its place; "
                + self.manual_steps(key)
            )
        name = f"leakward-{idempotency_token[:50]}"
        for item in self._keys():
            if item.get("friendly_name") == name:
                self._delete(str(item.get("sid")))  # an earlier attempt's key, secret lost
        form = {"AccountSid": self._account_sid or "", "FriendlyName": name}
        policy = settings.get("policy")
        if isinstance(policy, dict):
            form.update(KeyType="restricted", Policy=json.dumps(policy))
        response = call(
            self._client,
            "POST",
            self._base + FACTS_TWILIO.endpoints["keys"],
            what="create key",
            auth=self._admin(),
            data=form,
        )
        body = json_object(expect(response, "create key", 201, 200), "create key")
        sid = field(body, "sid", "create key")
        return NewCredential(Secret(f"{sid}:{field(body, 'secret', 'create key')}"), sid)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Twilio: the key SID is unknown")
        self._delete(key.key_id)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # Twilio keys cannot be disabled, only deleted

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In the Twilio Console ({FACTS_TWILIO.console_url}) delete API key "
            f"{key.key_id or '(unknown SID)'}, create a new Standard or Restricted key, and update "
            "every consumer. A leaked Main key or Auth Token can only be replaced in the Console."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found Twilio secret: it needs its SID, and an SK key its account."""
    api = found.url("twilio.api")
    key_id = found.key_id
    if key_id and key_id.startswith("AC"):  # an Auth Token, paired with its Account SID
        rotator = TwilioRotator(found.client, account_sid=key_id, api_url=api)
    elif key_id and found.urls.get("twilio.account"):
        account = found.urls["twilio.account"]
        rotator = TwilioRotator(found.client, account_sid=account, api_url=api)
    else:
        return Verdict(Liveness.UNKNOWN, "a Twilio key needs its SID and the account SID")
    return rotator.verify(Secret(f"{key_id}:{found.secret.reveal()}"))
