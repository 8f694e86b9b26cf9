"""The provider rotators leakward ships, one module per provider.

Stage: rotators (providers). Which providers exist, and which class rotates each, is the
registry's to say (registry.py: data, no discovery by reflection). `ROTATORS` reads it as a
mapping of provider name to rotator class that imports a provider's module only when that
provider is looked up, so importing this package loads no provider module and no SDK.

To add a provider, write its module and add one entry to `PROVIDERS` in registry.py (and its
facts to facts.py). A rotator that offers `from_environment(environ: Mapping[str, str]) -> Self`
(reading its credentials and `LEAKWARD_API_<NAME>` base URL) is what `leakward rotate` can build
on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from leakward.rotators.providers.registry import PROVIDERS

if TYPE_CHECKING:
    from leakward.rotators.base import Rotator


class _RotatorClasses(Mapping[str, "type[Rotator]"]):
    """Provider name -> rotator class, each imported at its first lookup."""

    def __getitem__(self, provider: str) -> type[Rotator]:
        return PROVIDERS[provider].rotator_class()

    def __iter__(self) -> Iterator[str]:
        return iter(PROVIDERS)

    def __len__(self) -> int:
        return len(PROVIDERS)


ROTATORS: Mapping[str, type[Rotator]] = _RotatorClasses()

__all__ = ["ROTATORS"]
