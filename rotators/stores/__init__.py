"""Secret stores that receive a replacement key, keyed by the registry's consumer kind.

Stage: rotators (delivery). Each consumer kind from registry/consumers.py maps to one store
class, named here by import path and imported only when a key's consumers need that kind: the
stores bring boto3, hvac and PyNaCl, which nothing else should pay for. `manual` has none (a
human delivers). Each class builds itself with `from_environment(os.environ)`; nothing connects
at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from leakward.core.import_path import resolve
from leakward.rotators.base import SecretStore

_MODULE = "leakward.rotators.stores"

STORES: Mapping[str, str] = {
    "github-actions": f"{_MODULE}.github_actions:GitHubActionsStore",
    "github-actions-env": f"{_MODULE}.github_actions:GitHubEnvironmentStore",
    "github-actions-org": f"{_MODULE}.github_actions:GitHubOrganizationStore",
    "aws-secretsmanager": f"{_MODULE}.aws_secrets_manager:AwsSecretsManagerStore",
    "vault": f"{_MODULE}.vault:VaultKvStore",
}


def store_class(kind: str) -> type[SecretStore]:
    """The store class for a consumer kind in `STORES`, imported now."""
    return cast("type[SecretStore]", resolve(STORES[kind]))


def stores_from_environment(environ: Mapping[str, str], kinds: set[str]) -> dict[str, SecretStore]:
    """One store per consumer kind in `kinds` (only those are built: each may need credentials)."""
    built: dict[str, SecretStore] = {}
    for kind in sorted(kinds & set(STORES)):
        factory = store_class(kind)
        built[kind] = factory.from_environment(environ)  # type: ignore[attr-defined]
    return built


__all__ = ["STORES", "store_class", "stores_from_environment"]
