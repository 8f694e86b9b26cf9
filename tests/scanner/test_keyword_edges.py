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
from leakward.scanner.engines.keyword_edges import Edges, gate_of, keyword_edges
from leakward.scanner.engines.regex_engine import RegexEngine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin

RULESET: RuleSet = load_rules()


def _index(rule_id: str) -> int:
    return next(i for i, rule in enumerate(RULESET.rules) if rule.id == rule_id)


def test_bytes_beside_a_keyword_come_from_the_classes_and_lookbehinds_around_it() -> None:
    pattern = r"(?<![A-Za-z0-9_-])(?P<secret>[0-9]{15,16}\|[A-Za-z0-9_-]{27})"
    edges = keyword_edges(pattern, ["|"])["|"]
    assert edges is not None
    assert edges.before == frozenset(b"0123456789")
    assert edges.after is not None
    assert b"-"[0] in edges.after
    assert b"|"[0] not in edges.after
    pattern = r"(?<![A-Za-z0-9_-])(?P<secret>ion_[A-Za-z0-9]{42})"
    opening = keyword_edges(pattern, ["ion_"])["ion_"]
    assert opening is not None
    assert opening.before is not None
    assert b"t"[0] not in opening.before  # `action_` holds no token
    assert b" "[0] in opening.before


def test_optional_parts_widen_the_bytes_beside_a_keyword() -> None:
    edges = keyword_edges(r"(?i:fal[_-]?(?:api[_-]?)?key)=x", ["fal"])
    assert edges == {"fal": Edges(None, frozenset(b"_-aAkK"))}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?:key|pass)=[a-z]{8}", None),  # a branch without it, and no other keyword
        (r"(?:key=)*[a-z]{8}", None),  # in a repeat that may be absent
        (r"key", None),  # nothing around it
        (r"[[:alpha:]]key[0-9]", None),  # `regex` syntax the stdlib reads as something else
        (r"(?P<a>x)(?P=a)key[0-9]", None),  # a backreference
        (r"(?:key=)+[a-z]{8}", Edges(None, frozenset(b"="))),  # in a repeat that is there
    ],
)
def test_what_is_not_proven_allows_any_byte(pattern: str, expected: Edges | None) -> None:
    assert keyword_edges(pattern, ["key"]) == {"key": expected}


def test_keywords_in_choices_are_bounded_when_every_branch_holds_one() -> None:
    # The stdlib parser reads `pass|pwd` as `p(?:ass|wd)`: each keyword is still found whole.
    edges = keyword_edges(r"(?i:pass|pwd)[ \t]*=|\bapi_?token:", ["pass", "pwd", "TOKEN"])
    assert edges["pass"] == Edges(None, frozenset(b" \t="))
    assert edges["pwd"] == Edges(None, frozenset(b" \t="))
    assert edges["token"] == Edges(frozenset(b"_iI"), frozenset(b":"))
    # A keyword the pattern never holds as text is no place at all: every match holds another.
    never = keyword_edges(r"(?:key|token)=", ["key", "token", "auth"])["auth"]
    assert never == Edges(frozenset(), frozenset())
    # A name the `regex` module lets two groups share is read too.
    shared = keyword_edges(r"key=(?:(?P<s>[a-z]+)|'(?P<s>[0-9]+)')", ["key"])["key"]
    assert shared == Edges(None, frozenset(b"="))


def test_every_example_match_keeps_a_place_of_its_keyword() -> None:
    checked = 0
    for rule in RULESET.rules:
        bounded = keyword_edges(rule.pattern, rule.keywords)
        if all(edges is None for edges in bounded.values()):
            continue
        pattern = regex.compile(rule.pattern.encode())
        for example in rule.examples_match:
            data = example.text.encode()
            lowered = data.lower()
            for match in pattern.finditer(data):
                start, end = match.span()
                # A place of some keyword inside the match that its edges allow.
                places = [
                    at
                    for keyword, edges in bounded.items()
                    for at in range(start, end - len(keyword) + 1)
                    if lowered.startswith(keyword.encode(), at)
                    and (edges is None or edges.allowed(data, [(at, at + len(keyword))]))
                ]
                assert places, rule.id
                checked += 1
    assert checked > 400


def test_places_without_allowed_neighbours_make_no_window_and_lose_no_finding() -> None:
    index = _index("facebook.app_access_token")
    noise = b"  if (first_value || second_value) {\n" * 600
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
    assert ("facebook.app_access_token", 601, 14) in found["regex"]


def test_a_rule_without_keywords_is_searched_around_a_byte_every_match_holds() -> None:
    index = _index("postgres.pgpass")
    rule = RULESET.rules[index]
    assert not rule.keywords
    gate = gate_of(rule.pattern)
    assert gate is not None
    assert gate[0] == ord(":")
    assert gate[1].after == frozenset(b"*0123456789")  # the port, or `*`
    assert gate_of(r"^[0-9a-f]{32}$") is None  # no such byte
    engine = RegexEngine(RULESET)
    code = b"def call(a, b: int) -> None:\n    return {'a': 1, 'b': 2}\n" * 500
    assert index not in engine.scan(code).windows
    line = rule.examples_match[0].text.encode().strip().splitlines()[-1]  # the entry
    data = code + line + b"\n" + code
    ((start, end),) = engine.scan(data).windows[index]
    assert data[start:end].strip() == line
    found = {
        name: [
            (f.rule_id, f.line)
            for f in Matcher(RULESET, make_engine(RULESET, name)).scan_chunk(
                Chunk(data, Origin("file", ".pgpass"))
            )
        ]
        for name in ("regex", "hyperscan")
    }
    assert found["regex"] == found["hyperscan"]
    assert ("postgres.pgpass", 1001) in found["regex"]


def test_a_byte_every_branch_of_a_choice_holds_gates_with_the_branches_edges_joined() -> None:
    gate = gate_of(r"(?:\w+:\*|\w+:1[0-9]{0,4}|\w+:2[0-9]{0,4})@\S+")
    assert gate is not None
    assert gate[0] == ord(":")
    assert gate[1].after == frozenset(b"*12")
    # Branches that hold different bytes give no gate inside the choice: the `@` after it is
    # the byte every match holds.
    other = gate_of(r"(?:\w+:1|\w+;2)@\S+")
    assert other is not None
    assert other[0] == ord("@")
