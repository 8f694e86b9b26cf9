"""Pattern shape: the widest match, whether a match can cross lines, and the windows they give."""

from __future__ import annotations

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_engine import MARGIN, HyperscanEngine
from leakward.scanner.engines.pattern_shape import UNBOUNDED_WIDTH, shape
from leakward.scanner.matcher import Matcher


@pytest.mark.parametrize(
    ("pattern", "newlines"),
    [
        (r"""(?P<secret>[^\s"'`#;]{8,})[ \t]*\r?$""", 0),
        (r"(?im)^[ \t]{0,20}token[ \t]*=[ \t]*\S+$", 0),
        (r"a.b", 0),
        (r"\w+-\d+", 0),
        (r"[^\n]+", 0),
        (r"key(?=[A-Z])[A-Z0-9]{20}", 0),
        (r"a\sb", 1),
        (r"(?s)a.b", 1),
        (r"key\s{0,3}=\s{0,3}[^\s]{10,}", 6),
        (r"x(?s:a.b)", 1),
        (r"[\n]", 1),
        (r"[\x00-\x7f]+", None),
        (r"\D+", None),
        (r"\W", 1),
        (r"-----BEGIN[\s\S]*?-----END", None),
        (r"ab|c\nd", 1),
        (r"(?P<x>ab)(?P=x)", None),
        (r"\p{L}+", None),  # the stdlib parser does not know it: assume the worst
    ],
)
def test_newlines_a_match_can_hold(pattern: str, newlines: int | None) -> None:
    assert shape(pattern)[1] == newlines


def test_widest_match() -> None:
    assert shape(r"sk-[a-z]{3,5}")[0] == 8
    assert shape(r"sk-[a-z]+")[0] == UNBOUNDED_WIDTH
    assert shape(r"\p{L}{4}")[0] == UNBOUNDED_WIDTH


def test_one_line_rule_windows_start_at_the_hit_line() -> None:
    """An unbounded single-line rule is confirmed on its own line, not 16 KiB back from it."""
    ruleset = load_rules()
    engine = HyperscanEngine(ruleset)
    index = next(i for i, r in enumerate(ruleset.rules) if r.id == "generic.unquoted_assignment")
    filler = b"".join(b"value_%05d = compute(%d)\n" % (n, n) for n in range(2000))
    line = b"db.password=Xk29fLq8Zt4Wm1Rv\n"
    data = filler + line + filler
    windows = engine.scan(data).windows[index]
    assert len(filler) > 2 * UNBOUNDED_WIDTH
    assert windows == [(len(filler) - MARGIN, len(filler) + len(line) - 1 + MARGIN)]
    secrets = [f.secret for f in Matcher(ruleset, engine).locate(data)]
    assert secrets == ["Xk29fLq8Zt4Wm1Rv"]


def test_a_rule_spanning_a_few_lines_is_confirmed_on_those_lines() -> None:
    """generic.secret_assignment allows white space (newlines too) around its `=`: at most
    eight newlines, so its window reaches that many lines above the hit, not 16 KiB."""
    ruleset = load_rules()
    engine = HyperscanEngine(ruleset)
    index = next(i for i, r in enumerate(ruleset.rules) if r.id == "generic.secret_assignment")
    filler = b"".join(b"value_%05d = compute(%d)\n" % (n, n) for n in range(2000))
    assignment = b'db_password =\n  "WuMeOfMSYb6Zn3M1xY"\n'
    data = filler + assignment + filler
    (window,) = engine.scan(data).windows[index]
    assert shape(ruleset.rules[index].pattern)[1] == 8
    # The hit's own two lines hold one of the eight; seven more of the filler are in reach.
    assert data[window[0] + MARGIN : len(filler)].count(b"\n") == 7
    secrets = [f.secret for f in Matcher(ruleset, engine).locate(data)]
    assert secrets == ["WuMeOfMSYb6Zn3M1xY"]
