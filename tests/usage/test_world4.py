"""World 4 (bench/usage_world4*): deterministic per seed, labels that agree with its pages, and
pages that leakward's CLI reads. Nothing here looks at the model's score: that is a benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.usage_page_writer import write_pages
from bench.usage_world4 import UNROBBED, World, build_world, labels, pages, write_world
from bench.usage_world4_base import HOUR, HOURS, JUDGED_FROM, START, clock
from bench.usage_world4_thieves import KINDS, SIZES
from leakward.usage.pages import read_page


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return build_world(request.param, 51)


def tokens_read_back(world: World) -> dict[tuple[str, int, str | None], int]:
    """Tokens per (key, hour, model) as leakward's page reader sees the written pages."""
    out: dict[tuple[str, int, str | None], int] = defaultdict(int)
    for page in pages(world):
        for r in read_page(world.provider, page).records:
            hour = (r.start - START) // HOUR
            out[(r.key_id, hour, r.model)] += (
                r.input_tokens + r.cached_input_tokens + r.output_tokens
            )
    return out


def test_a_seed_gives_the_same_world_and_another_seed_another(world: World) -> None:
    again = build_world(world.provider, 51)
    assert again.records == world.records
    assert again.thefts == world.thefts
    other = build_world(world.provider, 52)
    assert other.records != world.records
    assert {k.key_id for k in other.keys}.isdisjoint(k.key_id for k in world.keys)


def test_every_kind_and_size_is_stolen_once_in_the_judged_days_on_a_fitting_key(
    world: World,
) -> None:
    archetype = {k.key_id: k.archetype for k in world.keys}
    assert sorted((t.kind, t.size) for t in world.thefts) == sorted(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts)
    for theft in world.thefts:
        assert START + JUDGED_FROM * HOUR <= theft.onset < theft.end <= START + HOURS * HOUR
        is_dormant = archetype[theft.key_id] == "dormant_demo"
        assert is_dormant == (theft.kind == "dormant_wake")
        assert archetype[theft.key_id] not in UNROBBED - {"dormant_demo"}


def test_the_thiefs_usage_is_in_the_pages_from_onset_to_end(world: World) -> None:
    seen = tokens_read_back(world)
    for theft in world.thefts:
        stolen = world.stolen[theft.key_id]
        used = sorted(hour for (hour, _), cell in stolen.items() if cell[0] > 0)
        assert START + used[0] * HOUR == theft.onset
        assert START + (used[-1] + 1) * HOUR == theft.end
        for (hour, model), cell in stolen.items():
            # the owner's use adds to the thief's in the same bucket, never hides it
            assert seen[(theft.key_id, hour, model)] >= cell[1] + cell[2] + cell[3] > 0


def test_labels_mark_key_days_clean_only_before_a_thefts_day(world: World, tmp_path: Path) -> None:
    write_world(world, tmp_path)
    written = json.loads((tmp_path / "labels.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(labels(world)))
    onsets = {t.key_id: t.onset for t in world.thefts}
    for row in written["keys"]:
        days = row["clean_days"]
        if row["key_id"] not in onsets:
            assert all(days)
            assert row["theft"] is None
            continue
        onset_day = (onsets[row["key_id"]] - START) // (24 * HOUR)
        assert days == [d < onset_day for d in range(len(days))]
        assert row["theft"]["onset"] == onsets[row["key_id"]]


def test_a_rotated_key_is_unused_before_its_successor_takes_over(world: World) -> None:
    first_use: dict[str, int] = {}
    for r in world.records:
        first_use[r.key_id] = min(first_use.get(r.key_id, r.start), r.start)
    keys = [k for k in world.keys if k.archetype.startswith("rotated_")]
    assert len(keys) == 8
    for old, new in zip(keys[::2], keys[1::2], strict=True):
        turn = int(new.note.split()[-1])
        assert old.note == new.note
        assert first_use[new.key_id] >= START + turn * 24 * HOUR > first_use[old.key_id]


def test_provider_outages_empty_every_key_for_their_hours(world: World) -> None:
    per_hour = [0] * HOURS
    for r in world.records:
        per_hour[(r.start - START) // HOUR] += r.input_tokens + r.output_tokens
    for first, last in world.outages:
        for hour in range(first, last):
            usual = per_hour[hour - 168] if hour >= 168 else per_hour[hour + 168]
            assert per_hour[hour] < 0.2 * usual


def test_the_clock_follows_each_zones_daylight_saving() -> None:
    def hour_at(zone: str, when: datetime) -> int:
        return clock(zone)[(int(when.timestamp()) - START) // HOUR].hour

    noon = (datetime(2026, 10, 24, 12, tzinfo=UTC), datetime(2026, 10, 26, 12, tzinfo=UTC))
    assert [hour_at("Europe/Berlin", t) for t in noon] == [14, 13]
    later = (datetime(2026, 10, 31, 12, tzinfo=UTC), datetime(2026, 11, 2, 12, tzinfo=UTC))
    assert [hour_at("America/New_York", t) for t in later] == [8, 7]
    assert [hour_at("Asia/Tokyo", t) for t in later] == [21, 21]


def test_leakward_reads_the_pages_through_its_cli(world: World, tmp_path: Path) -> None:
    # three keys, one of them robbed, keep the run short; every page of the span is still written
    robbed = world.thefts[0].key_id
    kept = {robbed, *(k.key_id for k in world.keys[:2])}
    span = (START, START + HOURS * HOUR)
    files = []
    records = [r for r in world.records if r.key_id in kept or not r.key_id]
    for i, page in enumerate(write_pages(world.provider, records, span, "1h", 168)):
        files.append(tmp_path / f"page-{i}.json")
        files[-1].write_text(json.dumps(page), encoding="utf-8")
    output = tmp_path / "alerts.json"
    command = [str(Path(sys.executable).parent / "leakward"), "usage", "analyze"]
    command += ["--provider", world.provider, "--format", "json", "--output", str(output)]
    done = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode in (0, 1), done.stderr
    alerts = json.loads(output.read_text(encoding="utf-8"))["alerts"]
    assert {a["key_id"] for a in alerts} <= kept
    for alert in alerts:
        assert alert["provider"] == world.provider
        assert {"start", "end", "score", "reason"} <= alert.keys()
    assert "Traceback" not in done.stderr
