"""In-test doubles for the pipeline: a provider, a secret store and a notifier kept in JSON files.

Files rather than memory so a pipeline killed in a subprocess and one resuming it in the test see
the same provider, stores and sent notices. Each can be told to fail a call a number of times.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from leakward.core.secret import Secret
from leakward.rotators.base import (
    Capability,
    KeyRef,
    Liveness,
    NewCredential,
    Notice,
    Unrecorded,
    Verdict,
)
from leakward.rotators.providers.key_hints import tagged


@contextmanager
def locked_json(path: Path, default: Any) -> Iterator[Any]:
    """Read-modify-write a JSON file under an exclusive lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else default
        yield data
        path.write_text(json.dumps(data))


class Faults:
    """Per-operation queues of errors to raise before succeeding."""

    def __init__(self) -> None:
        self.queued: dict[str, list[Exception]] = {}

    def add(self, operation: str, *errors: Exception) -> None:
        self.queued.setdefault(operation, []).extend(errors)

    def check(self, operation: str) -> None:
        queue = self.queued.get(operation)
        if queue:
            raise queue.pop(0)


class FakeRotator:
    provider: ClassVar[str] = "acme"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(self, state: Path, capability: Capability | None = None) -> None:
        self.state = state
        self.faults = Faults()
        if capability is not None:
            self.capability = capability  # type: ignore[misc]

    def add_key(self, key_id: str, secret: str) -> None:
        with locked_json(self.state, {"keys": {}, "counter": 0}) as data:
            data["keys"][key_id] = {"secret": secret, "status": "active", "token": None}

    def keys(self) -> dict[str, dict[str, Any]]:
        with locked_json(self.state, {"keys": {}, "counter": 0}) as data:
            return dict(data["keys"])

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        self.faults.check("verify")
        for key_id, key in self.keys().items():
            if key["secret"] == secret.reveal():
                alive = key["status"] == "active"
                return Verdict(Liveness.LIVE if alive else Liveness.DEAD, key["status"], key_id)
        return Verdict(Liveness.DEAD, "unknown key")

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        self.faults.check("reissue")
        with locked_json(self.state, {"keys": {}, "counter": 0}) as data:
            data["counter"] += 1
            key_id = f"key-{data['counter']}"
            secret = f"acme_live_{idempotency_token[:8]}{data['counter']:04d}XYZsecretvalue"
            data["keys"][key_id] = {
                "secret": secret,
                "status": "active",
                "token": idempotency_token,
            }
        return NewCredential(secret=Secret(secret), key_id=key_id)

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        self.faults.check("revoke")
        with locked_json(self.state, {"keys": {}, "counter": 0}) as data:
            if key.key_id in data["keys"]:
                data["keys"][key.key_id]["status"] = "revoked"

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Mapping[str, object] | None:
        return {}  # nothing to copy

    def contain(self, key: KeyRef) -> bool:
        self.faults.check("contain")
        with locked_json(self.state, {"keys": {}, "counter": 0}) as data:
            if key.key_id in data["keys"] and data["keys"][key.key_id]["status"] == "active":
                data["keys"][key.key_id]["status"] = "inactive"
        return True

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        return tagged(self.list_keys(key.account), idempotency_token)

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        self.faults.check("list_keys")
        return [
            KeyRef(
                provider=self.provider,
                key_id=key_id,
                attributes=(("status", key["status"]), ("idempotency_token", key["token"] or "")),
            )
            for key_id, key in self.keys().items()
        ]

    def manual_steps(self, key: KeyRef) -> str:
        return "open https://acme.test/keys, delete the key and create a new one"


class FakeStore:
    kind: ClassVar[str] = "vault"

    def __init__(self, state: Path) -> None:
        self.state = state
        self.faults = Faults()

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        self.faults.check("put")
        with locked_json(self.state, {}) as data:
            entry = data.setdefault(locator, {"current": None, "staged": {}})
            entry["staged"][idempotency_token] = value.reveal()

    def promote(self, locator: str, idempotency_token: str) -> None:
        self.faults.check("promote")
        with locked_json(self.state, {}) as data:
            entry = data[locator]
            entry["current"] = entry["staged"][idempotency_token]

    def current(self, locator: str) -> str | None:
        with locked_json(self.state, {}) as data:
            return data.get(locator, {}).get("current")


class FakeNotifier:
    kind: ClassVar[str] = "test"

    def __init__(self, state: Path) -> None:
        self.state = state
        self.faults = Faults()

    def send(self, notice: Notice, idempotency_key: str) -> None:
        self.faults.check("send")
        with locked_json(self.state, []) as data:
            data.append({"key": idempotency_key, **asdict(notice)})

    def sent(self) -> list[dict[str, Any]]:
        with locked_json(self.state, []) as data:
            return list(data)
