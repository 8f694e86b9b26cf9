"""GitHub Actions secrets as GitHub documents them: every selected repository kept, the
narrowest visibility for a new organization secret, encoded environment names, rate limits.

docs.github.com/rest/actions/secrets: an organization secret's PUT replaces its repository
list; `GET …/secrets/{name}/repositories` lists 30 a page unless asked (`per_page` up to 100).
"""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError, TransientError
from leakward.rotators.stores.github_actions import (
    GitHubEnvironmentStore,
    GitHubOrganizationStore,
)
from tests.fakes import github_actions

VALUE = Secret("acme_live_NEWnew0123456789abcdefXYZ")
ORG_SCOPE = "/orgs/octo/actions/secrets"


def selected_secret(github: github_actions.FakeGitHubActions, repositories: int) -> list[int]:
    ids = [github.add_repository(f"octo/r{i}") for i in range(repositories)]
    github.secrets[ORG_SCOPE] = {
        "API_KEY": {"visibility": "selected", "selected_repository_ids": ids}
    }
    return ids


def test_an_org_secret_keeps_every_selected_repository(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    ids = selected_secret(github, 130)
    GitHubOrganizationStore(gh_client).put("octo:API_KEY", VALUE, "t")
    assert github.selected_ids("octo", "API_KEY") == ids
    assert github.opened(ORG_SCOPE, "API_KEY") == VALUE.reveal()
    # 130 repositories at GitHub's largest page (100): two reads, not five at its default.
    assert github.paths("GET").count(f"GET {ORG_SCOPE}/API_KEY/repositories") == 2


def test_an_existing_selection_gains_the_repositories_the_spec_names(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    ids = selected_secret(github, 3)
    extra = github.add_repository("octo/api")
    GitHubOrganizationStore(gh_client).put("octo:API_KEY:r0,api", VALUE, "t")
    assert github.selected_ids("octo", "API_KEY") == [*ids, extra]


@pytest.mark.parametrize(("named", "expected"), [("", []), (":api,web", ["api", "web"])])
def test_a_new_org_secret_is_readable_only_by_the_named_repositories(
    github: github_actions.FakeGitHubActions,
    gh_client: httpx.Client,
    named: str,
    expected: list[str],
) -> None:
    repositories = {name: github.add_repository(f"octo/{name}") for name in ("api", "web", "x")}
    GitHubOrganizationStore(gh_client).put(f"octo:API_KEY{named}", VALUE, "t")
    stored = github.secrets[ORG_SCOPE]["API_KEY"]
    assert stored["visibility"] == "selected"  # never "private": every private repository
    assert github.selected_ids("octo", "API_KEY") == [repositories[n] for n in expected]


def test_an_unknown_named_repository_stops_before_anything_is_written(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    with pytest.raises(PermanentError, match="octo/nope"):
        GitHubOrganizationStore(gh_client).put("octo:API_KEY:nope", VALUE, "t")
    assert github.paths("PUT") == []


def test_a_failed_visibility_read_never_widens_the_secret(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    selected_secret(github, 2)
    github.fail_next(f"{ORG_SCOPE}/API_KEY", status=502, method="GET", exact=True)
    with pytest.raises(TransientError):
        GitHubOrganizationStore(gh_client).put("octo:API_KEY", VALUE, "t")
    assert github.paths("PUT") == []


def test_environment_names_are_url_encoded(
    github: github_actions.FakeGitHubActions, gh_client: httpx.Client
) -> None:
    GitHubEnvironmentStore(gh_client).put("octo/app:prod/eu:API_KEY", VALUE, "t")
    scope = "/repos/octo/app/environments/prod%2Feu/secrets"
    assert github.paths("PUT") == [f"PUT {scope}/API_KEY"]
    assert github.opened(scope, "API_KEY") == VALUE.reveal()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (f"{ORG_SCOPE}/public-key", "GET"),
        (f"{ORG_SCOPE}/API_KEY/repositories", "GET"),
        (f"{ORG_SCOPE}/API_KEY", "PUT"),
        (f"{ORG_SCOPE}/API_KEY", "GET"),
    ],
)
@pytest.mark.parametrize("secondary", [True, False], ids=["secondary", "primary"])
def test_a_rate_limit_is_transient_and_the_retry_delivers(
    github: github_actions.FakeGitHubActions,
    gh_client: httpx.Client,
    path: str,
    method: str,
    secondary: bool,
) -> None:
    ids = selected_secret(github, 2)
    limit = github.limit_next(path, secondary=secondary, method=method)
    store = GitHubOrganizationStore(gh_client)
    with pytest.raises(TransientError, match="rate limit") as caught:
        store.put("octo:API_KEY", VALUE, "t")
    assert limit.served
    wait = caught.value.retry_after
    assert wait is not None
    assert 0 < wait <= (60 if secondary else limit.reset_in)
    store.put("octo:API_KEY", VALUE, "t")
    assert github.selected_ids("octo", "API_KEY") == ids
    assert github.opened(ORG_SCOPE, "API_KEY") == VALUE.reveal()
