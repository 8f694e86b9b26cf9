"""Hostile inputs of issue #16 and a probe that measures the work a scan of one does.

`python -m tests.scanner.hostile SHAPE SIZE ENGINE` scans the shape in a fresh process and prints
the work as JSON: decoded views and their bytes (the matcher's own counter) and the Python lines
run inside the scanner (`sys.settrace`), both counts rather than times. Tests run it in a
subprocess with a timeout, so a regression that blows up fails the test instead of hanging CI;
`bench/linear_cost.py` builds the same shapes to time them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from tests.git.repos import aws_lines
from tests.scanner.tokens import github_token, random_body


def _tokens(count: int) -> str:
    return "\n".join(f"t{n} = {github_token('ghp_', random_body(n))}" for n in range(count))


# shape -> text of about `n` repetitions of the hostile unit
SHAPES: dict[str, Callable[[int], str]] = {
    "env_tokens": lambda n: "TOKEN=" * n + "#",
    "percent": lambda n: "%41 " * n,
    "unicode_escape": lambda n: "\\u0041 " * n,
    "concatenation": lambda n: "'+\"" * n,
    # One escape per line: each line is a run of its own, a decoded span and a view each.
    "percent_lines": lambda n: "%41\n" * n,
    "escape_lines": lambda n: "\\u0041\n" * n,
    # The same with words of escapes long enough to hold a secret (short_tokens): the runs above
    # are left undecoded, these are found, decoded and rescanned.
    "percent_words": lambda n: "%41%42%43 " * n,
    "percent_word_lines": lambda n: "%41%42%43\n" * n,
    "escape_words": lambda n: "\\u0041\\u0042 " * n,
    "escape_word_lines": lambda n: "\\u0041\\u0042\n" * n,
    # Hex-encoded text in one run: every two digits a printable byte, every one a match end of
    # the pattern for printable pairs.
    "hex_text": lambda n: "4142434445464748" * n,
    "real_tokens": _tokens,
    "aws_pairs": lambda n: "".join(aws_lines(seed) for seed in range(n // 2)),
    "plain": lambda n: "lorem ipsum dolor sit amet, consectetur\n" * (n // 8 + 1),
}


def _count_lines(run: Callable[[], Any]) -> tuple[Any, int]:
    """Run `run`, counting the Python lines executed in the scanner's own files."""
    lines = 0

    def local(frame: FrameType, event: str, _arg: object) -> Any:
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    def on_call(frame: FrameType, _event: str, _arg: object) -> Any:
        filename = frame.f_code.co_filename
        if "/scanner/" in filename and "/tests/" not in filename:
            return local
        return None

    sys.settrace(on_call)
    try:
        result = run()
    finally:
        sys.settrace(None)
    return result, lines


def probe(shape: str, size: int, engine: str) -> dict[str, int]:
    from leakward.rules.loader import load_rules
    from leakward.scanner.engines import make_engine
    from leakward.scanner.matcher import Matcher
    from leakward.scanner.models import Chunk, Origin

    ruleset = load_rules()
    scanner_engine = make_engine(ruleset, engine)
    matcher = Matcher(ruleset, scanner_engine)
    data = SHAPES[shape](size).encode()
    matcher.scan_chunk(Chunk(b"warm = 1\n", Origin("file", "warm.txt")))  # compile outside
    events = getattr(scanner_engine, "events", 0)
    findings, lines = _count_lines(lambda: matcher.scan_chunk(Chunk(data, Origin("file", "f"))))
    return {
        "bytes": len(data),
        "findings": len(findings),
        "views": matcher.work.views,
        "view_bytes": matcher.work.view_bytes,
        "python_lines": lines,
        "confirmed": matcher.work.confirmed,
        # Hyperscan match events, each a call into Python (0 on the regex engine).
        "engine_events": getattr(scanner_engine, "events", 0) - events,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(probe(sys.argv[1], int(sys.argv[2]), sys.argv[3])) + "\n")
