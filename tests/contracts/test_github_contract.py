"""GitHub: the requests of the rotator, the Actions store and the issue notifier, and the fakes'
answers, fit GitHub's REST description (specs/github.yaml, from the npm package
@octokit/openapi).

GitHub's description names no security scheme, so the credential is not checked here (the
fakes refuse a request without one). Errors the operations do not declare (401 on most of
them, the rate-limit 403/429) must fit `basic-error`, GitHub's documented error body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, Notice, PermanentError, TransientError
from leakward.rotators.providers.github import GitHubRotator, enterprise_server
from leakward.rotators.stores.github_actions import (
    GitHubActionsStore,
    GitHubEnvironmentStore,
    GitHubOrganizationStore,
    github_client,
)
from leakward.webhooks.notify.github_issue import GitHubIssueNotifier
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes import github_actions
from tests.fakes.github import FakeGitHub

CONTRACT = Contract.named("github", error_schema="basic-error")
GHES = Contract.named("github_ghes", error_schema="basic-error")
INSTALLATION = (("kind", "installation"),)
DEPLOY_KEY = (("kind", "deploy_key"),)
VALUE = Secret("acme_live_NEWnew0123456789abcdefXYZ")


def rotator_on(fake: FakeGitHub, traffic: Traffic) -> GitHubRotator:
    return GitHubRotator(
        traffic.client(),
        base_url=fake.url,
        app_id=FakeGitHub.APP_ID,
        app_private_key=Secret(fake.app_private_key_pem()),
        admin_token=Secret(fake.admin_token),
    )


def test_installation_token_rotation_fits_the_spec(fake_github: FakeGitHub) -> None:
    leaked = Secret(fake_github.add_token("installation", installation="77"))
    fake_github.installation_repositories["77"] = ["acme/app", "acme/lib"]
    traffic = Traffic()
    rotator = rotator_on(fake_github, traffic)
    key = KeyRef("github", None, "77", attributes=INSTALLATION)
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(key, "rot-1")
    rotator.revoke(key, leaked)
    rotator.revoke(key, leaked)  # gone already: 401 Bad credentials
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert traffic.operations().count("DELETE /installation/token") == 2
    assert_conforms(CONTRACT, traffic)


@pytest.mark.parametrize("kind", ["pat", "oauth"])
def test_token_revocation_fits_the_spec(fake_github: FakeGitHub, kind: str) -> None:
    leaked = Secret(fake_github.add_token(kind))
    traffic = Traffic()
    rotator = rotator_on(fake_github, traffic)
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    rotator.revoke(KeyRef("github", None, None), leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD  # 401 Bad credentials
    assert "POST /credentials/revoke" in traffic.operations()
    assert_conforms(CONTRACT, traffic)


def test_enterprise_server_fits_its_own_description(fake_ghes: FakeGitHub) -> None:
    """GHES 3.19, at /api/v3 as in production. Its published description has no
    `POST /credentials/revoke`, though GHES's documentation has it (the rotator follows the
    documentation, and the same request fits github.com's description above): the day GHES's
    description gains it, the last assertion says so."""
    leaked = Secret(fake_ghes.add_token("pat"))
    installation = Secret(fake_ghes.add_token("installation", installation="7"))
    old = fake_ghes.add_deploy_key("acme/app", "ci")
    traffic = Traffic()
    rotator = GitHubRotator(
        traffic.client(),
        flavour=enterprise_server("ghes.example"),
        base_url=fake_ghes.url + FakeGitHub.ENTERPRISE_PREFIX,
        app_id=FakeGitHub.APP_ID,
        app_private_key=Secret(fake_ghes.app_private_key_pem()),
        admin_token=Secret(fake_ghes.admin_token),
    )
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    rotator.revoke(KeyRef("github", None, None), leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    key = KeyRef("github", None, "7", attributes=INSTALLATION)
    rotator.reissue(key, "rot-1")
    rotator.revoke(key, installation)
    deploy_key = KeyRef("github", str(old), "acme/app", attributes=DEPLOY_KEY)
    rotator.reissue(deploy_key, "rot-1")
    rotator.revoke(deploy_key)
    revocations = Traffic([e for e in traffic.exchanges if "/credentials/" in e.label()])
    others = Traffic([e for e in traffic.exchanges if "/credentials/" not in e.label()])
    assert all(e.request.url.path.startswith("/api/v3/") for e in traffic.exchanges)
    assert_conforms(GHES, others)
    (missing,) = GHES.check(revocations.exchanges)
    assert "POST /api/v3/credentials/revoke -> 202: request: PathNotFound" in missing


def test_deploy_key_rotation_fits_the_spec(fake_github: FakeGitHub) -> None:
    old, private = fake_github.add_deploy_keypair("acme/app", "ci", read_only=True)
    for n in range(130):  # more than a page of 100: the next page's query must fit too
        fake_github.add_deploy_key("acme/app", f"other-{n}")
    traffic = Traffic()
    rotator = rotator_on(fake_github, traffic)
    key = KeyRef("github", str(old), "acme/app", attributes=DEPLOY_KEY)
    assert rotator.verify(Secret(private), key).liveness is Liveness.LIVE
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # a retry retires the first upload and adds another
    assert len(rotator.list_keys("acme/app")) == 132
    rotator.revoke(key)
    rotator.revoke(key)  # gone: the documented 404
    assert rotator.verify(Secret(private), key).liveness is Liveness.DEAD
    assert new.key_id is not None
    assert any("page" in e.request.url.params for e in traffic.exchanges)
    assert_conforms(CONTRACT, traffic)


def test_bad_credentials_fit_the_spec(fake_github: FakeGitHub) -> None:
    traffic = Traffic()
    rotator = GitHubRotator(
        traffic.client(), base_url=fake_github.url, admin_token=Secret("ghp_" + "0" * 36)
    )
    dead = Secret("ghp_" + "1" * 36)
    assert rotator.verify(dead).liveness is Liveness.DEAD
    assert rotator.verify(Secret("ghs_" + "1" * 36)).liveness is Liveness.DEAD
    key = KeyRef("github", "1", "acme/app", attributes=DEPLOY_KEY)
    with pytest.raises(PermanentError):
        rotator.reissue(key, "rot-1")  # the admin token is refused: 401
    assert {e.response.status_code for e in traffic.exchanges} == {401}
    assert_conforms(CONTRACT, traffic)


@pytest.mark.parametrize(
    ("secondary", "status", "retry_after"),
    [(False, 403, None), (False, 429, None), (True, 403, "30"), (True, 429, None)],
)
def test_rate_limit_answers_fit_the_spec(
    fake_github: FakeGitHub, secondary: bool, status: int, retry_after: str | None
) -> None:
    fake_github.add_deploy_key("acme/app", "ci")
    fake_github.limit_next("/repos/", secondary=secondary, status=status, retry_after=retry_after)
    traffic = Traffic()
    rotator = rotator_on(fake_github, traffic)
    with pytest.raises(TransientError) as raised:
        rotator.list_keys("acme/app")
    (answer,) = (e.response for e in traffic.exchanges)
    assert answer.status_code == status
    # The headers GitHub documents for each limit, which the description does not declare,
    # and the wait the rotator takes from them (primary: until the reset, half an hour).
    assert answer.headers["x-ratelimit-remaining"] == ("4990" if secondary else "0")
    wait = raised.value.retry_after
    if retry_after is not None:
        assert wait == float(retry_after)
    elif secondary:
        assert wait == 60.0  # "wait for at least one minute"
    else:
        assert wait == pytest.approx(1800, abs=10)
    assert_conforms(CONTRACT, traffic)


def test_the_fakes_refusals_fit_the_spec(fake_github: FakeGitHub) -> None:
    """Answers no rotator flow provokes: a malformed or reused key (422), a missing one (404)."""
    taken = fake_github.add_deploy_key("acme/app", "ci")
    line = fake_github.deploy_keys["acme/app"][taken]["key"]
    traffic = Traffic()
    admin = {"Authorization": f"Bearer {fake_github.admin_token}"}
    with traffic.client() as client:
        keys = f"{fake_github.url}/repos/acme/app/keys"
        for body in ({"key": "ssh-rsa garbled"}, {"key": line, "title": "again"}):
            assert client.post(keys, json=body, headers=admin).status_code == 422
        assert client.get(f"{keys}/{taken}", headers=admin).status_code == 200
        assert client.get(f"{keys}/9", headers=admin).status_code == 404
    assert_conforms(CONTRACT, traffic)


def test_the_contract_reports_what_breaks_githubs_spec(
    fake_github: FakeGitHub, actions: github_actions.FakeGitHubActions
) -> None:
    """An empty revocation list, an environment name whose slash is not encoded: both are
    requests GitHub's description refuses, so a green contract test above means something."""
    traffic = Traffic()
    with traffic.client() as client:
        client.post(f"{fake_github.url}/credentials/revoke", json={"credentials": []})
        client.get(f"{actions.url}/repos/acme/app/environments/prod/eu/secrets/public-key")
    problems = CONTRACT.check(traffic.exchanges)
    assert len(problems) == 2
    assert "credentials: [] should be non-empty" in problems[0]
    assert "PathNotFound" in problems[1]


# --- Actions secrets ------------------------------------------------------------------------


@pytest.fixture
def actions() -> Iterator[github_actions.FakeGitHubActions]:
    server = github_actions.FakeGitHubActions()
    with server:
        yield server


def store_client(fake: github_actions.FakeGitHubActions, traffic: Traffic) -> httpx.Client:
    """The client production builds for the store, recording its exchanges."""
    environ = {"GITHUB_API_URL": fake.url, "GITHUB_TOKEN": github_actions.TOKEN}
    client: httpx.Client = github_client(environ)
    client.event_hooks["response"].append(traffic.keep)
    return client


def test_repository_and_environment_secrets_fit_the_spec(
    actions: github_actions.FakeGitHubActions,
) -> None:
    traffic = Traffic()
    with store_client(actions, traffic) as client:
        GitHubActionsStore(client).put("acme/app:API_KEY", VALUE, "t")
        GitHubActionsStore(client).put("acme/app:API_KEY", VALUE, "t")  # updated: 204
        GitHubEnvironmentStore(client).put("acme/app:prod/eu:API_KEY", VALUE, "t")
    statuses = [e.response.status_code for e in traffic.exchanges if e.request.method == "PUT"]
    assert statuses == [201, 204, 201]
    assert_conforms(CONTRACT, traffic)


def test_organization_secrets_fit_the_spec(actions: github_actions.FakeGitHubActions) -> None:
    ids = [actions.add_repository(f"octo/r{i}") for i in range(130)]
    scope = "/orgs/octo/actions/secrets"
    actions.secrets[scope] = {
        "KEPT": {"visibility": "selected", "selected_repository_ids": ids},
        "WIDE": {"visibility": "private"},
    }
    traffic = Traffic()
    with store_client(actions, traffic) as client:
        store = GitHubOrganizationStore(client)
        store.put("octo:KEPT:r0", VALUE, "t")  # 130 repositories: two pages of 100
        store.put("octo:WIDE", VALUE, "t")
        store.put("octo:NEW:r1,r2", VALUE, "t")  # new: looks up the named repositories
    assert actions.selected_ids("octo", "KEPT") == ids
    assert actions.selected_ids("octo", "NEW") == ids[1:3]
    assert_conforms(CONTRACT, traffic)


@pytest.mark.parametrize(("secondary", "status"), [(False, 403), (True, 429)])
def test_actions_rate_limits_fit_the_spec(
    actions: github_actions.FakeGitHubActions, secondary: bool, status: int
) -> None:
    actions.limit_next("/orgs/", secondary=secondary, status=status, retry_after="45")
    traffic = Traffic()
    with store_client(actions, traffic) as client, pytest.raises(TransientError) as raised:
        GitHubOrganizationStore(client).put("octo:API_KEY", VALUE, "t")
    assert raised.value.retry_after == 45.0
    assert [e.response.status_code for e in traffic.exchanges] == [status]
    assert_conforms(CONTRACT, traffic)


def test_actions_refusals_fit_the_spec(actions: github_actions.FakeGitHubActions) -> None:
    traffic = Traffic()
    refused = store_client(actions, traffic)
    refused.headers["Authorization"] = "Bearer ghp_" + "0" * 36
    with refused, pytest.raises(PermanentError):
        GitHubActionsStore(refused).put("acme/app:API_KEY", VALUE, "t")
    with store_client(actions, traffic) as client, pytest.raises(PermanentError):
        GitHubOrganizationStore(client).put("octo:NEW:missing", VALUE, "t")
    assert [e.response.status_code for e in traffic.exchanges][-1] == 404
    assert_conforms(CONTRACT, traffic)


def test_issue_notifier_fits_the_spec(actions: github_actions.FakeGitHubActions) -> None:
    notice = Notice(
        recipient="owner@example.test",
        subject="Leaked acme key acme_l…6789 rotated",
        provider="acme",
        key_hint="acme_l…6789",
        fingerprint="0f1e2d3c4b5a6978",
        locations=("octo/app aaaaaaaaaaaa config/settings.py:12",),
        exposure_seconds=60.0,
        actions_taken=("leaked key revoked",),
        owner_must=(),
        repository="octo/app",
    )
    traffic = Traffic()
    with store_client(actions, traffic) as client:
        GitHubIssueNotifier(client).send(notice, "rot-1")
        GitHubIssueNotifier(client).send(notice, "rot-1")  # the listing finds the first one
    assert traffic.operations().count("POST /repos/octo/app/issues") == 1
    assert_conforms(CONTRACT, traffic)
