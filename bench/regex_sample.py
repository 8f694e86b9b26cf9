"""Draw a random string that a regular expression matches (for the peers' generated examples).

Stage: benchmarks only. gitleaks and betterleaks build many of their test tokens at generation time
from a regex (`secrets.NewSecret`); `peer_examples.py` rebuilds them with this. It walks the
parse tree of Python's own `re` parser, which reads the Go patterns the peers use for tokens.
Anchors and lookarounds produce nothing; an open repeat takes its minimum plus a few.
"""

from __future__ import annotations

import random
import re._constants as c
import re._parser as parser
import string
from typing import Any

_CATEGORIES = {
    c.CATEGORY_DIGIT: string.digits,
    c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    c.CATEGORY_SPACE: " ",
    c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
    c.CATEGORY_NOT_DIGIT: string.ascii_letters,
    c.CATEGORY_NOT_WORD: "-",
}
_PRINTABLE = string.ascii_letters + string.digits + "-_."
_MAX_OPEN = 8  # extra repeats drawn for `*`, `+` and `{n,}`


def _set(items: Any) -> str:  # `re`'s private parse tree has no types
    chars: list[str] = []
    negate = False
    for op, arg in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            chars.append(chr(arg))
        elif op is c.RANGE:
            low, high = arg
            chars += [chr(n) for n in range(low, high + 1)]
        elif op is c.CATEGORY:
            chars += _CATEGORIES.get(arg, "")
    if negate:
        return "".join(ch for ch in _PRINTABLE if ch not in chars)
    return "".join(chars)


def _walk(tree: Any, rng: random.Random) -> str:
    out: list[str] = []
    for op, arg in tree:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append(rng.choice([ch for ch in _PRINTABLE if ord(ch) != arg]))
        elif op is c.ANY:
            out.append(rng.choice(_PRINTABLE))
        elif op is c.IN:
            out.append(rng.choice(_set(arg)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, sub = arg
            top = low + _MAX_OPEN if high is c.MAXREPEAT else high
            out += [_walk(sub, rng) for _ in range(rng.randint(low, max(low, top)))]
        elif op is c.SUBPATTERN:
            out.append(_walk(arg[-1], rng))
        elif op is c.ATOMIC_GROUP:
            out.append(_walk(arg, rng))
        elif op is c.BRANCH:
            out.append(_walk(rng.choice(arg[1]), rng))
        elif op is c.CATEGORY:
            out.append(rng.choice(_CATEGORIES.get(arg, _PRINTABLE)))
        # AT (anchors), ASSERT and ASSERT_NOT (lookarounds) produce nothing
    return "".join(out)


def sample(pattern: str, rng: random.Random) -> str:
    """A string `pattern` matches, drawn with `rng` (case as written; `(?i)` is not varied)."""
    return _walk(parser.parse(pattern), rng)
