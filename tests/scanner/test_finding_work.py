"""Work per finding in a dense file (#16): places are told apart without an index when no two
sightings of a rule overlap, and the overlapping ones still keep the undecoded sighting."""

from __future__ import annotations

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.compiled_rules import CompiledRules
from leakward.scanner.engines import make_engine
from leakward.scanner.located import Located, first_per_place
from leakward.scanner.matcher import ALLOW_MARKERS, Matcher
from leakward.scanner.models import Chunk, Origin
from leakward.scanner.spans import SpanIndex
from tests.scanner.tokens import github_token, random_body


def _rules() -> tuple[CompiledRules, int]:
    ruleset = load_rules()
    index = next(i for i, rule in enumerate(ruleset.rules) if rule.id == "github.pat.classic")
    return CompiledRules(ruleset.rules, ruleset.allowlist), index


def _counting_lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = SpanIndex.first_overlap

    def counted(self: SpanIndex, start: int, end: int) -> int | None:
        calls.append(start)
        return real(self, start, end)

    monkeypatch.setattr(SpanIndex, "first_overlap", counted)
    return calls


def test_sightings_that_never_overlap_need_no_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled, index = _rules()
    calls = _counting_lookups(monkeypatch)
    # Out of order, as findings of several decoding levels arrive.
    located = [Located(index, f"v{n}", 50 * n, 50 * n + 40, None, ()) for n in (3, 0, 2, 1)]

    kept = first_per_place(located, compiled)

    assert [item.start for item in kept] == [0, 50, 100, 150]
    assert calls == []


def test_an_overlap_still_keeps_the_undecoded_sighting(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled, index = _rules()
    calls = _counting_lookups(monkeypatch)
    decoded = Located(index, "value", 10, 50, None, ("base64",))
    raw = Located(index, "value", 20, 60, None, ())
    apart = Located(index, "other", 100, 140, None, ())

    kept = first_per_place([decoded, apart, raw], compiled)

    assert kept == [raw, apart]
    assert len(calls) == 3


class _CountingBytes(bytes):
    """Bytes that count the searches for an allow marker made in them (`marker in data`)."""

    searches = 0

    def __contains__(self, part: object) -> bool:
        if part in ALLOW_MARKERS:
            type(self).searches += 1
        return super().__contains__(part)  # type: ignore[operator]


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_a_chunk_without_findings_is_not_searched_for_allow_markers(engine: str) -> None:
    """Looking for `leakward:allow` read the whole chunk, a quarter of what scanning plain text
    costs; with nothing found there is nothing it could allow."""
    ruleset = load_rules()
    matcher = Matcher(ruleset, make_engine(ruleset, engine))
    data = _CountingBytes(b"lorem ipsum dolor sit amet, consectetur\n" * 200)

    found = matcher.scan_chunk(Chunk(data, Origin("file", "plain.txt")))

    assert found == []
    assert _CountingBytes.searches == 0


@pytest.mark.parametrize("engine", ["hyperscan", "regex"])
def test_a_value_repeated_on_many_lines_is_checked_once(engine: str) -> None:
    """A token copied into 300 lines (a fixture, a pasted config) is 300 findings, but its
    checksum, entropy and placeholder checks are made once per rule, not once per line."""
    ruleset = load_rules()
    matcher = Matcher(ruleset, make_engine(ruleset, engine))
    token = github_token("ghp_", random_body(7))
    data = "".join(f"token_{n} = {token}\n" for n in range(300)).encode()

    found = matcher.scan_chunk(Chunk(data, Origin("file", "fixture.env")))

    assert len(found) == 300
    assert {finding.rule_id for finding in found} == {"github.pat.classic"}
    assert matcher.work.confirmed >= 300
    assert matcher.work.checked <= 5
