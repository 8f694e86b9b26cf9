"""World 5's owners: twelve kinds of legitimate use of an API key, with the events that make
honest traffic look stolen.

Stage: benchmark (usage watch, issue #20). Each archetype is a function writing the key's
owner ledger hour by hour from its local calendar. The events that look like theft are on
purpose: a Ramadan app whose hours move at Eid, a sports desk in March Madness, an SRE copilot
paged at 3 a.m., a hobbyist on holiday nine zones away, a hackathon weekend on a demo key, a
localisation pipeline whose Batch API jobs the provider runs at night, a model migration, a
provider outage and the retry backlog after it, and developers trying a new model on the
production key.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.usage_world5_base import (
    HALF_TERM,
    HOLIDAYS,
    HOURS,
    MODELS,
    Local,
    is_eid,
    is_ramadan,
    local_hours,
    poisson,
)
from bench.usage_world5_curves import (
    CALLS,
    EID,
    EVENING,
    GAME_NIGHT,
    OFFICE,
    PLAYERS,
    RAMADAN,
    STUDENT,
    WEEKEND_DAY,
)
from bench.usage_world5_ledger import Ledger, Shape


@dataclass(frozen=True, slots=True)
class Owner:
    """One key's legitimate user. `when` holds the days (or hours) of its events."""

    archetype: str
    zone: str
    peak: float  # requests an hour at the top of its curve
    mix: tuple[tuple[str, float], ...]  # (tier, share)
    shape: Shape
    when: dict[str, int] = field(default_factory=dict)
    growth: float = 1.0  # per day


@dataclass(slots=True)
class Context:
    """What an archetype function needs: the owner, its provider, its randomness, its ledger,
    and the world's outage hours (the provider was down; queued work comes back after)."""

    owner: Owner
    provider: str
    rng: random.Random
    ledger: Ledger
    outage: frozenset[int]
    marks: set[tuple[int, str]] = field(default_factory=set)  # (day, event) for the report

    def mark(self, hour: int, event: str) -> None:
        self.marks.add((hour // 24, event))

    def send(
        self,
        hour: int,
        mean: float,
        mix: tuple[tuple[str, float], ...] | None = None,
        shape: Shape | None = None,
    ) -> None:
        if hour in self.outage:
            return
        for tier, share in mix or self.owner.mix:
            n = poisson(self.rng, mean * share)
            self.ledger.add(
                self.rng, hour, MODELS[self.provider][tier], n, shape or self.owner.shape
            )


def _holiday(owner: Owner, loc: Local) -> bool:
    return loc.day in HOLIDAYS.get(owner.zone, frozenset())


def _day_off(owner: Owner, loc: Local) -> bool:
    return loc.weekday >= 5 or _holiday(owner, loc)


def _grown(owner: Owner, hour: int) -> float:
    return float(owner.growth ** (hour / 24))


def _after_outage(ctx: Context, hour: int) -> float:
    """Queued work the outage held back comes in the two hours after it."""
    return (
        1.7
        if hour not in ctx.outage and (hour - 1 in ctx.outage or hour - 2 in ctx.outage)
        else 1.0
    )


def tax_filer(ctx: Context) -> None:
    """A US consumer tax app in filing season: evenings and weekend afternoons, growing daily;
    one marketing e-mail sends an evening to three times its usual level."""
    o = ctx.owner
    for h, loc in enumerate(local_hours(o.zone)):
        curve = WEEKEND_DAY if _day_off(o, loc) else EVENING
        boost = 3.0 if loc.index == o.when.get("campaign") and loc.hour >= 18 else 1.0
        if boost > 1:
            ctx.mark(h, "e-mail campaign")
        ctx.send(h, o.peak * curve[loc.hour] * _grown(o, h) * boost)


def ramadan_companion(ctx: Context) -> None:
    """A chat companion in a Muslim-majority country: suhoor and post-iftar hours in Ramadan,
    family daytime on Eid, Friday-Saturday weekends outside Indonesia."""
    o = ctx.owner
    weekend = (5, 6) if o.zone == "Asia/Jakarta" else (4, 5)
    for h, loc in enumerate(local_hours(o.zone)):
        if is_eid(loc.day):
            level = 0.6 * EID[loc.hour]
            ctx.mark(h, "Eid al-Fitr")
        elif is_ramadan(loc.day):
            level = RAMADAN[loc.hour]
        else:
            level = EVENING[loc.hour]
        level *= 1.15 if loc.weekday in weekend else 1.0
        ctx.send(h, o.peak * level * _grown(o, h))


def call_center(ctx: Context) -> None:
    """A voice agent in a contact centre staffed from Manila for US hours: many short turns on a
    small model; a product recall doubles calls for a day."""
    o = ctx.owner
    for h, loc in enumerate(local_hours(o.zone)):
        if loc.weekday == 6 or _holiday(o, loc):
            continue
        level = CALLS[loc.hour] * (0.4 if loc.weekday == 5 else 1.0)
        if loc.index == o.when.get("recall"):
            level *= 2.5
            ctx.mark(h, "product recall")
        ctx.send(h, o.peak * level)


def sports_desk(ctx: Context) -> None:
    """Recaps and box scores while games run; from Selection Sunday, March Madness fills
    afternoons and nights with four times the work."""
    o = ctx.owner
    nights = ctx.rng.sample(range(7), 4)
    for h, loc in enumerate(local_hours(o.zone)):
        level = GAME_NIGHT[loc.hour] * (1.0 if loc.weekday in nights else 0.35)
        if loc.weekday >= 5 and 12 <= loc.hour <= 23:
            level = max(level, 0.8)
        if (loc.day.month, loc.day.day) >= (3, 15) and loc.hour >= 12:
            level *= 4.0 if loc.day.day >= 19 else 2.2
            ctx.mark(h, "March Madness")
        ctx.send(h, o.peak * level)


def homework_tutor(ctx: Context) -> None:
    """Students after school and on Sunday night; half-term empties it; exam week keeps them
    up past midnight."""
    o = ctx.owner
    exam = o.when.get("exam", -99)
    for h, loc in enumerate(local_hours(o.zone)):
        level = STUDENT[loc.hour] * (0.5 if loc.weekday == 5 else 1.0)
        level *= 1.3 if loc.weekday == 6 and loc.hour >= 17 else 1.0
        level *= 0.4 if o.zone == "Europe/London" and loc.day in HALF_TERM else 1.0
        level *= 0.3 if _holiday(o, loc) else 1.0
        if exam <= loc.index < exam + 5:
            level = max(level * 1.8, 0.5 if loc.hour in (23, 0, 1) else 0.0)
            ctx.mark(h, "exam week")
        ctx.send(h, o.peak * level * _grown(o, h))


def pr_reviewer(ctx: Context) -> None:
    """A review bot on pull requests from a team in Berlin and California: each PR brings a
    handful of long-diff requests; a refactor day brings huge ones."""
    o = ctx.owner
    west = local_hours("America/Los_Angeles")
    for h, loc in enumerate(local_hours(o.zone)):
        level = OFFICE[loc.hour] if loc.weekday < 5 and not _holiday(o, loc) else 0.03
        level += 0.7 * (OFFICE[west[h].hour] if west[h].weekday < 5 else 0.03)
        level *= _after_outage(ctx, h)
        prs = poisson(ctx.rng, o.peak * level)
        big = loc.index == o.when.get("refactor")
        if big:
            ctx.mark(h, "refactor day")
        shape = Shape(o.shape.prompt * (4 if big else 1), o.shape.completion, o.shape.cached, 1.1)
        ctx.send(
            h, sum(ctx.rng.randint(3, 10) for _ in range(prs)) * (2 if big else 1), shape=shape
        )


def incident_copilot(ctx: Context) -> None:
    """An SRE assistant: a trickle in office hours, and incidents at any hour, when on-call
    engineers paste logs into the dearest model for an hour or four."""
    o = ctx.owner
    for h, loc in enumerate(local_hours(o.zone)):
        ctx.send(h, 0.15 * o.peak * (0.05 if _day_off(o, loc) else OFFICE[loc.hour]))
    incident = Shape(20_000, 1_200, 0.3, 1.0)
    mix = (("main", 0.7), ("premium", 0.3))
    hour = ctx.rng.randint(0, 100)
    while hour < HOURS:
        for k in range(ctx.rng.randint(1, 4)):
            if hour + k < HOURS:
                ctx.send(hour + k, o.peak * ctx.rng.uniform(2, 6), mix, incident)
                ctx.mark(hour + k, "incident")
        hour += ctx.rng.randint(60, 220)


def localization(ctx: Context) -> None:
    """Strings and docs translated after each Tuesday and Thursday release through the Batch
    API: submitted at 18:00 Paris, run by the provider over the next one to eight hours. A
    major release in the judged weeks is five times the size."""
    o = ctx.owner
    hours = local_hours(o.zone)
    for h, loc in enumerate(hours):
        ctx.send(h, 0.02 * o.peak * (OFFICE[loc.hour] if loc.weekday < 5 else 0.0))
        if loc.weekday in (1, 3) and loc.hour == 18:
            size = (
                o.peak * ctx.rng.uniform(0.6, 1.4) * (5 if loc.index == o.when.get("major") else 1)
            )
            span = ctx.rng.randint(1, 8)
            for k in range(span):
                if h + 1 + k < HOURS:
                    ctx.send(h + 1 + k, size / span)
                    if size > 2 * o.peak:
                        ctx.mark(h + 1 + k, "major release")


def npc_dialogue(ctx: Context) -> None:
    """Characters in a game talk through the key: evenings, weekends higher; a content patch
    triples play for days and moves a third of dialogue to the newer model."""
    o = ctx.owner
    patch = o.when.get("patch", 99)
    for h, loc in enumerate(local_hours(o.zone)):
        since = loc.index - patch
        level = PLAYERS[loc.hour] * (1.4 if _day_off(o, loc) else 1.0)
        level *= 1 + 2.0 * 0.6**since if since >= 0 else 1.0
        mix = (("small", 0.65), ("small_next", 0.35)) if since >= 0 else o.mix
        if 0 <= since < 4:
            ctx.mark(h, "content patch")
        ctx.send(h, o.peak * level, mix)


def hobbyist(ctx: Context) -> None:
    """One person's key: a few sessions in the evening and on weekend days; on a week's holiday
    abroad the sessions come at that zone's evening instead."""
    o = ctx.owner
    away = o.when.get("travel", -99)
    home, abroad = (
        local_hours(o.zone),
        local_hours("Asia/Tokyo" if "America" in o.zone else "America/New_York"),
    )
    for day in range(HOURS // 24):
        hours = abroad if away <= day < away + 7 else home
        if hours is abroad:
            ctx.mark(day * 24, "travel abroad")
        free = _day_off(o, hours[day * 24 + 12])
        for _ in range(poisson(ctx.rng, 2.0 if free else 1.0)):
            wanted = ctx.rng.choice(range(9, 24) if free else range(19, 24))
            hit = [h for h in range(day * 24, day * 24 + 24) if hours[h].hour == wanted]
            for h in hit[:1]:
                ctx.send(h, o.peak * ctx.rng.uniform(0.3, 1.0))


def devrel_demos(ctx: Context) -> None:
    """A developer-relations key: small demos in office hours, and once a hackathon weekend
    from Saturday 09:00 to Sunday 17:00 when dozens of teams hammer it day and night on
    whatever model they like."""
    o = ctx.owner
    hack = o.when.get("hackathon", -99)
    mix = (("main", 0.45), ("small", 0.25), ("next", 0.2), ("premium", 0.1))
    for h, loc in enumerate(local_hours(o.zone)):
        if (loc.index == hack and loc.hour >= 9) or (loc.index == hack + 1 and loc.hour < 17):
            ctx.send(h, o.peak * ctx.rng.uniform(4, 10) * (0.5 if loc.hour < 7 else 1.0), mix)
            ctx.mark(h, "hackathon")
        elif not _day_off(o, loc):
            ctx.send(h, o.peak * OFFICE[loc.hour] * ctx.rng.uniform(0.2, 1.5))


def agent_saas(ctx: Context) -> None:
    """A browser-agent product for businesses in New York and Berlin: tasks of 20-60 steps with
    long cached contexts; a migration moves it from the main model to its successor over four
    days."""
    o = ctx.owner
    berlin, start = local_hours("Europe/Berlin"), o.when.get("migration", 99)
    for h, loc in enumerate(local_hours(o.zone)):
        level = 0.12 if _day_off(o, loc) else OFFICE[loc.hour]
        level += 0.4 * (OFFICE[berlin[h].hour] if berlin[h].weekday < 5 else 0.05)
        moved = min(1.0, max(0.0, (h / 24 - start) / 4))
        mix = (("main", 1 - moved), ("next", moved)) if moved else o.mix
        if 0 < moved < 1:
            ctx.mark(h, "model migration")
        tasks = poisson(ctx.rng, o.peak * level * _grown(o, h) * _after_outage(ctx, h))
        ctx.send(h, sum(ctx.rng.randint(20, 60) for _ in range(tasks)), mix)


ARCHETYPES: dict[str, Callable[[Context], None]] = {
    "tax_filer": tax_filer,
    "ramadan_companion": ramadan_companion,
    "call_center": call_center,
    "sports_desk": sports_desk,
    "homework_tutor": homework_tutor,
    "pr_reviewer": pr_reviewer,
    "incident_copilot": incident_copilot,
    "localization": localization,
    "npc_dialogue": npc_dialogue,
    "hobbyist": hobbyist,
    "devrel_demos": devrel_demos,
    "agent_saas": agent_saas,
}


def owner_ledger(
    owner: Owner, provider: str, rng: random.Random, outage: frozenset[int]
) -> tuple[Ledger, set[tuple[int, str]]]:
    """The owner's requests, and the (day, event) pairs of its legitimate events."""
    ctx = Context(owner, provider, rng, Ledger(), outage)
    ARCHETYPES[owner.archetype](ctx)
    for hour in outage:
        ctx.mark(hour, "provider outage")
    return ctx.ledger, ctx.marks
