"""Made-up values: the allowlist's examples, stopwords, runs counting up or down (also among the
letters once the digits are taken out, and among the digits alone) and placeholder patterns,
checked for each confirmed secret.

Stage: matcher. A file of 20,000 tokens asks this 20,000 times, so each check is one search in
C where it can be: the stopwords as one alternation rather than a loop over thirty `in` tests,
the ascending runs of ASCII text as the few dozen strings they can be rather than a loop over
characters, and the placeholder patterns without groups or flags as one pattern (those anchored
at the start as another, tried at the start only), searched with `re` where it reads them. The
answers are those of the plain loops, which stay for what the fast forms cannot say (non-ASCII
runs, patterns with groups that a joined pattern would renumber).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import string
import warnings
from collections.abc import Sequence
from typing import TypeAlias

import regex

from leakward.rules.model import Allowlist, Rule
from leakward.scanner.engines.translate import STDLIB_PARSER, in_stdlib

_DEFAULT_FLAGS = regex.compile("").flags
# Fixtures interleave letters in alphabet order with digits (a1B2c3D4e5F6g7H8, abcd1234fghij5678):
# the ascending run is also looked for with the digits taken out. A generator never writes one,
# and hex cannot (its letters stop at f, six short of the run of eight).
_NO_DIGITS = str.maketrans("", "", string.digits)
# And the other way round: the digits alone, everything else taken out, for fixtures that count
# up through their digits (a1b2c3d4e5f6a7b8c9d0…, 123e4567-e89b-12d3…). In a random key about one
# character in six is a digit, and eight of them in order have odds of 1 in 10^7 per position.
_NOT_DIGITS = re.compile("[^0-9]")
# The same over secrets joined: the separator stays, so no run spans two secrets.
_NOT_DIGITS_JOINED = re.compile("[^0-9\n]")


def has_ascending_run(text: str, length: int) -> bool:
    """True if `length` letters or digits in a row each follow the one before (abcd, 4567)."""
    run = 1
    for before, after in itertools.pairwise(text):
        if ord(after) == ord(before) + 1 and after.isalnum() and before.isalnum():
            run += 1
            if run >= length:
                return True
        else:
            run = 1
    return False


def has_run(text: str, length: int) -> bool:
    """True if `length` letters or digits in a row count up or down (abcd, 9876): fixtures
    type the alphabet backwards too (zyxwvuts…, 9f8e7d6c5b4a3210…)."""
    return has_ascending_run(text, length) or has_ascending_run(text[::-1], length)


def _ascending_pattern(length: int) -> re.Pattern[str] | None:
    """Every ASCII run of `length` that `has_run` finds in lower-case text: slices of the digits
    and of the lower-case letters, either way round (no other ASCII neighbours are both
    alphanumeric). None when the loop must decide (a run of one or none has no such strings)."""
    if length < 2:
        return None
    runs = _ascending_runs(length)
    return re.compile("|".join(runs)) if runs else re.compile(r"(?!)")


@functools.cache  # every rule's checks hold the same runs
def _ascending_runs(length: int) -> tuple[str, ...]:
    """The ASCII strings `_ascending_pattern` is made of, none for a run of one or none."""
    if length < 2:
        return ()
    return tuple(
        run
        for alphabet in (string.digits, string.ascii_lowercase)
        for start in range(len(alphabet) - length + 1)
        for run in (alphabet[start : start + length], alphabet[start : start + length][::-1])
    )


def _words_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(map(re.escape, words))) if words else None


Pattern: TypeAlias = re.Pattern[str] | regex.Pattern[str]
# `among` joins secrets with a character no stopword holds; below this many secrets the
# one-by-one checks cost less than joining.
_SEPARATOR = "\n"
_JOINED_FROM = 8


def _joined(patterns: Sequence[str]) -> Pattern | None:
    return _faster(regex.compile("|".join(f"(?:{p})" for p in patterns))) if patterns else None


def _faster(pattern: regex.Pattern[str]) -> Pattern:
    """The pattern compiled by `re` when `re` reads it with the same flags: a secret is short,
    and `regex` spent several microseconds per search setting up (`([^A\\s])\\1{5,}`: 8 µs
    against 1.5). Syntax only `regex` knows stays with `regex`."""
    if pattern.flags != _DEFAULT_FLAGS:
        return pattern
    return in_stdlib(pattern.pattern) or pattern


@functools.cache  # the allowlist's patterns are in every rule's checks
def is_anchored(pattern: str) -> bool:
    """Whether the pattern can match only at the start of the text: as the stdlib parses it,
    it opens with `^` outside any alternation (`^a|b` matches `b` anywhere). A pattern the
    parser cannot read counts as not anchored: searched, it is slower, never wrong."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            items = STDLIB_PARSER.parse(pattern)
        except (re.error, Warning):
            return False
    return len(items) > 0 and [str(part) for part in items[0]] == ["AT", "AT_BEGINNING"]


@functools.cache
def _pattern_checks(
    sources: tuple[str, ...],
) -> tuple[Pattern | None, Pattern | None, tuple[Pattern, ...]]:
    """(the start-anchored patterns joined, the other plain ones joined, the rest one by one).

    Cached: nearly every rule has the allowlist's patterns alone, and a scan builds each rule's
    checks when it first meets the rule."""
    patterns = [regex.compile(p) for p in sources]
    # Patterns with groups or flags of their own stay apart: joined, groups are renumbered
    # (`\\1`) and a flag's reach is the engine's choice.
    is_plain = [not p.groups and p.flags == _DEFAULT_FLAGS for p in patterns]
    plain = [p.pattern for p, ok in zip(patterns, is_plain, strict=True) if ok]
    # Patterns anchored at the start are tried at the start only (`match`): searched, the
    # `regex` module tried each of them at every offset of the secret.
    at_start = [is_anchored(p) for p in plain]
    anchored = _joined([p for p, first in zip(plain, at_start, strict=True) if first])
    floating = _joined([p for p, first in zip(plain, at_start, strict=True) if not first])
    return (
        anchored,
        floating,
        tuple(_faster(p) for p, ok in zip(patterns, is_plain, strict=True) if not ok),
    )


class Placeholders:
    """Whether a secret is made up, for one rule (its own stopwords and allow patterns added)."""

    def __init__(self, allowlist: Allowlist, rule: Rule) -> None:
        self._examples = allowlist.example_secrets
        self._stopwords = _words_pattern(allowlist.stopwords + rule.stopwords)
        self._run = allowlist.ascending_run
        self._ascending = _ascending_pattern(self._run) if self._run else None
        shared = [p for p in allowlist.placeholder_patterns if p not in rule.not_placeholders]
        self._anchored, self._joined, self._apart = _pattern_checks((*shared, *rule.allow_patterns))
        # Strings whose presence in the lowered secret makes it a placeholder: the stopwords and
        # the ASCII ascending runs. Searched one by one over many secrets joined (`among`).
        self._literals = (*allowlist.stopwords, *rule.stopwords, *_ascending_runs(self._run))
        # The letter runs, searched once more over the secrets with their digits taken out.
        self._letter_runs = tuple(w for w in _ascending_runs(self._run) if w.isalpha())
        # The digit runs, searched once more over the secrets' digits alone.
        self._digit_runs = tuple(w for w in _ascending_runs(self._run) if w.isdigit())
        self._is_joinable = not any(_SEPARATOR in word for word in self._literals)

    def is_placeholder(self, secret: str) -> bool:
        if secret in self._examples:
            return True
        lowered = secret.lower()
        if self._stopwords is not None and self._stopwords.search(lowered):
            return True
        if self._run and (self._has_run(lowered) or self._has_letter_run(lowered)):
            return True
        if self._has_digit_run(lowered):
            return True
        if self._anchored is not None and self._anchored.match(secret):
            return True
        if self._joined is not None and self._joined.search(secret):
            return True
        return any(p.search(secret) for p in self._apart)

    def among(self, secrets: Sequence[str]) -> list[bool]:
        """`is_placeholder` of each of `secrets`, the stopwords and ascending runs looked for
        once over all of them: a file of 20,000 tokens searched each for an alternation of
        fifty strings, which `re` tries at every offset, and that was a third of the cost of
        a finding. Over the secrets joined, each string is one `find` in C that skips ahead.
        A string holds no separator, so a hit lies inside one secret."""
        if len(secrets) < _JOINED_FROM or not self._is_joinable:
            return [self.is_placeholder(secret) for secret in secrets]
        lowered = [secret.lower() for secret in secrets]
        hit = [False] * len(secrets)
        joined = _SEPARATOR.join(lowered)
        _mark(hit, lowered, joined, self._literals)
        # A letter run of one secret shows in the joined text with its digits out (the
        # separator is no letter, so no run spans two secrets): only then is each secret's
        # own text made, which costs twenty times more than taking them out once.
        letters = joined.translate(_NO_DIGITS)
        if letters != joined and any(word in letters for word in self._letter_runs):
            texts = [text.translate(_NO_DIGITS) for text in lowered]
            _mark(hit, texts, _SEPARATOR.join(texts), self._letter_runs)
        # The digit runs, among the secrets not yet hit: most have a few digits or none, and
        # each secret's own digits are taken out only when the joined ones hold a run.
        pending = ["" if is_hit else text for is_hit, text in zip(hit, lowered, strict=True)]
        digits = _NOT_DIGITS_JOINED.sub("", _SEPARATOR.join(pending))
        if any(word in digits for word in self._digit_runs):
            texts = [_NOT_DIGITS.sub("", text) for text in pending]
            _mark(hit, texts, _SEPARATOR.join(texts), self._digit_runs)
        return [
            is_hit or self._is_patterned(secret, low)
            for is_hit, secret, low in zip(hit, secrets, lowered, strict=True)
        ]

    def _is_patterned(self, secret: str, lowered: str) -> bool:
        """The checks `among` does not make over all secrets at once: the examples, runs
        outside ASCII (the loop's to decide) and the placeholder patterns."""
        if secret in self._examples:
            return True
        is_for_loop = self._ascending is None or not lowered.isascii()
        if self._run and is_for_loop and has_run(lowered, self._run):
            return True
        if self._run and is_for_loop and self._has_letter_run(lowered):
            return True
        if self._anchored is not None and self._anchored.match(secret):
            return True
        if self._joined is not None and self._joined.search(secret):
            return True
        return any(p.search(secret) for p in self._apart)

    def _has_letter_run(self, lowered: str) -> bool:
        """The ascending run among the letters once the digits are taken out; only a secret
        holding digits can have one the plain run check missed."""
        letters = lowered.translate(_NO_DIGITS)
        return letters != lowered and self._has_run(letters)

    def _has_digit_run(self, lowered: str) -> bool:
        """The ascending run among the digits once everything else is taken out."""
        digits = _NOT_DIGITS.sub("", lowered)
        return any(word in digits for word in self._digit_runs)

    def _has_run(self, lowered: str) -> bool:
        if self._ascending is not None and lowered.isascii():
            return self._ascending.search(lowered) is not None
        return has_run(lowered, self._run)


def _mark(hit: list[bool], texts: Sequence[str], joined: str, words: Sequence[str]) -> None:
    """Sets `hit[n]` when one of `words` occurs in `texts[n]`: each word is one `find` over the
    texts `joined` by the separator, skipping to the next text after a hit. No word holds the
    separator."""
    # ends[n]: the offset just past text n's separator, where text n + 1 starts.
    ends = list(itertools.accumulate(len(text) + 1 for text in texts))
    for word in words:
        at = joined.find(word)
        while at >= 0:
            n = bisect.bisect_right(ends, at)
            hit[n] = True
            at = joined.find(word, ends[n])
