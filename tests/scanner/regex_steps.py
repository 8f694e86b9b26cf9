"""Counting the steps a backtracking regex engine takes, to bound a rule's work without timing it.

The `regex` module has no step counter, so PCRE2 (the system's libpcre2-8, through ctypes) runs
the same pattern as a reference backtracker: with automatic callouts it calls back before every
item it tries, and with its auto-possessification and start-of-match shortcuts switched off it
backtracks as plainly as an engine can. A pattern whose step count grows faster than its input
here has a shape that costs the `regex` engine the same.

`python -m tests.scanner.regex_steps` audits every rule (see `audit`) and prints JSON.
"""

from __future__ import annotations

import ctypes
import json
from collections.abc import Iterator

_LIBRARY = ctypes.CDLL("libpcre2-8.so.0")
_CALLOUT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_LIBRARY.pcre2_compile_8.restype = ctypes.c_void_p
_LIBRARY.pcre2_compile_8.argtypes = [
    ctypes.c_char_p,
    ctypes.c_size_t,
    ctypes.c_uint32,
    ctypes.POINTER(ctypes.c_int),
    ctypes.POINTER(ctypes.c_size_t),
    ctypes.c_void_p,
]
_LIBRARY.pcre2_code_free_8.argtypes = [ctypes.c_void_p]
_LIBRARY.pcre2_match_context_create_8.restype = ctypes.c_void_p
_LIBRARY.pcre2_match_context_create_8.argtypes = [ctypes.c_void_p]
_LIBRARY.pcre2_match_context_free_8.argtypes = [ctypes.c_void_p]
_LIBRARY.pcre2_set_callout_8.argtypes = [ctypes.c_void_p, _CALLOUT, ctypes.c_void_p]
_LIBRARY.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
_LIBRARY.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_LIBRARY.pcre2_match_data_free_8.argtypes = [ctypes.c_void_p]
_LIBRARY.pcre2_get_ovector_pointer_8.restype = ctypes.POINTER(ctypes.c_size_t)
_LIBRARY.pcre2_get_ovector_pointer_8.argtypes = [ctypes.c_void_p]
_LIBRARY.pcre2_match_8.argtypes = [
    ctypes.c_void_p,
    ctypes.c_char_p,
    ctypes.c_size_t,
    ctypes.c_size_t,
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.c_void_p,
]
_AUTO_CALLOUT = 0x00000004
_DUPNAMES = 0x00000040
_NO_AUTO_POSSESS = 0x00002000
_NO_START_OPTIMIZE = 0x00010000
_NOTEMPTY_ATSTART = 0x00000008
_LOOKBEHIND_NOT_FIXED = 125


class PatternError(ValueError):
    """PCRE2 cannot compile the pattern."""


def _compile(pattern: bytes) -> int:
    error = ctypes.c_int()
    offset = ctypes.c_size_t()
    options = _AUTO_CALLOUT | _DUPNAMES | _NO_AUTO_POSSESS | _NO_START_OPTIMIZE
    code = _LIBRARY.pcre2_compile_8(
        pattern, len(pattern), options, ctypes.byref(error), ctypes.byref(offset), None
    )
    if not code:
        raise PatternError(f"PCRE2 error {error.value} at offset {offset.value}", error.value)
    return int(code)


def for_pcre2(pattern: str) -> str:
    """The pattern as this PCRE2 takes it. Before 10.43 a lookbehind has a fixed length, so a
    variable one (`(?<="type"[^{}]{0,600})`) is matched as text instead, and a variable negative
    one (`(?<!clerk[…]{0,25}=)`) as a negative lookahead: walking the same bytes forwards costs
    the same steps as looking back over them."""
    for rewrite in (
        lambda p: p,
        lambda p: p.replace("(?<=", "(?:"),
        lambda p: p.replace("(?<=", "(?:").replace("(?<!", "(?!"),
    ):
        candidate = rewrite(pattern)
        try:
            _LIBRARY.pcre2_code_free_8(_compile(candidate.encode()))
        except PatternError as error:
            if error.args[1] != _LOOKBEHIND_NOT_FIXED:
                raise
            continue
        return candidate
    raise PatternError("PCRE2 cannot take this pattern's lookbehinds", _LOOKBEHIND_NOT_FIXED)


def count_steps(pattern: str, subject: bytes) -> int:
    """Steps PCRE2 takes to find every match of `pattern` in `subject`, left to right."""
    code = _compile(for_pcre2(pattern).encode())
    steps = 0

    def on_step(_block: int, _data: int) -> int:
        nonlocal steps
        steps += 1
        return 0

    callout = _CALLOUT(on_step)
    context = _LIBRARY.pcre2_match_context_create_8(None)
    _LIBRARY.pcre2_set_callout_8(context, callout, None)
    found = _LIBRARY.pcre2_match_data_create_from_pattern_8(code, None)
    buffer = ctypes.create_string_buffer(subject, len(subject))
    try:
        start, options = 0, 0
        while start <= len(subject):
            result = _LIBRARY.pcre2_match_8(
                code, buffer, len(subject), start, options, found, context
            )
            if result < 0:
                break
            vector = _LIBRARY.pcre2_get_ovector_pointer_8(found)
            end = int(vector[1])
            # After an empty match, the next attempt must not be empty at the same place.
            start, options = end, (_NOTEMPTY_ATSTART if end == int(vector[0]) else 0)
    finally:
        _LIBRARY.pcre2_match_data_free_8(found)
        _LIBRARY.pcre2_match_context_free_8(context)
        _LIBRARY.pcre2_code_free_8(code)
    return steps


# Separators put after a rule's keyword, each repeated: values, assignments, quotes, paths.
SEPARATORS = ("", "=", ":", '="', "'", " = ", "_", "-", "/", ".")


def hostile_subjects(keyword: str, repeats: int) -> Iterator[tuple[str, bytes]]:
    """(name, subject) pairs built from `keyword`: the keyword and a separator, over and over,
    then a character that no value may hold, so that every attempt fails late."""
    for separator in SEPARATORS:
        unit = (keyword + separator).encode()
        yield f"{keyword}{separator}", unit * repeats + b"#\x00"
    yield f"{keyword}+run", keyword.encode() + b"A1b2" * repeats + b"#\x00"


def audit(repeats: int) -> dict[str, dict[str, list[int]]]:
    """For each rule and hostile subject: [bytes, PCRE2 steps] at `repeats` and twice as many.

    Every subject also goes through the rule's own `regex` pattern, the engine scans use: run
    in a subprocess with a timeout, a pattern that blows up there fails the audit too.
    """
    import regex

    from leakward.rules.loader import load_rules

    report: dict[str, dict[str, list[int]]] = {}
    for rule in load_rules().rules:
        compiled = regex.compile(rule.pattern.encode())
        shortest = sorted(rule.keywords, key=len)[:1] or ["key"]
        rows: dict[str, list[int]] = {}
        for keyword in shortest:
            small = dict(hostile_subjects(keyword, repeats))
            for name, subject in hostile_subjects(keyword, 2 * repeats):
                sum(1 for _ in compiled.finditer(subject))
                rows[name] = [
                    len(small[name]),
                    count_steps(rule.pattern, small[name]),
                    len(subject),
                    count_steps(rule.pattern, subject),
                ]
        report[rule.id] = rows
    return report


if __name__ == "__main__":
    import sys

    sys.stdout.write(json.dumps(audit(int(sys.argv[1]) if len(sys.argv) > 1 else 60)) + "\n")
