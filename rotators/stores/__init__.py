"""Secret stores that receive a replacement key, keyed by the registry's consumer kind.

Stage: rotators (delivery). Each consumer kind from registry/consumers.py maps to one store
class; `manual` has none (a human delivers). Listed by plain imports, built by the shell.
"""

from __future__ import annotations

from rotators.base import SecretStore

STORES: dict[str, type[SecretStore]] = {}

__all__ = ["STORES"]
