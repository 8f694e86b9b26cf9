"""Consumers: the places an issued key is deployed, written `KIND:LOCATOR` on the command line.

Stage: registry. The rotation pipeline delivers a replacement key to each consumer, so every kind
parses into a typed value naming exactly what a secret store needs, and prints back to the same
text (`parse_consumer(c.spec) == c`). Kinds:

    github-actions:OWNER/REPO:NAME            repository secret
    github-actions-env:OWNER/REPO:ENV:NAME    environment secret (ENV may hold a slash)
    github-actions-org:ORG:NAME[:REPO,…]      organization secret; the repositories of ORG
                                              that may read it when leakward creates it
    aws-secretsmanager:SECRET_ID              AWS Secrets Manager secret (name or ARN)
    vault:MOUNT/PATH#FIELD                    Vault KV field
    manual:NOTE                               anything else; a human delivers the key
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from leakward.core.errors import UsageError

# Every locator ends up in a URL path or a store path, so it is checked when it is registered:
# no `.` or `..` segment, no separator or character a path would read differently.
# GitHub: owner names are letters, digits and hyphens (not first); a repository name is letters,
# digits, `_`, `.` and `-`, but never `.` or `..`; secret names are letters, digits and `_`,
# not starting with a digit or the reserved GITHUB_ prefix (GitHub's documented naming rules).
_OWNER = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}"
_REPO = re.compile(rf"{_OWNER}/(?!\.\.?$)[A-Za-z0-9_.-]{{1,100}}")
_ORG = re.compile(_OWNER)
_SECRET_NAME = re.compile(r"(?!GITHUB_)(?!github_)[A-Za-z_][A-Za-z0-9_]*")
# AWS Secrets Manager: a name of 1-512 of these characters, or the secret's ARN.
_AWS_SECRET = re.compile(
    r"[A-Za-z0-9/_+=.@-]{1,512}"
    r"|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}"
)
# Vault: each segment of the mount and path; the field is a key inside the secret, not a path.
_VAULT_SEGMENT = re.compile(r"(?!\.\.?$)[A-Za-z0-9_.@+=-]+")
# GitHub environment names may hold slashes and more; not ":" (our separator), no whitespace
# (inventories separate specs with it), and not a bare "." or ".." (a dot segment would move the
# request to another path).
_ENVIRONMENT = re.compile(r"(?!\.\.?\Z)[^:\s]+")
_REPOSITORY_NAME = r"(?!\.\.?(?:,|\Z))[A-Za-z0-9_.-]{1,100}"
_REPOSITORIES = re.compile(rf"{_REPOSITORY_NAME}(?:,{_REPOSITORY_NAME})*")


@dataclass(frozen=True, slots=True)
class GitHubActionsSecret:
    kind: ClassVar[str] = "github-actions"
    repository: str
    name: str

    @property
    def locator(self) -> str:
        return f"{self.repository}:{self.name}"

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


@dataclass(frozen=True, slots=True)
class GitHubActionsEnvironmentSecret:
    kind: ClassVar[str] = "github-actions-env"
    repository: str
    environment: str
    name: str

    @property
    def locator(self) -> str:
        return f"{self.repository}:{self.environment}:{self.name}"

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


@dataclass(frozen=True, slots=True)
class GitHubActionsOrganizationSecret:
    kind: ClassVar[str] = "github-actions-org"
    organization: str
    name: str
    repositories: tuple[str, ...] = ()  # names within the organization

    @property
    def locator(self) -> str:
        named = f":{','.join(self.repositories)}" if self.repositories else ""
        return f"{self.organization}:{self.name}{named}"

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


@dataclass(frozen=True, slots=True)
class AwsSecretsManagerSecret:
    kind: ClassVar[str] = "aws-secretsmanager"
    secret_id: str

    @property
    def locator(self) -> str:
        return self.secret_id

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


@dataclass(frozen=True, slots=True)
class VaultSecret:
    kind: ClassVar[str] = "vault"
    mount: str
    path: str
    field: str

    @property
    def locator(self) -> str:
        return f"{self.mount}/{self.path}#{self.field}"

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


@dataclass(frozen=True, slots=True)
class ManualConsumer:
    kind: ClassVar[str] = "manual"
    note: str

    @property
    def locator(self) -> str:
        return self.note

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.locator}"


Consumer = (
    GitHubActionsSecret
    | GitHubActionsEnvironmentSecret
    | GitHubActionsOrganizationSecret
    | AwsSecretsManagerSecret
    | VaultSecret
    | ManualConsumer
)
KINDS = (
    "github-actions",
    "github-actions-env",
    "github-actions-org",
    "aws-secretsmanager",
    "vault",
    "manual",
)


def parse_consumer(text: str) -> Consumer:
    """Parse `KIND:LOCATOR`; a `UsageError` names the kind's expected form."""
    kind, separator, locator = text.partition(":")
    if not separator or kind not in KINDS:
        raise UsageError(
            f"unknown consumer {text!r}",
            hint=f"write KIND:LOCATOR with KIND one of {', '.join(KINDS)}",
        )
    return consumer_from(kind, locator)


def consumer_from(kind: str, locator: str) -> Consumer:
    """Build a consumer from its kind and locator, as stored in the registry."""
    parts = locator.split(":")
    if kind == "github-actions" and len(parts) == 2 and _valid(parts, _REPO, _SECRET_NAME):
        return GitHubActionsSecret(repository=parts[0], name=parts[1])
    if (
        kind == "github-actions-env"
        and len(parts) == 3
        and _valid(parts, _REPO, _ENVIRONMENT, _SECRET_NAME)
    ):
        return GitHubActionsEnvironmentSecret(parts[0], environment=parts[1], name=parts[2])
    if (
        kind == "github-actions-org"
        and len(parts) in (2, 3)
        and _valid(parts, *(_ORG, _SECRET_NAME, _REPOSITORIES)[: len(parts)])
    ):
        named = tuple(parts[2].split(",")) if len(parts) == 3 else ()
        return GitHubActionsOrganizationSecret(parts[0], parts[1], named)
    if kind == "aws-secretsmanager" and _AWS_SECRET.fullmatch(locator):
        return AwsSecretsManagerSecret(secret_id=locator)
    if kind == "vault":
        vault = _vault(locator)
        if vault is not None:
            return vault
    if kind == "manual" and locator.strip():
        return ManualConsumer(note=locator.strip())
    raise UsageError(f"cannot read the {kind} consumer {locator!r}", hint=f"write {_FORMS[kind]}")


def _valid(parts: list[str], *patterns: re.Pattern[str]) -> bool:
    return all(pattern.fullmatch(part) for part, pattern in zip(parts, patterns, strict=True))


def _vault(locator: str) -> VaultSecret | None:
    path, separator, field = locator.rpartition("#")
    mount, slash, rest = path.strip("/").partition("/")
    if not (separator and slash and mount and rest and field.isprintable()):
        return None
    if not all(_VAULT_SEGMENT.fullmatch(segment) for segment in [mount, *rest.split("/")]):
        return None
    return VaultSecret(mount=mount, path=rest, field=field)


_FORMS = {
    "github-actions": "github-actions:OWNER/REPO:NAME",
    "github-actions-env": "github-actions-env:OWNER/REPO:ENV:NAME",
    "github-actions-org": "github-actions-org:ORG:NAME[:REPO,REPO…]",
    "aws-secretsmanager": "aws-secretsmanager:SECRET_ID",
    "vault": "vault:MOUNT/PATH#FIELD",
    "manual": "manual:NOTE",
}
