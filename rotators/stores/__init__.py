"""Secret stores that receive a replacement key, keyed by the registry's consumer kind.

Stage: rotators (delivery). Each consumer kind from registry/consumers.py maps to one store
class; `manual` has none (a human delivers). Listed by plain imports; each class builds itself
with `from_environment(os.environ)`, and nothing connects at import.
"""

from __future__ import annotations

from collections.abc import Mapping

from leakward.rotators.base import SecretStore
from leakward.rotators.stores.aws_secrets_manager import AwsSecretsManagerStore
from leakward.rotators.stores.github_actions import (
    GitHubActionsStore,
    GitHubEnvironmentStore,
    GitHubOrganizationStore,
)
from leakward.rotators.stores.vault import VaultKvStore

STORES: dict[str, type[SecretStore]] = {
    GitHubActionsStore.kind: GitHubActionsStore,
    GitHubEnvironmentStore.kind: GitHubEnvironmentStore,
    GitHubOrganizationStore.kind: GitHubOrganizationStore,
    AwsSecretsManagerStore.kind: AwsSecretsManagerStore,
    VaultKvStore.kind: VaultKvStore,
}


def stores_from_environment(environ: Mapping[str, str], kinds: set[str]) -> dict[str, SecretStore]:
    """One store per consumer kind in `kinds` (only those are built: each may need credentials)."""
    built: dict[str, SecretStore] = {}
    for kind in sorted(kinds & set(STORES)):
        factory = STORES[kind]
        built[kind] = factory.from_environment(environ)  # type: ignore[attr-defined]
    return built


__all__ = ["STORES", "stores_from_environment"]
