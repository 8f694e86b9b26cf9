"""Windows on lines: a keyword later on a long line gets its own window when the first one's
does not reach it (its reach ends before the line does)."""

from __future__ import annotations

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin

RULESET = load_rules()


@pytest.mark.parametrize("gap", [3_000, 40_000])
def test_a_secret_far_along_a_line_from_its_first_keyword_is_found_by_both_engines(
    gap: int,
) -> None:
    # Minified code: one line, a keyword early and the secret far from it.
    data = (
        b"var key = 1; "
        + b"x" * gap
        + b"; config.api_key = 'Zx81Lq0Pmw7Rt2Yv5Bn9Kc3Hq4' ;"
        + b"y" * 40
        + b"\n"
    )
    chunk = Chunk(data, Origin("file", "app.min.js"))
    found = {
        engine: [
            (f.rule_id, f.column)
            for f in Matcher(RULESET, make_engine(RULESET, engine)).scan_chunk(chunk)
        ]
        for engine in ("hyperscan", "regex")
    }
    assert found["regex"] == found["hyperscan"]
    assert found["regex"]
