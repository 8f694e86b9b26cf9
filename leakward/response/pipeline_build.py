"""Building a rotation pipeline from the environment, for one issued key.

Stage: application shell. Shared by `leakward rotate` (leakward/cli/rotate.py) and the webhook
receiver's push work (leakward/response/leaks.py), so both rotate with the same rotator, the
secret stores the key's consumers need and the configured notifiers. The provider registry
imports only the key's own rotator and the store table only the stores its consumers need
(boto3, hvac and PyNaCl come with those); both are imported inside the functions, so a plain
`leakward scan` pays nothing for them at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leakward.registry import Registry
    from leakward.rotators.base import Rotator
    from leakward.rotators.rotation.pipeline import RotationPipeline


def build_rotator(provider: str, environ: Mapping[str, str]) -> Rotator | None:
    """The provider's rotator built from the environment; None for a provider leakward cannot
    drive (unknown, or without `from_environment`)."""
    from leakward.rotators.providers.registry import rotator_class

    build = getattr(rotator_class(provider), "from_environment", None)
    if build is None:
        return None
    rotator: Rotator = build(environ)
    return rotator


def build_pipeline(
    registry: Registry, issued_key_id: int, environ: Mapping[str, str]
) -> RotationPipeline:
    """A pipeline with what this key needs: its provider's rotator, its consumers' stores."""
    from leakward.rotators.rotation.pipeline import RotationPipeline
    from leakward.rotators.stores import stores_from_environment
    from leakward.webhooks.notify import notifiers_from_environment

    key = registry.get_key(issued_key_id)
    rotator = build_rotator(key.provider, environ)
    rotators = {key.provider: rotator} if rotator is not None else {}
    kinds = {c.kind for c in key.consumers}
    return RotationPipeline(
        registry=registry,
        rotators=rotators,
        stores=stores_from_environment(environ, kinds),
        notifiers=notifiers_from_environment(environ),
    )
