"""The bytes beside a keyword that a rule's matches allow: read from the pattern, never guessed.

The `regex` engine drops a keyword place whose neighbours no match allows (#18): on a rails
release tree `|` was a place 40,000 times for facebook.app_access_token, nearly all in `||` and
` | `. A wrong set would lose findings, so every match of every rule example must keep its
place, and what is not proven must allow everything.
"""

from __future__ import annotations

import pytest
import regex

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.engines.keyword_edges import Edges, keyword_edges
from leakward.scanner.engines.regex_engine import RegexEngine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin

RULESET: RuleSet = load_rules()


def _index(rule_id: str) -> int:
    return next(i for i, rule in enumerate(RULESET.rules) if rule.id == rule_id)


def test_bytes_beside_a_keyword_come_from_the_classes_and_lookbehinds_around_it() -> None:
    pattern = r"(?<![A-Za-z0-9_-])(?P<secret>[0-9]{15,16}\|[A-Za-z0-9_-]{27})"
    edges = keyword_edges(pattern, "|")
    assert edges is not None
    assert edges.before == frozenset(b"0123456789")
    assert edges.after is not None
    assert b"-"[0] in edges.after
    assert b"|"[0] not in edges.after
    opening = keyword_edges(r"(?<![A-Za-z0-9_-])(?P<secret>ion_[A-Za-z0-9]{42})", "ion_")
    assert opening is not None
    assert opening.before is not None
    assert b"t"[0] not in opening.before  # `action_` holds no token
    assert b" "[0] in opening.before


def test_optional_parts_widen_the_bytes_beside_a_keyword() -> None:
    edges = keyword_edges(r"(?i:fal[_-]?(?:api[_-]?)?key)=x", "fal")
    assert edges == Edges(None, frozenset(b"_-aAkK"))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:key|token)=[a-z]{8}", None),  # inside a choice: not every match holds it
        (r"(?:key=)+[a-z]{8}", None),  # inside a repeat: not at one place
        (r"key", None),  # nothing around it
        (r"[[:alpha:]]key[0-9]", None),  # `regex` syntax the stdlib reads as something else
        (r"(?P<a>x)(?P=a)key[0-9]", Edges(None, frozenset(b"0123456789"))),  # a backreference
    ],
)
def test_what_is_not_proven_allows_any_byte(pattern: str, expected: Edges | None) -> None:
    assert keyword_edges(pattern, "key") == expected


def test_every_example_match_keeps_a_place_of_its_keyword() -> None:
    checked = 0
    for rule in RULESET.rules:
        pattern = None
        for keyword in rule.keywords:
            edges = keyword_edges(rule.pattern, keyword)
            if edges is None:
                continue
            pattern = pattern or regex.compile(rule.pattern.encode())
            wanted = keyword.lower().encode()
            for example in rule.examples_match:
                data = example.text.encode()
                lowered = data.lower()
                for match in pattern.finditer(data):
                    start, end = match.span()
                    places = [
                        at
                        for at in range(start, end - len(wanted) + 1)
                        if lowered.startswith(wanted, at)
                        and edges.allowed(data, [(at, at + len(wanted))])
                    ]
                    assert places, (rule.id, keyword)
                    checked += 1
    assert checked > 300


def test_places_without_allowed_neighbours_make_no_window_and_lose_no_finding() -> None:
    index = _index("facebook.app_access_token")
    noise = b"a || b | c\n" * 2000
    engine = RegexEngine(RULESET)
    assert index not in engine.scan(noise).windows
    example = RULESET.rules[index].examples_match[0].text.encode()
    token = example.split(b"=")[1]
    data = noise + example + b"\n" + noise
    ((start, end),) = engine.scan(data).windows[index]
    assert token in data[start:end]
    chunk = Chunk(data, Origin("file", "app.rb"))
    found = {
        engine_name: [
            (f.rule_id, f.line, f.column)
            for f in Matcher(RULESET, make_engine(RULESET, engine_name)).scan_chunk(chunk)
        ]
        for engine_name in ("regex", "hyperscan")
    }
    assert found["regex"] == found["hyperscan"]
    assert ("facebook.app_access_token", 2001, 14) in found["regex"]
