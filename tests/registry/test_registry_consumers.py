"""Consumer specs: each kind parses into its typed value and prints back unchanged."""

from __future__ import annotations

import pytest

from leakward.core.errors import UsageError
from leakward.registry.consumers import (
    AwsSecretsManagerSecret,
    GitHubActionsEnvironmentSecret,
    GitHubActionsOrganizationSecret,
    GitHubActionsSecret,
    ManualConsumer,
    VaultSecret,
    parse_consumer,
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "github-actions:acme/api:OPENAI_API_KEY",
            GitHubActionsSecret("acme/api", "OPENAI_API_KEY"),
        ),
        (
            "github-actions-env:acme/api:production:AWS_SECRET",
            GitHubActionsEnvironmentSecret("acme/api", "production", "AWS_SECRET"),
        ),
        ("github-actions-org:acme:NPM_TOKEN", GitHubActionsOrganizationSecret("acme", "NPM_TOKEN")),
        (
            "github-actions-org:acme:NPM_TOKEN:api,web",
            GitHubActionsOrganizationSecret("acme", "NPM_TOKEN", ("api", "web")),
        ),
        (
            "github-actions-env:acme/api:prod/eu:AWS_SECRET",
            GitHubActionsEnvironmentSecret("acme/api", "prod/eu", "AWS_SECRET"),
        ),
        (
            "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api",
            AwsSecretsManagerSecret(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api"
            ),
        ),
        ("vault:secret/teams/api#openai_key", VaultSecret("secret", "teams/api", "openai_key")),
        ("manual:laptop of the on-call engineer", ManualConsumer("laptop of the on-call engineer")),
    ],
)
def test_each_kind_parses_and_round_trips(spec: str, expected: object) -> None:
    consumer = parse_consumer(spec)
    assert consumer == expected
    assert consumer.spec == spec
    assert parse_consumer(consumer.spec) == consumer


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("github-actions:acme:KEY", "github-actions:OWNER/REPO:NAME"),
        ("github-actions:acme/api:1BAD", "github-actions:OWNER/REPO:NAME"),
        ("github-actions-env:acme/api:KEY", "github-actions-env:OWNER/REPO:ENV:NAME"),
        ("github-actions-env:acme/api:..:KEY", "github-actions-env:OWNER/REPO:ENV:NAME"),
        ("github-actions-org:acme:KEY:api,", "github-actions-org:ORG:NAME[:REPO,REPO…]"),
        ("vault:secret#field", "vault:MOUNT/PATH#FIELD"),
        ("vault:secret/path", "vault:MOUNT/PATH#FIELD"),
        ("manual:", "manual:NOTE"),
        ("kubernetes:ns/secret", "KIND one of"),
        # Paths that would be read as other paths: never registered, never written to.
        ("vault:secret/../../sys/x#f", "vault:MOUNT/PATH#FIELD"),
        ("vault:secret/teams/../../sys/policy#f", "vault:MOUNT/PATH#FIELD"),
        ("vault:../sys/x#f", "vault:MOUNT/PATH#FIELD"),
        ("vault:secret/a//b#f", "vault:MOUNT/PATH#FIELD"),
        ("vault:secret/a?b=1#f", "vault:MOUNT/PATH#FIELD"),
        ("vault:secret/%2e%2e/sys#f", "vault:MOUNT/PATH#FIELD"),
        ("github-actions:../..:KEY", "github-actions:OWNER/REPO:NAME"),
        ("github-actions:acme/..:KEY", "github-actions:OWNER/REPO:NAME"),
        ("github-actions:-acme/api:KEY", "github-actions:OWNER/REPO:NAME"),
        ("github-actions:acme/api:GITHUB_TOKEN", "github-actions:OWNER/REPO:NAME"),
        ("github-actions-org:..:KEY", "github-actions-org:ORG:NAME"),
        ("aws-secretsmanager:prod/api key", "aws-secretsmanager:SECRET_ID"),
        ("aws-secretsmanager:arn:aws:iam::123456789012:user/x", "aws-secretsmanager:SECRET_ID"),
        ("no-colon", "KIND one of"),
    ],
)
def test_bad_specs_say_the_expected_form(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_consumer(spec)
    assert message in str(caught.value)
