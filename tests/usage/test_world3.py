"""World 3's harness: the world is reproducible, its pages are what leakward reads, its labels
match the usage it injected, and its scoring counts hand-made alerts as the brief defines."""

from __future__ import annotations

import json
import math

import pytest

from bench.usage_blackbox3 import (
    DAY,
    Flag,
    _runs,
    calibrate_k,
    mean_std_flags,
    read_alerts,
    tally,
)
from bench.usage_world3 import (
    HOUR,
    JUDGED_DAYS,
    START,
    THIEVES,
    World,
    build_world,
    pages,
)
from leakward.usage.pages import parse_page, read_page

SMALL = {"keys": 14, "per_kind": 1}


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> World:
    return build_world(request.param, 7, **SMALL)


def test_a_seed_gives_the_same_world_and_another_seed_another(world: World) -> None:
    again = build_world(world.provider, 7, **SMALL)
    other = build_world(world.provider, 8, **SMALL)
    assert again.usage == world.usage
    assert again.thefts == world.thefts
    assert other.usage != world.usage


def test_every_kind_of_theft_is_injected_with_its_onset_in_the_judged_days(world: World) -> None:
    assert sorted(t.kind for t in world.thefts) == sorted(THIEVES)
    judged = START + (world.days - JUDGED_DAYS) * DAY
    for theft in world.thefts:
        assert judged <= theft.onset < theft.end <= START + world.days * DAY


def test_pages_parse_and_carry_every_token_of_the_world(world: World) -> None:
    written = pages(world)
    assert [p["has_more"] for p in written] == [True] * (len(written) - 1) + [False]
    records = [r for p in written for r in parse_page(world.provider, json.dumps(p)).records]
    assert len(records) == len(world.usage)
    for record in records:
        counts = world.usage[record.key_id, (record.start - START) // HOUR, str(record.model)]
        assert record.end - record.start == HOUR
        assert record.output_tokens == counts[4]
        assert record.input_tokens == counts[1]
        assert record.cached_input_tokens == counts[2] + counts[3]
        assert record.requests == (counts[0] if world.provider == "openai" else None)
    # the playground's usage by no key is present and counted, never given to a key
    assert sum(read_page(world.provider, p).unattributed for p in written) > 0


def test_labels_line_up_with_the_usage_the_thieves_added(world: World) -> None:
    clean = build_world(world.provider, 7, is_robbed=False, **SMALL)
    assert clean.thefts == ()
    added: dict[str, list[int]] = {}
    for where, counts in world.usage.items():
        before = clean.usage.get(where, (0, 0, 0, 0, 0))
        if counts != before:
            diff = tuple(a - b for a, b in zip(counts, before, strict=True))
            assert diff == world.theft_usage[where], where
            added.setdefault(where[0], []).append(where[1])
    assert len(added) == len(world.thefts)
    for theft in world.thefts:
        hours = added[theft.key_id]
        assert START + min(hours) * HOUR == theft.onset
        assert START + (max(hours) + 1) * HOUR == theft.end


def _theft_and_clean_key(world: World) -> tuple[str, int, str]:
    theft = world.thefts[0]
    robbed = {t.key_id for t in world.thefts}
    clean = next(k.key_id for k in world.keys if k.key_id not in robbed)
    return theft.key_id, theft.onset, clean


def test_an_alert_within_six_hours_of_onset_catches_the_theft(world: World) -> None:
    key, onset, _ = _theft_and_clean_key(world)
    hit = tally([Flag(key, onset + 6 * HOUR, onset + 7 * HOUR, 3.0)], world)
    assert [t.key_id for t in hit.caught] == [key]
    assert hit.flagged_days == 0


@pytest.mark.parametrize(
    ("shift", "length", "on_clean_key"),
    [
        pytest.param(7 * HOUR, HOUR, False, id="late"),
        pytest.param(-3 * HOUR, 3 * HOUR, False, id="ended-at-onset"),
        pytest.param(0, HOUR, True, id="wrong-key"),
    ],
)
def test_a_late_early_or_misplaced_alert_catches_nothing(
    world: World, shift: int, length: int, on_clean_key: bool
) -> None:
    key, onset, clean = _theft_and_clean_key(world)
    flag = Flag(clean if on_clean_key else key, onset + shift, onset + shift + length, 3.0)
    result = tally([flag], world)
    assert key in {t.key_id for t in result.missed}
    assert key not in {t.key_id for t in result.caught}


def test_an_alert_on_a_clean_key_flags_each_day_it_covers_once(world: World) -> None:
    _, _, clean = _theft_and_clean_key(world)
    day = START + (world.days - 2) * DAY
    base = tally([], world)
    one = tally([Flag(clean, day + 23 * HOUR, day + DAY, 1.0)], world)
    two = tally([Flag(clean, day + 23 * HOUR, day + DAY + HOUR, 1.0)], world)
    history = tally([Flag(clean, START, START + DAY, 1.0)], world)  # not a judged day
    assert (base.flagged_days, one.flagged_days, two.flagged_days) == (0, 1, 2)
    assert history.flagged_days == 0
    assert base.clean_days == one.clean_days
    archetype = next(k.archetype for k in world.keys if k.key_id == clean)
    assert [(row[0], row[2]) for row in two.by_archetype if row[2]] == [(archetype, 2)]
    assert sum(row[1] for row in two.by_archetype) == two.clean_days


def test_days_from_a_thefts_onset_on_are_not_clean(world: World) -> None:
    key, onset, _ = _theft_and_clean_key(world)
    on_theft_day = tally([Flag(key, onset, onset + HOUR, 1.0)], world)
    robbed = {t.key_id for t in world.thefts}
    free_days = (len(world.keys) - len(robbed)) * JUDGED_DAYS
    assert on_theft_day.flagged_days == 0
    assert free_days < on_theft_day.clean_days < len(world.keys) * JUDGED_DAYS


def test_alert_times_are_read_as_epoch_seconds_or_iso() -> None:
    text = (
        '{"alerts": [{"key_id": "key_a", "start": 1788220800, "end": "2026-09-01T01:00:00Z",'
        ' "score": 2.5, "reason": "r", "provider": "openai"}]}'
    )
    assert read_alerts(text) == [Flag("key_a", 1788220800, 1788220800 + HOUR, 2.5)]


def test_consecutive_hours_over_the_limit_make_one_alert() -> None:
    flags = _runs("key_a", [0, 9, 9, 0, 9, 0], 1, 5)
    assert [(f.start - START, f.end - START) for f in flags] == [
        (HOUR, 3 * HOUR),
        (4 * HOUR, 5 * HOUR),
    ]


def test_mean_std_is_calibrated_to_the_clean_day_budget(world: World) -> None:
    k = calibrate_k(world)
    assert math.isfinite(k)
    at_k = tally(mean_std_flags(world, k), world)
    just_below = tally(mean_std_flags(world, k - 1e-6), world)
    assert at_k.flagged_days <= 0.01 * at_k.clean_days < just_below.flagged_days
