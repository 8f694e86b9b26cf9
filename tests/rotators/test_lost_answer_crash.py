"""Crash safety inside a step: the provider did the work, the process died before the answer.

The crash matrix at step boundaries (test_provider_crash_matrix.py) never kills a process in the
middle of a call. Here the fake provider runs the state-changing request of a step (the create,
rotate or refresh of `issued`, the delete of `old_revoked`), then SIGKILLs the worker before it
can read the answer (tests/fakes/server.py `fail_next(..., applied=True, then=...)`): the
replacement exists at the provider and its id and value exist nowhere. `leakward rotate KEY
--resume` must then find it again by what the attempt recorded before the call (its generation's
token in a name or key id, the rotated token's successor, its creation time) and revoke it, or
rotate it once more in place; the checks are the crash matrix's: the leaked key dead, one live
replacement held by every consumer, no orphan, one notice. A replacement with no public id (a
GitHub installation token) is recorded with the latest time it can still be valid.

Slack's refresh token works once and came back in the lost answer, so the rotation cannot go on:
it must stop, say why and what to do, and record the lost token's lifetime.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from leakward.core.secret import Secret
from leakward.registry import NewKey, Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from leakward.rotators.base import Liveness
from leakward.rotators.providers import ROTATORS
from leakward.rotators.rotation.policy import REISSUE_FIRST, REVOKE_FIRST
from tests.fakes.azure_ai import ACCOUNT as AZURE_ACCOUNT
from tests.fakes.xai import TEAM as XAI_TEAM
from tests.rotators.crash_case import ProviderCase
from tests.rotators.crash_providers import CASES, GCP_ACCOUNT
from tests.rotators.fakes import FakeNotifier
from tests.rotators.provider_crash_worker import PEPPER, build_pipeline, main
from tests.rotators.test_provider_crash_matrix import (
    OWNER,
    _isolated_environment,
    migrated_sqlite,
    recorded_as_expiring,
    register,
    resume_and_check,
    sqlite_url,
)
from tests.rotators.warm_workers import TIMEOUT, start, wait_for_kill

__all__ = ["_isolated_environment", "migrated_sqlite", "sqlite_url"]


@dataclass(frozen=True, slots=True)
class Call:
    """The request of a step whose answer is lost: method, path (a prefix unless `exact`)."""

    method: str
    path: str
    exact: bool = False
    body: bytes | None = None  # AWS's Query API: the action is in the body, not the path


# The state-changing call of `issued` and of `old_revoked` per case; rotating in place (GitLab,
# Cloudflare) revokes by issuing, so those have no revoke call. AWS runs on moto's server, which
# cannot stop halfway: its calls go through a pass-through proxy (tests/fakes/aws_proxy.py).
CALLS: dict[str, dict[str, Call]] = {
    "aws": {
        "issued": Call("POST", "/", exact=True, body=b"Action=CreateAccessKey"),
        "old_revoked": Call("POST", "/", exact=True, body=b"Action=DeleteAccessKey"),
    },
    "gitlab-project": {"issued": Call("POST", "/api/v4/projects/42/access_tokens/")},
    "gitlab-personal": {"issued": Call("POST", "/api/v4/personal_access_tokens/")},
    "openai-service-account": {
        "issued": Call("POST", "/v1/organization/projects/proj_1/service_accounts", exact=True),
        "old_revoked": Call("DELETE", "/v1/organization/projects/proj_1/service_accounts/"),
    },
    "google-api-key": {
        "issued": Call("POST", "/v2/projects/123/locations/global/keys", exact=True),
        "old_revoked": Call("DELETE", "/v2/projects/123/locations/global/keys/"),
    },
    "gcp-service-account": {
        "issued": Call("POST", f"/v1/{GCP_ACCOUNT}/keys", exact=True),
        "old_revoked": Call("DELETE", f"/v1/{GCP_ACCOUNT}/keys/"),
    },
    "twilio": {
        "issued": Call("POST", "/v1/Keys", exact=True),
        "old_revoked": Call("DELETE", "/v1/Keys/"),
    },
    "sendgrid": {
        "issued": Call("POST", "/v3/api_keys", exact=True),
        "old_revoked": Call("DELETE", "/v3/api_keys/"),
    },
    "cloudflare": {"issued": Call("PUT", "/user/tokens/")},
    "github-deploy-key": {
        "issued": Call("POST", "/repos/acme/app/keys", exact=True),
        "old_revoked": Call("DELETE", "/repos/acme/app/keys/"),
    },
    "github-installation-token": {
        "issued": Call("POST", "/app/installations/77/access_tokens"),
        "old_revoked": Call("DELETE", "/installation/token"),
    },
    "slack-rotating-token": {"old_revoked": Call("POST", "/api/auth.revoke")},
    "openrouter": {
        "issued": Call("POST", "/api/v1/keys", exact=True),
        "old_revoked": Call("DELETE", "/api/v1/keys/"),
    },
    "xai": {
        "issued": Call("POST", f"/auth/teams/{XAI_TEAM}/api-keys", exact=True),
        "old_revoked": Call("DELETE", "/auth/api-keys/"),
    },
    # Both steps regenerate a slot of the same account: the body names which.
    "azure-ai": {
        "issued": Call("POST", f"{AZURE_ACCOUNT}/regenerateKey", True, b'"Key2"'),
        "old_revoked": Call("POST", f"{AZURE_ACCOUNT}/regenerateKey", True, b'"Key1"'),
    },
    # IAM's Query API: the action is in the body.
    "aws-bedrock": {
        "issued": Call("POST", "/", True, b"Action=CreateServiceSpecificCredential"),
        "old_revoked": Call("POST", "/", True, b"Action=DeleteServiceSpecificCredential"),
    },
    # --- scope ops (issue #15): platform providers ---
    "vercel": {
        "issued": Call("POST", "/v3/user/tokens", exact=True),
        "old_revoked": Call("DELETE", "/v3/user/tokens/"),
    },
    "heroku": {
        "issued": Call("POST", "/oauth/authorizations", exact=True),
        "old_revoked": Call("DELETE", "/oauth/authorizations/"),
    },
    "datadog": {
        "issued": Call("POST", "/api/v2/api_keys", exact=True),
        "old_revoked": Call("DELETE", "/api/v2/api_keys/"),
    },
    "dockerhub": {
        "issued": Call("POST", "/v2/access-tokens", exact=True),
        "old_revoked": Call("DELETE", "/v2/access-tokens/"),
    },
    "cloudflare-account-token": {
        "issued": Call("PUT", "/accounts/023e105f4ecef8ad9ca31a8372d0c353/tokens/"),
    },
}
BY_NAME = {case.name: case for case in CASES}
MATRIX = [
    pytest.param(BY_NAME[name], step, call, id=f"{name}-inside-{step}")
    for name, calls in CALLS.items()
    for step, call in calls.items()
]


def crash_inside(
    fake: object,
    call: Call,
    db_url: str,
    state: Path,
    entry: int,
    value: str,
    env: dict[str, str],
    policy: str = REISSUE_FIRST,
) -> None:
    """Run the rotation in a worker that the fake kills once it has done `call`."""
    worker: list[BaseProcess] = []
    started = threading.Event()

    def kill() -> None:  # in the fake's handler thread, before the answer is written
        started.wait(TIMEOUT)
        worker[0].kill()
        # Until the worker is dead and reaped: its sentinel is ready then (not read here, so the
        # test's own wait still gets the exit status).
        wait([worker[0].sentinel], TIMEOUT)

    fake.fail_next(  # type: ignore[attr-defined]
        call.path,
        method=call.method,
        exact=call.exact,
        applied=True,
        status=502,
        then=kill,
        body_contains=call.body,
    )
    log = state.parent / "worker.log"
    args = (db_url, str(state), entry, policy, "none", value)
    worker.append(start(main, args, {**os.environ, **env}, log))
    started.set()
    wait_for_kill(worker[0], log)
    assert fake.unserved() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(("case", "step", "call"), MATRIX)
def test_kill_after_the_provider_acted_then_resume(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    tmp_path: Path,
    case: ProviderCase,
    step: str,
    call: Call,
) -> None:
    kill_inside_then_resume(request, sqlite_url, tmp_path, case, step, call, REISSUE_FIRST)


# Revoke-first, for every case whose provider can revoke first (rotating in place, GitLab and
# Cloudflare cannot: see policy.py), inside both calls: a revoke whose answer is lost before any
# replacement exists, and an issue whose answer is lost after the leaked key died, which must be
# found again by what the attempt recorded (a tag, a name, a key id derived from the token, a
# creation time) with no leaked key left to compare it with.
REVOKE_FIRST_MATRIX = [
    pytest.param(BY_NAME[name], step, call, id=f"{name}-revoke-first-inside-{step}")
    for name, calls in CALLS.items()
    if not ROTATORS[BY_NAME[name].provider].rotates_in_place
    for step, call in calls.items()
]


@pytest.mark.parametrize(("case", "step", "call"), REVOKE_FIRST_MATRIX)
def test_revoke_first_kill_after_the_provider_acted_then_resume(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    tmp_path: Path,
    case: ProviderCase,
    step: str,
    call: Call,
) -> None:
    kill_inside_then_resume(request, sqlite_url, tmp_path, case, step, call, REVOKE_FIRST)


def kill_inside_then_resume(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    tmp_path: Path,
    case: ProviderCase,
    step: str,
    call: Call,
    policy: str,
) -> None:
    fake = request.getfixturevalue(case.fixture)
    state = tmp_path / "state"
    planted = case.plant(fake)
    entry = register(sqlite_url, case.provider, planted)
    env, at = planted.environment(state), fake
    if case.provider == "aws":  # the killed worker reaches moto through the proxy
        at = request.getfixturevalue("aws_proxy")
        env["AWS_ENDPOINT_URL"] = at.url
    crash_inside(at, call, sqlite_url, state, entry, planted.value, env, policy)
    is_lost = step == "issued"
    resume_and_check(case, fake, sqlite_url, state, planted, entry, policy, is_lost, False)


def test_a_lost_replacement_is_not_mistaken_for_a_registry_entry_with_its_number(
    request: pytest.FixtureRequest, sqlite_url: str, tmp_path: Path
) -> None:
    """GitLab token ids are numbers, like registry entry ids: the successor (id 103 in the
    fake) must be found even when the registry has an entry 103 for something else."""
    registry = Registry.open(sqlite_url, pepper=PEPPER)
    try:
        fillers = [NewKey("nosuchprovider", OWNER, key_id=f"other-{n}") for n in range(110)]
        registry.import_keys(fillers)
    finally:
        registry.close()
    case = BY_NAME["gitlab-project"]
    kill_inside_then_resume(
        request, sqlite_url, tmp_path, case, "issued", CALLS[case.name]["issued"], REISSUE_FIRST
    )


def test_a_lost_slack_refresh_answer_stops_the_rotation_and_records_the_lost_token(
    fake_slack: object, sqlite_url: str, tmp_path: Path
) -> None:
    case = BY_NAME["slack-rotating-token"]
    state = tmp_path / "state"
    planted = case.plant(fake_slack)
    env = planted.environment(state)
    entry = register(sqlite_url, case.provider, planted)
    crash_inside(
        fake_slack,
        Call("POST", "/api/oauth.v2.access"),
        sqlite_url,
        state,
        entry,
        planted.value,
        env,
    )

    registry = Registry.open(sqlite_url, pepper=PEPPER)
    try:
        (interrupted,) = log.list_rotations(registry.engine)
        pipeline = build_pipeline(registry, case.provider, state, env)
        rotation = pipeline.resume(interrupted.id, secret=Secret(planted.value)).rotation
        assert rotation.status is RotationStatus.FAILED
        assert "invalid_refresh_token" in (rotation.last_error or "")
        assert "Reinstall the Slack app" in (rotation.last_error or "")
        assert case.lost_lifetime is not None
        recorded_as_expiring(rotation.actions, case.lost_lifetime)
        # The lost token is the only live one besides the leaked key, which still works: the
        # owner is alerted, and nothing pretends it was rotated.
        lost = case.live(fake_slack) - {planted.value}
        assert len(lost) == 1
        rotator = pipeline.rotators[case.provider]
        assert rotator.verify(Secret(planted.value)).liveness is Liveness.LIVE
        (alert,) = FakeNotifier(state / "notices.json").sent()
        assert not alert["subject"].endswith(" rotated"), alert["subject"]
    finally:
        registry.close()
