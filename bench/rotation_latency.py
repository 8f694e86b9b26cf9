"""Rotation latency: from `leakward rotate` starting to the leaked key confirmed dead.

Runs the revoke-first pipeline N times against local fakes over real HTTP on 127.0.0.1 (a small
provider API, the fake Vault KV v2 as the consumer's store, a signed-webhook receiver) with a
fresh SQLite registry each run, and prints the median. Target: under 2 s.

    .venv/bin/python -m bench.rotation_latency [--runs 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import httpx

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry.rotation_state import RotationStatus, RotationStep
from leakward.rotators.base import Capability, KeyRef, Liveness, NewCredential, Verdict
from leakward.rotators.rotation.pipeline import RotationPipeline
from leakward.rotators.stores.vault import VaultKvStore
from leakward.webhooks.notify.webhook import WebhookNotifier
from tests.fakes.server import FakeRequest, FakeServer, Reply
from tests.fakes.vault import TOKEN, FakeVault

LEAKED = "bench_live_LEAKEDvalue0123456789abcdef"


class ProviderApi(FakeServer):
    """Keys by id; GET /whoami with a bearer key, POST /keys, DELETE /keys/{id}, GET /keys."""

    def __init__(self) -> None:
        super().__init__()
        self.keys = {"old": {"secret": LEAKED, "active": True}}
        self.route("GET", r"/whoami", self._whoami)
        self.route("POST", r"/keys", self._create)
        self.route("GET", r"/keys", self._list)
        self.route("DELETE", r"/keys/(?P<id>[^/]+)", self._delete)
        self.route("POST", r"/hook", lambda request, match: Reply(200, "ok"))

    def _whoami(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        live = [k for k, v in self.keys.items() if v["secret"] == request.bearer() and v["active"]]
        return Reply(200, {"id": live[0]}) if live else Reply(401, {"error": "dead"})

    def _create(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        key_id = f"k{len(self.keys)}"
        self.keys[key_id] = {"secret": f"bench_live_NEW{key_id}value0123456789", "active": True}
        return Reply(201, {"id": key_id, "secret": self.keys[key_id]["secret"]})

    def _list(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        return Reply(200, [{"id": k, "active": v["active"]} for k, v in self.keys.items()])

    def _delete(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        self.keys[match["id"]]["active"] = False
        return Reply(204)


class BenchRotator:
    provider: ClassVar[str] = "bench"
    capability: ClassVar[Capability] = Capability.FULL
    rotates_in_place: ClassVar[bool] = False

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        answer = self.client.get("/whoami", headers={"Authorization": f"Bearer {secret.reveal()}"})
        alive = answer.status_code == 200
        return Verdict(Liveness.LIVE if alive else Liveness.DEAD, str(answer.status_code))

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        created = self.client.post("/keys").json()
        return NewCredential(secret=Secret(created["secret"]), key_id=created["id"])

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        self.client.delete(f"/keys/{key.key_id}")

    def capability_for(self, key: KeyRef) -> Capability:
        return self.capability

    def read_settings(self, key: KeyRef) -> Mapping[str, object] | None:
        return {}  # nothing to copy

    def contain(self, key: KeyRef) -> bool:
        return False

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        listed = self.client.get("/keys").json()
        status = {True: "active", False: "revoked"}
        return [
            KeyRef("bench", k["id"], attributes=(("status", status[k["active"]]),)) for k in listed
        ]

    def manual_steps(self, key: KeyRef) -> str:
        return ""


def one_run(workdir: Path) -> float:
    with ProviderApi() as api, FakeVault() as vault, httpx.Client(base_url=api.url) as client:
        registry = Registry.open(f"sqlite:///{workdir / 'registry.db'}", pepper=b"bench-pepper")
        entry = registry.add_key(
            NewKey(
                provider="bench",
                owner=Owner("owner@example.test"),
                key_id="old",
                consumers=(parse_consumer("vault:secret/app#api_key"),),
            ),
            LEAKED,
        )
        pipeline = RotationPipeline(
            registry=registry,
            rotators={"bench": BenchRotator(client)},
            stores={
                "vault": VaultKvStore.from_environment(
                    {"VAULT_ADDR": vault.url, "VAULT_TOKEN": TOKEN}
                )
            },
            notifiers=[WebhookNotifier(client, f"{api.url}/hook", b"bench")],
        )
        started = time.time()
        result = pipeline.rotate(entry, policy="revoke-first", secret=Secret(LEAKED))
        registry.close()
        if result.rotation.status is not RotationStatus.DONE or api.keys["old"]["active"]:
            raise SystemExit(f"rotation did not finish: {result.rotation.last_error}")
        dead_at = datetime.fromisoformat(
            result.rotation.step_times[RotationStep.OLD_DEAD]
        ).timestamp()
        return dead_at - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    latencies = []
    for index in range(runs):
        with tempfile.TemporaryDirectory() as workdir:
            latencies.append(one_run(Path(workdir)))
        if index == 0:
            print(f"first run (cold imports, migrations): {latencies[0]:.3f} s")
    median = statistics.median(latencies)
    print(f"revoke-first, start -> old key confirmed dead: median {median:.3f} s, {runs} runs")
    print(f"target 2 s: {'met' if median < 2 else 'MISSED'} ({2 / median:.1f}x headroom)")


if __name__ == "__main__":
    main()
