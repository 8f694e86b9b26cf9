"""The registry of issued keys: keyed fingerprints, owners, consumers, leaks. Never plaintext.

Stage: registry. Takes plain values (fingerprints, key ids, hints), never scanner types; the shell
(`leakward/registry_link.py`) turns findings into these calls. Start with `Registry.open(url)`.
"""

from __future__ import annotations

from .attributes import parse_attribute
from .consumers import Consumer, parse_consumer
from .fingerprints import Hint, hint_of, parse_hint
from .store import Registry
from .values import (
    ExposureWindow,
    ImportResult,
    IssuedKey,
    Leak,
    LeakLocation,
    LeakSighting,
    Match,
    MatchQuery,
    NewKey,
    Owner,
)

__all__ = [
    "Consumer",
    "ExposureWindow",
    "Hint",
    "ImportResult",
    "IssuedKey",
    "Leak",
    "LeakLocation",
    "LeakSighting",
    "Match",
    "MatchQuery",
    "NewKey",
    "Owner",
    "Registry",
    "hint_of",
    "parse_attribute",
    "parse_consumer",
    "parse_hint",
]
