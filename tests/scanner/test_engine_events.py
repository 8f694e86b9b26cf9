"""Hyperscan calls into Python once per match event: a pattern that hits at every byte of common
text costs a call per byte, however little the matcher then does with it (#16)."""

from __future__ import annotations

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine
from leakward.scanner.engines.translate import for_hyperscan
from tests.scanner.hostile import SHAPES

RULESET = load_rules()


def test_a_leading_lookbehind_is_matched_as_text() -> None:
    pattern = r"(?<=cloudinary://[0-9]{15}:)(?P<secret>[A-Za-z0-9_-]{27}(?=@[a-z]+))"

    assert for_hyperscan(pattern) == r"(?:cloudinary://[0-9]{15}:)([A-Za-z0-9_-]{27})"
    assert for_hyperscan(r"(?i)(?<=a(?=b))c") == "(?i)(?:a)c"


def test_a_lookbehind_after_the_start_is_still_dropped() -> None:
    assert for_hyperscan(r"ab(?<=b)c(?<!x)") == "abc"


def test_long_words_raise_one_event_per_token_not_one_per_byte() -> None:
    """`cloudinary.url` without its lookbehind was `[A-Za-z0-9_-]{27}`: 14 events per token."""
    engine = HyperscanEngine(RULESET)
    data = SHAPES["real_tokens"](200).encode()

    engine.scan(data)

    assert engine.events <= 200 + 5
