"""The rotator suite uses the shared fake provider servers (tests/fakes/fixtures.py), and the
fake GitHub Actions API with a client of the store's own making for the secret-store tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from leakward.rotators.stores.github_actions import github_client
from tests.fakes import github_actions
from tests.fakes.fixtures import *  # noqa: F403 (pytest finds fixtures by name)
from tests.rotators.warm_workers import stop_server


@pytest.fixture
def github() -> Iterator[github_actions.FakeGitHubActions]:
    with github_actions.FakeGitHubActions() as server:
        yield server


@pytest.fixture
def gh_client(github: github_actions.FakeGitHubActions) -> Iterator[httpx.Client]:
    env = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_actions.TOKEN}
    with github_client(env) as client:
        client.timeout = httpx.Timeout(1.0)
        yield client


@pytest.fixture(autouse=True, scope="module")
def _no_fork_server_outlives_its_module() -> Iterator[None]:
    """The crash suites' warm workers leave a fork server behind; a later module's workers must
    not be forked from it (see `stop_server`)."""
    yield
    stop_server()
