"""Import paths ("package.module:name") for what the project's tables name as data.

Stage: kernel. The provider registry, the store table and the CLI's command table name what they
load by path, so a lookup imports only the module (and SDK) of the provider, store or command
actually used.
"""

from __future__ import annotations

import importlib


def resolve(path: str) -> object:
    """The object `path` names; its module is imported now."""
    module, sep, name = path.partition(":")
    if not sep:
        raise ValueError(f"{path!r} is not an import path of the form 'package.module:name'")
    return getattr(importlib.import_module(module), name)
