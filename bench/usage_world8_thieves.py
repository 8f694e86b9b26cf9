"""World 8's thieves: ten kinds of LLMjacking at three sizes, each on a key of its own.

Stage: benchmark (usage watch, issue #20). The kinds follow what published reports describe:

- `proxy_resale`: Sysdig's LLMjacking reports (2024-2025): stolen keys behind an OpenAI-style
  reverse proxy, access resold; buyers' evening chats, long contexts, a large model.
- `roleplay_flood`: Permiso's report on stolen cloud keys used for roleplay chatbots (2024):
  the dearest model, very long cached contexts, at every hour. Blatant.
- `recon_probe`: the first calls Sysdig and Entro (2024) saw within minutes of a leak: tiny
  requests to many models to learn what the key may call, then a check now and then.
- `owner_mimic`: a careful user copying the owner's models and hours at a share of its volume.
- `slow_drip`: low and slow, a cheap model at every hour, growing a little each day.
- `night_shift`: a modest volume at hours the key never worked.
- `holiday_cover`: starts on the owner's holiday or weekend with a working day's volume.
- `surge_cover`: starts inside the owner's own surge (a patch, midterms, a batch) on a pricier
  model, and stays after it.
- `model_upgrade`: the owner's hours and request rate, sent to the dearest model.
- `agent_burn`: a coding agent run on a stolen key in the thief's working day: many requests
  with huge, mostly cached contexts (Sysdig 2025 on LLMjacking for agents).

A theft's onset is the start of the bucket of its first request (it is drawn with at least one);
onsets fall in the 14 judged days, at least 12 hours before the world ends, never in an outage.
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from bench.usage_world8_base import (
    DAYS,
    HOUR,
    HOURS,
    JUDGED_DAYS,
    MODELS,
    START,
    Cells,
    Theft,
    add,
    heavy_sum,
    poisson,
    rng,
)
from bench.usage_world8_calendar import holiday, is_outage, local_clock
from bench.usage_world8_habits import CONTEXT, day_factor
from bench.usage_world8_owners import SHAPES
from bench.usage_world8_roster import Plan
from bench.usage_world8_surprises import Surge

KINDS = (
    "proxy_resale",
    "roleplay_flood",
    "recon_probe",
    "owner_mimic",
    "slow_drip",
    "night_shift",
    "holiday_cover",
    "surge_cover",
    "model_upgrade",
    "agent_burn",
)
SIZES = ("small", "medium", "large")
JUDGED = (DAYS - JUDGED_DAYS) * 24  # first judged hour
LAST_ONSET = HOURS - 12
# Thief tokens an hour at its shape's peak, as a multiple of the owner's average hour (its
# median history day over 24), so that over a day a small theft is about 5-35% of the owner's
# day, a medium one 40-150%, a large one 1.5-8 times; for the kinds that copy the owner, the
# share of the owner's requests they copy.
FACTORS: dict[str, tuple[float, float, float]] = {
    "proxy_resale": (0.3, 1.5, 8.0),
    "roleplay_flood": (0.5, 2.0, 12.0),
    "recon_probe": (1, 5, 30),  # requests to each model in the first hour
    "owner_mimic": (0.2, 0.5, 1.2),
    "slow_drip": (0.03, 0.1, 0.3),
    "night_shift": (0.5, 1.5, 6.0),
    "holiday_cover": (0.3, 0.8, 2.5),
    "surge_cover": (0.15, 0.5, 1.5),
    "model_upgrade": (0.1, 0.35, 1.0),
    "agent_burn": (0.5, 2.0, 8.0),
}
# (model role, mean input, its log-spread, mean output, its log-spread, cache share, hour shape)
STYLE: dict[str, tuple[str, float, float, float, float, float, str]] = {
    "proxy_resale": ("large", 9000, 1.0, 650, 0.8, 0.1, "consumer"),
    "roleplay_flood": ("dearest", 22000, 0.7, 900, 0.6, 0.55, "global"),
    "recon_probe": ("cheap", 25, 0.5, 4, 0.5, 0.0, "global"),
    "slow_drip": ("small", 1500, 0.8, 300, 0.6, 0.0, "global"),
    "night_shift": ("mid", 3000, 0.9, 600, 0.7, 0.2, "none"),
    "surge_cover": ("large", 4000, 0.9, 700, 0.7, 0.3, "global"),
    "agent_burn": ("large", 38000, 0.6, 1100, 0.7, 0.85, "office"),
}
COPYING = ("owner_mimic", "holiday_cover", "model_upgrade")
THIEF_ZONES = ("America/Los_Angeles", "Europe/Bucharest", "Asia/Jakarta", "Asia/Dubai")
FLOOR = 20_000.0  # tokens an hour: a dormant or barely used key is sized as a small one
QUIET_SURGES = ("experiment holdout", "experiment stopped", "new team members")


def typical_tokens(cells: Cells) -> float:
    """Tokens an hour of the owner's median history day (its day's tokens over 24): a thief's
    size is measured against the owner's day, whether it works four hours or twenty-four."""
    daily = [0] * (JUDGED // 24)
    for (hour, _), (_, fresh, cached, out) in cells.items():
        if hour < JUDGED:
            daily[hour // 24] += fresh + cached + out
    return max(FLOOR, statistics.median(daily) / 24)


def reference_day(owner: Cells) -> int:
    """An ordinary working day of the owner's last history week for a thief to copy: the median
    of the days it worked (not its busiest, which may be a surge of its own)."""
    totals = [0] * DAYS
    for (hour, _), cell in owner.items():
        totals[hour // 24] += cell[0]
    week = range(JUDGED // 24 - 7, JUDGED // 24)
    worked = sorted((d for d in week if totals[d]), key=lambda d: totals[d]) or [week[-1]]
    return worked[len(worked) // 2]


def source_hour(kind: str, reference: int, hour: int) -> int:
    """The owner's hour a copying thief copies at `hour`: a week earlier, or for a holiday
    thief the same hour of the owner's `reference` working day."""
    if kind == "holiday_cover":
        return reference * 24 + hour % 24
    return hour - 168


def onset_for(kind: str, plan: Plan, owner: Cells, provider: str, r: random.Random) -> int | None:
    """Where this kind of theft would start on this key, or None if the key does not suit it."""
    hours = [h for h in range(JUDGED, LAST_ONSET) if not is_outage(provider, h)]
    if kind in COPYING:
        if plan.kind.name == "dormant" or not any(h < JUDGED for h, _ in owner):
            return None
        worked, reference = {h for h, _ in owner}, reference_day(owner)
        hours = [h for h in hours if source_hour(kind, reference, h) in worked]
    if kind == "holiday_cover":
        hours = _quiet(plan, hours)
    elif kind == "surge_cover":  # one of the first hours of one of the owner's judged surges
        allowed = set(hours)
        surges = [sorted(allowed & s.hours) for s in plan.surges if _adds_work(s)]
        surges = [s for s in surges if s]
        if not surges:
            return None
        chosen = r.choice(surges)
        return chosen[r.randrange(min(4, len(chosen)))]
    elif kind == "night_shift":
        shape = SHAPES[plan.kind.shape]
        if plan.kind.shape == "none" or sum(1 for w in shape if w == 0) < 8:
            return None
        clock = local_clock(plan.key.tz)
        hours = [h for h in hours if _is_night(shape, clock[h][1])]
    return r.choice(hours) if hours else None


def _adds_work(surge: Surge) -> bool:
    return surge.name not in QUIET_SURGES and (surge.factor > 1 or surge.extra > 0)


def _quiet(plan: Plan, hours: list[int]) -> list[int]:
    """Working hours (local 9-17) of judged days the owner keeps off: its holidays if it has
    any then, else its weekends."""
    if plan.kind.holidays != "off":
        return []
    clock = local_clock(plan.key.tz)
    quiet = [
        h
        for h in hours
        if 9 <= clock[h][1] < 17
        and day_factor(plan.kind, plan.key.country, clock[h][0], clock[h][2]) < 0.3
    ]
    holidays = [h for h in quiet if holiday(plan.key.country, clock[h][0]) is not None]
    return holidays or quiet


def _is_night(shape: tuple[float, ...], local_hour: int) -> bool:
    """An hour the owner never works, with its neighbours as idle (the thief's 6-hour window)."""
    return all(shape[(local_hour + i) % 24] == 0 for i in range(-1, 6))


def rob(
    kind: str, size: str, plan: Plan, owner: Cells, onset: int, provider: str, seed: int
) -> tuple[Theft, Cells]:
    """The thief's cells on the key from `onset` on, and its label."""
    r = rng(seed, provider, "theft", kind, size, plan.key.key_id)
    factor = FACTORS[kind][SIZES.index(size)]
    cells: Cells = {}
    if kind in COPYING:
        _copy(kind, factor, owner, onset, provider, r, cells)
    else:
        _draw_thief(kind, factor, plan, owner, onset, provider, r, cells)
    used: dict[str, int] = {}
    for (_, model), cell in cells.items():
        used[model] = used.get(model, 0) + cell[0]
    model = max(sorted(used), key=lambda m: used[m])  # the most requests; ties by name
    first = min(hour for hour, _ in cells)
    return Theft(plan.key.key_id, kind, size, START + first * HOUR, model), cells


def _copy(
    kind: str, share: float, owner: Cells, onset: int, provider: str, r: random.Random, out: Cells
) -> None:
    """Copy the owner's hours and models (the dearest model for an upgrade) at `share`."""
    by_hour: dict[int, list[tuple[str, list[int]]]] = {}
    for (hour, model), cell in owner.items():
        by_hour.setdefault(hour, []).append((model, cell))
    dearest, reference = MODELS[provider]["dearest"], reference_day(owner)
    for hour in range(onset, HOURS):
        if is_outage(provider, hour):
            continue
        copied = by_hour.get(source_hour(kind, reference, hour), [])
        for model, (n, fresh, cached, tokens_out) in copied:
            got = max(1 if hour == onset else 0, poisson(r, share * n))
            if not got:
                continue
            name = dearest if kind == "model_upgrade" else model
            tokens_in = round(got * (fresh + cached) / n * r.uniform(0.8, 1.25))
            hidden = int(tokens_in * cached / max(1, fresh + cached) * r.uniform(0.85, 1.0))
            written = round(got * tokens_out / n * r.uniform(0.8, 1.25))
            add(out, hour, name, (got, tokens_in - hidden, hidden, written))


def _draw_thief(
    kind: str,
    factor: float,
    plan: Plan,
    owner: Cells,
    onset: int,
    provider: str,
    r: random.Random,
    out: Cells,
) -> None:
    role, mean_in, spread_in, mean_out, spread_out, cache, shape = STYLE[kind]
    zone = plan.key.tz if kind == "night_shift" else r.choice(THIEF_ZONES)
    pace = Pace(
        kind, onset, factor * typical_tokens(owner) / (mean_in + mean_out), factor, zone, shape
    )
    # A prober tries every model the provider has; the others keep to one.
    names = (
        sorted(set(MODELS[provider].values()))
        if kind == "recon_probe"
        else [MODELS[provider][role]]
    )
    for hour in range(onset, HOURS):
        if is_outage(provider, hour):
            continue
        for name in names:
            n = max(1 if hour == onset else 0, pace.requests(r, hour))
            if n:
                tokens_in = heavy_sum(r, n, mean_in, spread_in, CONTEXT)
                hidden = int(tokens_in * cache * r.uniform(0.8, 1.0))
                tokens_out = heavy_sum(r, n, mean_out, spread_out, 32_000)
                add(out, hour, name, (n, tokens_in - hidden, hidden, tokens_out))


@dataclass(frozen=True, slots=True)
class Pace:
    """How many requests a drawn thief sends an hour."""

    kind: str
    onset: int
    peak: float  # requests an hour at the top of its shape
    factor: float
    zone: str  # the thief's clock (a night-shift thief keeps the owner's)
    shape: str

    def requests(self, r: random.Random, hour: int) -> int:
        local = local_clock(self.zone)
        if self.kind == "recon_probe":  # a burst to every model, then a check every 8 hours
            if hour == self.onset:
                return int(self.factor)
            return poisson(r, self.factor / 4) if (hour - self.onset) % 8 == 0 else 0
        if self.kind == "night_shift":  # six hours a night from the onset's local hour
            is_on = (local[hour][1] - local[self.onset][1]) % 24 < 6
            return poisson(r, self.peak) if is_on else 0
        if self.kind == "slow_drip":  # growing 12% a day
            return poisson(r, self.peak * 1.12 ** ((hour - self.onset) / 24))
        return poisson(r, self.peak * max(0.1, SHAPES[self.shape][local[hour][1]]))
