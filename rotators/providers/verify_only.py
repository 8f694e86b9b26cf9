"""The shared half of verify-only rotators: everything but `verify` is a human's job.

Stage: rotators. Stripe, Hugging Face, Postman and PyPI offer no API to revoke or mint their
keys, so reissue and revoke stop with a PermanentError that carries the owner's instructions,
and `manual_steps` names the page where the owner does it.
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
from leakward.rotators.providers.environment import http_client
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.liveness_rules import read_verdict
from leakward.rotators.providers.registry import configured_url


class VerifyOnlyRotator:
    provider: ClassVar[str]
    capability: ClassVar[Capability] = Capability.VERIFY_ONLY
    rotates_in_place: ClassVar[bool] = False
    # What the owner must do, with {console} for the provider's key page.
    instructions: ClassVar[str]

    def __init__(self, client: httpx.Client, *, base_url: str | None = None) -> None:
        self._client = client
        self._base = (base_url or FACTS[self.provider].base_url).rstrip("/")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Self:
        """LEAKWARD_API_<PROVIDER> only: verify needs no admin credential."""
        return cls(http_client(), base_url=configured_url(environ, cls.provider))

    def _url(self, name: str) -> str:
        return self._base + FACTS[self.provider].endpoints[name]

    def _key_headers(self, secret: Secret | None = None) -> dict[str, str]:
        return FACTS[self.provider].key_auth.headers(secret)

    def _read(self, answer: httpx.Response | Verdict, identity: str | None = None) -> Verdict:
        return read_verdict(answer, FACTS[self.provider].liveness, identity=identity)

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        raise PermanentError(f"{self.provider}: no API can mint a key; {self.manual_steps(key)}")

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        raise PermanentError(f"{self.provider}: no API can revoke a key; {self.manual_steps(key)}")

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}  # nothing is issued here

    def contain(self, key: KeyRef) -> bool:
        return False

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # nothing is ever issued here

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return []

    def manual_steps(self, key: KeyRef) -> str:
        which = key.hint or key.key_id or "the leaked key"
        return self.instructions.format(console=FACTS[self.provider].console_url, key=which)
