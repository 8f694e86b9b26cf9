"""The pure-`regex` engine: keyword prefilter, then every candidate rule over the whole chunk.

Stage: engine. Slower than Hyperscan but installs everywhere; its hits are whole-chunk windows for
each rule whose keyword occurs, so the matcher's confirmation decides exactly as it does for
Hyperscan's narrower windows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from leakward.rules.model import RuleSet
from leakward.scanner.engines import Hits, scanned_rule_indexes
from leakward.scanner.triggers import trigger_patterns


class RegexEngine:
    name = "regex"

    def __init__(self, ruleset: RuleSet) -> None:
        indexes = scanned_rule_indexes(ruleset)
        self._by_keyword: dict[bytes, list[int]] = {}
        # Imported rules may have no keywords: nothing gates them, they always run.
        self._ungated = [i for i in indexes if not ruleset.rules[i].keywords]
        for index in indexes:
            for keyword in ruleset.rules[index].keywords:
                self._by_keyword.setdefault(keyword.lower().encode(), []).append(index)
        by_kind: dict[str, list[str]] = {}
        keywords = (k for i in indexes for k in ruleset.rules[i].keywords)
        for kind, pattern in trigger_patterns(keywords):
            by_kind.setdefault(kind, []).append(pattern)
        self._triggers = {
            kind: re.compile("|".join(f"(?:{p})" for p in patterns).encode())
            for kind, patterns in by_kind.items()
        }

    def scan_many(self, pieces: Sequence[bytes]) -> list[Hits]:
        return [self.scan(piece) for piece in pieces]

    def scan(self, data: bytes) -> Hits:
        hits = Hits()
        lowered = data.lower()
        whole = [(0, len(data))]
        for index in self._ungated:
            hits.windows[index] = whole
        for keyword, indexes in self._by_keyword.items():
            if keyword in lowered:
                for index in indexes:
                    hits.windows[index] = whole
        for kind, pattern in self._triggers.items():
            offsets = [m.end() for m in pattern.finditer(data)]
            if offsets:
                hits.triggers[kind] = offsets
        return hits
