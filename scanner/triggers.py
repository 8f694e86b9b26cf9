"""Patterns that tell the decoders where encoded text may be.

Stage: engine/decoders boundary. Engines report where each match ENDS (Hyperscan is much faster
without start-of-match tracking); that offset lies inside or just after the encoded token, and
each decoder expands from it to the whole token. Each pattern matches once per token (a fixed
body after a delimiter), so a long run costs one hit, not one per byte.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

# kind -> pattern (Hyperscan- and `re`-compatible, no lookarounds).
TRIGGERS: dict[str, str] = {
    # Where hex-encoded text may start: 24 hex digits in a row. The decoder looks for printable
    # pairs itself (hex_runs: that pattern cost the main database 1 ms per MB of dense digits).
    "hex": r"[0-9A-Fa-f]{24}",
    "url": r"%[0-9A-Fa-f]{2}",
    # `\uXXXX` and `\xXX` only for printable ASCII: escaped letters of other scripts (locale
    # catalogues are full of them) cannot hide a key, which is ASCII. Only an escape whose own
    # backslash is not escaped: `\\u0020` is the text `\u0020` (API docs quoting character
    # ranges are full of them), and decoding it finds nothing the raw text does not show.
    "escape": r"(?:^|[^\\])(?:\\\\)*\\(?:u00[2-7][0-9A-Fa-f]|x[2-7][0-9A-Fa-f]|/)",
    "concat": r"[\"'`][ \t\r\n]{0,8}\+[ \t\r\n]{0,8}[\"'`]",
}
# Triggers whose decoder needs only the first match in a chunk and finds every later one
# itself, in C (decoders.SEARCHING_DECODERS): an engine reports one trigger, not one per escape
# (a call into Python each, most of the cost of a line of them).
FIRST_ONLY = frozenset({TRIGGERS["hex"], TRIGGERS["url"], TRIGGERS["escape"], TRIGGERS["concat"]})
# First-only triggers that Hyperscan scans in a database of their own, where it stops reading at
# the first match (see engines.hyperscan_compile). The hex run stays in the main one, single-match:
# it costs as much there as alone (0.06 ms per MB of plain text), and a database more cost every
# small blob of a history a call.
OWN_DATABASE = frozenset({TRIGGERS["url"], TRIGGERS["escape"], TRIGGERS["concat"]})
# The escape trigger as a `re` pattern, for finding every match's end in C: the first backslash
# of a run (none before it), then pairs, then the escape. Opening with a literal backslash lets
# `re` skip to each one in C; the lookbehind leaves out a backslash inside a run.
ESCAPE_ENDS = re.compile(
    rb"\\(?<!\\\\)(?:\\(?:\\\\)*\\)?(?:u00[2-7][0-9A-Fa-f]|x[2-7][0-9A-Fa-f]|/)"
)
_MIN_LITERAL = 4
# Field names under which a bare encoded secret sits; provider-specific names (COHERE_API_KEY,
# DEEPSEEK_TOKEN) end in one of these.
_SECRET_WORDS = "pass|pwd|secret|token|key|auth|credential|private"  # noqa: S105 - names
# What may come before the name's word: anything but an `=`, or a command-line flag's `-NAME=`
# (`--from-literal=api_key=…`) whose name ends in one of the gate's flag words
# (rules/_gates.yaml). A name does not start where an assignment's value does (`TOKEN=TOKEN=…`,
# which holds no `-`), and the keyword gate that stands in for these triggers then checks one
# byte before each word instead of reading on past it.
_FLAG = "-(?:literal|vars|var|env|arg|set|string|conf)="
_NAME_START = f"(?:^|[^=]|{_FLAG})"
_ESCAPED_ASSIGNED = r"[A-Za-z0-9_.\-]{0,30}\\\"\]?[ \t]{0,3}[=:][ \t]{0,3}\\\""
_ASSIGNED = r"[A-Za-z0-9_.\-]{0,30}[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?[A-Za-z0-9+/_\-]{12}"


def encoded_literals(keyword: bytes) -> set[bytes]:
    """The base64 characters that `keyword` fixes wherever it sits in an encoded blob.

    Three byte alignments give three encodings; only the characters whose six bits all come
    from the keyword are certain, so those are the literal to look for.
    """
    found = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + keyword)
        first = -(-8 * offset // 6)
        last = 8 * (offset + len(keyword)) // 6
        literal = encoded[first:last]
        if len(literal) >= _MIN_LITERAL:
            found.add(literal)
            # URL-safe base64 differs only in these two characters.
            found.add(literal.replace(b"+", b"-").replace(b"/", b"_"))
    return found


def hyperscan_escaped(literal: bytes) -> str:
    """`literal` as a pattern of `\\xHH` escapes, built in C: a pattern a byte, over the ~5,000
    literals the rules' keywords give, was a tenth of a second of every scan's start-up."""
    return "\\x" + literal.hex("x").replace("x", "\\x") if literal else ""


def trigger_patterns(keywords: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, pattern) for every decoder trigger, base64 ones derived from the rules' keywords.

    Base64 is found where it can matter rather than wherever a long alphanumeric run occurs
    (a class-run pattern cost Hyperscan four fifths of its speed): a blob that holds a rule's
    keyword holds that keyword's encoding, and a value assigned to a keyword-named field is
    where a bare encoded secret sits (`aws_secret_access_key: <base64>` in a Kubernetes Secret).
    """
    variants = {v for k in keywords for v in (k, k.lower(), k.upper()) if v}
    once = {lit for v in variants for lit in encoded_literals(v.encode())}
    # Base64 inside base64 (depth 2) shows the encodings of those encodings.
    twice = {lit for inner in once for lit in encoded_literals(inner)}
    literals = sorted(once | twice)
    patterns = [("base64", hyperscan_escaped(lit)) for lit in literals]
    patterns.append(("base64", f"{_NAME_START}(?i:{_SECRET_WORDS}){_ASSIGNED}"))
    patterns += list(TRIGGERS.items())
    # `\"` only where a secret-named key is assigned an escaped string (`\"DB_PASSWORD\"] =
    # \"…`, `{\"token\": \"…`): JSON-escaped source hides assignments there. Any other escaped
    # key (API documentation is full of `\"ChallengeName\": \"…`) has nothing for a keyword
    # rule, and a provider's token in its value matches without decoding.
    patterns.append(("escape", f"{_NAME_START}(?i:{_SECRET_WORDS}){_ESCAPED_ASSIGNED}"))
    return patterns
