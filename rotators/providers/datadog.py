"""Datadog API keys: verify on every site, reissue within the 50-key cap, delete.

Stage: rotators. Key management (v2 `/api/v2/api_keys`) needs an API key and an application key
with the api_keys read/write scopes of the same organization, on the organization's site
(US1, EU, US3, …: each its own host). A leaked API key's id is found by listing the keys (only
their last four characters) and reading the candidates, whose `key` the API returns. An
organization keeps at least one API key and at most 50, so a replacement is issued before the
leaked key is deleted, and a delete that would leave none is refused.

Verify asks `GET /api/v1/validate`, which answers 403 for a key it does not know, and a key of
another site is unknown there: unless the site is pinned (DATADOG_SITE, or a base URL other
than the default), a key is dead only when every site refuses it. Application keys cannot be
checked alone (validate reads the API key only), so they are UNKNOWN, never dead.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Self

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
    settings_to_copy,
)
from leakward.rotators.providers.environment import secret_from
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
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.key_hints import tagged, token_attributes
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import configured_url

FACTS_DATADOG = FACTS["datadog"]
# The sites Datadog's OpenAPI documents name (servers.variables.site.enum), each an API host.
DATADOG_SITES = (
    "datadoghq.com",
    "us3.datadoghq.com",
    "us5.datadoghq.com",
    "datadoghq.eu",
    "ap1.datadoghq.com",
    "ap2.datadoghq.com",
    "uk1.datadoghq.com",
    "ddog-gov.com",
    "us2.ddog-gov.com",
)
API_KEY = re.compile(r"[0-9a-f]{32}")
NAME_PREFIX = "leakward-"
PAGE_SIZE = 100
MAX_PAGES = 20  # 2000 keys: far past the 50-key cap, a bound on a misbehaving server


def site_url(site: str) -> str:
    if site not in DATADOG_SITES:
        raise PermanentError(
            f"Datadog: unknown site {site!r}; DATADOG_SITE is one of {', '.join(DATADOG_SITES)}"
        )
    return f"https://api.{site}"


def _name(item: Mapping[str, object]) -> str | None:
    attributes = item.get("attributes")
    name = attributes.get("name") if isinstance(attributes, dict) else None
    return name if isinstance(name, str) else None


class DatadogRotator(HttpRotator):
    provider: ClassVar[str] = "datadog"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_DATADOG
    admin_missing = (
        "Datadog: set DATADOG_ADMIN_API_KEY and DATADOG_ADMIN_APP_KEY (an application key with "
        "the api_keys_read and api_keys_write scopes) of the key's organization, and "
        "DATADOG_SITE when it is not US1"
    )

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        app_key: Secret | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__(client, admin_key=admin_key, base_url=base_url)
        self._app_key = app_key
        # The default URL says nothing about where a found key lives; any other pins the site.
        self._is_pinned = self._base != FACTS_DATADOG.base_url

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        site = environ.get("DATADOG_SITE")
        if site and configured_url(environ, cls.provider) is None:
            base_url = site_url(site)
        return cls(
            client,
            admin_key=admin,
            app_key=secret_from(environ, "DATADOG_ADMIN_APP_KEY"),
            base_url=base_url,
        )

    def _admin(self) -> dict[str, str]:
        if self._admin_key is None or self._app_key is None:
            raise PermanentError(self.admin_missing)
        return {
            "DD-API-KEY": self._admin_key.reveal(),
            "DD-APPLICATION-KEY": self._app_key.reveal(),
        }

    # --- verify ------------------------------------------------------------------------
    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        if not API_KEY.fullmatch(secret.reveal()):
            return Verdict(
                Liveness.UNKNOWN,
                "not a Datadog API key: an application key is only checked with its API key",
            )
        if self._is_pinned:
            return self._validate(self._base, secret)
        verdicts = [self._validate(site_url(site), secret) for site in DATADOG_SITES]
        live = next((v for v in verdicts if v.liveness is Liveness.LIVE), None)
        if live is not None:
            return live
        if all(v.liveness is Liveness.DEAD for v in verdicts):
            return Verdict(
                Liveness.DEAD,
                f"Datadog does not accept the API key on any of {len(verdicts)} sites (403)",
            )
        return next(v for v in verdicts if v.liveness is Liveness.UNKNOWN)

    def _validate(self, base: str, secret: Secret) -> Verdict:
        answer = probe(
            self._client,
            "GET",
            self.facts.url(base, "validate"),
            headers=self.facts.key_auth.headers(secret),
        )
        site = base.removeprefix("https://api.")
        verdict = read_verdict(answer, self.facts.liveness)
        return Verdict(verdict.liveness, verdict.reason, site, verdict.retry_after)

    # --- keys --------------------------------------------------------------------------
    def _keys(self) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        for number in range(MAX_PAGES):
            response = call(
                self._client,
                "GET",
                self._url("api_keys"),
                what="list API keys",
                headers=self._admin(),
                params={"page[size]": str(PAGE_SIZE), "page[number]": str(number)},
            )
            body = json_object(expect(response, "list API keys", 200), "list API keys")
            page = objects(body, "data")
            found += page
            if len(page) < PAGE_SIZE:
                return found
        raise PermanentError(f"list API keys: more than {MAX_PAGES * PAGE_SIZE} keys")

    def _read(self, key_id: str) -> Mapping[str, object] | None:
        """The key's attributes (with its `key` value) or None when Datadog has no such key."""
        response = call(
            self._client,
            "GET",
            self._url("api_key", key_id=key_id),
            what="read API key",
            headers=self._admin(),
        )
        if response.status_code == 404:
            return None
        data = json_object(expect(response, "read API key", 200), "read API key").get("data")
        attributes = data.get("attributes") if isinstance(data, dict) else None
        return attributes if isinstance(attributes, dict) else None

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The key whose last four characters match and whose value, read back, is the leak."""
        value = secret.reveal()
        for item in self._keys():
            attributes = item.get("attributes")
            if not isinstance(attributes, dict) or attributes.get("last4") != value[-4:]:
                continue
            key_id = field(item, "id", "list API keys")
            full = self._read(key_id)
            stored = full.get("key") if full is not None else None
            if isinstance(stored, str) and hmac.compare_digest(stored.encode(), value.encode()):
                return KeyRef("datadog", key_id, None, optional_field(attributes, "name"))
        return None

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        refs = []
        for item in self._keys():
            name = _name(item)
            refs.append(
                KeyRef(
                    "datadog",
                    field(item, "id", "list API keys"),
                    account,
                    name,
                    token_attributes(name, NAME_PREFIX),
                )
            )
        return refs

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """The key named after the attempt's token (reissue names each key it creates)."""
        return tagged(self.list_keys(key.account), idempotency_token)

    def read_settings(self, key: KeyRef) -> Settings | None:
        """Whether the key may read Remote Configuration (an API key has no other setting)."""
        if not key.key_id:
            return None
        attributes = self._read(key.key_id)
        if attributes is None:
            return None
        return {"remote_config_read_enabled": attributes.get("remote_config_read_enabled") is True}

    def _delete(self, key_id: str) -> None:
        response = call(
            self._client,
            "DELETE",
            self._url("api_key", key_id=key_id),
            what="delete API key",
            headers=self._admin(),
        )
        expect(response, "delete API key", 204, 404)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        name = NAME_PREFIX + idempotency_token
        remaining = []
        for item in self._keys():
            if _name(item) == name:
                self._delete(field(item, "id", "list API keys"))  # an earlier attempt's
            else:
                remaining.append(item)
        cap = FACTS_DATADOG.key_cap or 50
        if len(remaining) >= cap:
            raise PermanentError(
                f"Datadog: the organization holds {len(remaining)} API keys (cap {cap}); delete "
                "unused keys, or allow revoke-first for this key"
            )
        settings = settings_to_copy(key, self.read_settings) or {}
        attributes: dict[str, object] = {"name": name}
        if settings.get("remote_config_read_enabled") is True:
            attributes["remote_config_read_enabled"] = True
        response = call(
            self._client,
            "POST",
            self._url("api_keys"),
            what="create API key",
            headers=self._admin(),
            json={"data": {"type": "api_keys", "attributes": attributes}},
        )
        data = json_object(expect(response, "create API key", 201), "create API key").get("data")
        made = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(made, dict):
            raise PermanentError("create API key: Datadog returned no key")
        return NewCredential(
            Secret(field(made, "key", "create API key")), field(data, "id", "create API key")
        )

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Datadog: the key id is unknown (use find_key)")
        ids = [optional_field(item, "id") for item in self._keys()]
        if ids == [key.key_id]:
            raise PermanentError(
                "Datadog: this is the organization's only API key, and an organization keeps at "
                "least one; issue the replacement first"
            )
        self._delete(key.key_id)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # API keys cannot be disabled, only deleted

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_DATADOG.console_url} (on the organization's site) create an API key, "
            "update every consumer, then revoke key "
            f"{key.hint or key.key_id or '(unknown)'}. A leaked application key is revoked under "
            "Organization Settings > Application Keys."
        )
