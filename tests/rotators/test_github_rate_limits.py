"""GitHub's rate-limit answers (403 or 429) are "try again later", never a missing permission.

docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api: the primary limit answers
403/429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`; a secondary limit answers with
a message saying so, `retry-after` when GitHub names the wait, else wait at least a minute.
Every GitHub client path of the rotator is checked on the fake, then retried to success.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, TransientError
from leakward.rotators.github_rate_limit import rate_limit_error
from leakward.rotators.providers.github import GitHubRotator
from tests.fakes.github import FakeGitHub
from tests.rotators.test_github import on

INSTALLATION = KeyRef("github", None, "77", attributes=(("kind", "installation"),))


def deploy_key(fake: FakeGitHub) -> KeyRef:
    old = fake.add_deploy_key("acme/app", "ci")
    return KeyRef("github", str(old), "acme/app", attributes=(("kind", "deploy_key"),))


Step = Callable[[FakeGitHub, GitHubRotator], tuple[str, str | None, Callable[[], object]]]


def mint(fake: FakeGitHub, rotator: GitHubRotator) -> tuple[str, str | None, Callable[[], object]]:
    return "/app/installations/77/access_tokens", None, lambda: rotator.reissue(INSTALLATION, "t")


def revoke_installation_token(
    fake: FakeGitHub, rotator: GitHubRotator
) -> tuple[str, str | None, Callable[[], object]]:
    leaked = Secret(fake.add_token("installation", installation="77"))
    return "/installation/token", "DELETE", lambda: rotator.revoke(INSTALLATION, leaked)


def revoke_pat(
    fake: FakeGitHub, rotator: GitHubRotator
) -> tuple[str, str | None, Callable[[], object]]:
    leaked = Secret(fake.add_token("pat"))
    return "/credentials/revoke", None, lambda: rotator.revoke(KeyRef("github"), leaked)


def list_deploy_keys(
    fake: FakeGitHub, rotator: GitHubRotator
) -> tuple[str, str | None, Callable[[], object]]:
    fake.add_deploy_key("acme/app", "ci")
    return "/repos/acme/app/keys", "GET", lambda: rotator.list_keys("acme/app")


def add_deploy_key(
    fake: FakeGitHub, rotator: GitHubRotator
) -> tuple[str, str | None, Callable[[], object]]:
    key = deploy_key(fake)
    return "/repos/acme/app/keys", "POST", lambda: rotator.reissue(key, "rot-1")


def delete_deploy_key(
    fake: FakeGitHub, rotator: GitHubRotator
) -> tuple[str, str | None, Callable[[], object]]:
    key = deploy_key(fake)
    return f"/repos/acme/app/keys/{key.key_id}", "DELETE", lambda: rotator.revoke(key)


@pytest.mark.parametrize(
    "step",
    [
        mint,
        revoke_installation_token,
        revoke_pat,
        list_deploy_keys,
        add_deploy_key,
        delete_deploy_key,
    ],
)
@pytest.mark.parametrize(
    ("secondary", "status", "retry_after"),
    [(False, 403, None), (True, 403, None), (True, 403, "30"), (False, 429, None)],
    ids=["primary-403", "secondary-403", "secondary-403-retry-after", "primary-429"],
)
def test_a_rate_limit_is_transient_with_githubs_wait(
    fake_github: FakeGitHub,
    http_client: httpx.Client,
    step: Step,
    secondary: bool,
    status: int,
    retry_after: str | None,
) -> None:
    rotator = on(fake_github, http_client)
    path, method, act = step(fake_github, rotator)
    limit = fake_github.limit_next(
        path, secondary=secondary, status=status, retry_after=retry_after, method=method
    )
    with pytest.raises(TransientError, match="rate limit") as caught:
        act()
    assert limit.served, "the limited request was never sent"
    wait = caught.value.retry_after
    if retry_after is not None:
        assert wait == float(retry_after)
    elif secondary:
        assert wait == 60.0  # "wait for at least one minute"
    else:
        assert wait is not None
        assert 0 < wait <= limit.reset_in  # until x-ratelimit-reset
    act()  # the limit has passed: the same step now succeeds


@pytest.mark.parametrize("kind", ["pat", "installation"])
def test_a_secondary_limit_on_verify_is_unknown_not_dead(
    fake_github: FakeGitHub, http_client: httpx.Client, kind: str
) -> None:
    leaked = Secret(fake_github.add_token(kind, installation="77"))
    path = "/user" if kind == "pat" else "/installation/repositories"
    fake_github.limit_next(path, secondary=True)
    verdict = on(fake_github, http_client).verify(leaked)
    assert verdict.liveness is Liveness.UNKNOWN
    assert leaked.reveal() not in verdict.reason


def test_a_plain_403_is_not_a_rate_limit() -> None:
    forbidden = httpx.Response(403, json={"message": "Resource not accessible by integration"})
    assert rate_limit_error(forbidden, "add deploy key") is None


def test_the_primary_wait_runs_to_the_reset_time() -> None:
    limited = httpx.Response(
        403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000120"}
    )
    error = rate_limit_error(limited, "list deploy keys", now=1_000_000.0)
    assert error is not None
    assert error.retry_after == 120.0
