"""Google Cloud API keys (including Gemini keys): verify, look up the owner, reissue, revoke.

Stage: rotators. API keys live in a project under `locations/global`; create and delete are
long-running operations, and `getKeyString` reads a key's value at any time. Reissue passes a
`keyId` derived from the idempotency token, so a repeated create answers 409 and the rotator
reads the same key's value instead of making a second one. Admin calls use an OAuth access token
from `token_source` (tokens expire, so it is asked for each call).

`KeyRef.key_id` is the key's resource name ("projects/P/locations/global/keys/K"), `account` the
project. Service-account keys are in rotators/providers/gcp.py.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
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
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import default_url, url_for

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_GOOGLE = FACTS["google"]
GEMINI_URL = default_url("google.gemini")

TokenSource = Callable[[], Secret]


def key_id_for(token: str) -> str:
    """A keyId Google accepts ([a-z][a-z0-9-]{0,61}[a-z0-9]) that is stable per token."""
    return "leakward-" + hashlib.sha256(token.encode()).hexdigest()[:24]


# Seconds before the first look at a long-running operation; doubled each time after.
_FIRST_POLL = 0.125


class GoogleApiKeyRotator:
    provider: ClassVar[str] = "google"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(
        self,
        client: httpx.Client,
        *,
        token_source: TokenSource | None = None,
        base_url: str = FACTS_GOOGLE.base_url,
        gemini_url: str = GEMINI_URL,
        poll_interval: float = 1.0,
        max_polls: int = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._token_source = token_source
        self._base = base_url.rstrip("/")
        self._gemini = gemini_url.rstrip("/")
        self._poll_interval = poll_interval
        self._max_polls = max_polls
        self._sleep = sleep

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """GOOGLE_OAUTH_ACCESS_TOKEN (e.g. from `gcloud auth print-access-token`),
        LEAKWARD_API_GOOGLE (API Keys API), LEAKWARD_API_GOOGLE__GEMINI."""
        token = secret_from(environ, "GOOGLE_OAUTH_ACCESS_TOKEN")
        return cls(
            http_client(),
            token_source=(lambda: token) if token is not None else None,
            base_url=url_for(environ, "google"),
            gemini_url=url_for(environ, "google.gemini"),
        )

    def _url(self, endpoint: str, /, **parts: str) -> str:
        # Resource names carry their own slashes ("projects/p/locations/global/keys/k").
        return FACTS_GOOGLE.url(self._base, endpoint, keep="/", **parts)

    def _admin(self) -> dict[str, str]:
        if self._token_source is None:
            raise PermanentError("Google: no OAuth token source configured; set one in settings")
        return {"Authorization": f"Bearer {self._token_source().reveal()}"}

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        # The key rides in the query string, which is why no URL ever enters a message.
        answer = probe(
            self._client,
            "GET",
            self._gemini + FACTS_GOOGLE.endpoints["models"],
            params=FACTS_GOOGLE.key_auth.params(secret),
        )
        return read_verdict(answer, FACTS_GOOGLE.liveness)

    def find_key(self, secret: Secret) -> KeyRef | None:
        """Which project's key this is (needs apikeys.keys.lookup on that project)."""
        response = call(
            self._client,
            "GET",
            self._url("lookup"),
            what="look up key",
            headers=self._admin(),
            params={"keyString": secret.reveal()},
        )
        if response.status_code in (400, 404):
            return None
        body = json_object(expect(response, "look up key", 200), "look up key")
        parent = field(body, "parent", "look up key")
        return KeyRef("google", field(body, "name", "look up key"), parent.split("/")[1])

    def _wait(self, operation: Mapping[str, object], what: str) -> Mapping[str, object]:
        """Poll a long-running operation to its end; its `response` (or `{}`) when done."""
        for attempt in range(self._max_polls):
            if operation.get("done") is True:
                if isinstance(operation.get("error"), dict):
                    raise PermanentError(f"{what}: the operation failed")
                response = operation.get("response")
                return response if isinstance(response, dict) else {}
            # Key operations mostly finish within a fraction of a second: look again soon,
            # then back off to the full interval.
            self._sleep(min(self._poll_interval, _FIRST_POLL * 2**attempt))
            name = field(operation, "name", what)
            polled = call(
                self._client,
                "GET",
                self._url("operation", operation=name),
                what=what,
                headers=self._admin(),
            )
            operation = json_object(expect(polled, what, 200), what)
        raise TransientError(f"{what}: the operation is still running", self._poll_interval)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """The key's restrictions (APIs, referrers, IPs, apps) and the service account it is
        bound to, if any; None when Google no longer has it. A key without restrictions reads
        as `{"restrictions": {}}`."""
        if not key.key_id:
            return None
        old = call(
            self._client,
            "GET",
            self._url("key", name=key.key_id),
            what="read key",
            headers=self._admin(),
        )
        if old.status_code == 404:
            return None
        body = json_object(expect(old, "read key", 200), "read key")
        restrictions = body.get("restrictions")
        settings: dict[str, object] = {
            "restrictions": restrictions if isinstance(restrictions, dict) else {}
        }
        bound = body.get("serviceAccountEmail")
        if isinstance(bound, str) and bound:
            settings["serviceAccountEmail"] = bound
        return settings

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        if not key.account:
            raise PermanentError("Google: the key's project is unknown (use find_key)")
        settings = settings_to_copy(key, self.read_settings)
        if settings is None:
            # Never recorded and no longer readable (deleted): its restrictions are unknown,
            # and a key without any may call every enabled API.
            raise PermanentError(
                "Google: the leaked key's restrictions are unknown (it could not be read and no "
                "snapshot was taken), so leakward will not issue an unrestricted key in its "
                "place; create a replacement with the same restrictions by hand"
            )
        body: dict[str, object] = {"displayName": f"leakward replacement {idempotency_token[:20]}"}
        restrictions = settings.get("restrictions")
        if isinstance(restrictions, dict):
            body["restrictions"] = restrictions  # the replacement must not be broader
        bound = settings.get("serviceAccountEmail")
        if isinstance(bound, str):
            # A bound key (Vertex AI) acts as its service account; unbound, its consumers'
            # calls would fail or run with none of that account's permissions.
            body["serviceAccountEmail"] = bound
        new_id = key_id_for(idempotency_token)
        name = f"projects/{key.account}/locations/global/keys/{new_id}"
        created = call(
            self._client,
            "POST",
            self._url("keys", project=key.account),
            what="create key",
            headers=self._admin(),
            params={"keyId": new_id},
            json=body,
        )
        if created.status_code != 409:  # 409: this token's key exists already; reuse it
            self._wait(json_object(expect(created, "create key", 200), "create key"), "create key")
        value = call(
            self._client,
            "GET",
            self._url("key_string", name=name),
            what="read key",
            headers=self._admin(),
        )
        key_string = field(
            json_object(expect(value, "read key", 200), "read key"), "keyString", "read key"
        )
        return NewCredential(Secret(key_string), name, extra_public=(("project", key.account),))

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Google: the key's resource name is unknown (use find_key)")
        response = call(
            self._client,
            "DELETE",
            self._url("key", name=key.key_id),
            what="delete key",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return
        self._wait(json_object(expect(response, "delete key", 200), "delete key"), "delete key")

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # deletion is itself reversible for a while (undelete), so revoke directly

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key whose id reissue derived from the attempt's token, unless already deleted."""
        if not key.account:
            return Unrecorded()
        name = f"projects/{key.account}/locations/global/keys/{key_id_for(idempotency_token)}"
        response = call(
            self._client, "GET", self._url("key", name=name), what="read key", headers=self._admin()
        )
        if response.status_code == 404:
            return Unrecorded()
        body = json_object(expect(response, "read key", 200), "read key")
        if body.get("deleteTime"):
            return Unrecorded()  # deleted already (Google keeps it a while for undelete)
        return Unrecorded((KeyRef("google", name, key.account),))

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        if account is None:
            raise PermanentError("Google: list_keys needs a project id")
        refs: list[KeyRef] = []
        params: dict[str, str] = {}
        while True:
            response = call(
                self._client,
                "GET",
                self._url("keys", project=account),
                what="list keys",
                headers=self._admin(),
                params=params,
            )
            body = json_object(expect(response, "list keys", 200), "list keys")
            refs.extend(
                KeyRef(
                    "google",
                    optional_field(item, "name"),
                    account,
                    optional_field(item, "displayName"),
                )
                for item in objects(body, "keys")
            )
            token = optional_field(body, "nextPageToken")
            if not token:
                return refs
            params = {"pageToken": token}

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In {FACTS_GOOGLE.console_url} (project {key.account or '(unknown)'}), create a new "
            "API key with the same API and application restrictions, update every consumer, then "
            f"delete {key.key_id or 'the leaked key'}. Restrict keys to the APIs they need: an "
            "unrestricted key gains Gemini access when that API is enabled."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify` of a found Google secret: an API key, or a whole service-account key file."""
    if found.secret.reveal().lstrip().startswith(("{", "-----BEGIN")):
        # gcp imports this module (TokenSource), so it is imported here, not at the top.
        from leakward.rotators.providers import gcp

        return gcp.check_found(found)
    rotator = GoogleApiKeyRotator(
        found.client, base_url=found.url("google"), gemini_url=found.url("google.gemini")
    )
    return rotator.verify(found.secret)
