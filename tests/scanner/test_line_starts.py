"""Rules whose names start at a line or after a delimiter read that start as a newline, not as
`(?m)`'s line start (#16).

With `(?m)`, Hyperscan keyed `generic.unquoted_assignment` and `generic.named_value_loose` on
the credential word and checked a line start before it at every occurrence: on
`'TOKEN=' * N + '#'` they cost 5.8 and 7.5 ms per MB alone, plain text's whole database 1. Read
as an anchored branch and a branch that opens with a newline, 2.9 and 2.6. Hyperscan's cost is
not a count the tests can read, so these tests hold the shape that costs less, and that the
rules match exactly what their `(?m)` spelling did.
"""

from __future__ import annotations

import re

import pytest
import regex

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_compile import (
    compiling,
    database_expressions,
    split_natives,
)
from tests.scanner.hostile import SHAPES

RULES = {rule.id: rule for rule in load_rules().rules}
UNQUOTED = "generic.unquoted_assignment"
LOOSE = "generic.named_value_loose"
_LINE_START = "(?<![^\\n])"
_LINE_END = "(?m:$)"
_NAMES = ("db.password", "export API_TOKEN", "  sync_token", "KRAKEN_TOKEN", '"discordToken"')
_VALUES = (
    "b7Qm2Lx9Rt4Wp1Zs8Kd3",
    "h7Qk2=pZ9vL4m=Xr8Tn3Wb6Yc1Fd5Gs0Jh",
    "58203917465820391746582039",
)


def _multiline_spelling(rule_id: str) -> str:
    """The rule's pattern as it was spelled with `(?m)`: `^` and `$` for the line's ends."""
    pattern = RULES[rule_id].pattern
    if rule_id == LOOSE:
        return "(?m)" + pattern
    assert pattern.startswith("(?i)" + _LINE_START)
    assert pattern.endswith(_LINE_END)
    return "(?im)^" + pattern[len("(?i)" + _LINE_START) : -len(_LINE_END)] + "$"


def _texts() -> list[bytes]:
    lines = [
        f"{name}{space}{op}{space}{value}{tail}"
        for name in _NAMES
        for space in ("", " ", "\t")
        for op in ("=", ":", "=>")
        for value in _VALUES
        for tail in ("", "  ", " # note", ";")
    ]
    examples = [
        example.text
        for rule_id in (UNQUOTED, LOOSE)
        for example in (*RULES[rule_id].examples_match, *RULES[rule_id].examples_no_match)
    ]
    texts = [
        *("\n".join(lines[n : n + 7]) for n in range(0, len(lines), 7)),
        *("\r\n".join(lines[n : n + 5]) + "\n" for n in range(0, len(lines), 5)),
        *(line + "\n" for line in lines),
        *examples,
        *(SHAPES[shape](50) for shape in ("env_tokens", "real_tokens", "aws_pairs")),
    ]
    return [text.encode() for text in texts]


def _spans(pattern: re.Pattern[bytes] | regex.Pattern[bytes], text: bytes) -> list[object]:
    return [(m.span(), m.group("secret")) for m in pattern.finditer(text)]


@pytest.mark.parametrize("rule_id", [UNQUOTED, LOOSE])
@pytest.mark.parametrize("module", [re, regex], ids=["re", "regex"])
def test_a_rule_matches_what_its_multiline_spelling_did(rule_id: str, module: object) -> None:
    now = module.compile(RULES[rule_id].pattern.encode())  # type: ignore[attr-defined]
    before = module.compile(_multiline_spelling(rule_id).encode())  # type: ignore[attr-defined]
    texts = _texts()

    assert sum(1 for text in texts if _spans(now, text)) > 100
    assert [_spans(now, text) for text in texts] == [_spans(before, text) for text in texts]


@pytest.mark.parametrize("rule_id", [UNQUOTED, LOOSE, "generic.env_secret"])
def test_no_database_expression_checks_a_multiline_line_start(rule_id: str) -> None:
    """Each expression opens with `^` (the text's start only) or a class that holds a newline."""
    expressions = database_expressions([RULES[rule_id].pattern])
    pieces = split_natives(expressions, compiling(expressions)).get(expressions[0], expressions)
    flags = [re.match(rb"\(\?([a-z]*)\)", piece) for piece in pieces]

    assert len(pieces) == 2
    assert not any(flag and b"m" in flag.group(1) for flag in flags)
