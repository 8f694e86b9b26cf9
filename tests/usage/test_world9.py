"""World 9 (`bench/usage_world9.py`), the ninth blind usage world: the same world for a seed, its
pages read back by leakward as written, thefts where its labels put them and of the sizes they
state. Nothing here asserts what the watch finds in it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench.usage_page_writer import save_pages, write_pages
from bench.usage_world9 import (
    World,
    build_world,
    is_clean_day,
    labels,
    owners,
    pages,
    plan_thefts,
)
from bench.usage_world9_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED_START,
    START,
    expected_tokens,
    ordinary_day,
)
from bench.usage_world9_thieves import DAY_SHARE, KINDS, SIZES
from leakward.usage.pages import read_page
from leakward.usage.records import UsageRecord

PROVIDERS = ("openai", "anthropic")


@pytest.fixture(scope="module", params=PROVIDERS)
def world(request: pytest.FixtureRequest) -> World:
    return build_world(request.param, 111)


def _tokens(record: UsageRecord) -> int:
    return record.input_tokens + record.cached_input_tokens + record.output_tokens


def _rows(records: tuple[UsageRecord, ...]) -> dict[str, list[UsageRecord]]:
    by_key: dict[str, list[UsageRecord]] = defaultdict(list)
    for record in records:
        by_key[record.key_id].append(record)
    return by_key


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_seed_gives_the_same_world_and_another_seed_another(provider: str) -> None:
    first, again, other = (build_world(provider, s) for s in (112, 112, 113))
    assert first.records == again.records
    assert first.thefts == again.thefts
    assert labels(first) == labels(again)
    assert first.thefts != other.thefts


def test_world_has_the_stated_size(world: World) -> None:
    assert 80 <= len(world.keys) <= 90
    assert len({k.key_id for k in world.keys}) == len(world.keys)
    assert Counter((t.kind, t.size) for t in world.thefts) == Counter(
        (kind, size) for kind in KINDS for size in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)
    judged = range(START + JUDGED_START * DAY, START + DAYS * DAY)
    assert all(t.onset in judged for t in world.thefts)
    assert all(r.start >= START and r.end == r.start + HOUR for r in world.records)
    assert max(r.end for r in world.records) <= START + DAYS * DAY
    written = pages(world)
    assert len(written) == 6  # a week of 1h buckets a page, the API's maximum
    assert sum(len(page["data"]) for page in written) == DAYS * 24  # type: ignore[arg-type]


def test_pages_read_back_as_written(world: World) -> None:
    """Every key's tokens come back from the pages through leakward's reader (console use, billed
    to no key, is the reader's to set aside)."""
    written: Counter[str] = Counter()
    for record in world.records:
        if record.key_id:
            written[record.key_id] += _tokens(record)
    read: Counter[str] = Counter()
    for page in pages(world):
        for record in read_page(world.provider, page).records:
            if record.key_id:
                read[record.key_id] += _tokens(record)
    assert read == written


@pytest.mark.parametrize("provider", PROVIDERS)
def test_thefts_start_where_their_labels_say(provider: str) -> None:
    """Without its thieves the world is row for row the same up to each theft's first hour; in
    that hour the robbed key makes more requests, and nothing else differs on unrobbed keys."""
    robbed, clean = build_world(provider, 111), build_world(provider, 111, with_thefts=False)
    with_thief, without = _rows(robbed.records), _rows(clean.records)
    onset = {t.key_id: t.onset - t.onset % HOUR for t in robbed.thefts}
    for key in robbed.keys:
        mine, owners_only = with_thief[key.key_id], without[key.key_id]
        if key.key_id not in onset:
            assert mine == owners_only
            continue
        first = onset[key.key_id]
        assert [r for r in mine if r.start < first] == [r for r in owners_only if r.start < first]
        then = sum(r.requests or 0 for r in mine if r.start == first)
        before = sum(r.requests or 0 for r in owners_only if r.start == first)
        assert then > before, key.key_id


@pytest.mark.parametrize("provider", PROVIDERS)
def test_theft_sizes_are_shares_of_the_owners_ordinary_day(provider: str) -> None:
    keys, habits = owners(provider, 111)
    for theft, demand in plan_thefts(provider, 111, keys, habits):
        ordinary = ordinary_day(habits[theft.key_id].demand)
        assert theft.tokens_first_day == pytest.approx(DAY_SHARE[theft.size] * ordinary)
        first = (theft.onset - START) // HOUR
        window = range(first, first + 24 * theft.window_days)
        per_day = expected_tokens(demand, window) / theft.window_days
        # the opening probes of a checker come on top, a few hundred tokens at most
        assert per_day == pytest.approx(theft.tokens_first_day, rel=0.05), theft.kind


def test_clean_key_days_end_on_the_day_of_a_theft(world: World) -> None:
    theft = world.thefts[0]
    day = (theft.onset - START) // DAY
    assert not is_clean_day(world, theft.key_id, day)
    assert all(is_clean_day(world, theft.key_id, d) for d in range(JUDGED_START, day))
    untouched = next(k for k in world.keys if k.key_id not in {t.key_id for t in world.thefts})
    assert all(is_clean_day(world, untouched.key_id, d) for d in range(JUDGED_START, DAYS))
    assert not is_clean_day(world, untouched.key_id, JUDGED_START - 1)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_leakward_usage_analyze_reads_the_pages(provider: str, tmp_path: Path) -> None:
    """A slice of the world (a robbed key, three others, console use) through the command a
    user runs: it exits 0 or 1 and every alert names one of the slice's keys."""
    world = build_world(provider, 113)
    robbed = {t.key_id for t in world.thefts}
    others = [k.key_id for k in world.keys if k.key_id not in robbed][:3]
    chosen = {world.thefts[0].key_id, "", *others}
    records = [r for r in world.records if r.key_id in chosen]
    span = (START, START + DAYS * DAY)
    files = save_pages(write_pages(provider, records, span, "1h", 168), tmp_path, provider)
    output = tmp_path / "alerts.json"
    command = [sys.executable, "-m", "leakward", "usage", "analyze", "--provider", provider]
    command += ["--format", "json", "--output", str(output), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    alerts = json.loads(output.read_text(encoding="utf-8"))["alerts"]
    assert {a["key_id"] for a in alerts} <= chosen - {""}
