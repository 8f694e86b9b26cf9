"""The provider registry: one entry per provider, agreeing with its rotator, the rules and docs."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers import ROTATORS
from leakward.rotators.providers.gitlab import GitLabRotator
from leakward.rotators.providers.http_rotator import HttpRotator
from leakward.rotators.providers.liveness import verify_secret
from leakward.rotators.providers.provider_table import render
from leakward.rotators.providers.registry import PROVIDERS, api_overrides, configured_url
from leakward.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_every_entry_resolves_to_its_rotator(name: str) -> None:
    entry = PROVIDERS[name]
    rotator = entry.rotator_class()
    assert rotator.provider == name
    assert rotator.capability is entry.capability
    assert ROTATORS[name] is rotator


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_the_rotator_module_reads_the_credentials_the_entry_lists(name: str) -> None:
    """Rotators with their own constructor name their variables in code; the registry lists
    them for the docs. This catches the two drifting apart."""
    entry = PROVIDERS[name]
    rotator = entry.rotator_class()
    source = inspect.getsource(inspect.getmodule(rotator))  # type: ignore[arg-type]
    credentials = entry.credentials
    if issubclass(rotator, HttpRotator):  # it reads the first from the registry itself
        credentials = credentials[1:]
    for variable in credentials:
        assert variable in source


def test_every_rule_rotator_is_registered() -> None:
    """A rule's `rotator:` names a registry entry; rules without one are verify-only/unknown."""
    named = {rule.rotator for rule in load_rules().rules if rule.rotator}
    assert named
    assert named <= set(PROVIDERS)


def test_the_provider_page_is_generated_from_the_registry() -> None:
    page = (ROOT / "docs" / "providers.md").read_text(encoding="utf-8")
    assert page == render(), (
        "docs/providers.md is stale: run "
        "`python -m leakward.rotators.providers.provider_table > docs/providers.md`"
    )


def test_the_new_variable_wins_over_the_deprecated_one(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"LEAKWARD_API_GITLAB": "https://new.example", "GITLAB_URL": "https://old.example"}
    with caplog.at_level(logging.WARNING):
        assert configured_url(environ, "gitlab") == "https://new.example"
    assert not caplog.records


def test_a_deprecated_variable_still_works_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        rotator = GitLabRotator.from_environment({"GITLAB_URL": "https://old.example"})
    assert rotator._base == "https://old.example"
    assert [r.getMessage() for r in caplog.records] == [
        "GITLAB_URL is deprecated; set LEAKWARD_API_GITLAB instead"
    ]


def test_platform_variables_are_read_last_and_silently(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert configured_url({"GITHUB_API_URL": "https://ghes/api/v3"}, "github") == (
            "https://ghes/api/v3"
        )
        assert configured_url({"AWS_ENDPOINT_URL": "http://moto"}, "aws") == "http://moto"
        assert configured_url({}, "github") is None
    assert not caplog.records


def test_scan_verify_reads_only_the_convention() -> None:
    environ = {
        "LEAKWARD_API_TWILIO__API": "http://fake",
        "LEAKWARD_API_GITHUB": "",
        "GITLAB_URL": "http://old",
    }
    assert api_overrides(environ) == {"twilio.api": "http://fake"}


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_every_provider_answers_scan_verify_without_raising(name: str) -> None:
    # `scan --verify` reaches each provider through its `check` or its rotator on a base URL; a
    # rotator that takes no base URL without a `check` of its own crashed the scan (Bedrock).
    closed = {url.key: "http://127.0.0.1:9" for url in PROVIDERS[name].urls}
    with httpx.Client(timeout=1.0) as client:
        verdict = verify_secret(
            name, Secret("not-a-key-0123456789abcdef"), client, base_urls=closed
        )
    assert verdict.liveness is Liveness.UNKNOWN
