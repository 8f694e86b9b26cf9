"""Each HTTP call of a rotation fails once at the provider's fake; the rotation still ends once.

For SendGrid, Google API keys, GCP service-account keys (its IAM calls), OpenRouter and xAI,
every request the default (reissue-first) rotation sends is listed below with the step that
sends it. Each case makes the fake answer the first attempt of one of them with a 500, a 429
with Retry-After, or a stall past the client's timeout (tests/fakes/server.py `fail_next`), and
for the calls that change state also with a stall *after* the provider did the work (the create
or delete happened, its answer was lost). The rotation must still finish with the leaked key
dead, exactly one live replacement (no duplicate from a repeated create), the consumer holding
it and one notice. Calls whose failure the pipeline retries must show the retry (attempts
recorded, Retry-After honoured as the floor of the wait); a liveness probe of the leaked key
before anything changed only records "unknown".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry.rotation_state import RotationStatus
from leakward.rotators.base import Liveness, Rotator
from leakward.rotators.providers.gcp import GcpServiceAccountKeyRotator
from leakward.rotators.providers.google import GoogleApiKeyRotator
from leakward.rotators.providers.openrouter import OpenRouterRotator
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.rotators.providers.xai import XaiRotator
from leakward.rotators.rotation.pipeline import RotationPipeline
from leakward.rotators.rotation.retry import RetryPolicy
from tests.fakes.google import FakeGoogle
from tests.fakes.openrouter import FakeOpenRouter
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.server import FakeServer
from tests.fakes.xai import TEAM as XAI_TEAM
from tests.fakes.xai import FakeXai
from tests.rotators.fakes import FakeNotifier, FakeStore

PEPPER = b"transient-steps-pepper-0123456789abcdef"
CONSUMER = "vault:secret/app#key"
TIMEOUT = 0.5  # the rotators' client timeout here; a stall outlasts it
RETRY_AFTER = "7"


@dataclass(frozen=True, slots=True)
class Call:
    """One request of a rotation: `skip` earlier requests match it (the nth GET /v3/scopes)."""

    step: str
    method: str
    path: str  # "{old}" stands for the leaked key's id (SendGrid) or name (Google)
    skip: int = 0
    exact: bool = False
    is_state_change: bool = False
    is_retried: bool = True  # False: a failed probe of the leaked key is only recorded


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    fixture: str
    calls: tuple[Call, ...]
    # (fake, client) -> (rotator, leaked key id, leaked value, account)
    plant: Callable[[Any, httpx.Client], tuple[Rotator, str, str, str | None]]
    live: Callable[[Any], set[str]]  # values of the family's live keys


def _sendgrid(fake: FakeSendGrid, client: httpx.Client) -> tuple[Rotator, str, str, None]:
    key_id, value = fake.add_key("newsletter", ["mail.send"])
    rotator = SendGridRotator(client, admin_key=Secret(fake.admin_key), base_url=fake.url)
    return rotator, key_id, value, None


def _google(fake: FakeGoogle, client: httpx.Client) -> tuple[Rotator, str, str, str]:
    old = fake.add_api_key()
    rotator = GoogleApiKeyRotator(
        client,
        token_source=lambda: Secret(fake.admin_token),
        base_url=fake.url,
        gemini_url=fake.url,
        sleep=lambda _seconds: None,  # operation polls: the fake's finish at once
    )
    return rotator, old.name, old.value, "123"


def _gcp(fake: FakeGoogle, client: httpx.Client) -> tuple[Rotator, str, str, str]:
    old = fake.add_sa_key(SA)
    rotator = GcpServiceAccountKeyRotator(
        client,
        token_source=lambda: Secret(fake.admin_token),
        iam_url=fake.url,
        token_url=fake.url + "/token",
    )
    return rotator, old.id, json.dumps(old.key_file()), SA


def _gcp_live(fake: FakeGoogle) -> set[str]:
    # The key file the fake hands out is json.dumps of this; a disabled key can be enabled.
    return {json.dumps(k.key_file()) for k in fake.sa_keys.values() if k.account == SA}


def _openrouter(fake: FakeOpenRouter, client: httpx.Client) -> tuple[Rotator, str, str, None]:
    old = fake.add_key("prod", limit=10.0)
    rotator = OpenRouterRotator(client, admin_key=Secret(fake.management_key), base_url=fake.url)
    return rotator, old.hash, old.value, None


def _xai(fake: FakeXai, client: httpx.Client) -> tuple[Rotator, str, str, str]:
    old = fake.add_key("prod")
    rotator = XaiRotator(
        client, admin_key=Secret(fake.management_key), base_url=fake.url, api_url=fake.url
    )
    return rotator, old.id, old.value, old.team


XAI_KEYS = f"/auth/teams/{XAI_TEAM}/api-keys"
SA = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"
KEYS = "/v2/projects/123/locations/global/keys"
PROVIDERS = (
    Provider(
        "sendgrid",
        "fake_sendgrid",
        (
            Call("verified", "GET", "/v3/scopes", is_retried=False),
            Call("settings_saved", "GET", "/v3/api_keys/{old}"),
            Call("issued-list", "GET", "/v3/api_keys", exact=True),
            Call("issued-create", "POST", "/v3/api_keys", exact=True, is_state_change=True),
            Call("tested", "GET", "/v3/scopes", skip=1),
            Call("old_revoked", "DELETE", "/v3/api_keys/{old}", is_state_change=True),
            Call("old_dead", "GET", "/v3/scopes", skip=2),
        ),
        _sendgrid,
        lambda fake: {str(k["value"]) for k in fake.keys.values() if k["value"] != fake.admin_key},
    ),
    Provider(
        "google",
        "fake_google",
        (
            Call("verified", "GET", "/v1beta/models", is_retried=False),
            Call("settings_saved", "GET", "/v2/{old}", exact=True),
            Call("issued-create", "POST", KEYS, exact=True, is_state_change=True),
            Call("issued-operation", "GET", "/v2/operations/"),
            Call("issued-keystring", "GET", f"{KEYS}/leakward-"),
            Call("tested", "GET", "/v1beta/models", skip=1),
            Call("old_revoked", "DELETE", "/v2/{old}", is_state_change=True),
            Call("old_revoked-operation", "GET", "/v2/operations/", skip=1),
            Call("old_dead", "GET", "/v1beta/models", skip=2),
        ),
        _google,
        lambda fake: {k.value for k in fake.live_api_keys()},
    ),
    Provider(
        "gcp",
        "fake_google",
        # The IAM calls; its token exchanges (verify) are the other providers' kind of probe.
        (
            Call("issued-list", "GET", f"/v1/{SA}/keys", exact=True),
            Call("issued-create", "POST", f"/v1/{SA}/keys", exact=True, is_state_change=True),
            Call("old_revoked-disable", "POST", f"/v1/{SA}/keys/{{old}}:disable", exact=True),
            Call("old_revoked", "DELETE", f"/v1/{SA}/keys/{{old}}", is_state_change=True),
        ),
        _gcp,
        _gcp_live,
    ),
    Provider(
        "openrouter",
        "fake_openrouter",
        (
            Call("verified", "GET", "/api/v1/key", exact=True, is_retried=False),
            Call("settings_saved", "GET", "/api/v1/keys/{old}"),
            Call("issued-list", "GET", "/api/v1/keys", exact=True),
            Call("issued-create", "POST", "/api/v1/keys", exact=True, is_state_change=True),
            Call("tested", "GET", "/api/v1/key", skip=1, exact=True),
            Call("old_revoked", "DELETE", "/api/v1/keys/{old}", is_state_change=True),
            Call("old_dead", "GET", "/api/v1/key", skip=2, exact=True),
        ),
        _openrouter,
        lambda fake: {k.value for k in fake.live()},
    ),
    Provider(
        "xai",
        "fake_xai",
        (
            Call("verified", "GET", "/v1/api-key", exact=True, is_retried=False),
            Call("settings_saved", "GET", XAI_KEYS, exact=True),
            Call("issued-list", "GET", XAI_KEYS, skip=1, exact=True),
            Call("issued-create", "POST", XAI_KEYS, exact=True, is_state_change=True),
            Call("tested", "GET", "/v1/api-key", skip=1, exact=True),
            Call("old_revoked", "DELETE", "/auth/api-keys/{old}", is_state_change=True),
            Call("old_dead", "GET", "/v1/api-key", skip=2, exact=True),
        ),
        _xai,
        lambda fake: {k.value for k in fake.live()},
    ),
)

FAULTS: dict[str, dict[str, Any]] = {
    "500": {"status": 500},
    "429-retry-after": {"status": 429, "retry_after": RETRY_AFTER},
    "timeout": {"hang": 4 * TIMEOUT},
    "timeout-after-applied": {"hang": 4 * TIMEOUT, "applied": True},
}
CASES = [
    pytest.param(provider, call, fault, id=f"{provider.name}-{call.step}-{fault}")
    for provider in PROVIDERS
    for call in provider.calls
    for fault in FAULTS
    if call.is_state_change or not FAULTS[fault].get("applied")
]


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated registry, copied per case: migrating ~50 databases would dominate."""
    path = tmp_path_factory.mktemp("transient-template") / "registry.db"
    Registry.open(f"sqlite:///{path}", pepper=PEPPER).close()
    return path


@pytest.fixture
def registry(migrated: Path, tmp_path: Path) -> Iterator[Registry]:
    shutil.copyfile(migrated, tmp_path / "registry.db")
    opened = Registry.open(f"sqlite:///{tmp_path / 'registry.db'}", pepper=PEPPER)
    yield opened
    opened.close()


@pytest.fixture
def short_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(TIMEOUT)) as client:
        yield client


@pytest.mark.parametrize(("provider", "call", "fault"), CASES)
def test_a_failed_call_at_any_step_still_rotates_exactly_once(
    request: pytest.FixtureRequest,
    registry: Registry,
    short_client: httpx.Client,
    tmp_path: Path,
    provider: Provider,
    call: Call,
    fault: str,
) -> None:
    fake: FakeServer = request.getfixturevalue(provider.fixture)
    rotator, key_id, leaked, account = provider.plant(fake, short_client)
    entry = registry.add_key(
        NewKey(
            provider.name,
            Owner("owner@example.test"),
            key_id=key_id,
            account=account,
            consumers=(parse_consumer(CONSUMER),),
        ),
        leaked,
    )
    path = call.path.format(old=key_id)
    fake.fail_next(path, method=call.method, skip=call.skip, exact=call.exact, **FAULTS[fault])
    sleeps: list[float] = []
    store = FakeStore(tmp_path / "store.json")
    notifier = FakeNotifier(tmp_path / "notices.json")
    pipeline = RotationPipeline(
        registry=registry,
        rotators={provider.name: rotator},
        stores={"vault": store},
        notifiers=[notifier],
        retry=RetryPolicy(attempts=4, sleep=sleeps.append),
    )

    rotation = pipeline.rotate(entry, secret=Secret(leaked)).rotation

    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert fake.unserved() == 0  # the call was made and failed
    if call.is_retried:
        assert rotation.attempts >= 1  # the transient failure was recorded, then retried
        if fault == "429-retry-after":
            assert max(sleeps) >= float(RETRY_AFTER)  # Retry-After is the floor of the wait
    else:
        assert "leaked key checked: unknown" in rotation.actions
        assert sleeps == []
    # Exactly once: the leaked key is dead, one replacement lives and the consumer holds it.
    held = store.current(CONSUMER.removeprefix("vault:"))
    assert held is not None
    assert held != leaked
    assert provider.live(fake) == {held}
    assert rotator.verify(Secret(leaked)).liveness is Liveness.DEAD
    assert rotator.verify(Secret(held)).liveness is Liveness.LIVE
    assert registry.get_key(entry).status == "revoked"
    (notice,) = notifier.sent()
    assert str(notice["subject"]).endswith(" rotated")
