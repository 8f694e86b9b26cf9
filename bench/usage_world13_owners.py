"""World 13's owners: the routine kinds, and the registry of every kind by name.

Stage: benchmarks only (issue #20). Research groups' batch jobs (and their ICML crunch), support
bots with incidents, nightly batches that fail and replay, steady growth, launch days, a team
trying each new model (the DeepSeek-R1 week, o3-mini, Claude 3.7 Sonnet, GPT-4.5), demo keys
that wake now and then, keys rotated by their owners, spares never used. Seasonal kinds are in
`usage_world13_seasons`; each is an `Owner` (`usage_world13_shapes`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import lru_cache

from bench import usage_world13_calendar as cal
from bench import usage_world13_seasons as seasons
from bench.usage_world13_base import day_of
from bench.usage_world13_roster import Key
from bench.usage_world13_shapes import CONSUMER, Demand, Owner, chance, is_weekend, office


@lru_cache(maxsize=100_000)
def research_job(key_id: str, when: date) -> tuple[int, int] | None:
    """The (local start hour, hours) of a batch job the group starts on `when`, if any: most
    days none, the week before the ICML deadline nearly every day."""
    crunch = cal.ICML_DEADLINE - timedelta(days=7) <= when <= cal.ICML_DEADLINE
    if chance(key_id, when, "job") > (0.85 if crunch else 0.3):
        return None
    draw = random.Random(f"{key_id}|{when}|job-shape")
    return draw.randrange(24), draw.randint(6, 30)


def research_cluster(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    running = 0
    for back in range(3):
        job = research_job(key.key_id, today - timedelta(days=back))
        if job and 0 <= back * 24 + at.hour - job[0] < job[1]:
            running += 1
    if running:
        events.append("job_run")
    if cal.ICML_DEADLINE - timedelta(days=7) <= today <= cal.ICML_DEADLINE:
        events.append("icml_crunch")
    interactive = key.size * 0.15 * office(at.hour, 10, 20) * (0 if is_weekend(at) else 1)
    batch = key.size * 0.5 * running
    return {"dear": 0.4 * batch, "fast": 0.6 * batch, "main": interactive}, tuple(events)


def support_bot(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    # Manila's agents answer US customers: their day is the US day.
    hour = (at.hour - 13) % 24 if key.zone == "Asia/Manila" else at.hour
    level = key.size * (0.15 + 0.85 * CONSUMER[hour]) * (0.7 if is_weekend(at) else 1.0)
    if chance(key.key_id, today, "incident") < 0.06:
        first = int(chance(key.key_id, today, "incident-hour") * 20)
        if first <= at.hour < first + 4:
            level *= 3.0
            events.append("incident")
    return {"main": 0.3 * level, "cheap": 0.7 * level}, tuple(events)


def nightly_batch(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    level = key.size * (1.0 if 1 <= at.hour < 5 else 0.0) * (0.5 if is_weekend(at) else 1.0)
    if chance(key.key_id, today, "fail") < 0.05:
        level = 0.0
        events.append("failed_night")
    elif chance(key.key_id, today - timedelta(days=1), "fail") < 0.05:
        level *= 2.0
        events.append("replay")
    if today in (date(2025, 1, 31), date(2025, 2, 28)) and 1 <= at.hour < 7:
        level = key.size * 2.0
        events.append("month_end")
    return {"main": 0.5 * level, "cheap": 0.5 * level}, tuple(events)


def steady_growth(key: Key, at: datetime, provider: str) -> Demand:
    rate = 0.012 + 0.02 * (key.trait % 3) / 2
    level = key.size * CONSUMER[at.hour] * (1 + rate) ** day_of(at.date()) / 2.0
    return {"main": 0.4 * level, "cheap": 0.6 * level}, ("growth",)


def launch_team(key: Key, at: datetime, provider: str) -> Demand:
    day = day_of(at.date())
    since = day - key.trait
    weekday = 0.0 if is_weekend(at) else 1.0
    level = key.size * (0.7 * office(at.hour) * weekday + 0.3 * CONSUMER[at.hour]) / 2
    if since == 0:
        return {"main": level * 6 + key.size * 0.8, "cheap": level * 2}, ("launch_day",)
    if 0 < since <= 10:
        lift = 1.0 + 3.0 * 0.7**since
        return {"main": level * lift, "cheap": level * 0.5 * lift}, ("post_launch",)
    return {"main": level, "cheap": 0.2 * level}, ()


def model_tryer(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    work = 0.0 if is_weekend(at) else office(at.hour)
    level = key.size * work
    mix: dict[str, float] = {"main": level}
    events: list[str] = []
    if cal.within(today, cal.DEEPSEEK_WEEK):
        mix = {"main": 0.4 * level, "dear": 0.08 * level}
        events.append("deepseek_week")
    switch = date(2025, 2, 3) if provider == "openai" else date(2025, 2, 25)
    if today >= switch and key.trait % 2 == 0:
        mix = {"main": 0.4 * level, "new": 0.6 * level}
        events.append("new_model_switch")
    is_trial_hour = key.trait % 3 == 0 and 14 <= at.hour < 17
    if provider == "openai" and date(2025, 2, 27) <= today <= date(2025, 2, 28) and is_trial_hour:
        mix["newest"] = 3.0
        events.append("gpt45_trial")
    return mix, tuple(events)


def dormant_demo(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    if is_weekend(at) or chance(key.key_id, today, "demo") > 0.08:
        return {}, ()
    first = 10 + int(chance(key.key_id, today, "demo-hour") * 6)
    return ({"main": key.size} if first <= at.hour < first + 2 else {}), ("demo",)


def rotating_office(key: Key, at: datetime, provider: str) -> Demand:
    day = day_of(at.date())
    if (key.retired is not None and (day, at.hour) >= (key.retired, 12)) or (
        (day, at.hour) < (key.issued, 12) and key.issued > 0
    ):
        return {}, ()
    work = 0.0 if is_weekend(at) else office(at.hour, 8, 19)
    events = ("rotated",) if day == key.trait else ()
    return {"main": key.size * work * 0.7, "cheap": key.size * work * 0.3}, events


def spare_key(key: Key, at: datetime, provider: str) -> Demand:
    return {}, ()


OWNERS: dict[str, Owner] = {
    "tax_season_firm": seasons.tax_season_firm,
    "ski_resort_app": seasons.ski_resort_app,
    "university_term": seasons.university_term,
    "election_newsroom": seasons.election_newsroom,
    "research_cluster": research_cluster,
    "support_bot": support_bot,
    "nightly_batch": nightly_batch,
    "steady_growth": steady_growth,
    "launch_team": launch_team,
    "lunar_shop": seasons.lunar_shop,
    "ad_agency": seasons.ad_agency,
    "valentine_cards": seasons.valentine_cards,
    "fiscal_close": seasons.fiscal_close,
    "ramadan_companion": seasons.ramadan_companion,
    "model_tryer": model_tryer,
    "heating_helpline": seasons.heating_helpline,
    "dormant_demo": dormant_demo,
    "rotating_office": rotating_office,
    "spare_key": spare_key,
}
