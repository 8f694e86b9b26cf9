"""Engines find where rules might match; the matcher confirms. Two engines, one protocol.

Stage: engine. `hyperscan` reads each byte once for all rules and decoder triggers at once; `regex`
is the pure-Python fallback with a keyword prefilter. Both return the same `Hits` shape, and the
matcher's exact `regex` confirmation makes their findings identical (the test suite checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from leakward.rules.model import RuleSet


@dataclass(slots=True)
class Hits:
    """Regions to confirm per rule index, and decoder trigger offsets per decoder kind (for the
    triggers in `triggers.FIRST_ONLY`, the first match only: their decoders find the rest)."""

    windows: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    triggers: dict[str, list[int]] = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def scan(self, data: bytes) -> Hits: ...

    def scan_many(self, pieces: Sequence[bytes]) -> list[Hits]:
        """`scan` of each piece, each hit exactly as `scan` of that piece alone would give it: a
        pass over the pieces joined loses what reports only its first match (keywords, FIRST_ONLY
        triggers) in every piece after the first that holds it."""
        ...


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def make_engine(ruleset: RuleSet, name: str = "auto") -> Engine:
    """`auto` picks Hyperscan when it is installed, else the regex engine."""
    from leakward.core.errors import UsageError

    if name == "auto":
        name = "hyperscan" if hyperscan_available() else "regex"
    if name == "hyperscan":
        if not hyperscan_available():
            raise UsageError(
                "the hyperscan engine is not installed here",
                "pip install hyperscan, or pass --engine regex",
            )
        from leakward.scanner.engines.hyperscan_engine import HyperscanEngine

        return HyperscanEngine(ruleset)
    if name == "regex":
        from leakward.scanner.engines.regex_engine import RegexEngine

        return RegexEngine(ruleset)
    raise UsageError(f"unknown engine {name!r}", "use --engine auto, hyperscan or regex")


def scanned_rule_indexes(ruleset: RuleSet) -> list[int]:
    """Rules an engine looks for directly; `required` key-id rules run only near their anchor."""
    return [i for i, rule in enumerate(ruleset.rules) if not (rule.key_id and rule.key_id.required)]
