"""A keyword gate changes what the Hyperscan engine costs, never what it hits (#16).

The engine with the gates of rules/_gates.yaml must give every rule the windows the engine
without them gives, on every rule example, the hostile shapes, assignments in many spellings and
the scanner's own source; and on `'TOKEN=' * n + '#'` its gated rules must not run at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import hyperscan
import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.engines import keyword_gates, make_engine
from leakward.scanner.engines.hyperscan_compile import KEYWORD_BASE, plan_database, triggers_of
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine
from leakward.scanner.engines.translate import all_but, for_hyperscan
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
        f"{flag}{name}{quote}{space}{op}{space}{value}"
        for flag in ("", "--from-literal=", "x -e=")
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
    """The gate goes into the main database as its branches, which check the byte before the
    word (one byte each, a letter in both cases: keyword_gates.gate_expressions) or the text's
    start: on `TOKEN=TOKEN=…` Hyperscan then reads no value on from any word; one opens with a
    command-line flag's `-…=`, which that shape never holds. The gate and its rules say it with
    `(?<!=)` (or `(?<!(?<!-env)…=)`), which Hyperscan is given as that choice, so the gate
    fires wherever a hit of theirs could start."""
    main = plan_database(ruleset, triggers_of(ruleset)).databases[0]
    branches = [
        expression
        for expression, ident in zip(main.expressions, main.ids, strict=True)
        if ident >= keyword_gates.GATE_BASE
    ]
    openings = [branch[: branch.index(b"(?i:pass|")] for branch in branches]
    start, flag = b"(?:^)", b"(?:-(?:literal|vars|var|env|arg|set|string|conf)=)"
    assert openings.count(start) == openings.count(flag) == 1
    # Every byte but `=`, each in one branch, which holds that byte (or a letter's two cases) only.
    held = [re.compile(one, re.DOTALL) for one in openings if one not in (start, flag)]
    assert [sum(1 for one in held if one.fullmatch(bytes([b]))) for b in range(256)] == [
        0 if b == ord("=") else 1 for b in range(256)
    ]
    assert all(sum(1 for b in range(256) if one.fullmatch(bytes([b]))) <= 2 for one in held)
    # all_but, which the gate's pattern opens with before the planner takes it apart, holds
    # every byte but `=` once too: blocks that share their high bits, the last ones byte by byte.
    blocks = [re.compile(f"(?:{byte})".encode(), re.DOTALL) for byte in all_but("=").split("|")]
    assert [sum(1 for one in blocks if one.fullmatch(bytes([b]))) for b in range(256)] == [
        0 if b == ord("=") else 1 for b in range(256)
    ]
    everything_but = f"(?:^|{all_but('=')})"
    blocks = for_hyperscan("(?<!=)(?i:token)=x", opening_in_blocks=True)
    assert blocks == f"{everything_but}(?i:token)=x"
    # The rules behind the gate keep `[^=]`: only its windows read them.
    assert for_hyperscan("(?<!=)(?i:token)=x") == "(?:^|[^=])(?i:token)=x"
    flagged = "(?<!(?<!-literal)(?<!-env)=)(?i:token)=x"
    assert for_hyperscan(flagged) == "(?:^|[^=]|-(?:literal|env)=)(?i:token)=x"
    assert (
        for_hyperscan(flagged, opening_in_blocks=True)
        == f"{everything_but[:-1]}|-(?:literal|env)=)(?i:token)=x"
    )
    # After a word-start lookbehind (dropped, as any lookbehind is), the same opening.
    assert for_hyperscan("(?<![A-Za-z0-9_.-])" + flagged) == for_hyperscan(flagged)
    # Named after an `=`: no rule of the gate's hits it, with the gate or without.
    text = b"LOG=TOKEN=pT80yGMxzpQ67IwNyhWP\n"
    assert not ungated.scan(text).windows
    assert not HyperscanEngine(ruleset).scan(text).windows


# Command-line flags that set a named value (issue #16's `=` gate must not lose them).
_FLAG_LINES = (
    b"kubectl create secret generic api --from-literal=api_key=h3Kd92LmQp7sXz4Vb1Nw\n",
    b"gcloud run deploy svc --set-env-vars=AUTH_TOKEN=Zk4mP9qL2xR7tW3s8V\n",
    b"docker run --env=SECRET_KEY=pX9q2Lm7Rt4KzW8sY3 myimage\n",
    b"docker build --build-arg=NPM_TOKEN=Vq7xLm29Rt4KpZs8Wd\n",
    b"helm install x --set=db.password=Qm3Zx8Lp2Rk7Tw4Y\n",
)


def _found(matcher: Matcher, text: bytes) -> list[tuple[str, int, int]]:
    return sorted(
        (finding.rule_id, finding.line, finding.column)
        for finding in matcher.scan_chunk(Chunk(text, Origin("file", "cmds.sh")))
    )


def test_a_name_after_a_flags_equals_is_found_by_both_engines(ruleset: RuleSet) -> None:
    """`--flag=NAME=VALUE` (kubectl --from-literal=, gcloud --set-env-vars=, docker --env=):
    the name follows an `=`, but one that closes a flag, so the gate, its rules and the regex
    engine all still take it, and a run of `-a=TOKEN=` (no value) still wakes no gate."""
    text = b"".join(_FLAG_LINES)
    hyperscan_found = _found(Matcher(ruleset, make_engine(ruleset, "hyperscan")), text)
    regex_found = _found(Matcher(ruleset, make_engine(ruleset, "regex")), text)
    assert hyperscan_found == regex_found
    named = {line for rule, line, _column in hyperscan_found if rule == "generic.named_key"}
    assert {1, 2} <= named
    # NPM_TOKEN: found by named_key, reported as npm's (npm.named)
    assert ("npm.named", 4, 36) in hyperscan_found
    for gate in keyword_gates.load_gates():
        assert _gate_hits(gate.pattern, b"-a=TOKEN=" * 2000) == 0
        assert _gate_hits(gate.pattern, b"".join(_FLAG_LINES)) >= 4
