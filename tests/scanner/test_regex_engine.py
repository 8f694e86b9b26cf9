"""The `regex` fallback engine: one keyword pass, rules searched only near their keywords.

Ten rails release trees did not finish in 300 s on this engine (issue #18): every rule whose
keyword occurred searched the whole chunk. The work is bounded here by the bytes of the windows
it hands the matcher, and its findings are checked against Hyperscan's on the same input.
"""

from __future__ import annotations

import base64
import random

import pytest

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.engines.pattern_shape import UNBOUNDED_WIDTH
from leakward.scanner.engines.regex_engine import (
    MARGIN,
    Reach,
    RegexEngine,
    _windows,
    is_case_exact,
    reach_of,
)
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.scanner.tokens import github_token, random_body

RULESET: RuleSet = load_rules()


def _filler(size: int, seed: int) -> str:
    """Code-like lines without any keyword of a rule."""
    chooser = random.Random(seed)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    lines = []
    while sum(map(len, lines)) < size:
        lines.append(" ".join(chooser.choice(words) for _ in range(8)) + "\n")
    return "".join(lines)


def _rule_index(rule_id: str) -> int:
    return next(i for i, rule in enumerate(RULESET.rules) if rule.id == rule_id)


def test_a_rule_searches_only_near_its_keyword_not_the_whole_chunk() -> None:
    token = github_token("ghp_", random_body(3))
    data = (_filler(200_000, 1) + f"TOKEN={token}\n" + _filler(200_000, 2)).encode()
    index = _rule_index("github.pat.classic")
    reach = reach_of(RULESET.rules[index])
    assert reach is not None
    hits = RegexEngine(RULESET).scan(data)
    windows = hits.windows[index]
    searched = sum(end - start for start, end in windows)
    assert searched <= 2 * (reach.width + MARGIN) + len("ghp_")
    ((start, end),) = windows
    at = data.index(token.encode())
    assert start <= at
    assert at + len(token) <= end


def test_a_generic_rule_searches_only_the_lines_of_its_keywords() -> None:
    # Its matches have no upper width (`[^\\s]{10,}`) but hold no newline: the line is enough.
    data = _filler(100_000, 4) + "db_password = hunter2hunter2hunter2\n" + _filler(100_000, 5)
    index = _rule_index("generic.unquoted_assignment")
    reach = reach_of(RULESET.rules[index])
    assert reach is not None
    assert reach.lines == 0
    ((start, end),) = RegexEngine(RULESET).scan(data.encode()).windows[index]
    assert data[start:end] == "db_password = hunter2hunter2hunter2\n"


def test_a_keyword_its_rules_need_as_written_is_not_a_place_in_another_case() -> None:
    # twilio.account_sid's matches open with `AC`: the "ac" of ordinary words is no place.
    sid = "AC" + random_body(5, 32).lower().translate(
        str.maketrans("ghijklmnopqrstuvwxyz", "0123456789abcdef0123")
    )
    words = "each place tracks actions back, " * 4000
    index = _rule_index("twilio.account_sid")
    rule = RULESET.rules[index]
    reach = reach_of(rule)
    assert reach is not None
    assert is_case_exact(rule, reach)
    engine = RegexEngine(RULESET)
    assert index not in engine.scan(words.encode()).windows
    data = (words + f"sid = {sid}\n" + words).encode()
    ((start, end),) = engine.scan(data).windows[index]
    assert end - start <= 2 * (reach.width + MARGIN) + 2
    assert sid.encode() in data[start:end]
    found = _findings("regex", data)
    assert found == _findings("hyperscan", data)
    assert ("twilio.account_sid", sid) in {(rule, secret) for rule, secret, *_ in found}
    # A rule that ignores case keeps every spelling of its keyword.
    generic = RULESET.rules[_rule_index("generic.secret_assignment")]
    generic_reach = reach_of(generic)
    assert generic_reach is not None
    assert not is_case_exact(generic, generic_reach)


def test_a_rule_whose_example_has_no_keyword_near_its_match_keeps_the_whole_chunk() -> None:
    lacking = [r for r in RULESET.rules if r.keywords and r.examples_match and reach_of(r) is None]
    assert lacking  # e.g. bare AWS secret keys, whose keyword sits on another line
    assert all(reach_of(r) is not None for r in RULESET.rules if r.id.startswith("github.pat"))


def _findings(engine: str, data: bytes) -> list[tuple[str, str, int, int]]:
    matcher = Matcher(RULESET, make_engine(RULESET, engine))
    chunk = Chunk(data, Origin("file", "mixed.txt"))
    return [(f.rule_id, f.secret.reveal(), f.line, f.column) for f in matcher.scan_chunk(chunk)]


@pytest.mark.parametrize("seed", [1, 2])
def test_engines_find_the_same_secrets_among_filler(seed: int) -> None:
    tokens = [github_token("ghp_", random_body(seed * 10 + n)) for n in range(3)]
    encoded = base64.b64encode(f"github_token: {tokens[2]}\n".encode()).decode()
    data = (
        _filler(30_000, seed)
        + f'config.token = "{tokens[0]}"\n'
        + _filler(30_000, seed + 1)
        + f"password = {tokens[1]}\n"
        + f"secret_data: {encoded}\n"
        + _filler(5_000, seed + 2)
    ).encode()
    found = _findings("regex", data)
    assert len({secret for _, secret, _, _ in found} & set(tokens)) == 3
    assert found == _findings("hyperscan", data)


class _CountingBytes(bytes):
    """Bytes that count how many bytes their newline searches read."""

    read = 0

    def find(self, sub, start=None, end=None):  # type: ignore[no-untyped-def, override]
        found = super().find(sub, start, end)
        stop = len(self) if end is None else end
        _CountingBytes.read += (stop if found < 0 else found + 1) - (start or 0)
        return found


def test_keywords_on_one_long_line_read_the_line_once() -> None:
    """A window per line: each keyword was checked for a newline from the line's first keyword
    to itself, so 20,000 keywords on one line read it 10,000 times over (#16)."""
    data = _CountingBytes(b"TOKEN=" * 20000 + b"#\nnext")
    spans = [(n * 6, n * 6 + 5) for n in range(20000)]
    _CountingBytes.read = 0

    windows = _windows(data, spans, Reach(UNBOUNDED_WIDTH, 0))

    assert windows[0][0] == 0
    assert len(windows) == 1
    assert _CountingBytes.read <= 2 * len(data)
