"""Azure OpenAI / Azure AI services account keys: two slots, key1 and key2, rotated blue-green
through Azure Resource Manager with a service principal's Entra token.

Stage: rotators. An account (its resource id, `/subscriptions/…/providers/Microsoft.
CognitiveServices/accounts/NAME`, is the key's `account`) always has two keys; the registry's
`key_id` names the leaked one's slot. Microsoft's rotation procedure
(learn.microsoft.com/azure/ai-services/rotate-keys) is followed: regenerate the other slot, so
its value is fresh, hand that to every consumer (reissue), then regenerate the leaked slot, which
kills the leaked value at once (revoke). `regenerateKey` answers both keys, so the fresh value
never needs a second call. Verify compares the value with the account's current keys
(`listKeys`), the one answer that says for certain whether the account still accepts it; it
needs the account and the service principal, and is UNKNOWN without them.
"""

from __future__ import annotations

import hmac
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
    RotationError,
    Settings,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.azure_token import EntraToken, ServicePrincipal
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import call, expect, field, json_object
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.registry import default_url, url_for

FACTS_AZURE = FACTS["azure_ai"]
API_VERSION = "2024-10-01"  # the newest stable Microsoft.CognitiveServices version read
LOGIN_URL = default_url("azure_ai.login")
SLOTS = ("key1", "key2")
KEY_NAMES = {"key1": "Key1", "key2": "Key2"}  # RegenerateKeyParameters.keyName's enum


class AzureAiRotator(HttpRotator):
    provider: ClassVar[str] = "azure_ai"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False
    facts = FACTS_AZURE
    admin_missing = (
        "Azure: no service principal configured; set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
        "AZURE_CLIENT_SECRET (a role with listKeys and regenerateKey on the account)"
    )

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_key: Secret | None = None,
        base_url: str | None = None,
        tenant: str | None = None,
        client_id: str | None = None,
        login_url: str = LOGIN_URL,
    ) -> None:
        super().__init__(client, admin_key=admin_key, base_url=base_url)
        self._token: EntraToken | None = None
        if admin_key is not None and tenant and client_id:
            principal = ServicePrincipal(tenant, client_id, admin_key)
            self._token = EntraToken(client, login_url, principal)

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        return cls(
            client,
            admin_key=admin,
            base_url=base_url,
            tenant=environ.get("AZURE_TENANT_ID") or None,
            client_id=environ.get("AZURE_CLIENT_ID") or None,
            login_url=url_for(environ, "azure_ai.login"),
        )

    def _admin(self) -> dict[str, str]:
        if self._token is None:
            raise PermanentError(self.admin_missing)
        return self._token.headers()

    def _post(
        self, endpoint: str, account: str, what: str, body: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The account's keys as `listKeys` or `regenerateKey` answer them."""
        response = call(
            self._client,
            "POST",
            self.facts.url(self._base, endpoint, keep="/", account=account),
            what=what,
            headers=self._admin(),
            params={"api-version": API_VERSION},
            json=body,
        )
        if response.status_code == 404:
            raise PermanentError(f"{what}: Azure has no account {account} (404)")
        keys = json_object(expect(response, what, 200), what)
        return {slot: field(keys, slot, what) for slot in SLOTS}

    def _keys(self, account: str) -> dict[str, str]:
        return self._post("list_keys", account, "list keys")

    def _regenerate(self, account: str, slot: str) -> dict[str, str]:
        body = {"keyName": KEY_NAMES[slot]}
        return self._post("regenerate", account, f"regenerate {slot}", body)

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        if key is None or not key.account:
            return Verdict(
                Liveness.UNKNOWN,
                "an Azure AI key is checked against its account's keys; register it with the "
                "account's resource id",
            )
        try:
            slot = self._slot_of(secret, key.account)
        except RotationError as exc:
            return Verdict(Liveness.UNKNOWN, f"could not read the account's keys: {exc}")
        if slot is None:
            return Verdict(Liveness.DEAD, "the account's key1 and key2 no longer hold this value")
        return Verdict(Liveness.LIVE, f"the account's {slot} holds this value", key.account)

    def _slot_of(self, secret: Secret, account: str) -> str | None:
        value = secret.reveal().encode()
        keys = self._keys(account)
        return next(
            (slot for slot in SLOTS if hmac.compare_digest(keys[slot].encode(), value)), None
        )

    def find_key(self, secret: Secret, account: str) -> KeyRef | None:
        """The slot of `account` that holds the value; None when neither does."""
        slot = self._slot_of(secret, account)
        return KeyRef("azure_ai", slot, account) if slot else None

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        if not account:
            raise PermanentError("Azure: name the account's resource id to list its keys")
        return [KeyRef("azure_ai", slot, account) for slot in SLOTS]

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # both slots carry the account's permissions; nothing to copy

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        """Regenerate the other slot and hand out its fresh value (repeating it regenerates again,
        so a value an interrupted attempt issued dies with it)."""
        account, other = self._account(key), _other(key)
        return NewCredential(Secret(self._regenerate(account, other)[other]), other)

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # a lost value is overwritten by the next reissue of the same slot

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """Regenerate the leaked slot: its old value stops working at once."""
        self._regenerate(self._account(key), _slot(key))

    def contain(self, key: KeyRef) -> bool:
        return False  # regenerating is the only per-key step; it is the revocation

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def _account(self, key: KeyRef) -> str:
        if not key.account:
            raise PermanentError("Azure: the key's account (its resource id) is unknown")
        return key.account

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In the Azure portal ({FACTS_AZURE.console_url}) open account "
            f"{key.account or '(unknown)'}, Keys and Endpoint: regenerate the key that is not "
            f"{key.key_id or 'the leaked one'}, move every consumer to it, then regenerate "
            f"{key.key_id or 'the leaked key'}."
        )


def _slot(key: KeyRef) -> str:
    if key.key_id not in SLOTS:
        raise PermanentError("Azure: the leaked key's slot (key1 or key2) is unknown; find_key")
    return str(key.key_id)


def _other(key: KeyRef) -> str:
    return SLOTS[1 - SLOTS.index(_slot(key))]
