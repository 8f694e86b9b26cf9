"""World 5 (bench/usage_world5*.py) is consistent: its pages read back through leakward's page
reader to the usage it generated, its labels match its pages, and it is the same world for the
same seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.usage_blackbox3 import Flag
from bench.usage_blackbox5 import KIT
from bench.usage_blackbox_calendar import calibrate_k, mean_std_flags, score
from bench.usage_world5 import (
    World,
    build_world,
    is_clean_day,
    labels,
    pages,
    write_world,
)
from bench.usage_world5_base import DAY, HOUR, HOURS, JUDGED, MODELS, START, local_hours
from bench.usage_world5_thieves import KINDS, SIZES
from leakward.usage.pages import parse_page, read_page
from leakward.usage.records import UsageRecord

SEED = 61


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return build_world(request.param, SEED)


def _tokens(record: UsageRecord) -> int:
    return record.input_tokens + record.cached_input_tokens + record.output_tokens


def test_every_page_reads_back_to_the_records_the_world_made(world: World) -> None:
    read: list[UsageRecord] = []
    unattributed = 0
    for page in pages(world):
        got = read_page(world.provider, page)
        read += got.records
        unattributed += got.unattributed
    keyed = [r for r in world.records if r.key_id]
    assert len(read) == len(keyed)
    assert unattributed == len(world.records) - len(keyed) > 0
    assert sum(map(_tokens, read)) == sum(map(_tokens, keyed))
    assert {r.key_id for r in read} == {k.key_id for k in world.keys}
    if world.provider == "openai":
        assert sum(r.requests or 0 for r in read) == sum(r.requests or 0 for r in keyed)
    else:  # Anthropic's usage report counts no requests
        assert all(r.requests is None for r in read)


def test_written_files_are_the_json_pages_the_reader_takes(world: World, tmp_path: Path) -> None:
    files = write_world(world, tmp_path)
    assert len(files) == 6  # 42 days of 1h buckets at 168 a page
    pages_read = [parse_page(world.provider, f.read_bytes()) for f in files]
    assert [p.has_more for p in pages_read] == [True] * 5 + [False]
    assert sum(len(p.records) for p in pages_read) == sum(1 for r in world.records if r.key_id)


def test_each_theft_kind_comes_in_each_size_once_on_its_own_key(world: World) -> None:
    assert Counter((t.kind, t.size) for t in world.thefts) == Counter(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)


def test_onsets_fall_in_the_judged_weeks_at_least_half_a_day_before_the_end(world: World) -> None:
    for theft in world.thefts:
        assert START + JUDGED.start * DAY <= theft.onset <= START + HOURS * HOUR - 11 * HOUR


def test_the_stolen_usage_starts_in_the_onset_bucket_and_is_in_the_pages(world: World) -> None:
    on_pages: dict[tuple[str, int, str | None], int] = Counter()
    for record in world.records:
        on_pages[(record.key_id, record.start, record.model)] += _tokens(record)
    for theft in world.thefts:
        cells = world.stolen[theft.key_id].cells
        first = (theft.onset - START) // HOUR
        assert min(hour for hour, _ in cells) == first, theft.kind
        for (hour, model), cell in cells.items():
            if hour not in world.outage:
                assert on_pages[(theft.key_id, START + hour * HOUR, model)] >= sum(cell[1:])


def test_a_weekend_raid_starts_on_a_saturday_where_its_owner_lives(world: World) -> None:
    owners = {k.key_id: k.owner for k in world.keys}
    for theft in (t for t in world.thefts if t.kind == "weekend_raid"):
        local = local_hours(owners[theft.key_id].zone)[(theft.onset - START) // HOUR]
        assert local.weekday == 5


def test_the_cheap_scraper_uses_a_small_model_and_the_spammer_writes_more_than_it_reads(
    world: World,
) -> None:
    cheap = {MODELS[world.provider]["nano"], MODELS[world.provider]["small"]}
    for theft in world.thefts:
        cells = world.stolen[theft.key_id].cells
        if theft.kind == "nano_scrape":
            assert {model for _, model in cells} <= cheap
        if theft.kind == "spam_writer":
            assert sum(c[3] for c in cells.values()) > sum(c[1] + c[2] for c in cells.values())


def test_nothing_is_used_while_the_provider_is_down(world: World) -> None:
    down = {START + h * HOUR for h in world.outage}
    assert len(down) == 4
    assert not [r for r in world.records if r.start in down and r.key_id]


def test_clean_days_end_before_the_theft_begins(world: World) -> None:
    theft = world.thefts[0]
    day = (theft.onset - START) // DAY
    assert not is_clean_day(world, theft.key_id, day)
    assert all(is_clean_day(world, theft.key_id, d) for d in range(JUDGED.start, day))
    unrobbed = next(k for k in world.keys if k.key_id not in world.stolen)
    assert all(is_clean_day(world, unrobbed.key_id, d) for d in JUDGED)
    assert not is_clean_day(world, unrobbed.key_id, JUDGED.start - 1)


def test_the_same_seed_builds_the_same_world_and_another_seed_another() -> None:
    first, again = build_world("anthropic", 62), build_world("anthropic", 62)
    assert first.records == again.records
    assert first.thefts == again.thefts
    other = build_world("anthropic", 63)
    assert other.records != first.records
    assert {k.key_id for k in other.keys}.isdisjoint(k.key_id for k in first.keys)


def test_labels_name_every_key_and_theft_and_survive_json(world: World) -> None:
    document = json.loads(json.dumps(labels(world)))
    assert len(document["keys"]) == 80
    assert {t["key_id"] for t in document["thefts"]} <= {k["key_id"] for k in document["keys"]}
    assert sum(1 for k in document["keys"] if k["events"]) > 40


def test_the_score_counts_an_alert_within_six_hours_and_the_clean_days_it_touches(
    world: World,
) -> None:
    theft = world.thefts[0]
    on_time = Flag(theft.key_id, theft.onset + 5 * HOUR, theft.onset + 6 * HOUR, 3.0)
    late = Flag(theft.key_id, theft.onset + 7 * HOUR, theft.onset + 8 * HOUR, 3.0)
    assert len(score(KIT, [on_time], world).caught) == 1
    assert len(score(KIT, [late], world).caught) == 0
    clean = next(k for k in world.keys if k.key_id not in world.stolen)
    day_start = START + JUDGED.start * DAY
    days = score(KIT, [Flag(clean.key_id, day_start - HOUR, day_start + HOUR, 1.0)], world).days
    assert sum(flagged for _, flagged, _ in days) == 1
    assert len(days) == 80 * 14 - sum(
        sum(1 for d in JUDGED if not is_clean_day(world, t.key_id, d)) for t in world.thefts
    )


def _requests_by_local_hour(world: World, key: str, days: range) -> Counter[int]:
    zone = next(k.owner.zone for k in world.keys if k.key_id == key)
    local = local_hours(zone)
    out: Counter[int] = Counter()
    for record in world.records:
        hour = (record.start - START) // HOUR
        if record.key_id == key and local[hour].index in days:
            out[local[hour].hour] += record.requests or 0
    return out


def test_a_ramadan_app_wakes_for_suhoor_in_ramadan_and_not_before() -> None:
    world = build_world("openai", SEED)  # OpenAI pages count requests
    for key in (k for k in world.keys if k.archetype == "ramadan_companion"):
        before = _requests_by_local_hour(world, key.key_id, range(0, 8))  # 9-16 Feb
        during = _requests_by_local_hour(world, key.key_id, range(12, 28))  # 21 Feb - 8 Mar
        assert during[4] / sum(during.values()) > 3 * before[4] / sum(before.values())


def test_a_hackathon_keeps_a_weekday_key_busy_through_its_saturday_night() -> None:
    seen = 0
    for provider in ("openai", "anthropic"):
        world = build_world(provider, SEED)
        for key in world.keys:
            days = [d for d, e in key.events if e == "hackathon"]
            if not days or key.key_id in world.stolen:
                continue
            hack = min(days)  # the Saturday: it starts at 09:00 Los Angeles, 16:00 UTC
            seen += 1
            night = _requests_by_local_hour(world, key.key_id, range(hack + 1, hack + 2))
            other = _requests_by_local_hour(world, key.key_id, range(hack - 7, hack - 5))
            if provider == "openai":
                assert sum(night[h] for h in range(1, 6)) > 0
            assert not other  # the weekend before, the key was idle
    assert seen > 0


def test_the_world_does_not_depend_on_the_interpreter_s_hash_seed() -> None:
    """Set order must not leak into the draws: two processes, two hash seeds, one world."""
    code = (
        "import hashlib; from bench.usage_world5 import build_world; "
        "w = build_world('openai', 62); "
        "print(hashlib.sha256(repr((w.records, w.thefts)).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_the_mean_std_reference_keeps_to_its_budget_on_its_calibration_world() -> None:
    world = build_world("anthropic", 69)
    k = calibrate_k(KIT, world)
    days = score(KIT, mean_std_flags(KIT, world, k), world).days
    flagged = sum(f for _, f, _ in days)
    assert 0 < flagged <= 0.01 * len(days)
    looser = score(KIT, mean_std_flags(KIT, world, k * 0.5), world).days
    assert sum(f for _, f, _ in looser) > flagged
