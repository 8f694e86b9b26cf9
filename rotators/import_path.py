"""Import paths ("package.module:name") for the classes the registries name as data.

Stage: rotators. The provider registry and the store table name their classes by path, so a
lookup imports only the module (and SDK) of the provider or store actually used.
"""

from __future__ import annotations

import importlib


def resolve(path: str) -> object:
    """The object `path` names; its module is imported now."""
    module, sep, name = path.partition(":")
    if not sep:
        raise ValueError(f"{path!r} is not an import path of the form 'package.module:name'")
    return getattr(importlib.import_module(module), name)
