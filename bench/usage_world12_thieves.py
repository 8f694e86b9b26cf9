"""World 12's thieves: ten kinds from published reports of LLM-key abuse, at three sizes.

Stage: benchmarks only (issue #20). A theft's daily tokens are a quarter, one or four times the
owner's ordinary day (the median of the key's used history days), 200k at least; its first
request falls in the judged weeks and it runs to the season's end unless its kind stops.

- `pool_spillover`: the key is a spare in a reverse proxy's pool (Sysdig's LLMjacking reports
  describe proxies rotating many stolen keys): used only when the pool's main keys are banned
  or throttled, so 1-3 hour bursts at any time, a day or so apart, on the customers' models.
- `thinking_farm`: homework and contest solving on the reasoning or dearest model, round the
  clock: few requests, short prompts, very long (thinking) outputs.
- `ticker_agent`: a trading bot polling the cheapest model every minute, day and night alike;
  the same cached prompt each time, a few tokens back.
- `exam_relay`: answers relayed to candidates in the exam halls: the UK's GCSE/A-level sessions
  (09:00 and 13:30 BST, weekdays after half-term) and the gaokao (7-8 June, Beijing time).
- `mainland_gateway`: a paid gateway for users in mainland China (where the providers refuse
  them): Beijing lunch and evenings, more at weekends and over Dragon Boat, newest models.
- `election_spinner`: an influence operation (OpenAI's and Microsoft's threat reports) writing
  short posts in the last days before Korea's (3 June) or Poland's (1 June) vote, local daytime,
  twice as much on the day; it stops the day after.
- `holiday_hijack`: starts on a holiday of the owner's zone (a Sunday where none falls in the
  judged weeks) at 08:00 local, then works the owner's office hours on the owner's own model
  every day, the owner's working day laid over a day the owner is off.
- `captcha_solver`: solving CAPTCHA images for a credential-stuffing botnet: two six-hour
  campaign windows a day, image-sized prompts, answers of a few tokens.
- `pig_butcher`: scam-compound chats (UNODC's reports on South-East Asian compounds) from
  Myanmar's night shift onto US daytime, long cached conversations, short replies, growing.
- `reset_surfer`: drains the key in the first hours after 00:00 UTC, when daily limits reset.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bench import usage_world12_calendar as cal
from bench.usage_world12_base import (
    DAY,
    DAYS,
    HOUR,
    JUDGED_DAYS,
    START,
    Record,
    Shape,
    date_of,
    day_of,
    local_clock,
    offset_hours,
    poisson,
    spread,
)
from bench.usage_world12_plans import OFFICE, Key, curve
from bench.usage_world12_roster import model_of

KINDS = (
    "pool_spillover",
    "thinking_farm",
    "ticker_agent",
    "exam_relay",
    "mainland_gateway",
    "election_spinner",
    "holiday_hijack",
    "captcha_solver",
    "pig_butcher",
    "reset_surfer",
)
SIZES = ("quarter", "one", "four")
TIMES = {"quarter": 0.25, "one": 1.0, "four": 4.0}
FLOOR = 200_000
FIRST_JUDGED = DAYS - JUDGED_DAYS
END = START + DAYS * DAY


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # epoch seconds of its first request
    daily: float  # tokens a day
    zone: str  # where its clock runs (the owner's, the compound's, the election's)


@dataclass(frozen=True, slots=True)
class Style:
    mix: tuple[tuple[str, float], ...]
    shape: Shape


STYLES = {
    "pool_spillover": Style((("mid", 0.5), ("dear", 0.3), ("next", 0.2)), Shape(2500, 0.2, 0.25)),
    "thinking_farm": Style((("dear", 0.7), ("reason", 0.3)), Shape(1500, 0.1, 15.0)),
    "ticker_agent": Style((("nano", 1.0),), Shape(3000, 0.85, 0.02)),
    "exam_relay": Style((("mid", 1.0),), Shape(1200, 0.05, 0.3)),
    "mainland_gateway": Style((("next", 0.7), ("mid", 0.3)), Shape(2000, 0.3, 0.3)),
    "election_spinner": Style((("cheap", 1.0),), Shape(350, 0.0, 0.9)),
    "captcha_solver": Style((("nano", 1.0),), Shape(1100, 0.0, 0.006)),
    "pig_butcher": Style((("mid", 1.0),), Shape(1800, 0.5, 0.07)),
    "reset_surfer": Style((("next", 1.0),), Shape(3000, 0.1, 0.4)),
}
GATEWAY = curve((12, 14, 0.6), (19, 24, 1.0), (0, 1, 0.6))
COMPOUND = curve((20, 24, 1.0), (0, 8, 1.0), (10, 16, 0.4))
SPINNING = curve((7, 19, 1.0), (19, 23, 0.7))
EXAM_HALLS = {  # zone: local session hours
    "Europe/London": curve((9, 11, 1.0), (11, 12, 0.5), (13, 16, 1.0)),
    "Asia/Shanghai": curve((9, 11, 1.0), (11, 12, 0.5), (15, 17, 1.0)),
}


def hour_weight(hours: Sequence[float], zone: str, t: int) -> float:
    return hours[local_clock(offset_hours(zone), t)[1]]


def onset_of(kind: str, key: Key, rng: random.Random) -> tuple[int, str]:
    """Its first request's moment, and the zone whose clock the thief keeps."""
    minute = rng.randrange(60) * 60
    day = rng.randrange(FIRST_JUDGED, DAYS - 2)
    if kind == "exam_relay":
        day = day_of(cal.D(2025, 6, 2)) + rng.randrange(5)
        return START + day * DAY + 8 * HOUR + minute, "Europe/London"
    if kind == "election_spinner":
        zone = rng.choice(("Asia/Seoul", "Europe/Warsaw"))
        vote = cal.KOREA_ELECTION if zone == "Asia/Seoul" else cal.POLAND_RUNOFF
        local = day_of(vote - timedelta(days=rng.randrange(1, 7)))
        return START + local * DAY + (8 - round(offset_hours(zone))) * HOUR + minute, zone
    if kind == "holiday_hijack":
        offset = offset_hours(key.zone)
        judged = [date_of(d) for d in range(FIRST_JUDGED, DAYS - 1)]
        off = [d for d in judged if d in cal.HOLIDAYS.get(key.zone, frozenset())]
        when = (off or [d for d in judged if d.weekday() == 6])[0]
        return START + day_of(when) * DAY + int((8 - offset) * HOUR) + minute, key.zone
    if kind == "reset_surfer":
        return START + day * DAY + minute, "UTC"
    if kind == "mainland_gateway":
        return START + day * DAY + rng.choice((4, 11, 12, 13, 14, 15)) * HOUR + minute, "PRC"
    if kind == "pig_butcher":
        return START + day * DAY + rng.choice((14, 16, 20, 23)) * HOUR + minute, "Asia/Yangon"
    return START + day * DAY + rng.randrange(24) * HOUR + minute, "UTC"


def weight(theft: Theft, key: Key, t: int, rng: random.Random, bursts: set[int]) -> float:
    """The share of the theft's day that falls in the hour at `t`."""
    kind, when = theft.kind, local_clock(offset_hours("Asia/Shanghai"), t)[0]
    if kind == "pool_spillover":
        return 1 / 3.4 if t in bursts else 0.0
    if kind in ("thinking_farm", "ticker_agent"):
        bump = 1.5 if kind == "thinking_farm" and 11 <= (t // HOUR) % 24 < 16 else 1.0
        return bump / (24 + 2.5 * (kind == "thinking_farm"))
    if kind == "exam_relay":
        if when in cal.GAOKAO:
            return hour_weight(EXAM_HALLS["Asia/Shanghai"], "Asia/Shanghai", t)
        london = local_clock(offset_hours("Europe/London"), t)[0]
        weekday = london.weekday() < 5 and london not in cal.UK_HALF_TERM
        return hour_weight(EXAM_HALLS["Europe/London"], "Europe/London", t) * weekday
    if kind == "mainland_gateway":
        busy = 1.4 if when in cal.DRAGON_BOAT else 1.3 if when.weekday() >= 5 else 1.0
        return busy * hour_weight(GATEWAY, "Asia/Shanghai", t)
    if kind == "election_spinner":
        local = local_clock(offset_hours(theft.zone), t)[0]
        vote = cal.KOREA_ELECTION if theft.zone == "Asia/Seoul" else cal.POLAND_RUNOFF
        if local > vote:
            return 0.0
        return hour_weight(SPINNING, theft.zone, t) * (2.0 if local == vote else 1.0)
    if kind == "holiday_hijack":
        return hour_weight(OFFICE, key.zone, t)
    if kind == "captcha_solver":
        return 1 / 12 if t in bursts else 0.0
    if kind == "pig_butcher":
        grown = 1 + 0.05 * (t - theft.onset) / DAY
        return grown * hour_weight(COMPOUND, "Asia/Yangon", t)
    hour = (t // HOUR) % 24  # reset_surfer
    return (0.5, 0.3, 0.2)[hour] if hour < 3 else 0.0


def active_hours(theft: Theft, rng: random.Random) -> set[int]:
    """The bursting kinds' hours: a proxy pool's spills, a botnet's campaign windows."""
    first = theft.onset - theft.onset % HOUR
    hours: set[int] = set()
    if theft.kind == "pool_spillover":
        t = first
        while t < END:
            hours.update(range(t, t + rng.randint(1, 3) * HOUR, HOUR))
            t += rng.randint(8, 20) * HOUR
    if theft.kind == "captcha_solver":
        for t in range(first, END, 12 * HOUR):
            hours.update(range(t, t + 6 * HOUR, HOUR))
    return hours


def records(theft: Theft, key: Key, owner_model: str, provider: str, seed: int) -> Iterator[Record]:
    """The theft's hourly records from its onset to the season's end."""
    rng = random.Random(f"{seed}|{theft.key_id}|{theft.kind}")
    bursts = active_hours(theft, rng)
    style = STYLES.get(theft.kind, Style(((owner_model, 1.0),), key.shape))
    first = theft.onset - theft.onset % HOUR
    for t in range(first, END, HOUR):
        share = weight(theft, key, t, rng, bursts)
        if t == first:
            share *= (HOUR - theft.onset % HOUR) / HOUR
        tokens = theft.daily * share * rng.lognormvariate(-0.02, 0.2)
        for tier, part in style.mix:
            n = poisson(rng, tokens * part / style.shape.per_request())
            if n:
                model = model_of(provider, tier, (t - START) // DAY)
                yield spread(rng, theft.key_id, model, t, n, style.shape)


def ordinary_day(daily: Sequence[int]) -> float:
    used = [d for d in daily[:FIRST_JUDGED] if d > 0]
    return statistics.median(used) if used else 0.0
