"""The world a leaked key is rotated in, shared by the sweep, worker (and webhook) suites.

Stage: tests (org sweep, workers, webhooks). A live GitLab token registered as an issued key whose
replacement goes to a GitHub Actions secret, and whose owner is told through Slack: the fake
GitLab, the fake Actions-secrets API and a notice inbox, plus the environment a worker reads to
reach them, and the questions tests ask the registry afterwards (rotations, finished tasks).

A plain module rather than a conftest: a suite takes the fixtures it wants by importing them
into its own conftest.py (tests/sweep and tests/workers do), so nothing here reaches a suite that
did not ask, and it brings none of the sweep's autouse fixtures with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry import rotations as rotation_log
from leakward.registry.models import RotationRow
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.sweep_state import DoneTaskRow
from tests.fakes.github_actions import TOKEN, FakeGitHubActions
from tests.fakes.github_webhooks import NoticeInbox
from tests.fakes.gitlab import FakeGitLab, Token
from tests.fakes.sendgrid import FakeSendGrid

TOKEN_NAME = "ci-deploy"  # the GitLab token's name, kept by its replacements
SECRET_NAME = "GITLAB_TOKEN"  # the Actions secret its consumers read
SENDGRID_SECRET = "SENDGRID_KEY"  # the Actions secret a SendGrid key's consumers read


@dataclass(frozen=True, slots=True)
class LeakedKey:
    """A registered key about to leak: GitLab's token id, the value, the registry entry."""

    token_id: int
    value: str
    entry: int


@dataclass(frozen=True, slots=True)
class RotationWorld:
    """The provider, secret store and inbox a rotation talks to, all local fakes."""

    gitlab: FakeGitLab
    actions: FakeGitHubActions
    inbox: NoticeInbox

    @property
    def environment(self) -> dict[str, str]:
        """What a worker needs to rotate: provider, secret store and notifier."""
        return {
            "LEAKWARD_API_GITLAB": self.gitlab.url,
            "GITLAB_ADMIN_TOKEN": self.gitlab.admin_token,
            "GITHUB_API_URL": self.actions.url,
            "GITHUB_TOKEN": TOKEN,
            "LEAKWARD_SLACK_WEBHOOK": self.inbox.url + "/services/T0/B0/x",
        }

    def register_key(self, registry: Registry, repository: str) -> LeakedKey:
        """A live GitLab token, registered with `repository`'s Actions secret as its consumer."""
        token_id, value = self.gitlab.add_token(TOKEN_NAME)
        entry = registry.add_key(
            NewKey(
                provider="gitlab",
                owner=Owner("owner@example.test"),
                key_id=str(token_id),
                consumers=(parse_consumer(f"github-actions:{repository}:{SECRET_NAME}"),),
            ),
            secret=value,
        )
        return LeakedKey(token_id, value, entry)

    def assert_replaced(self, key: LeakedKey, scope: str) -> Token:
        """The leaked token is dead at GitLab, exactly one replacement lives, and it is the one
        in the Actions secret under `scope`; returns that replacement."""
        assert self.gitlab.tokens[key.token_id].revoked
        [live] = self.gitlab.live_tokens(TOKEN_NAME)
        assert live.value != key.value
        assert self.actions.opened(scope, SECRET_NAME) == live.value
        return live


def register_sendgrid_key(
    registry: Registry, sendgrid: FakeSendGrid, repository: str
) -> tuple[str, str]:
    """A live SendGrid key with `repository`'s Actions secret as its consumer: (key id, value).
    SendGrid, not GitLab, to see a policy: GitLab rotates a token in place, so its steps come in
    one order whatever the policy; a SendGrid key is issued, delivered and revoked separately."""
    key_id, value = sendgrid.add_key("mailer", ["mail.send"])
    consumer = parse_consumer(f"github-actions:{repository}:{SENDGRID_SECRET}")
    registry.add_key(
        NewKey("sendgrid", Owner("owner@example.test"), key_id, consumers=(consumer,)),
        secret=value,
    )
    return key_id, value


def sendgrid_environment(sendgrid: FakeSendGrid) -> dict[str, str]:
    """What a rotating process needs besides RotationWorld.environment to reach SendGrid."""
    return {"LEAKWARD_API_SENDGRID": sendgrid.url, "SENDGRID_API_KEY": sendgrid.admin_key}


def assert_delivered_before_revoked(registry: Registry) -> None:
    """The one rotation ran reissue-first to the end: the replacement was issued and delivered
    before the leaked key was revoked, and nothing was contained first."""
    [rotation] = rotation_log.list_rotations(registry.engine)
    assert rotation.status is RotationStatus.DONE, rotation.last_error
    assert rotation.policy == "reissue-first"
    times = rotation.step_times
    assert times["issued"] < times["delivered"] < times["old_revoked"]
    assert "contained" not in times


@pytest.fixture
def rotation_world(fake_gitlab: FakeGitLab) -> Iterator[RotationWorld]:
    """Needs the `fake_gitlab` fixture (tests/fakes/fixtures.py) in the same conftest."""
    with FakeGitHubActions() as actions, NoticeInbox() as inbox:
        yield RotationWorld(fake_gitlab, actions, inbox)  # type: ignore[arg-type]


def rotations(registry: Registry) -> list[tuple[int, str]]:
    """(issued key id, status) of every rotation."""
    with registry.engine.connect() as connection:
        rows = connection.execute(select(RotationRow.issued_key_id, RotationRow.status))
        return [(int(key), str(status)) for key, status in rows]


def rotation_actions(registry: Registry) -> list[str]:
    """The steps the one rotation logged."""
    with registry.engine.connect() as connection:
        return list(connection.execute(select(RotationRow.actions)).scalar_one())


def is_checked_live(registry: Registry) -> bool:
    """The worker found the leaked value again and checked it at the provider."""
    return "leaked key checked: live" in [a.split(" (")[0] for a in rotation_actions(registry)]


def done_keys(registry: Registry) -> set[str]:
    """Dedupe keys of every finished task."""
    with registry.engine.connect() as connection:
        return set(connection.execute(select(DoneTaskRow.dedupe_key)).scalars())
