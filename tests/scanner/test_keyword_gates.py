"""A keyword gate changes what the Hyperscan engine costs, never what it hits (#16).

The engine with the gates of rules/_gates.yaml must give every rule the windows the engine
without them gives, on every rule example, the hostile shapes, assignments in many spellings and
the scanner's own source; and on `'TOKEN=' * n + '#'` its gated rules must not run at all.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import hyperscan
import pytest

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import hyperscan_compile, keyword_gates
from leakward.scanner.engines.hyperscan_compile import KEYWORD_BASE, plan_database, triggers_of
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine
from leakward.scanner.engines.translate import for_hyperscan
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.scanner.hostile import SHAPES

ROOT = Path(__file__).resolve().parents[2]
_NAMES = ("API_KEY", "x.secret_key_base", "slackToken", "SIGNING_SECRET_2", "vt_api_key", "token")
_VALUES = (
    '"Zq8Wn3Rt6Yp1Lk4Hs7Df"',
    "Zq8Wn3Rt6Yp1Lk4Hs7Df==  # note",
    "s.Zq8Wn3Rt6Yp1Lk4Hs7Df0a1b2c",
)


def _assignments() -> str:
    lines = [
        f"{name}{quote}{space}{op}{space}{value}"
        for name in _NAMES
        for quote in ("", '"', "']")
        for space in ("", " ", "\n")
        for op in ("=", ":", "=>", ":=", ": str =")
        for value in _VALUES
    ]
    calls = [f'set("{name}", {value})' for name in _NAMES for value in _VALUES]
    return "\n".join(lines + calls)


def _texts(ruleset: RuleSet) -> list[bytes]:
    examples = [
        example.text
        for rule in ruleset.rules
        for example in (*rule.examples_match, *rule.examples_no_match)
    ]
    shapes = [SHAPES[shape](300) for shape in SHAPES]
    source = [path.read_text() for path in sorted((ROOT / "scanner").rglob("*.py"))]
    return [text.encode() for text in (*examples, *shapes, _assignments(), *source)]


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def ungated(ruleset: RuleSet, tmp_path_factory: pytest.TempPathFactory) -> HyperscanEngine:
    """The engine as it was before the gates: every rule in the main database."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keyword_gates, "GATES_FILE", tmp_path_factory.mktemp("gates") / "none.yaml")
        patch.setattr(hyperscan_compile, "_BUILDERS_DIGEST", hyperscan_compile._builders_digest())
        return HyperscanEngine(ruleset)


def test_every_gated_rule_leaves_the_main_database(ruleset: RuleSet) -> None:
    plan = plan_database(ruleset, triggers_of(ruleset))
    gates = keyword_gates.load_gates()
    position = {rule.id: index for index, rule in enumerate(ruleset.rules)}

    # A family also holds the decoder triggers its gate lists (tests/scanner/test_gated_triggers).
    rules = [{ident for ident in family.ids if ident < KEYWORD_BASE} for family in plan.families]
    assert rules == [{position[rule] for rule in gate.rules} for gate in gates]
    gated = {index for family in rules for index in family}
    assert not gated & set(plan.databases[0].ids)


def test_a_custom_rule_with_a_listed_id_is_not_gated(ruleset: RuleSet) -> None:
    builtin = next(rule for rule in ruleset.rules if rule.id == "virustotal.api_key")
    custom = replace(builtin, pattern=r"vt:(?P<secret>[a-f0-9]{8})", source="/custom/vt.yaml")
    gates = keyword_gates.load_gates()

    assert keyword_gates.gated_rules(RuleSet(rules=(builtin,)), [0], gates)[0] == [0]
    assert keyword_gates.gated_rules(RuleSet(rules=(custom,)), [0], gates)[0] == []


def test_a_gated_engine_hits_where_the_ungated_one_did(
    ruleset: RuleSet, ungated: HyperscanEngine
) -> None:
    gated = HyperscanEngine(ruleset)
    texts = _texts(ruleset)
    differ = [text[:60] for text in texts if gated.scan(text).windows != ungated.scan(text).windows]

    assert len(texts) > 2000
    assert differ == []


def test_a_gated_engine_finds_what_the_ungated_one_found(
    ruleset: RuleSet, ungated: HyperscanEngine
) -> None:
    """The same windows may come in another order (a gate's rules report after the main
    database); the matcher's findings do not depend on it."""
    gated, before = Matcher(ruleset, HyperscanEngine(ruleset)), Matcher(ruleset, ungated)

    def findings(matcher: Matcher, text: bytes) -> list[tuple[object, ...]]:
        found = matcher.scan_chunk(Chunk(text, Origin("file", "example.txt")))
        return sorted(
            (f.rule_id, f.line, f.column, f.end_line, f.end_column, f.confidence, f.key_id or "")
            for f in found
        )

    texts = _texts(ruleset)
    differ = [text[:60] for text in texts if findings(gated, text) != findings(before, text)]

    assert sum(1 for text in texts if findings(gated, text)) > 1000
    assert differ == []


def _gate_hits(pattern: str, text: bytes) -> int:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[pattern.encode()], ids=[0], elements=1, flags=[0])
    ends: list[int] = []
    database.scan(text, match_event_handler=lambda _i, _s, end, _f, _c: ends.append(end))
    return len(ends)


@pytest.mark.parametrize("gate", keyword_gates.load_gates(), ids=lambda gate: gate.name)
def test_a_gate_never_fires_on_a_run_of_token_assignments(gate: keyword_gates.Gate) -> None:
    """`TOKEN=` followed by `TOKEN=` opens no value: the gated rules never run on that shape."""
    assert _gate_hits(gate.pattern, SHAPES["env_tokens"](20000).encode()) == 0
    assert _gate_hits(gate.pattern, _assignments().encode()) > 100


def test_a_word_right_after_an_equals_wakes_no_gate_branch(
    ruleset: RuleSet, ungated: HyperscanEngine
) -> None:
    """The gate goes into the main database as its branches, each of which checks the byte
    before the word (`[^=]`) or the text's start: on `TOKEN=TOKEN=…` Hyperscan then reads no
    value on from any word. Its rules say the same with `(?<!=)`, which Hyperscan is given as
    that choice, so the gate fires wherever a hit of theirs could start."""
    main = plan_database(ruleset, triggers_of(ruleset)).databases[0]
    branches = [
        expression
        for expression, ident in zip(main.expressions, main.ids, strict=True)
        if ident >= keyword_gates.GATE_BASE
    ]
    assert sorted(branch[:10] for branch in branches) == [b"(?:[^=])(?", b"(?:^)(?i:p"]
    assert for_hyperscan("(?<!=)(?i:token)=x") == "(?:^|[^=])(?i:token)=x"
    # Named after an `=`: no rule of the gate's hits it, with the gate or without.
    text = b"LOG=TOKEN=pT80yGMxzpQ67IwNyhWP\n"
    assert not ungated.scan(text).windows
    assert not HyperscanEngine(ruleset).scan(text).windows
