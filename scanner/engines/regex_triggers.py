"""Decoder triggers for the `regex` engine: where encoded text may be, found without Hyperscan.

Stage: engine. The triggers (scanner.triggers) are ten thousand base64 literals and a few
patterns. As one `re` alternation per kind they were tried at every byte. Here the literals go
into one Aho-Corasick automaton (the `aho-corasick` Rust crate: a pass over a 20 MB tree took
0.13 s, against 0.71 s for pyahocorasick's), a pattern that opens with field names looks for
the names the same way and runs `re` only where one ends, the escape and percent triggers report
their first match (their decoders find the rest), and the hex trigger, a run of hex digits, is
found in one translation. Offsets are where matches end, as Hyperscan reports them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import ahocorasick_rs

from leakward.scanner.decoders import SHORTEST_BASE64
from leakward.scanner.triggers import ESCAPE_ENDS, FIRST_ONLY, TRIGGERS, trigger_patterns

# A literal trigger pattern: nothing but `\xNN` escapes (base64 encodings of keywords).
_LITERAL = re.compile(r"(?:\\x[0-9a-f]{2})+")
# A trigger that opens with field names, any case (`(?i:pass|token|key)[:=]…`).
_WORDED = re.compile(r"\(\?i:([a-z]+(?:\|[a-z]+)*)\)(.*)", re.DOTALL)
_HEX = "0123456789abcdefABCDEF"
# The hex trigger, `[0-9A-Fa-f]{N}`: N hex digits in a row.
_HEX_DIGITS_RUN = re.compile(r"\[0-9A-Fa-f\]\{(\d+)\}")
# Hex digits as "h", everything else as ".": a run of them is one substring search.
_HEX_DIGITS = bytes(ord("h") if chr(n) in _HEX else ord(".") for n in range(256))
# Base64 characters as "b", everything else as ".": a run of them is one substring search.
_BASE64_CHARS = bytes(
    ord("b") if chr(n).isascii() and (chr(n).isalnum() or chr(n) in "+/_-") else ord(".")
    for n in range(256)
)
# A literal trigger in a run shorter than the decoder reads (SHORTEST_BASE64) decodes nothing, and
# only 8% of a rails tree's bytes are in longer ones, where the 17,000 literals are looked for.
_LONG_BASE64 = b"b" * SHORTEST_BASE64
# The concatenation trigger from its `+`, which `re` finds in C: as written, it opens with a
# class tried at every quote of the text. The quote before is checked by hand.
_CONCAT_AFTER = re.compile(rb"\+[ \t\r\n]{0,8}[\"'`]")
_CONCAT_SPACE = b" \t\r\n"
_QUOTES = b"\"'`"
_CONCAT_MOST_SPACE = 8
# Up to this many patterns an automaton is built as a DFA, which reads a byte in one step: the
# 749 keywords of the built-in rules took 0.004 s and no memory to build that way, and were found
# in a rails release tree (23 MB) in 0.10 s of CPU instead of 0.21. The 17,434 base64 trigger
# literals as a DFA took 66 MiB and 0.25 s to build, in every process, to save 0.08 s there.
_DFA_PATTERNS = 2000


def automaton(patterns: list[bytes]) -> ahocorasick_rs.BytesAhoCorasick | None:
    """All occurrences of `patterns`, overlapping ones too; None for no patterns."""
    if not patterns:
        return None
    if len(patterns) <= _DFA_PATTERNS:
        return ahocorasick_rs.BytesAhoCorasick(
            patterns, implementation=ahocorasick_rs.Implementation.DFA
        )
    return ahocorasick_rs.BytesAhoCorasick(patterns)


class TriggerFinder:
    """The decoder triggers of the rules with these keywords, found in one chunk at a time."""

    def __init__(self, keywords: Iterable[str]) -> None:
        literal_kinds: dict[bytes, str] = {}
        words: dict[bytes, list[int]] = {}
        self._has_escapes = False
        self._rests: list[tuple[str, re.Pattern[bytes]]] = []
        by_kind: dict[str, list[str]] = {}
        for kind, pattern in trigger_patterns(keywords):
            opening = _WORDED.fullmatch(pattern)
            if opening is not None:
                for word in opening.group(1).split("|"):
                    words.setdefault(word.encode(), []).append(len(self._rests))
                self._rests.append((kind, re.compile(opening.group(2).encode())))
            elif _LITERAL.fullmatch(pattern):
                literal_kinds[bytes.fromhex(pattern.replace("\\x", ""))] = kind
            elif kind == "escape" and pattern == TRIGGERS["escape"]:
                self._has_escapes = True
            else:
                by_kind.setdefault(kind, []).append(pattern)
        self._literals = automaton(list(literal_kinds))
        self._literal_kinds = list(literal_kinds.values())
        self._words = automaton(list(words))
        self._word_rests = list(words.values())
        self._patterns = {
            kind: re.compile("|".join(f"(?:{p})" for p in patterns).encode())
            for kind, patterns in by_kind.items()
        }
        self._first_only = {
            kind for kind, patterns in by_kind.items() if all(p in FIRST_ONLY for p in patterns)
        }
        hex_digits = _HEX_DIGITS_RUN.fullmatch(TRIGGERS.get("hex", ""))
        self._hex_run = b"h" * int(hex_digits.group(1)) if hex_digits else b""

    def find(self, data: bytes, lowered: bytes) -> dict[str, list[int]]:
        """Trigger end offsets per decoder kind, sorted; `lowered` is `data.lower()`."""
        found: dict[str, list[int]] = {}
        if self._literals is not None:
            self._find_literals(data, found)
        slashed = b"\\" in data
        if self._words is not None:
            for word, _, end in self._words.find_matches_as_indexes(lowered, overlapping=True):
                for position in self._word_rests[word]:
                    kind, rest = self._rests[position]
                    if kind == "escape" and not slashed:
                        continue  # its rest needs a backslash
                    match = rest.match(data, end)
                    if match is not None:
                        found.setdefault(kind, []).append(match.end())
        if self._has_escapes and slashed:
            # The first only: the decoder finds the rest (FIRST_ONLY).
            first = ESCAPE_ENDS.search(data)
            if first is not None:
                found.setdefault("escape", []).append(first.end())
        for kind, pattern in self._patterns.items():
            if kind == "escape" and not slashed:
                continue
            if kind == "hex" and self._hex_run:
                # The first run, found in C (`re` tried the class at every byte): the decoder
                # finds the rest (FIRST_ONLY).
                at = data.translate(_HEX_DIGITS).find(self._hex_run)
                if at >= 0:
                    found.setdefault(kind, []).append(at + len(self._hex_run))
                continue
            if kind == "concat" and pattern.pattern == _CONCAT_PATTERN:
                joined = _first_concat(data)
                if joined is not None:
                    found.setdefault(kind, []).append(joined)
                continue
            if kind in self._first_only:
                # Its decoder finds the rest itself (decoders.SEARCHING_DECODERS).
                first = pattern.search(data)
                if first is not None:
                    found.setdefault(kind, []).append(first.end())
                continue
            found.setdefault(kind, []).extend(m.end() for m in pattern.finditer(data))
        for offsets in found.values():
            offsets.sort()
        return {kind: offsets for kind, offsets in found.items() if offsets}

    def _find_literals(self, data: bytes, found: dict[str, list[int]]) -> None:
        """The literal triggers' ends, looked for only in runs of base64 characters long enough
        to decode, joined with a byte no literal holds."""
        marks = data.translate(_BASE64_CHARS)
        runs: list[tuple[int, int]] = []
        at = marks.find(_LONG_BASE64)
        while at >= 0:  # each find lands on a run's start: no run holds one before it
            end = marks.find(b".", at + SHORTEST_BASE64)
            end = len(data) if end < 0 else end
            runs.append((at, end))
            at = marks.find(_LONG_BASE64, end)
        if not runs:
            return
        joined = b"\0".join(data[start:end] for start, end in runs)
        # Where each run starts in `joined`, and how far that is from its place in `data`.
        starts: list[int] = []
        shifts: list[int] = []
        offset = 0
        for start, end in runs:
            starts.append(offset)
            shifts.append(start - offset)
            offset += end - start + 1
        kinds = self._literal_kinds
        for literal, _, end in self._literals.find_matches_as_indexes(  # type: ignore[union-attr]
            joined, overlapping=True
        ):
            run = bisect.bisect_right(starts, end - 1) - 1
            found.setdefault(kinds[literal], []).append(end + shifts[run])


_CONCAT_PATTERN = f"(?:{TRIGGERS.get('concat', '')})".encode()


def _first_concat(data: bytes) -> int | None:
    """Where the first match of the concatenation trigger ends: a `+` with at most eight
    spaces and a quote on each side. Matches found from their `+` come in the same order as
    from their first quote (nothing but spaces lies between the two)."""
    after = _CONCAT_AFTER.search(data)
    while after is not None:
        plus = after.start()
        lowest = max(0, plus - _CONCAT_MOST_SPACE - 1)
        space = plus - lowest - len(data[lowest:plus].rstrip(_CONCAT_SPACE))
        quote = plus - space - 1
        if space <= _CONCAT_MOST_SPACE and quote >= 0 and data[quote] in _QUOTES:
            return after.end()
        after = _CONCAT_AFTER.search(data, plus + 1)
    return None
