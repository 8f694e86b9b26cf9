"""The pure-`regex` engine: one Aho-Corasick pass finds every keyword, and rules run near them.

Stage: engine. Installs where Hyperscan cannot. A scan of ten rails release trees did not finish
in 300 s: every keyword was looked for in each chunk on its own, each rule whose keyword occurred
searched the whole chunk, and the base64 decoder triggers (ten thousand literals) were one `re`
alternation tried at every byte. Here one automaton over all keywords and one over all literal
triggers read each byte once; a rule gets windows around each of its keywords, reaching as far
as one of its matches can (decoder triggers: see scanner.engines.regex_triggers), so the
matcher's `regex` confirmation only reads text near a keyword. A rule one of whose examples
matches with no keyword within that reach (and a rule without keywords) keeps the whole chunk:
the windows never lose a match that Hyperscan's would find. A keyword place without the bytes
its rule allows beside it (scanner.engines.keyword_edges) makes no window, and a rule without
keywords searches around a byte each of its matches holds, where it has one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from leakward.rules.model import Rule, RuleSet
from leakward.scanner.engines import Hits, scanned_rule_indexes
from leakward.scanner.engines.keyword_edges import Edges, gate_of, keyword_edges
from leakward.scanner.engines.pattern_shape import shape
from leakward.scanner.engines.regex_facts import RuleFacts, load_facts
from leakward.scanner.engines.regex_triggers import TriggerFinder, automaton
from leakward.scanner.spans import clipped_union

# Bytes kept on each side of a window, as the Hyperscan engine keeps them around its hits.
MARGIN = 64
# A keyword at least this often (one in so many bytes, on average) is everywhere in a chunk.
DENSE = 16
# Below this reach, windows by width alone are narrow enough; finding lines costs more (in
# Python lines per keyword, which hostile inputs multiply).
_LINES_WORTH = 1024

Span = tuple[int, int]
# A keyword's rules by reach and by the bytes their matches allow beside it (None: any), those
# of them that search whole chunks (with their edges), and the keyword as written when every rule
# with it needs it so (None: in any case).
# Edges are named by their position in the group's list of them.
_Group = tuple[
    list[tuple["Reach", int, tuple[int, ...]]],
    list[tuple[int, tuple[int, ...]]],
    bytes | None,
    list[Edges | None],
]


@dataclass(frozen=True, slots=True)
class Reach:
    """Where a rule's matches can lie around one of its keywords: within `width` bytes (its
    widest match, from pattern_shape) and, when `lines` is set, on the keyword's own line or up
    to `lines` lines from it (a match holding at most that many newlines, with a keyword on its
    lines). Generic rules are unbounded in width and bounded in lines: the line is the window."""

    width: int
    lines: int | None


def reach_of(rule: Rule) -> Reach | None:
    """A rule's reach from its keywords; None when one of its examples matches with no keyword
    within its width before the match's end (a lookbehind's text counts) or just after it (a
    lookahead's), or when it has no examples to tell (imported rules). The examples also decide
    whether the line bound holds: each match must have a keyword on its own lines."""
    if not rule.examples_match:
        return None
    width, lines = shape(rule.pattern)
    keywords = [k.lower().encode() for k in rule.keywords]
    pattern = regex.compile(rule.pattern.encode())
    for example in rule.examples_match:
        text = example.text.encode()
        lowered = text.lower()
        for match in pattern.finditer(text):
            near = lowered[max(0, match.end() - width) : match.end() + MARGIN]
            if not any(k in near for k in keywords):
                return None
            first = lowered.rfind(b"\n", 0, match.start()) + 1
            last = lowered.find(b"\n", match.end())
            own = lowered[first : len(lowered) if last < 0 else last]
            if not any(k in own for k in keywords):
                lines = None
    return Reach(width, lines)


def is_case_exact(rule: Rule, reach: Reach) -> bool:
    """Whether each of a rule's matches holds one of its keywords as written, not only in some
    case: the pattern never ignores case and names each keyword as written, and each example
    match has one so within its reach (as reach_of asks of any case). Found in lowercased text,
    twilio.account_sid's `AC` was a place in most words with "ac" in them: a third of all
    keyword places on a rails release tree."""
    if "(?i" in rule.pattern or not all(k in rule.pattern for k in rule.keywords):
        return False
    keywords = [k.encode() for k in rule.keywords]
    pattern = regex.compile(rule.pattern.encode())
    for example in rule.examples_match:
        text = example.text.encode()
        for match in pattern.finditer(text):
            near = text[max(0, match.end() - reach.width) : match.end() + MARGIN]
            if not any(k in near for k in keywords):
                return False
    return True


def _windows(data: bytes, spans: list[Span], reach: Reach) -> list[Span]:
    """The bytes to search for matches near the keywords at `spans` (in order), merged."""
    size = len(data)
    width = reach.width + MARGIN
    if reach.lines is None or width <= _LINES_WORTH:
        if len(spans) * 2 * width >= size:
            return [(0, size)]  # keywords everywhere: the windows would be the chunk
        return clipped_union([(a - width, b + width) for a, b in spans], size)
    windows: list[Span] = []
    # The first newline after the keyword that opened the current line (-1: none), and the
    # lines around it. Found once per line: searched from that keyword to each later one, a
    # line of 175,000 keywords was read once per keyword.
    newline: int | None = None
    low = high = 0
    for start, end in spans:
        if newline is None or (newline >= 0 and end > newline):
            newline = data.find(b"\n", end)
            low, high = _lines_around(data, start, end, reach.lines)
        window = (max(start - width, low), min(end + width, high))
        if windows and windows[-1][0] <= window[0] and window[1] <= windows[-1][1]:
            continue  # on a line the last window holds whole: most keywords after the first
        windows.append(window)
    return clipped_union(windows, size)


def _allowed(
    data: bytes,
    spans: list[Span],
    edges: list[Edges | None],
    kept: list[list[Span] | None],
    at: int,
) -> list[Span]:
    """The keyword places among `spans` with bytes `edges[at]` allows beside them, kept in
    `kept[at]` for the next rules with the same edges."""
    found = kept[at]
    if found is None:
        bounds = edges[at]
        found = kept[at] = spans if bounds is None else bounds.allowed(data, spans)
    return found


def _lines_around(data: bytes, start: int, end: int, lines: int) -> Span:
    """Whole lines from `lines` above the keyword's to `lines` below (with the newline ending
    the last: nothing there is a match cut short by the window's edge)."""
    cut = start
    for _ in range(lines + 1):
        cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            break
    edge = end
    for _ in range(lines + 1):
        edge = data.find(b"\n", edge) + 1
        if not edge:
            edge = len(data)
            break
    return cut + 1, edge


def _facts_of(rule: Rule) -> RuleFacts:
    if not rule.keywords:
        return RuleFacts(shape(rule.pattern), False, (), gate_of(rule.pattern))
    reach = reach_of(rule)
    return RuleFacts(
        None if reach is None else (reach.width, reach.lines),
        reach is not None and is_case_exact(rule, reach),
        tuple(keyword_edges(rule.pattern, rule.keywords).items()),
    )


def _opening(index: int, facts: RuleFacts) -> tuple[int, re.Pattern[bytes], Edges, Reach]:
    """A rule without keywords, the search for its byte (followed by one its edges allow, or
    the end) that finds its places in C, its edges and its reach from them."""
    byte, edges = facts.gate  # type: ignore[misc]  # only rules with one
    after = b"".join(re.escape(bytes([c])) for c in sorted(edges.after or range(256)))
    finder = re.compile(re.escape(bytes([byte])) + b"(?=[" + after + b"]|\\Z)")
    width, lines = facts.reach  # type: ignore[misc]  # a rule's shape is never None
    return index, finder, edges, Reach(width, lines)


class RegexEngine:
    name = "regex"

    def __init__(self, ruleset: RuleSet) -> None:
        indexes = scanned_rule_indexes(ruleset)
        self._rules = ruleset.rules
        self._groups: dict[int, _Group] = {}
        # Each rule's reach, keyword edges and need of its keywords as written; for a rule
        # without keywords, its shape and a byte its matches hold.
        facts = load_facts([ruleset.rules[i] for i in indexes], _facts_of, [__file__])
        self._facts = dict(zip(indexes, facts, strict=True))
        ungated = [i for i in indexes if not ruleset.rules[i].keywords]
        self._ungated = [i for i in ungated if self._facts[i].gate is None]
        # The others, each with a search for its byte where its edges allow the next one.
        self._opened = [_opening(i, self._facts[i]) for i in ungated if self._facts[i].gate]
        by_keyword: dict[bytes, list[int]] = {}
        written: dict[bytes, set[bytes]] = {}
        for index in indexes:
            for keyword in ruleset.rules[index].keywords:
                by_keyword.setdefault(keyword.lower().encode(), []).append(index)
                written.setdefault(keyword.lower().encode(), set()).add(keyword.encode())
        self._keywords = automaton(list(by_keyword))
        self._keyword_rules = [tuple(rules) for rules in by_keyword.values()]
        self._keyword_names = list(by_keyword)
        # Each keyword's spellings among the rules, where it has letters that have a case.
        self._written = [forms if key.upper() != key else set() for key, forms in written.items()]
        self._triggers = TriggerFinder(k for i in indexes for k in ruleset.rules[i].keywords)

    def scan_many(self, pieces: Sequence[bytes]) -> list[Hits]:
        return [self.scan(piece) for piece in pieces]

    def scan(self, data: bytes) -> Hits:
        hits = Hits()
        size = len(data)
        whole = [(0, size)]
        for index in self._ungated:
            hits.windows[index] = whole
        for index, finder, bounds, reach in self._opened:
            spans = [(m.start(), m.start() + 1) for m in finder.finditer(data)]
            if len(spans) * DENSE >= size:
                hits.windows[index] = whole  # as for a keyword everywhere (see below)
            elif spans := bounds.allowed(data, spans):
                hits.windows[index] = _windows(data, spans, reach)
        lowered = data.lower()
        if self._keywords is not None:
            # Keyword places per keyword: one append per place.
            places: dict[int, list[Span]] = {}
            for keyword, start, end in self._keywords.find_matches_as_indexes(
                lowered, overlapping=True
            ):
                places.setdefault(keyword, []).append((start, end))
            near: dict[int, list[Span]] = {}
            for keyword, spans in places.items():
                reaches, wide, written, edges = self._group(keyword)
                if written is not None:
                    spans = [span for span in spans if data[span[0] : span[1]] == written]
                    if not spans:
                        continue
                if len(spans) * DENSE >= size:
                    # A keyword every few bytes (`TOKEN=` * N): its rules search the chunk, with
                    # no Python per place to filter and window what would be most of it.
                    for index in self._keyword_rules[keyword]:
                        hits.windows[index] = whole
                    continue
                # Places per edges, filtered once for all the rules that share them.
                kept: list[list[Span] | None] = [None] * len(edges)
                for at, indexes in wide:
                    if _allowed(data, spans, edges, kept, at):
                        for index in indexes:
                            hits.windows[index] = whole
                for reach, at, indexes in reaches:
                    allowed = _allowed(data, spans, edges, kept, at)
                    if not allowed:
                        continue
                    windows = _windows(data, allowed, reach)
                    for index in indexes:
                        near.setdefault(index, []).extend(windows)
            for index, windows in near.items():
                if index not in hits.windows:
                    hits.windows[index] = clipped_union(windows, size)
        hits.triggers = self._triggers.find(data, lowered)
        return hits

    def _group(self, keyword: int) -> _Group:
        """A keyword's rules by reach (each reach's windows computed once for all its rules),
        the rules among them that search whole chunks, and the keyword as written when all of
        them need it so."""
        if keyword not in self._groups:
            group = self._keyword_rules[keyword]
            name = self._keyword_names[keyword].decode()
            by_reach: dict[tuple[Reach, Edges | None], list[int]] = {}
            wide: dict[Edges | None, list[int]] = {}
            for index in group:
                facts = self._facts[index]
                bounds = dict(facts.edges)[name]
                if facts.reach is None:
                    wide.setdefault(bounds, []).append(index)
                else:
                    by_reach.setdefault((Reach(*facts.reach), bounds), []).append(index)
            forms = self._written[keyword]
            written = next(iter(forms)) if len(forms) == 1 and not wide else None
            if written is not None and not all(self._facts[i].is_case_exact for i in group):
                written = None
            edges = list(dict.fromkeys([*wide, *(e for _, e in by_reach)]))
            self._groups[keyword] = (
                [(r, edges.index(e), tuple(i)) for (r, e), i in by_reach.items()],
                [(edges.index(e), tuple(i)) for e, i in wide.items()],
                written,
                edges,
            )
        return self._groups[keyword]
