"""The stand-in for a provider leakward has no rotator for: every step is the owner's job.

Stage: rotators (pipeline). `steps.rotator_for` hands it out, so a rotation of such a key still
runs, records what the owner must do, and tells them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

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


class ManualRotator:
    """Stands in for a provider leakward has no rotator for: everything is the owner's job."""

    provider: ClassVar[str] = "unknown"
    capability: ClassVar[Capability] = Capability.VERIFY_ONLY
    rotates_in_place: ClassVar[bool] = False

    def __init__(self, provider: str) -> None:
        self.name = provider

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        return Verdict(Liveness.UNKNOWN, f"leakward has no rotator for {self.name}")

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        raise PermanentError(f"leakward cannot issue {self.name} keys")

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        raise PermanentError(f"leakward cannot revoke {self.name} keys")

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Settings | None:
        return {}

    def contain(self, key: KeyRef) -> bool:
        return False

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return Unrecorded()  # nothing is ever issued here

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        return ()

    def manual_steps(self, key: KeyRef) -> str:
        return (
            f"leakward has no rotator for {self.name}: revoke the key in the provider's console, "
            "issue a new one and update every place that uses it"
        )
