"""Cloudflare API tokens: verify, roll (new value, same permissions, old value dead), delete.

Stage: rotators. The roll is `PUT /user/tokens/{id}/value` with `{}` (there is no `/roll`): it
invalidates the old value at once, so reissue is also the revocation of the value and delivery
must follow immediately. Rolling again after a lost answer simply rolls once more; only the
returned value is ever live. The managing token needs "API Tokens Write".
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
    json_object,
    objects,
    optional_field,
    probe,
)
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness_rules import read_verdict

FACTS_CLOUDFLARE = FACTS["cloudflare"]
# List Tokens pages its answer (`page`, `per_page` at most 50, `result_info.total_pages`).
PAGE_SIZE = 50
# A bound on the walk, so a server that always claims another page cannot keep us forever.
MAX_PAGES = 200


def verified_token_id(answer: httpx.Response | Verdict) -> str | None:
    """The token's id (`result.id`) from a 200 verify answer, user-owned or account-owned
    alike (the liveness rules say what the answer means)."""
    if not isinstance(answer, httpx.Response) or answer.status_code != 200:
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    result = (body.get("result") or {}) if isinstance(body, dict) else None
    return optional_field(result, "id") if isinstance(result, dict) else None


class CloudflareRotator(HttpRotator):
    provider: ClassVar[str] = "cloudflare"
    capability: ClassVar[Capability] = Capability.FULL
    # The roll kills the old value as it returns the new one, under the same token id.
    rotates_in_place: ClassVar[bool] = True
    facts = FACTS_CLOUDFLARE
    admin_missing = "Cloudflare: no managing API token configured"

    def __init__(
        self,
        client: httpx.Client,
        *,
        admin_token: Secret | None = None,
        base_url: str = FACTS_CLOUDFLARE.base_url,
    ) -> None:
        super().__init__(client, admin_key=admin_token, base_url=base_url)

    @classmethod
    def _configured(
        cls, client: httpx.Client, admin: Secret | None, base_url: str, environ: Mapping[str, str]
    ) -> Self:
        return cls(client, admin_token=admin, base_url=base_url)

    def _check(self, secret: Secret) -> tuple[Verdict, str | None]:
        facts = self.facts
        answer = probe(
            self._client, "GET", self._url("verify"), headers=facts.key_auth.headers(secret)
        )
        verdict = read_verdict(answer, facts.liveness, identity=verified_token_id(answer))
        return verdict, verdict.identity

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return self._check(secret)[0]

    def find_key(self, secret: Secret) -> KeyRef | None:
        """The token's id, from its own verify answer."""
        token_id = self._check(secret)[1]
        return KeyRef("cloudflare", token_id) if token_id else None

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        if not key.key_id:
            raise PermanentError("Cloudflare: the token id is unknown (use find_key)")
        response = call(
            self._client,
            "PUT",
            self._url("roll", token_id=key.key_id),
            what="roll token",
            headers=self._admin(),
            json={},
        )
        body = json_object(expect(response, "roll token", 200), "roll token")
        value = body.get("result")
        if body.get("success") is not True or not isinstance(value, str):
            raise PermanentError("roll token: Cloudflare did not return a new value")
        return NewCredential(Secret(value), key.key_id)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        if not key.key_id:
            raise PermanentError("Cloudflare: the token id is unknown (use find_key)")
        response = call(
            self._client,
            "DELETE",
            self._url("token", token_id=key.key_id),
            what="delete token",
            headers=self._admin(),
        )
        expect(response, "delete token", 200, 404)

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # rolling keeps the token's policies itself

    def contain(self, key: KeyRef) -> bool:
        return False  # a token's status could be set, but the roll already kills the value

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # a roll keeps the token's id; rolling again kills the lost value

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        refs: list[KeyRef] = []
        for page in range(1, MAX_PAGES + 1):
            body = self._token_page(page)
            items = objects(body, "result")
            refs += [
                KeyRef("cloudflare", optional_field(item, "id"), None, optional_field(item, "name"))
                for item in items
            ]
            info = body.get("result_info")
            total = info.get("total_pages") if isinstance(info, Mapping) else None
            has_more = page < total if isinstance(total, int) else len(items) >= PAGE_SIZE
            if not items or not has_more:
                return refs
        raise PermanentError(
            f"list tokens: more than {MAX_PAGES * PAGE_SIZE} tokens; list them in the dashboard"
        )

    def _token_page(self, page: int) -> Mapping[str, object]:
        response = call(
            self._client,
            "GET",
            self._url("tokens"),
            what="list tokens",
            headers=self._admin(),
            params={"per_page": str(PAGE_SIZE), "page": str(page)},
        )
        return json_object(expect(response, "list tokens", 200), "list tokens")

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"At {FACTS_CLOUDFLARE.console_url} roll token {key.key_id or key.hint or ''} and "
            "update every consumer. A leaked Global API Key can only be rolled in the dashboard."
        )
