"""World 13 (issue #20's thirteenth blind world) holds what its docstrings promise, and its
harness scores by the calendar scorer's rules.

Deterministic per seed; its pages fit the providers' published usage specs; thirty thefts a
world, one a key, ten kinds at three sizes, first requests in the judged weeks; each theft kind
shows in its first 6 h in a named way (`usage_world13_signs`) while most clean key-days do not;
the season's events land on their dates; and the harness catches a theft by an alert starting
up to 6 h after onset and no later.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from bench import usage_world13 as world13
from bench.usage_blackbox3 import Flag
from bench.usage_blackbox13 import KIT
from bench.usage_blackbox_calendar import score
from bench.usage_world13_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED_DAYS,
    MODELS,
    RELEASED,
    START,
    day_of,
    local,
)
from bench.usage_world13_roster import Key
from bench.usage_world13_signs import History, hours_by_key, signs
from bench.usage_world13_thieves import KINDS, SIZES

SPECS = Path(__file__).resolve().parent.parent / "contracts" / "specs"
RESPONSE = {
    "openai": ("openai_usage", "UsageResponse"),
    "anthropic": ("anthropic_usage", "MessagesUsageReport"),
}
SEED = world13.SEEDS[0]


@pytest.fixture(scope="module", params=["openai", "anthropic"])
def world(request: pytest.FixtureRequest) -> world13.World:
    return world13.build_world(request.param, SEED)


def validator(provider: str) -> Draft202012Validator:
    spec, schema = RESPONSE[provider]
    document = yaml.safe_load((SPECS / f"{spec}.yaml").read_text(encoding="utf-8"))
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    return Draft202012Validator(root)


def test_a_seed_builds_the_same_world_twice_and_another_seed_another() -> None:
    first, again = (world13.build_world("anthropic", SEED) for _ in range(2))
    assert first == again
    other = world13.build_world("anthropic", SEED + 1)
    assert other.records != first.records
    assert {t.key_id for t in other.thefts} != {t.key_id for t in first.thefts}


def test_pages_fit_the_published_spec_and_cover_the_season(world: world13.World) -> None:
    check = validator(world.provider)
    pages = world13.pages(world)
    problems = [e.message for page in (pages[0], pages[-1]) for e in check.iter_errors(page)]
    assert not problems, problems[:5]
    buckets = [b for page in pages for b in page["data"]]  # type: ignore[attr-defined]
    assert len(buckets) == DAYS * 24  # empty hours are listed too
    assert len(pages) == DAYS // 7  # a week a page
    assert [p["has_more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    broken = json.loads(json.dumps(pages[0]))
    del broken["has_more"]
    assert list(check.iter_errors(broken)), "the check must be able to fail"


def test_one_record_per_key_model_and_hour(world: world13.World) -> None:
    groups = Counter((r.key_id, r.model, r.start) for r in world.records)
    assert groups.most_common(1)[0][1] == 1
    assert all(r.start % HOUR == 0 and START <= r.start < START + DAYS * DAY for r in world.records)
    assert all(r.requests > 0 and r.input_tokens > 0 for r in world.records)
    assert any(r.key_id == "" for r in world.records)  # console use with no key
    assert len(world.keys) == 84


def test_thirty_thefts_one_a_key_every_kind_and_size_in_the_judged_weeks(
    world: world13.World,
) -> None:
    assert sorted((t.kind, t.size) for t in world.thefts) == sorted(
        (k, s) for k in KINDS for s in SIZES
    )
    assert len({t.key_id for t in world.thefts}) == len(world.thefts) == 30
    judged = START + (DAYS - JUDGED_DAYS) * DAY
    assert all(judged <= t.onset < START + (DAYS - 1) * DAY for t in world.thefts)
    assert all(t.daily >= 200_000 for t in world.thefts)
    owned = {r.key_id for r in world.records if r.start < judged}
    virgin = {t.key_id for t in world.thefts if t.kind == "virgin_raid"}
    assert {t.key_id for t in world.thefts} - virgin <= owned  # robbed keys have a history
    assert not virgin & owned  # but a spare one never used before


def test_each_theft_kind_shows_in_its_first_six_hours_in_a_named_way(
    world: world13.World,
) -> None:
    series = hours_by_key(world.records)
    zone = {k.key_id: k.zone for k in world.keys}
    found: dict[tuple[str, str], set[str]] = {}
    for theft in world.thefts:
        first = (theft.onset - START) // HOUR
        hours = series[theft.key_id]
        found[theft.kind, theft.size] = signs(
            History.of(hours),
            hours,
            first,
            first + 6,
            zone[theft.key_id],
            world.provider == "openai",
        )
    blind = [pair for pair, named in found.items() if not named]
    assert len(blind) <= 3, blind  # a small theft spread thin over a big key may hide
    for kind in KINDS:
        assert sum(bool(found[kind, size]) for size in SIZES) >= 2, kind


def test_most_clean_key_days_show_no_sign(world: world13.World) -> None:
    series = hours_by_key(world.records)
    shown = []
    for key in world.keys:
        if key.key_id not in series:
            continue
        hours = series[key.key_id]
        history = History.of(hours)
        for day in range(DAYS - JUDGED_DAYS, DAYS):
            if world13.is_clean_day(world, key.key_id, day):
                named = set().union(
                    *(
                        signs(history, hours, h, h + 6, key.zone, True)
                        for h in range(day * 24, day * 24 + 24, 6)
                    )
                )
                shown.append(bool(named))
    assert len(shown) > 800
    assert sum(shown) < 0.45 * len(shown)


def test_clean_days_are_those_a_key_lived_before_its_theft(world: world13.World) -> None:
    theft = world.thefts[0]
    day = (theft.onset - START) // DAY
    assert world13.is_clean_day(world, theft.key_id, day - 1)
    assert not world13.is_clean_day(world, theft.key_id, day)
    rotated = [k for k in world.keys if k.archetype == "rotating_office"]
    old = next(k for k in rotated if k.retired is not None and k.retired >= DAYS - JUDGED_DAYS)
    new = next(k for k in rotated if k.issued == old.retired)
    assert world13.is_clean_day(world, old.key_id, old.retired)
    assert not world13.is_clean_day(world, old.key_id, old.retired + 1)
    assert not world13.is_clean_day(world, new.key_id, new.issued - 1)
    assert not any(
        r.key_id == old.key_id and r.start >= START + (old.retired + 1) * DAY for r in world.records
    )


def _key(world: world13.World, archetype: str, zone: str | None = None) -> Key:
    """A key of the kind (in the zone), unrobbed where one is, so its tokens are the owner's."""
    robbed = {t.key_id for t in world.thefts}
    keys = [k for k in world.keys if k.archetype == archetype and zone in (None, k.zone)]
    return min(keys, key=lambda k: k.key_id in robbed)


def _tokens(world: world13.World, key: Key, first: date, last: date | None = None) -> int:
    days = range(day_of(first), day_of(last or first) + 1)
    return sum(
        r.tokens
        for r in world.records
        if r.key_id == key.key_id and (r.start - START) // DAY in days
    )


def test_the_season_lands_on_its_dates(world: world13.World) -> None:
    tax = _key(world, "tax_season_firm")
    assert _tokens(world, tax, date(2025, 1, 13), date(2025, 1, 17)) < 0.5 * _tokens(
        world, tax, date(2025, 2, 10), date(2025, 2, 14)
    )
    shop = _key(world, "lunar_shop")
    assert _tokens(world, shop, date(2025, 1, 30)) < 0.2 * _tokens(world, shop, date(2025, 1, 23))
    berlin = _key(world, "election_newsroom", "Europe/Berlin")
    assert "election_night" in world13.events(world, berlin, day_of(date(2025, 2, 23)))
    ramadan = _key(world, "ramadan_companion")
    suhoor = Counter[int]()
    for r in world.records:
        hour = (r.start - START) // HOUR
        if r.key_id == ramadan.key_id and 2 <= local(hour, ramadan.zone).hour < 5:
            suhoor[local(hour, ramadan.zone).date().toordinal()] += r.tokens
    first = date(2025, 3, 1).toordinal()
    before = max(n for day, n in suhoor.items() if day < first - 1)
    assert suhoor[first] > 5 * before  # up before dawn only from 1 March
    sydney = _key(world, "university_term", "Australia/Sydney")
    assert _tokens(world, sydney, date(2025, 2, 10)) < 0.2 * _tokens(
        world, sydney, date(2025, 2, 25)
    )


def test_no_model_is_called_before_its_release(world: world13.World) -> None:
    early = [r.model for r in world.records if r.start < START + RELEASED.get(r.model, 0) * DAY]
    assert not early
    assert any(r.model == MODELS[world.provider]["newest"] for r in world.records)
    assert any(r.model == MODELS[world.provider]["dear"] for r in world.records)


def test_the_harness_catches_within_six_hours_and_counts_flagged_clean_days(
    world: world13.World,
) -> None:
    theft = world.thefts[0]
    at = theft.onset + 6 * HOUR
    caught = score(KIT, [Flag(theft.key_id, at, at + HOUR, 3.0)], world)
    late = score(KIT, [Flag(theft.key_id, at + 60, at + HOUR, 3.0)], world)
    assert len(caught.caught) == 1
    assert len(late.caught) == 0
    assert len(caught.caught) + len(caught.missed) == 30
    clean = next(k for k in world.keys if k.key_id not in {t.key_id for t in world.thefts})
    first = START + (DAYS - 2) * DAY + 5 * HOUR
    flagged = score(KIT, [Flag(clean.key_id, first, first + HOUR, 1.0)], world)
    assert sum(f for _, f, _ in flagged.days) == 1
    assert sum(f for _, f, _ in score(KIT, [], world).days) == 0
    assert KIT.judged == range(DAYS - JUDGED_DAYS, DAYS)


def test_the_harness_passes_every_key_s_issue_date_as_the_registry_holds_it(
    world: world13.World,
) -> None:
    # `leakward watch` reads issue dates from the registry; without them a spare key's theft
    # is a key's first use, which no model can tell from a launch.
    assert KIT.issued is world13.issued
    issued = world13.issued(world)
    assert set(issued) == {key.key_id for key in world.keys}
    spares = [key for key in world.keys if key.archetype == "spare_key"]
    assert spares
    assert all(issued[key.key_id] == START for key in spares)
    later = [key for key in world.keys if key.issued > 0]
    assert all(issued[key.key_id] == START + key.issued * DAY for key in later)
