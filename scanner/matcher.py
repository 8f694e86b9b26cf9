"""The matcher: engine hits -> exact `regex` confirmation -> checksum, entropy, placeholder and
allowlist filters -> key-id pairing -> findings located in the original chunk.

Stage: matcher. Decoded spans go back through the engine here, to `decode_depth` levels, and a
finding inside one is reported at the original place with the chain of decoders that revealed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass

import regex

from leakward.rules.model import Rule, RuleSet
from leakward.rules.provider_names import named_rule_id
from leakward.scanner.compiled_rules import Compiled, CompiledRules, shannon_entropy
from leakward.scanner.decoders import decode_all
from leakward.scanner.engines import Engine
from leakward.scanner.located import (
    Candidate,
    Located,
    dedupe,
    drop_generic_overlaps,
    first_per_place,
    rule_rank,
)
from leakward.scanner.models import Chunk, Finding, Origin, Secret, placed_finding
from leakward.scanner.spans import merged, nearest, overlaps_any
from leakward.scanner.views import group_views

ALLOW_MARKERS = (b"leakward:allow", b"gitleaks:allow")
CHECKSUM_FAILS = "checksum fails: likely an example or a typo"
# A sandbox's key is a real credential but no live one: the note lets a reader (or a filter on
# the `test-mode` tag) tell it from a live key.
TEST_MODE = "test-mode key: a sandbox credential, not a live one"
LOOSE = "the provider's prefix or name but not its documented shape: made up, cut or mistyped"


@dataclass(slots=True)
class ScanWork:
    """What a matcher has done so far: decoded views rescanned and their bytes. Tests and
    benchmarks read it to bound the work a hostile input causes, without timing anything."""

    views: int = 0
    view_bytes: int = 0
    # Matches the confirmation step read and filtered, each a Python object and a few checks.
    confirmed: int = 0
    # Engine calls: each costs Python around it, so many small inputs are located together.
    engine_calls: int = 0
    # Distinct secrets a rule's checksum, entropy and placeholder checks read (`confirmed`
    # counts every match): a value repeated on many lines is checked once per rule and view.
    checked: int = 0


class Matcher:
    def __init__(self, ruleset: RuleSet, engine: Engine, decode_depth: int = 2) -> None:
        self._ruleset = ruleset
        self._engine = engine
        self._depth = decode_depth
        self.work = ScanWork()
        self._compiled = CompiledRules(ruleset.rules, ruleset.allowlist)
        self._provider_names = ruleset.provider_names.index()
        ids = {rule.id: i for i, rule in enumerate(ruleset.rules)}
        # anchor rule index -> rules that are only tried near the anchor's matches
        self._required: dict[int, list[int]] = {}
        for index, rule in enumerate(ruleset.rules):
            if rule.key_id and rule.key_id.required:
                self._required.setdefault(ids[rule.key_id.rule], []).append(index)
        self._link = {
            index: ids[rule.key_id.rule] for index, rule in enumerate(ruleset.rules) if rule.key_id
        }
        # Key-id rules, whose candidates a pairing may consume: they never spare a generic rule
        # its confirmation (see `_candidates`); with anchors, never spared one either.
        self._ids = set(self._link.values())
        self._anchors = self._ids | set(self._required)
        # Each rule's reason for a finding that passed its checks: a rule fact, read once here
        # rather than from its tags per finding.
        self._notes = tuple(
            TEST_MODE if "test-mode" in rule.tags else LOOSE if "loose" in rule.tags else None
            for rule in ruleset.rules
        )

    def _confirm(
        self,
        index: int,
        data: bytes,
        windows: list[tuple[int, int]],
        taken: Sequence[tuple[int, int]] = (),
        held: Set[tuple[int, int]] = frozenset(),
    ) -> list[Candidate]:
        """The rule's accepted (or checksum-vetoed) matches in `windows`, leaving out matches
        whose secret overlaps `taken` (sorted, disjoint spans) or is exactly a span of `held`.

        Read in two passes: the matches first, then the placeholder checks of all their
        distinct secrets at once (`Placeholders.among`), and the candidates in the order the
        matches came."""
        compiled = self._compiled[index]
        # (match, secret span, secret, vetoed by the rule's checksum)
        read: list[tuple[re.Match[bytes] | regex.Match[bytes], tuple[int, int], str, bool]] = []
        # Each distinct secret's checksum and entropy verdict (None: too little entropy): a
        # value repeated on many lines (a fixture, a copied config) is checked once.
        verdicts: dict[str, bool | None] = {}
        for match, span in self._matches(compiled, data, windows, taken, held):
            self.work.confirmed += 1
            secret = data[span[0] : span[1]].decode("utf-8", "surrogateescape")
            if secret not in verdicts:
                verdicts[secret] = self._verdict(compiled, secret)
            is_vetoed = verdicts[secret]
            if is_vetoed is not None:
                read.append((match, span, secret, is_vetoed))
        self.work.checked += len(verdicts)
        if not read:
            return []  # the common case of a window: nothing there
        # Vetoed secrets are checked too: a placeholder that fails its checksum is no finding
        # even at the low tier, though its veto still keeps generic rules off its place.
        distinct = [s for s, is_vetoed in verdicts.items() if is_vetoed is not None]
        made_up = dict(zip(distinct, compiled.placeholders.among(distinct), strict=True))
        found: list[Candidate] = []
        for match, span, secret, is_vetoed in read:
            if is_vetoed:
                found.append(
                    Candidate(
                        index, secret, span[0], span[1], is_vetoed=True, is_made_up=made_up[secret]
                    )
                )
                continue
            if made_up[secret]:
                continue
            provider = None
            if compiled.name_groups:
                provider, is_required = self._attributed(compiled, match, data)
                if provider is None and is_required:
                    continue
            key_id = None
            if compiled.key_groups:
                first, last = _taking_part(match, compiled.key_groups)
                if last > first:
                    key_id = data[first:last].decode("utf-8", "surrogateescape")
            found.append(Candidate(index, secret, span[0], span[1], key_id, provider=provider))
        return found

    @staticmethod
    def _verdict(compiled: Compiled, secret: str) -> bool | None:
        """True when the rule's checksum rejects `secret`, None when it has too little entropy
        for the rule, False when it goes on to the placeholder checks."""
        if compiled.validator is not None and not compiled.validator(secret):
            return True
        min_entropy = compiled.rule.min_entropy
        if min_entropy and shannon_entropy(secret) < min_entropy:
            return None
        return False

    @staticmethod
    def _matches(
        compiled: Compiled,
        data: bytes,
        windows: list[tuple[int, int]],
        taken: Sequence[tuple[int, int]],
        held: Set[tuple[int, int]],
    ) -> Iterator[tuple[re.Match[bytes] | regex.Match[bytes], tuple[int, int]]]:
        """Each match in `windows` with its secret's span, once per span, leaving out those
        `_confirm` is told to."""
        groups = compiled.secret_groups
        group = groups[0]
        seen: set[tuple[int, int]] = set()
        for start, end in windows:
            for match in compiled.pattern.finditer(data, start, end):
                span = match.span(group) if len(groups) == 1 else _taking_part(match, groups)
                if span[0] < 0 or span[0] == span[1] or span in seen:
                    continue
                if (taken and overlaps_any(taken, span[0], span[1])) or span in held:
                    continue
                seen.add(span)
                yield match, span

    def _attributed(
        self, compiled: Compiled, match: re.Match[bytes] | regex.Match[bytes], data: bytes
    ) -> tuple[str | None, bool]:
        """The provider the match's name speaks of, and whether the match needs one: its
        `bare` group took part (`page_token` means nothing; `trello_token` does)."""
        first, last = _taking_part(match, compiled.bare_groups)
        is_required = last > first
        first, last = _taking_part(match, compiled.name_groups)
        if last <= first:
            return None, is_required
        name = data[first:last].decode("utf-8", "surrogateescape")
        return self._provider_names.provider_of(name), is_required

    def _candidates(
        self, data: bytes, windows: dict[int, list[tuple[int, int]]]
    ) -> list[Candidate]:
        # Specific rules first: a generic match over what one found (or vetoed) is dropped in the
        # end (`drop_generic_overlaps`), so its entropy and placeholder checks are skipped.
        # With a named key per line (`aws_secret_access_key = …`) generic rules confirmed every
        # value a specific rule had, and that was most of the cost per finding.
        by_rule: dict[int, list[Candidate]] = {}
        blocking: list[tuple[int, int]] = []
        for index, spans in windows.items():
            if not self._compiled[index].is_generic:
                by_rule[index] = self._confirm(index, data, spans)
                if index not in self._ids and not self._compiled[index].is_weak:
                    blocking += [(c.start, c.end) for c in by_rule[index]]
        taken = merged(blocking)
        found: list[Candidate] = []
        for index, spans in windows.items():
            if index not in by_rule:
                skip = () if index in self._anchors else taken
                by_rule[index] = self._confirm(index, data, spans, skip)
            found += by_rule[index]
        # Rules tried only near an anchor: the windows of all anchors merged, so a value near
        # several anchors (AWS key pairs, one per line) is confirmed once, not once per anchor.
        near: dict[int, list[tuple[int, int]]] = {}
        for anchor in found:
            if anchor.index not in self._required or anchor.is_vetoed:
                continue
            for index in self._required[anchor.index]:
                reach = self._ruleset.rules[index].key_id.max_distance  # type: ignore[union-attr]
                window = (max(0, anchor.start - reach), min(len(data), anchor.end + reach))
                near.setdefault(index, []).append(window)
        for index, reaches in near.items():
            found += self._confirm(index, data, merged(reaches), held=self._held(found, index))
        self._pair(found)
        return dedupe(found, self._compiled)

    def _held(self, found: list[Candidate], index: int) -> set[tuple[int, int]]:
        """Spans an accepted candidate of a rule that `dedupe` keeps over rule `index` holds:
        a match of `index` there would be dropped, so it is not read, checked and paired. An
        AWS secret after `aws_secret_access_key =` was checked again by the bare-secret rule.
        Key-id rules' candidates hold nothing: pairing may consume them."""
        ranks = {
            other: (*rule_rank(self._compiled[other]), -other)
            for other in {candidate.index for candidate in found}
            if other not in self._ids
        }
        own = (*rule_rank(self._compiled[index]), -index)
        return {
            (candidate.start, candidate.end)
            for candidate in found
            if not candidate.is_vetoed and ranks.get(candidate.index, own) > own
        }

    def _pair(self, found: list[Candidate]) -> None:
        """Give each secret the nearest key id of its linked rule; that id is then not its own.

        Ids are looked up by position (the first found wins a tie, as a scan of them would)."""
        ids: dict[int, list[Candidate]] = {}
        position = {id(candidate): n for n, candidate in enumerate(found)}
        for candidate in found:
            if not candidate.is_vetoed:
                ids.setdefault(candidate.index, []).append(candidate)
        starts: dict[int, list[int]] = {}
        for group in ids.values():
            group.sort(key=lambda c: c.start)  # stable: ties keep the order they were found in
        for candidate in found:
            link = self._link.get(candidate.index)
            if link is None or candidate.key_id or candidate.is_vetoed or link not in ids:
                continue
            reach = self._ruleset.rules[candidate.index].key_id.max_distance  # type: ignore[union-attr]
            group = ids[link]
            if link not in starts:
                starts[link] = [c.start for c in group]
            near = [group[i] for i in nearest(starts[link], candidate.start)]
            best = min(near, key=lambda c: (abs(c.start - candidate.start), position[id(c)]))
            if abs(best.start - candidate.start) <= reach:
                candidate.key_id = best.secret
                best.is_consumed = True

    def locate(self, data: bytes) -> list[Located]:
        """Every confirmed secret in `data` and in what decoders reveal inside it."""
        return self.locate_many([data])[0]

    def locate_many(self, datas: Sequence[bytes]) -> list[list[Located]]:
        """`locate` for each of `datas`, in as few engine calls as one.

        Views are scanned one decoding level at a time, each level in one engine call: a
        chunk's decoded spans are many and small, and so are most files of a history, and a
        call per piece cost more than the scan.
        """
        located: list[list[Located]] = [[] for _ in datas]
        Mapper = Callable[[int], int]
        identity: Mapper = lambda offset: offset  # noqa: E731
        # (bytes, offset mapper to the root, decoder chain, root index, raw context length)
        level: list[tuple[bytes, Mapper, tuple[str, ...], int, int]] = [
            (data, identity, (), root, 0) for root, data in enumerate(datas)
        ]
        while level:
            following: list[tuple[bytes, Mapper, tuple[str, ...], int, int]] = []
            all_hits = self._engine.scan_many([view for view, _, _, _, _ in level])
            self.work.engine_calls += 1
            for (view, to_root, chain, root, prefix), hits in zip(level, all_hits, strict=True):
                if not hits.windows and not hits.triggers:
                    continue  # most files of a tree: nothing to confirm, nothing to decode
                found = self._candidates(view, hits.windows)
                if to_root is identity:
                    # The chunk's own bytes: spans stay as they are (a candidate is never
                    # empty), and a file of 20,000 tokens maps none of them.
                    located[root] += [
                        Located(
                            c.index,
                            c.secret,
                            c.start,
                            c.end,
                            c.key_id,
                            (),
                            c.is_vetoed,
                            c.provider,
                            c.is_made_up,
                        )
                        for c in found
                    ]
                else:
                    located[root] += [_placed(c, to_root, chain) for c in found]
                if len(chain) >= self._depth:
                    continue
                for decoded in group_views(view, decode_all(view, hits.triggers, prefix)):
                    self.work.views += 1
                    self.work.view_bytes += len(decoded.data)
                    following.append(
                        (
                            decoded.data,
                            _compose(to_root, decoded.to_parent),
                            (*chain, decoded.kind),
                            root,
                            decoded.prefix,
                        )
                    )
            level = following
        return [self._kept(found) if found else [] for found in located]

    def _kept(self, located: list[Located]) -> list[Located]:
        vetoed = [item for item in located if item.is_vetoed]
        kept = drop_generic_overlaps(
            first_per_place([item for item in located if not item.is_vetoed], self._compiled),
            self._compiled,
            [(item.start, item.end) for item in vetoed],
        )
        if not self._ruleset.reports_failed_checksums or not vetoed:
            return kept
        failed = self._failed_checksums(vetoed, kept)
        return sorted([*kept, *failed], key=lambda item: (item.start, item.index))

    def _failed_checksums(self, vetoed: list[Located], kept: list[Located]) -> list[Located]:
        """Tokens a documented checksum rejected and no other finding covers, once per place.

        Only checksum validators count: a token with the exact shape of a GitHub or npm token
        whose CRC32 fails is a generated example or a typo, worth a look when asked for; text
        that fails a structure check (a JWT whose header is not JSON) is not a token at all."""
        taken = merged([(item.start, item.end) for item in kept])
        failed = [
            item
            for item in vetoed
            if self._compiled[item.index].is_checksum
            and not item.is_made_up
            and not overlaps_any(taken, item.start, item.end)
        ]
        return first_per_place(failed, self._compiled)

    def scan_chunk(self, chunk: Chunk) -> list[Finding]:
        return [finding for finding, _, _ in self.scan_chunk_spans(chunk)]

    def scan_chunk_spans(self, chunk: Chunk) -> list[tuple[Finding, int, int]]:
        """Each finding with the byte span of its secret in `chunk.data` (decoded ones: the span
        of the encoded text that holds it)."""
        return self.scan_chunks_spans([chunk])[0]

    def scan_chunks_spans(self, chunks: Sequence[Chunk]) -> list[list[tuple[Finding, int, int]]]:
        """`scan_chunk_spans` for each chunk, located together (see `locate_many`)."""
        all_located = self.locate_many([chunk.data for chunk in chunks])
        return [
            self._findings(chunk, located)
            for chunk, located in zip(chunks, all_located, strict=True)
        ]

    def scan_many_spans(
        self, datas: Sequence[bytes], origin_of: Callable[[int], Origin]
    ) -> list[list[tuple[Finding, int, int]]]:
        """`scan_chunks_spans` for bytes whose origins are made only where something was found:
        `origin_of(n)` gives the origin of `datas[n]`. A history's blobs are nearly all
        without a finding, and an origin each cost more than sniffing them."""
        all_located = self.locate_many(datas)
        return [
            self._findings(Chunk(data, origin_of(n)), located) if located else []
            for n, (data, located) in enumerate(zip(datas, all_located, strict=True))
        ]

    def _findings(self, chunk: Chunk, located: list[Located]) -> list[tuple[Finding, int, int]]:
        if not located:
            # Nothing to place: looking for `leakward:allow` markers read the whole chunk, a
            # quarter of the cost of scanning plain text (0.5 ms per MB).
            return []
        findings = []
        places = chunk.positions(offset for item in located for offset in (item.start, item.end))
        allowed = _AllowedLines(chunk.data)
        # Each rule, looked up and checked against the chunk's path once per chunk (None: it may
        # not report here): 20,000 tokens of one rule asked for their rule 20,000 times.
        rules: dict[int, Rule | None] = {}
        for item in located:
            if allowed.has_marker(item.start):
                continue
            if item.index not in rules:
                rules[item.index] = self._rule_in(item.index, chunk)
            rule = rules[item.index]
            if rule is None:
                continue
            named = item.provider is not None
            line, column = places[item.start]
            end_line, end_column = places[item.end]
            findings.append(
                (
                    placed_finding(
                        named_rule_id(item.provider) if item.provider else rule.id,
                        rule.name,
                        item.provider or rule.provider,
                        rule.severity,
                        # A failed checksum is low confidence, whatever the rule's tier.
                        "low" if item.is_vetoed else rule.confidence,
                        Secret(item.secret),
                        chunk.origin,
                        line,
                        column,
                        end_line,
                        end_column,
                        item.key_id,
                        item.chain or None,  # decoded_from
                        None if named else rule.rotator,
                        ("named",) if named else rule.tags,
                        CHECKSUM_FAILS if item.is_vetoed else self._notes[item.index],  # reason
                    ),
                    item.start,
                    item.end,
                )
            )
        return findings

    def _rule_in(self, index: int, chunk: Chunk) -> Rule | None:
        """Rule `index`, or None when it has `paths` and none matches the chunk's path."""
        paths = self._compiled[index].paths
        if paths and not any(p.search(chunk.origin.display) for p in paths):
            return None
        return self._ruleset.rules[index]


class _AllowedLines:
    """`leakward:allow` (or gitleaks' `gitleaks:allow`, so teams switch without editing code)
    anywhere on the secret's line marks a known, accepted value.

    The last line's answer is kept: many findings on one long line (minified code) each read
    the whole line again."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._line = (0, -1)
        self._is_allowed = False
        # One pass in C: a chunk of 20,000 findings, one per line, read each line for nothing.
        self._has_any = any(marker in data for marker in ALLOW_MARKERS)

    def has_marker(self, offset: int) -> bool:
        if not self._has_any:
            return False
        start, end = self._line
        if not start <= offset <= end:
            start = self._data.rfind(b"\n", 0, offset) + 1
            end = self._data.find(b"\n", offset)
            end = len(self._data) if end < 0 else end
            self._line = (start, end)
            self._is_allowed = any(m in self._data[start:end] for m in ALLOW_MARKERS)
        return self._is_allowed


def _taking_part(
    match: re.Match[bytes] | regex.Match[bytes], groups: Sequence[str | int]
) -> tuple[int, int]:
    """The span of the last of `groups` that took part in the match, as `regex` gives for a
    name several groups share; (-1, -1) when none did."""
    for group in reversed(groups):
        span = match.span(group)
        if span[0] >= 0:
            return span
    return (-1, -1)


def _placed(candidate: Candidate, to_root: Callable[[int], int], chain: tuple[str, ...]) -> Located:
    """A candidate of a decoded view at its place in the chunk: the encoded text that holds it,
    at least one byte long."""
    start = to_root(candidate.start)
    return Located(
        candidate.index,
        candidate.secret,
        start,
        max(to_root(candidate.end - 1) + 1, start + 1),
        candidate.key_id,
        chain,
        candidate.is_vetoed,
        candidate.provider,
        candidate.is_made_up,
    )


def _compose(outer: Callable[[int], int], inner: Callable[[int], int]) -> Callable[[int], int]:
    return lambda offset: outer(inner(offset))
