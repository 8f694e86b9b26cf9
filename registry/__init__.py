"""The registry of issued keys: keyed fingerprints, owners, consumers, leaks. Never plaintext.

Stage: registry. Takes plain values (fingerprints, key ids, hints), never scanner types; the shell
(`leakward/response/registry_match.py`) turns findings into these calls. Start with
`Registry.open(url)`.
"""

from __future__ import annotations

from leakward.registry.attributes import parse_attribute
from leakward.registry.consumers import Consumer, parse_consumer
from leakward.registry.fingerprints import Hint, hint_of, parse_hint
from leakward.registry.store import Registry
from leakward.registry.values import (
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
