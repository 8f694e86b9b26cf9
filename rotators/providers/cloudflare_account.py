"""Cloudflare account-owned API tokens: verify in their account, roll, delete.

Stage: rotators. An account-owned token belongs to an account, not a user: it is verified at
`/accounts/{account_id}/tokens/verify` (the user-token verify does not know it), rolled with
`PUT /accounts/{account_id}/tokens/{token_id}/value` and `{}` (a new value, the same
permissions, the old value dead at once) and deleted at `/accounts/{account_id}/tokens/
{token_id}`, with a managing token allowed to edit the account's API tokens. The key's `account`
in the registry is the account id; without it (a token found by the scanner alone) the answer
is UNKNOWN, never dead. User tokens are cloudflare.py's; this module shares their liveness rules
(facts) and nothing else. Rolling again after a lost answer kills the lost value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

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
)
from leakward.rotators.providers.cloudflare import verified_token_id
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import call, expect, json_object, probe
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness_rules import read_verdict

if TYPE_CHECKING:
    from leakward.rotators.providers.liveness import FoundSecret

FACTS_ACCOUNT = FACTS["cloudflare_account"]


def _where(key: KeyRef) -> tuple[str, str]:
    if not key.key_id or not key.account:
        raise PermanentError(
            "Cloudflare: an account-owned token is managed by its id in its account; record "
            "both (find_key gives the id)"
        )
    return key.account, key.key_id


class CloudflareAccountTokenRotator(HttpRotator):
    provider: ClassVar[str] = "cloudflare_account"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = True
    facts = FACTS_ACCOUNT
    admin_missing = (
        "Cloudflare: no managing token configured; set CLOUDFLARE_API_TOKEN to a token allowed "
        "to edit the account's API tokens"
    )

    def _check(self, secret: Secret, account: str | None) -> tuple[Verdict, str | None]:
        if not account:
            unknown = Verdict(
                Liveness.UNKNOWN,
                "an account-owned Cloudflare token is checked in its account, which is not known",
            )
            return unknown, None
        answer = probe(
            self._client,
            "GET",
            self._url("verify", account_id=account),
            headers=self.facts.key_auth.headers(secret),
        )
        token_id = verified_token_id(answer)
        return read_verdict(answer, self.facts.liveness, identity=token_id), token_id

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._check(secret, key.account if key is not None else None)[0]

    def find_key(self, secret: Secret, account: str) -> KeyRef | None:
        """The token's id in `account`, from its own verify answer."""
        token_id = self._check(secret, account)[1]
        return KeyRef(self.provider, token_id, account) if token_id else None

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        account, token_id = _where(key)
        response = call(
            self._client,
            "PUT",
            self._url("roll", account_id=account, token_id=token_id),
            what="roll account token",
            headers=self._admin(),
            json={},
        )
        body = json_object(expect(response, "roll account token", 200), "roll account token")
        value = body.get("result")
        if body.get("success") is not True or not isinstance(value, str):
            raise PermanentError("roll account token: Cloudflare did not return a new value")
        return NewCredential(Secret(value), token_id)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        account, token_id = _where(key)
        response = call(
            self._client,
            "DELETE",
            self._url("token", account_id=account, token_id=token_id),
            what="delete account token",
            headers=self._admin(),
        )
        expect(response, "delete account token", 200, 404)

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # a roll keeps the token's id; rolling again kills the lost value

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # rolling keeps the token's permissions and resources itself

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return []  # register account tokens with their account id (find_key gives the id)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def contain(self, key: KeyRef) -> bool:
        return False  # the roll already kills the value

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"In the account's API tokens ({FACTS_ACCOUNT.console_url}) roll token "
            f"{key.hint or key.key_id or '(unknown)'} and update every consumer."
        )


def check_found(found: FoundSecret) -> Verdict:
    """`scan --verify`: checked in the account named beside the token (its `key_id`)."""
    rotator = CloudflareAccountTokenRotator(found.client, base_url=found.url("cloudflare_account"))
    account = KeyRef("cloudflare_account", None, found.key_id) if found.key_id else None
    return rotator.verify(found.secret, account)
