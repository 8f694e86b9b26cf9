"""Pattern shape: the widest match, whether a match can cross lines, and the windows they give."""

from __future__ import annotations

import pytest

from rules.loader import load_rules
from scanner.engines.hyperscan_engine import MARGIN, HyperscanEngine
from scanner.engines.pattern_shape import UNBOUNDED_WIDTH, max_width, stays_on_one_line
from scanner.matcher import Matcher


@pytest.mark.parametrize(
    ("pattern", "one_line"),
    [
        (r"""(?P<secret>[^\s"'`#;]{8,})[ \t]*\r?$""", True),
        (r"(?im)^[ \t]{0,20}token[ \t]*=[ \t]*\S+$", True),
        (r"a.b", True),
        (r"\w+-\d+", True),
        (r"[^\n]+", True),
        (r"key(?=[A-Z])[A-Z0-9]{20}", True),
        (r"a\sb", False),
        (r"(?s)a.b", False),
        (r"x(?s:a.b)", False),
        (r"[\n]", False),
        (r"[\x00-\x7f]+", False),
        (r"\D+", False),
        (r"\W", False),
        (r"-----BEGIN[\s\S]*?-----END", False),
        (r"ab|c\nd", False),
        (r"(?P<x>ab)(?P=x)", False),
        (r"\p{L}+", False),  # the stdlib parser does not know it: assume the worst
    ],
)
def test_stays_on_one_line(pattern: str, one_line: bool) -> None:
    assert stays_on_one_line(pattern) is one_line


def test_max_width() -> None:
    assert max_width(r"sk-[a-z]{3,5}") == 8
    assert max_width(r"sk-[a-z]+") == UNBOUNDED_WIDTH
    assert max_width(r"\p{L}{4}") == UNBOUNDED_WIDTH


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
