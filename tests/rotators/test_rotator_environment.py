"""Every registered rotator can be built from the environment, as `leakward rotate` does."""

from __future__ import annotations

import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness
from leakward.rotators.providers import ROTATORS
from leakward.rotators.providers.gitlab import GitLabRotator
from tests.fakes.gitlab import FakeGitLab


@pytest.mark.parametrize("provider", sorted(ROTATORS))
def test_builds_from_an_empty_environment(provider: str) -> None:
    rotator = ROTATORS[provider].from_environment({})  # type: ignore[attr-defined]
    assert rotator.provider == provider
    assert rotator.manual_steps(KeyRef(provider, "id-1"))


def test_environment_points_the_rotator_at_a_fake(fake_gitlab: FakeGitLab) -> None:
    token_id, value = fake_gitlab.add_token("ci")
    rotator = GitLabRotator.from_environment(
        {"LEAKWARD_API_GITLAB": fake_gitlab.url, "GITLAB_ADMIN_TOKEN": fake_gitlab.admin_token}
    )
    new = rotator.reissue(KeyRef("gitlab", str(token_id)), "t")
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
