"""World 6: mid-year usage of 85 keys a provider, with 24 thefts, in the providers' page formats.

Stage: benchmark (usage watch, issue #20), written blind to the usage model and to worlds 1-5 as
the next unseen test. 1 June to 12 July 2026, the last 14 days judged. Owners: an e-commerce RAG
chatbot, a document OCR pipeline for Australian and New Zealand accountants, a translation
reseller, scheduled reports, a Latin American voice agent, a World Cup assistant, agentic
workflows, an engineer away on holiday, labelling jobs, a fine-tune/eval team, a Brazilian
university course and keys shared by CI runners (one of which its owner rotates in the judged
weeks, so a new key appears). Thieves: `usage_world6_thieves`, eight kinds × three sizes.

    .venv/bin/python -m bench.usage_world6 --seed 71 --provider openai OUTDIR
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.usage_page_writer import save_pages
from bench.usage_page_writer import write_pages as page_writer
from bench.usage_world6_base import (
    DAY,
    DAYS,
    HOUR,
    HOURS,
    JUDGED,
    JUDGED_DAYS,
    MODELS,
    PROVIDERS,
    START,
    ZONES,
    Clock,
    Event,
    Key,
    Plan,
    Shape,
    Theft,
    key_id,
)
from bench.usage_world6_curves import apply_outages
from bench.usage_world6_owners import (
    matchday_bot,
    ocr_pipeline,
    report_cron,
    shop_rag,
    translation_reseller,
    voice_agent,
)
from bench.usage_world6_records import draw, first_hour, to_records
from bench.usage_world6_teams import (
    agent_loops,
    ci_shared,
    course_key,
    developer_away,
    finetune_eval,
    labelling,
)
from bench.usage_world6_thieves import KINDS, SIZES, THIEVES
from leakward.usage.records import UsageRecord

Builder = Callable[[str, random.Random, Clock, str], Plan]
# archetype: (builder, keys a provider, owners' regions, whether work waits in a queue)
ROSTER: dict[str, tuple[Builder, int, tuple[str, ...], bool]] = {
    "shop_rag": (shop_rag, 9, ("US", "USW", "UK"), False),
    "ocr_pipeline": (ocr_pipeline, 8, ("AU", "NZ"), True),
    "translation": (translation_reseller, 6, ("DE", "IN", "SG"), True),
    "report_cron": (report_cron, 8, ("US", "UK", "SG"), True),
    "voice_agent": (voice_agent, 7, ("CO", "MX"), False),
    "matchday_bot": (matchday_bot, 6, ("MX", "BR", "UK", "US"), False),
    "agent_loops": (agent_loops, 10, ("DE", "UK", "IN"), False),
    "dev_away": (developer_away, 5, ("DE", "UK", "USW"), False),
    "labelling": (labelling, 6, ("KE", "PH"), True),
    "finetune_eval": (finetune_eval, 6, ("USW",), True),
    "course_key": (course_key, 6, ("BR",), False),
    "ci_shared": (ci_shared, 7, ("USW", "UK", "IN"), True),
}
# Owner events a thief can hide in (busy_cover's onsets fall inside one of these).
BUSY = {
    "July sale",
    "EOFY and tax time",
    "quarter close",
    "call surge",
    "match",
    "final deadline",
    "release crunch",
    "new customer",
    "big labelling job",
    "back from holiday",
}
PAGE_LIMIT = {"openai": 168, "anthropic": 48}  # buckets a page, within each API's 1h maximum


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    events: dict[str, tuple[Event, ...]]
    records: tuple[UsageRecord, ...]
    days: int = DAYS


def owners(provider: str, rng: random.Random, is_small: bool) -> tuple[list[Key], dict[str, Plan]]:
    keys, plans = [], {}
    for archetype, (builder, count, regions, is_queued) in ROSTER.items():
        for index in range(1 if is_small else count):
            region = regions[index % len(regions)]
            plan = builder(provider, rng, Clock(ZONES[region]), region)
            apply_outages(provider, plan.demand, is_queued, plan.events)
            key = Key(key_id(provider, rng), archetype, region)
            keys.append(key)
            plans[key.key_id] = plan
    rotated = next(k for k in keys if k.archetype == "ci_shared")
    successor = Key(key_id(provider, rng), "ci_shared", rotated.region)
    keys.append(successor)
    hour = rng.choice(list(JUDGED)[24:-48])
    plans[successor.key_id] = rotate(plans[rotated.key_id], hour)
    plans[rotated.key_id].events.append(Event("rotated by owner", hour, hour + 24))
    return keys, plans


def rotate(old: Plan, hour: int) -> Plan:
    """The owner replaces a key at `hour`: the old one stops, a new one carries on the work."""
    new = Plan(dispersion=old.dispersion, shapes=dict(old.shapes))
    for model, hours in old.demand.items():
        new.demand[model] = [v if h >= hour else 0.0 for h, v in enumerate(hours)]
        old.demand[model] = [v if h < hour else 0.0 for h, v in enumerate(hours)]
    new.events.append(Event("new key", hour, hour + 3 * 24))
    return new


def onset_hour(rng: random.Random, kind: str, plan: Plan) -> int | None:
    """An hour in the judged weeks at least 8 hours before the end; for busy_cover, inside the
    first half of one of the owner's busy events (None if it has none)."""
    if kind != "busy_cover":
        return rng.randrange(JUDGED.start, HOURS - 8)
    busy = [
        e for e in plan.events if e.name in BUSY and e.end > JUDGED.start and e.start < HOURS - 8
    ]
    if not busy:
        return None
    event = rng.choice(busy)
    first = max(event.start, JUDGED.start)
    return min(rng.randint(first, max(first, (first + event.end) // 2)), HOURS - 8)


def thieves(
    provider: str,
    rng: random.Random,
    keys: list[Key],
    plans: dict[str, Plan],
    sizes: Sequence[str] = SIZES,
) -> list[tuple[Theft, Plan]]:
    """One theft per kind and size, each on its own key; the rotated CI keys are left alone."""
    rotated = {"new key", "rotated by owner"}
    candidates = [k.key_id for k in keys if not rotated & {e.name for e in plans[k.key_id].events}]
    rng.shuffle(candidates)
    out = []
    for kind in KINDS:
        for size in sizes:
            for victim in candidates:
                onset = onset_hour(rng, kind, plans[victim])
                if onset is None:
                    continue
                plan = THIEVES[kind](provider, rng, plans[victim], onset, SIZES.index(size))
                # a copy of an owner who was away copies nothing: that key is not this kind's
                if sum(sum(hours) for hours in plan.demand.values()) >= 3:
                    break
            else:
                raise ValueError(f"no key fits a {kind} theft")
            candidates.remove(victim)
            out.append((Theft(victim, kind, size, START + onset * HOUR), plan))
    return out


def console_use(provider: str, rng: random.Random) -> list[UsageRecord]:
    """Playground use with no API key, which both APIs report with a null `api_key_id`."""
    plan = Plan(dispersion=2.0)
    hours = [3.0 if h % 24 in range(14, 22) and (h // 24) % 7 < 5 else 0.0 for h in range(HOURS)]
    plan.add(MODELS[provider]["new"], Shape(1500, 1.0, 0.5, 0.0), hours)
    return to_records(provider, "", [draw(rng, plan)])


def build_world(provider: str, seed: int, *, is_small: bool = False) -> World:
    """The world of `seed`; a small one (one key an archetype, the large theft of each kind)
    is for tests."""
    rng = random.Random(f"world6-{provider}-{seed}")
    keys, plans = owners(provider, rng, is_small)
    stolen = thieves(provider, rng, keys, plans, ("large",) if is_small else SIZES)
    robbed = {theft.key_id: (theft, plan) for theft, plan in stolen}
    records, thefts = console_use(provider, rng), []
    for key in keys:
        layers = [draw(rng, plans[key.key_id])]
        if key.key_id in robbed:
            theft, plan = robbed[key.key_id]
            cells = draw(rng, plan)
            first = first_hour(cells)
            if first is None:  # a probe drawn as nothing still sent one request
                raise ValueError(f"theft {theft.kind}/{theft.size} drew no requests")
            thefts.append(Theft(theft.key_id, theft.kind, theft.size, START + first * HOUR))
            layers.append(cells)
        records += to_records(provider, key.key_id, layers)
    events = {k.key_id: tuple(plans[k.key_id].events) for k in keys}
    return World(provider, seed, tuple(keys), tuple(thefts), events, tuple(records))


def pages(world: World) -> list[dict[str, object]]:
    span = (START, START + world.days * DAY)
    return page_writer(world.provider, world.records, span, "1h", PAGE_LIMIT[world.provider])


def write_world(world: World, folder: Path) -> list[Path]:
    """The world's pages, one JSON file each, as `leakward usage analyze` reads them."""
    return save_pages(pages(world), folder, world.provider)


def judged_days(world: World) -> range:
    return range(world.days - JUDGED_DAYS, world.days)


def is_clean_day(world: World, key_id: str, day: int) -> bool:
    """A judged day of a key before its theft's day (blackbox3's rule)."""
    onset = {t.key_id: t.onset for t in world.thefts}.get(key_id)
    return day in judged_days(world) and (onset is None or START + (day + 1) * DAY <= onset)


def day_events(world: World, key: Key, day: int) -> tuple[str, ...]:
    """The names of the owner's events that overlap a UTC day, for false alarms per event."""
    first, last = day * 24, (day + 1) * 24
    names = {e.name for e in world.events[key.key_id] if e.start < last and e.end > first}
    return tuple(sorted(names))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write world 6's usage pages.")
    parser.add_argument("--seed", type=int, default=71)
    parser.add_argument("--provider", choices=PROVIDERS, default="openai")
    parser.add_argument("--small", action="store_true", help="one key an archetype (tests)")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    world = build_world(args.provider, args.seed, is_small=args.small)
    files = write_world(world, args.folder)
    print(
        f"{len(files)} pages, {len(world.keys)} keys, {len(world.thefts)} thefts, "
        f"{len(world.records)} records in {args.folder}"
    )


if __name__ == "__main__":
    main()
