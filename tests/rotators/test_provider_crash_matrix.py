"""Crash safety through the real provider rotators: SIGKILL at every step boundary, then resume.

For each fully rotatable provider (tests/rotators/crash_providers.py) and each boundary of its
default policy's steps (taken from rotators/rotation/policy.py, so the matrix follows the policy), a
subprocess runs the rotation against the provider's fake and kills itself there; a fresh
pipeline then resumes it with the leaked value handed in again (as `leakward rotate KEY
--resume --secret-stdin` does). Revoke-first runs for a representative subset (see
REVOKE_FIRST_POINTS for which and why). Afterwards, in the fake's own state: the leaked key is
revoked, exactly one credential of its family is alive and every consumer holds it (so every
replacement issued but lost in the crash was revoked), and the owner got exactly one notice.

Weaker, because they cannot meet "no orphans": GitHub App installation tokens and Slack rotating
access tokens have no public id and only their own value revokes them, so a replacement lost in
a crash between issuing and testing it cannot be revoked. For them the matrix asserts all the
rest, and that the one lost replacement is the only other live credential, that the rotation
row and the owner's notice record it as unrevocable with the expiry the provider gave when it
was issued, and that this expiry is at most the provider's token lifetime away (an hour for
installation tokens, 12 hours for Slack). Slack's refresh token works once, so it lives in the
file `from_environment` reads (SLACK_REFRESH_TOKEN_FILE), which the killed process updated.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leakward.core.secret import Secret
from leakward.registry import LeakLocation, LeakSighting, NewKey, Owner, Registry, parse_consumer
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationStatus
from leakward.rotators.base import Liveness
from leakward.rotators.providers import ROTATORS
from leakward.rotators.rotation.policy import REISSUE_FIRST, REVOKE_FIRST, steps_for
from leakward.rotators.rotation.steps import key_ref
from tests.registry.conftest import _isolated_environment, postgres_url
from tests.rotators.crash_case import Planted, ProviderCase
from tests.rotators.crash_providers import CASES
from tests.rotators.fakes import FakeNotifier, FakeStore
from tests.rotators.provider_crash_worker import PEPPER, build_pipeline, main
from tests.rotators.test_pipeline_providers import assert_nowhere
from tests.rotators.warm_workers import run_until_killed

__all__ = ["_isolated_environment", "postgres_url"]

OWNER = Owner("owner@example.test", name="Owner")
CONSUMERS = ("vault:secret/app#key", "vault:secret/worker#key")
LEAKED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def boundaries(provider: str, policy: str = REISSUE_FIRST) -> list[str]:
    """Every step boundary of the provider's steps under `policy`."""
    in_place = ROTATORS[provider].rotates_in_place
    return [
        f"{phase}:{step}"
        for step in steps_for(policy, in_place=in_place)
        for phase in ("before", "after")
    ]


def lost_replacement_points(provider: str, policy: str) -> set[str]:
    """The boundaries where a replacement was issued but its value not yet made current."""
    points = boundaries(provider, policy)
    return set(points[points.index("after:issued") : points.index("after:tested")])


MATRIX = [
    pytest.param(case, point, id=f"{case.name}-{point}")
    for case in CASES
    for point in boundaries(case.provider)
]
PG_CASE = next(case for case in CASES if case.name == "gitlab-project")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated registry file, copied per case: migrating each of ~130 databases is slow."""
    path = tmp_path_factory.mktemp("template") / "registry.db"
    Registry.open(f"sqlite:///{path}", pepper=PEPPER).close()
    return path


@pytest.fixture
def sqlite_url(migrated_sqlite: Path, tmp_path: Path) -> str:
    """A file database per case, so the killed subprocess and the resuming test share it."""
    path = tmp_path / "registry.db"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite:///{path}"


def register(db_url: str, provider: str, planted: Planted) -> int:
    registry = Registry.open(db_url, pepper=PEPPER)
    try:
        new = NewKey(
            provider,
            OWNER,
            key_id=planted.key_id,
            account=planted.account,
            consumers=tuple(parse_consumer(spec) for spec in CONSUMERS),
            attributes=planted.attributes,
        )
        entry = registry.add_key(new, planted.value)
        sighting = LeakSighting(
            fingerprint=registry.fingerprint(planted.value),
            source_kind="git",
            location=LeakLocation("octo/app", "c" * 40, "deploy/env.sh", 7),
            detected_at=LEAKED_AT + timedelta(minutes=5),
            is_public=True,
            provider=provider,
            key_id=planted.key_id,
            leaked_at=LEAKED_AT,
        )
        registry.record_leaks([sighting])
        return entry
    finally:
        registry.close()


def crash(
    db_url: str,
    state: Path,
    entry: int,
    value: str,
    environ: dict[str, str],
    crash_at: str,
    policy: str,
) -> None:
    env = {**os.environ, **environ}
    args = (db_url, str(state), entry, policy, crash_at, value)
    run_until_killed(main, args, env, state.parent / "worker.log")


def recorded_as_expiring(actions: tuple[str, ...], lifetime: timedelta) -> str:
    """The note that the lost replacement is unrevocable, with a real expiry within `lifetime`."""
    (note,) = [action for action in actions if "cannot be revoked" in action]
    expiry = note.rpartition("expires at ")[2]
    left = datetime.strptime(expiry, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(0) < left <= lifetime, note
    return note


def crash_and_resume(
    case: ProviderCase,
    fake: object,
    db_url: str,
    state: Path,
    crash_at: str,
    policy: str = REISSUE_FIRST,
) -> None:
    planted = case.plant(fake)
    env = planted.environment(state)
    entry = register(db_url, case.provider, planted)
    crash(db_url, state, entry, planted.value, env, crash_at, policy)
    is_lost = crash_at in lost_replacement_points(case.provider, policy)
    # The replacement's value died with the process: the resume handles it as lost.
    resume_and_check(case, fake, db_url, state, planted, entry, policy, is_lost, is_lost)


def resume_and_check(
    case: ProviderCase,
    fake: object,
    db_url: str,
    state: Path,
    planted: Planted,
    entry: int,
    policy: str,
    is_lost: bool,
    is_orphaned: bool,
) -> None:
    """Resume the killed rotation and check the outcome in the fake's own state. `is_lost`: a
    replacement was issued and its value died with the process; `is_orphaned`: the pipeline
    knew its id, so it must record it as an orphan."""
    env = planted.environment(state)
    registry = Registry.open(db_url, pepper=PEPPER)
    try:
        (interrupted,) = log.list_rotations(registry.engine)
        assert interrupted.status is RotationStatus.RUNNING
        pipeline = build_pipeline(registry, case.provider, state, env)
        rotation = pipeline.resume(interrupted.id, secret=Secret(planted.value)).rotation
        assert rotation.status is RotationStatus.DONE, rotation.last_error
        assert interrupted.policy == policy
        if is_orphaned and case.lost_lifetime is None:
            assert rotation.orphan_key_ids, rotation.actions

        store = FakeStore(state / "store.json")
        held = [store.current(spec.removeprefix("vault:")) for spec in CONSUMERS]
        assert None not in held, "a consumer holds no replacement"
        replacement = held[0]
        assert replacement is not None
        # Every consumer holds the same, working replacement ...
        assert {case.ident(value) for value in held if value} == {case.ident(replacement)}
        assert replacement != planted.value
        rotator = pipeline.rotators[case.provider]
        ref = key_ref(registry.get_key(entry))  # a deploy key is checked in its repository
        assert rotator.verify(Secret(replacement), ref).liveness is Liveness.LIVE
        if case.settings_of is not None:  # no broader than the leaked key, whatever the crash
            assert case.settings_of(fake, replacement) == planted.settings
        # ... which is the only live key of the family: the leaked one and every replacement
        # lost in the crash are revoked at the provider (or, without an id, recorded).
        lost = case.live(fake) - {case.ident(replacement)}
        assert case.ident(replacement) in case.live(fake)
        notes: list[str] = []
        if is_lost and case.lost_lifetime is not None:
            assert len(lost) == 1, "one crash loses one replacement"
            notes.append(recorded_as_expiring(rotation.actions, case.lost_lifetime))
        else:
            assert lost == set()
        assert rotator.verify(Secret(planted.value), ref).liveness is Liveness.DEAD
        assert registry.get_key(entry).status == "revoked"
        assert registry.list_leaks()[0].revoked_at is not None
        # Exactly one notice, and it is the "rotated" one.
        notifier = FakeNotifier(state / "notices.json")
        (notice,) = notifier.sent()
        assert notice["subject"].endswith(" rotated"), notice["subject"]
        assert set(notes) <= set(notice["actions_taken"])  # the owner is told of the loss
        assert_nowhere(registry, notifier, planted.value, replacement, *lost)
    finally:
        registry.close()


@pytest.mark.parametrize(("case", "crash_at"), MATRIX)
def test_kill_at_a_step_boundary_then_resume_leaves_one_live_replacement(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    tmp_path: Path,
    case: ProviderCase,
    crash_at: str,
) -> None:
    fake = request.getfixturevalue(case.fixture)
    crash_and_resume(case, fake, sqlite_url, tmp_path / "state", crash_at)


@pytest.mark.postgres
@pytest.mark.parametrize("crash_at", boundaries(PG_CASE.provider))
def test_kill_and_resume_on_postgresql(
    request: pytest.FixtureRequest, postgres_url: str, tmp_path: Path, crash_at: str
) -> None:
    fake = request.getfixturevalue(PG_CASE.fixture)
    crash_and_resume(PG_CASE, fake, postgres_url, tmp_path / "state", crash_at)


# Revoke-first, for a subset: every boundary of every provider would add ~160 subprocess runs
# (over five minutes on two cores). The cases are one of each way a key dies and is replaced:
# AWS (a reversible contain, then delete by id, under a two-key cap), a GitHub deploy key
# (delete by id; the replacement's access read from a listing the revocation has changed), a
# Slack rotating token (bearer-only: revoked with its own value, a lost replacement expires),
# and the keys whose replacement copies settings only the leaked key holds: SendGrid scopes,
# Google API restrictions and a Twilio Restricted key's policy. Those are killed right after the
# settings are recorded and before the revocation, and after the key is gone, so the resumed
# reissue can only have the recorded settings. The other boundaries are the ones only
# revoke-first has: containment and revocation done with no replacement yet, and a replacement
# issued, delivered or tested after the leaked key died. The other providers that can revoke
# first (OpenAI service accounts, GCP service-account keys, installation tokens) are killed once
# the leaked key is revoked and once a replacement is issued but not yet delivered. GitLab and
# Cloudflare rotate in place and never revoke first. Kills inside those calls, rather than
# between steps, are in test_lost_answer_crash.py, for every provider.
REVOKE_FIRST_POINTS = {
    "aws": ("after:contained", "after:old_revoked", "before:issued", "after:issued"),
    "github-deploy-key": (
        "after:settings_saved",
        "after:old_dead",
        "after:issued",
        "before:tested",
    ),
    "slack-rotating-token": ("after:old_revoked", "after:delivered"),
    "sendgrid": ("after:settings_saved", "after:old_revoked", "before:issued"),
    "google-api-key": ("after:settings_saved", "after:old_dead"),
    "twilio": ("after:settings_saved", "after:old_revoked"),
    "openrouter": ("after:settings_saved", "after:old_revoked"),  # limits only the key held
    "xai": ("after:settings_saved", "after:old_revoked"),  # ACLs only the key held
    "aws-bedrock": ("after:settings_saved", "after:old_revoked"),  # its lifetime
    "openai-service-account": ("after:old_revoked", "after:issued"),
    "gcp-service-account": ("after:old_revoked", "after:issued"),
    "github-installation-token": ("after:old_revoked", "after:issued"),
}
REVOKE_FIRST_MATRIX = [
    pytest.param(case, point, id=f"{case.name}-revoke-first-{point}")
    for case in CASES
    for point in REVOKE_FIRST_POINTS.get(case.name, ())
]


@pytest.mark.parametrize(("case", "crash_at"), REVOKE_FIRST_MATRIX)
def test_revoke_first_kill_at_a_step_boundary_then_resume(
    request: pytest.FixtureRequest,
    sqlite_url: str,
    tmp_path: Path,
    case: ProviderCase,
    crash_at: str,
) -> None:
    assert crash_at in boundaries(case.provider, REVOKE_FIRST)  # the policy still has it
    fake = request.getfixturevalue(case.fixture)
    crash_and_resume(case, fake, sqlite_url, tmp_path / "state", crash_at, REVOKE_FIRST)
