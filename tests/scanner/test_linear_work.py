"""Hostile inputs cost work in proportion to their size (#16).

Each shape is scanned in a fresh process (a regression must fail, not hang CI) at two sizes;
the work it reports (decoded bytes rescanned, Python lines run in the scanner) may grow with
the input but not faster, and decoding may rescan only a few times the input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Work for twice the input may be a little over twice: fixed costs vary with the input's tail.
GROWTH = 2.4
# Python lines the scanner may run per KB of each shape (about 1.5 times what it runs now, on the
# engine that runs more). Linear is not enough: each line costs about as much as Hyperscan
# takes to read a KB of plain text, and these bounds were 3 to 6 times lower than the
# lines the same shapes cost before the decoders and filters did their work in C.
LINES_PER_KB = {
    # Escape runs cost nothing per escape, on one line or across lines: a fixed cost per run,
    # the rest in C (the bounds were 6,500, 4,000, 64,000 and 46,000 lines per KB before, when
    # JSON escapes cost a loop step each and each line of escapes was a run, span and view).
    "percent": 60,
    "unicode_escape": 60,
    "percent_lines": 60,
    "escape_lines": 60,
    # Words of escapes long enough to hold a secret: decoded and rescanned, still a fixed cost
    # per run (the shapes above are not decoded at all: short_tokens).
    "percent_words": 60,
    "percent_word_lines": 60,
    "escape_words": 60,
    "escape_word_lines": 60,
    # Hex-encoded text in one run: one scan for its first printable pair, where every pair was
    # an engine event and a line or two of Python (0.26 s per MB; now 0.003, plain text 0.001).
    "hex_text": 50,
    # Chains that follow each other are one run, found and joined by a C call or two: a fixed
    # cost per run (the bound was 3,000 when each chain was a Python step and a `findall`, and
    # 36,000 when each link was an engine event and a walk over its bytes in Python).
    "concatenation": 150,
    "env_tokens": 5500,
    "real_tokens": 6000,
    # Two rules confirm each pair (the key id and the secret), each once: the bare-secret rule
    # skips a secret the named rule holds, and the generic named-key and unquoted-assignment
    # rules skip what a specific rule found (13,000 when the bare rule checked it again).
    "aws_pairs": 9500,
}


def _lines_per_kb(work: dict[str, int]) -> float:
    return work["python_lines"] * 1024 / work["bytes"]


def _work(shape: str, size: int, engine: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.scanner.hostile", shape, str(size), engine],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    work: dict[str, int] = json.loads(done.stdout)
    return work


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
@pytest.mark.parametrize(
    ("shape", "size"),
    [
        ("percent", 1500),
        ("unicode_escape", 1500),
        ("concatenation", 2000),
        ("env_tokens", 1500),
        ("percent_lines", 1500),
        ("escape_lines", 1500),
        ("percent_words", 1500),
        ("percent_word_lines", 1500),
        ("escape_words", 1500),
        ("escape_word_lines", 1500),
        ("hex_text", 1500),
    ],
)
def test_hostile_shape_costs_linear_work(shape: str, size: int, engine: str) -> None:
    small = _work(shape, size, engine)
    large = _work(shape, 2 * size, engine)

    assert large["view_bytes"] <= 3 * large["bytes"]
    assert large["python_lines"] <= GROWTH * max(small["python_lines"], 1)
    assert _lines_per_kb(large) <= LINES_PER_KB[shape]


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
@pytest.mark.parametrize("shape", ["real_tokens", "aws_pairs"])
def test_many_real_tokens_in_one_file_cost_linear_work(shape: str, engine: str) -> None:
    """Findings are placed, paired and deduplicated by lookups, not by comparing all pairs."""
    small = _work(shape, 1500, engine)
    large = _work(shape, 3000, engine)

    assert (small["findings"], large["findings"]) in {(1500, 3000), (750, 1500)}
    assert large["python_lines"] <= GROWTH * small["python_lines"]
    assert _lines_per_kb(large) <= LINES_PER_KB[shape]


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_a_value_near_many_anchors_is_confirmed_once(engine: str) -> None:
    """An AWS secret is looked for only near a key id; with a pair per two lines every secret is
    near several ids, and was read and filtered once per id (nine times per pair)."""
    work = _work("aws_pairs", 400, engine)

    assert work["findings"] == 200
    # Once per value: the key id, and the secret by the named rule; the bare-secret rule skips
    # a span that rule holds (it made three). One confirmation per nearby id would be nine for
    # the secret rule alone, and the generic rules that also match each pair made it five
    # before they skipped what those found.
    assert work["confirmed"] <= 2 * work["findings"]


def test_a_line_of_json_escapes_calls_into_python_once() -> None:
    """Hyperscan reports the first escape; the decoder reads the rest in C (it called into
    Python once per escape): one pass finds every word too short to decode (short_tokens)."""
    work = _work("escape_words", 3000, "hyperscan")

    assert work["engine_events"] <= 2
    assert work["views"] == 0


def test_a_line_of_concatenation_links_calls_into_python_once_per_view() -> None:
    """Hyperscan reports the first link between two literals; the decoder finds every chain in
    C (it called into Python once per link, 4,000 times here)."""
    work = _work("concatenation", 4000, "hyperscan")

    # One event per view: the chunk, and the joined chains decoded again at depth two.
    assert work["engine_events"] <= work["views"] + 1 <= 3


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_a_line_of_links_between_quotes_rescans_nothing(engine: str) -> None:
    """`'+"` repeated joins quotes to quotes and `+` to `+`: no secret can come of it, and the
    joined line (1.1 times the input, rescanned twice) cost 100 times plain text per MB."""
    work = _work("concatenation", 4000, engine)

    assert work["views"] == 0
    assert work["view_bytes"] == 0


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
@pytest.mark.parametrize(
    "shape", ["percent_words", "percent_word_lines", "escape_words", "escape_word_lines"]
)
def test_escapes_cost_work_per_run_not_per_escape_or_line(shape: str, engine: str) -> None:
    """The engines report the first escape and the decoder finds, joins and decodes the rest in
    C, across lines while they lie close: twice the escapes, on one line or one per line, run
    no more Python and call into it no more often (one per line made a span and a view each).
    Their words decode to three or two bytes each, too short for a secret: not decoded at all
    (short_tokens counts a `%XX` or `\\u00XX` as the byte it stands for)."""
    small = _work(shape, 3000, engine)
    large = _work(shape, 6000, engine)

    assert large["engine_events"] <= 2
    assert large["views"] == small["views"] == 0
    # A fixed cost per chunk and per run; a line per escape would be 6,000 more.
    assert large["python_lines"] <= small["python_lines"] + 50
    assert large["python_lines"] <= 1000


def test_a_named_value_calls_into_python_once_not_once_per_length() -> None:
    """`generic.named_key` ends in `[^\\s…]{16,256}={0,2}`: Hyperscan reported each of the 25
    lengths from 16 to 40 of every AWS secret after `aws_secret_access_key = `, 30 events per
    pair in all; cut to its least, the rule hits once and the engine reads on in C."""
    work = _work("aws_pairs", 1000, "hyperscan")

    assert work["findings"] == 500
    # One per pair for each of the four rules that match it and two for a decoder trigger.
    assert work["engine_events"] <= 6 * 500 + 5
