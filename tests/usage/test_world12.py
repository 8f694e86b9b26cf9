"""World 12 (issue #20's twelfth blind world) holds what its docstrings promise.

Deterministic per seed; its pages fit the providers' published usage specs; thirty thefts a
world, one a key, ten kinds at three sizes, first requests in the judged weeks; each theft kind
shows in its first 6 h in a named way (`usage_world12_signs`) while most clean key-days do not;
and the season's events land on their dates.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from bench import usage_world12 as world12
from bench import usage_world12_roster as roster
from bench.usage_world12_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED_DAYS,
    MODELS,
    RELEASED,
    START,
    day_of,
)
from bench.usage_world12_signs import History, hours_by_key, signs
from bench.usage_world12_thieves import KINDS, SIZES

SPECS = Path(__file__).resolve().parent.parent / "contracts" / "specs"
RESPONSE = {
    "openai": ("openai_usage", "UsageResponse"),
    "anthropic": ("anthropic_usage", "MessagesUsageReport"),
}
SEED = world12.SEEDS[0]


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> world12.World:
    return world12.build_world(request.param, SEED)


def validator(provider: str) -> Draft202012Validator:
    spec, schema = RESPONSE[provider]
    document = yaml.safe_load((SPECS / f"{spec}.yaml").read_text(encoding="utf-8"))
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    return Draft202012Validator(root)


def test_a_seed_builds_the_same_world_twice_and_another_seed_another() -> None:
    first, again = (world12.build_world("openai", SEED) for _ in range(2))
    assert first == again
    other = world12.build_world("openai", SEED + 1)
    assert other.records != first.records
    assert {t.key_id for t in other.thefts} != {t.key_id for t in first.thefts}


def test_pages_fit_the_published_spec_and_cover_the_season(world: world12.World) -> None:
    check = validator(world.provider)
    pages = world12.pages(world)
    sample = [*pages[::8], pages[-1]]  # a page a week and the last (the schema check is slow)
    problems = [e.message for page in sample for e in check.iter_errors(page)]
    assert not problems, problems[:5]
    buckets = [b for page in pages for b in page["data"]]  # type: ignore[attr-defined]
    assert len(buckets) == DAYS * 24  # empty hours are listed too
    assert [p["has_more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    broken = json.loads(json.dumps(pages[0]))
    del broken["has_more"]
    assert list(check.iter_errors(broken)), "the check must be able to fail"


def test_one_record_per_key_model_and_hour(world: world12.World) -> None:
    groups = Counter((r.key_id, r.model, r.start) for r in world.records)
    assert groups.most_common(1)[0][1] == 1
    assert all(r.start % HOUR == 0 and START <= r.start < START + DAYS * DAY for r in world.records)
    assert any(r.key_id == "" for r in world.records)  # console use with no key


def test_thirty_thefts_one_a_key_every_kind_and_size_in_the_judged_weeks(
    world: world12.World,
) -> None:
    assert sorted((t.kind, t.size) for t in world.thefts) == sorted(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts) == 30
    judged = START + (DAYS - JUDGED_DAYS) * DAY
    assert all(judged <= t.onset < START + (DAYS - 1) * DAY for t in world.thefts)
    assert all(t.daily >= 200_000 for t in world.thefts)
    owned = {r.key_id for r in world.records if r.start < judged}
    assert {t.key_id for t in world.thefts} <= owned  # robbed keys have a history


def test_each_theft_kind_shows_in_its_first_six_hours_in_a_named_way(
    world: world12.World,
) -> None:
    series = hours_by_key(world.records)
    found: dict[tuple[str, str], set[str]] = {}
    for theft in world.thefts:
        first = (theft.onset - START) // HOUR
        history = History.of(series[theft.key_id])
        found[theft.kind, theft.size] = signs(
            history, series[theft.key_id], first, first + 6, world.provider == "openai"
        )
    blind = [pair for pair, named in found.items() if not named]
    assert len(blind) <= 2, blind  # a small theft spread thin over a big key may hide
    for kind in KINDS:
        assert sum(bool(found[kind, size]) for size in SIZES) >= 2, kind


def test_most_clean_key_days_show_no_sign(world: world12.World) -> None:
    series = hours_by_key(world.records)
    shown = []
    for key in world.keys:
        history = History.of(series[key.key_id])
        for day in range(DAYS - JUDGED_DAYS, DAYS):
            if world12.is_clean_day(world, key.key_id, day):
                named = signs(history, series[key.key_id], day * 24, day * 24 + 24, True)
                shown.append(bool(named))
    assert len(shown) > 800
    assert sum(shown) < 0.45 * len(shown)


def test_a_robbed_key_is_clean_only_before_its_theft_day(world: world12.World) -> None:
    theft = world.thefts[0]
    day = (theft.onset - START) // DAY
    assert world12.is_clean_day(world, theft.key_id, day - 1)
    assert not world12.is_clean_day(world, theft.key_id, day)


def _key(world: world12.World, archetype: str, zone: str | None = None) -> roster.Key:
    """A key of the kind (in the zone) with no theft where there is one, so its tokens are
    the owner's."""
    robbed = {t.key_id for t in world.thefts}
    keys = [k for k in world.keys if k.archetype == archetype and zone in (None, k.zone)]
    return min(keys, key=lambda k: k.key_id in robbed)


def _tokens_on(world: world12.World, key: roster.Key, when: date) -> int:
    day = day_of(when)
    return sum(
        r.tokens
        for r in world.records
        if r.key_id == key.key_id and day * DAY <= r.start - START < (day + 1) * DAY
    )


def test_the_season_lands_on_its_dates(world: world12.World) -> None:
    gaokao = _key(world, "gaokao_tutor")
    assert _tokens_on(world, gaokao, date(2025, 6, 7)) < 0.3 * _tokens_on(
        world, gaokao, date(2025, 6, 5)
    )
    assert world12.events(world, _key(world, "hajj_companion"), day_of(date(2025, 6, 5))) == (
        "hajj",
        "arafah",
    )
    seoul = _key(world, "election_desk", "Asia/Seoul")
    assert "election_night" in world12.events(world, seoul, day_of(date(2025, 6, 3)))
    ipl = _key(world, "ipl_commentary")
    assert _tokens_on(world, ipl, date(2025, 6, 6)) < 0.2 * _tokens_on(world, ipl, date(2025, 6, 3))
    chaser = _key(world, "model_chaser")
    models = {r.model for r in world.records if r.key_id == chaser.key_id}
    newest = MODELS[world.provider]["next"]
    assert newest in models


def test_no_model_is_called_before_its_release(world: world12.World) -> None:
    early = [r.model for r in world.records if r.start < START + RELEASED.get(r.model, 0) * DAY]
    assert not early
    assert any(r.model == MODELS[world.provider]["dear"] for r in world.records)
