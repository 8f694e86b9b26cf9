"""World 9's owners whose business follows the season's dates: sales, sport, markets, holidays.

Stage: benchmarks only (issue #20). Each function is one owner kind (see `usage_world9_rotas`).

- `retail_peak`: a US or UK shop's catalogue writer (nightly, queued) or support chat, growing to
  Black Friday and Cyber Monday, then December's gift orders; some launch a gift finder on the
  newest model on 1 December.
- `cross_border`: a Chinese or Singaporean cross-border seller's live-stream scripts and listings,
  peaking at midnight of 11.11, then working through its own nights for western Black Friday.
- `aep_broker`: a Medicare broker's call-centre assistant, seven days a week, busiest in the last
  week before enrolment closes on 7 December, shut on Thanksgiving.
- `advent_bot`: a puzzle community's bot (Advent of Code unlocks at 05:00 UTC from 1 December), an
  advent-calendar app's 06:00 door in Berlin, or a Hanukkah app at candle lighting in Jerusalem.
- `race_media`: a London motorsport desk, bursts at each Formula 1 session wherever it is run.
- `matchday_live`: live match reports on European football nights and league weekends.
- `crypto_desk`: a market-news desk round the clock, jolted by releases and sudden moves.
"""

from __future__ import annotations

from collections import defaultdict

from bench.usage_world9_base import (
    DAYS,
    Habit,
    Owner,
    day_of,
    merged,
    noted,
    shaped,
)
from bench.usage_world9_calendar import (
    BLACK_FRIDAY,
    CYBER_MONDAY,
    HANUKKAH_NIGHTS,
    MARKET_MOVES,
    MATCH_NIGHTS,
    RACE_SESSIONS,
    SINGLES_DAY,
    THANKSGIVING,
    utc_hour,
)

PEAK = {THANKSGIVING: 1.6, BLACK_FRIDAY: 4.0, "2026-11-28": 2.6, "2026-11-29": 2.4,
        CYBER_MONDAY: 3.5, "2026-12-01": 1.8}  # fmt: skip


def retail_peak(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    base = r.uniform(10, 60)
    events: dict[int, list[str]] = defaultdict(list)
    for date, factor in PEAK.items():
        if factor > 2:
            events[day_of(date)].append("Black Friday / Cyber Monday")
    for day in range(day_of("2026-12-02"), DAYS):
        events[day].append("December gift orders")
    if r.random() < 0.45:  # the catalogue writer, run nightly from a queue
        listing = o.mix("mid", 1_400, 0, 700)

        def nightly(h: int) -> float:
            ramp = 1 + 2.0 * min(1.0, h / (24 * 25))
            return base * 3 * ramp if 1 <= c.hour[h] < 5 else 0.0

        return Habit(shaped(o, [(listing, 1.0)], nightly), noted(events), queued=True)
    chat = o.mix("small", 1_600, 1_000, 220)

    def support(h: int) -> float:
        local, date = c.hour[h], c.date[h]
        if not 8 <= local < 23:
            return 0.08 * base
        rush = 1.3 if h // 24 >= day_of("2026-12-02") else 1.0
        return base * PEAK.get(date, 1.0) * rush * (1.3 if 18 <= local < 22 else 1.0)

    demand = shaped(o, [(chat, 1.0)], support)
    if r.random() < 0.45:
        finder, launch = o.mix("new", 2_500, 0, 600), day_of("2026-12-01") * 24 + 15
        for day in range(launch // 24, DAYS):
            events[day].append("gift finder launched on the newest model")
        extra = shaped(o, [(finder, 1.0)], lambda h: 1.2 * support(h) if h >= launch else 0.0)
        demand = merged(demand, extra)
    return Habit(demand, noted(events))


def cross_border(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    script, listing = o.mix("cheap", 800, 0, 500), o.mix("small", 1_200, 400, 300)
    base = r.uniform(15, 60)
    events: dict[int, list[str]] = defaultdict(list)
    events[day_of(SINGLES_DAY) - 1].append("11.11 countdown")
    events[day_of(SINGLES_DAY)].append("11.11 sale")
    western = ("2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01")
    for date in western:
        events[day_of(date)].append("western Black Friday, worked through the night")

    def rate(h: int) -> float:
        local, date = c.hour[h], c.date[h]
        shape = 3.0 if 19 <= local < 24 else (1.0 if 9 <= local < 19 else 0.15)
        if date == SINGLES_DAY:
            shape *= 8.0 if local < 3 or local >= 19 else 4.0
        if date in western and 2 <= local < 13:  # European and American evenings
            shape += 3.0
        return base * shape * (1.5 if date < SINGLES_DAY else 1.0)

    return Habit(shaped(o, [(script, 0.6), (listing, 0.4)], rate), noted(events))


def aep_broker(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    call = o.mix("chat", 3_000, 1_500, 450)
    base = r.uniform(10, 45)
    events: dict[int, list[str]] = defaultdict(list)
    for day in range(day_of("2026-12-01"), DAYS):
        events[day].append("enrolment's last week")

    def rate(h: int) -> float:
        local, date = c.hour[h], c.date[h]
        if not 8 <= local < 20 or date == THANKSGIVING:
            return 0.0
        season = 1.6 if date >= "2026-12-01" else 1.0
        return base * season * (0.5 if c.weekday[h] == 6 else 1.0)

    return Habit(shaped(o, [(call, 1.0)], rate), noted(events))


def advent_bot(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    base = r.uniform(5, 25)
    help_ = o.mix("mid", 2_000, 0, 800)
    events: dict[int, list[str]] = defaultdict(list)
    variant = o.key.owner.split()[0]
    chatter = shaped(o, [(help_, 1.0)], lambda h: 0.15 * base if 12 <= c.hour[h] < 23 else 0.0)
    if variant == "puzzles":  # Advent of Code: twelve puzzles, each unlocking at 05:00 UTC
        first = utc_hour("2026-12-01T05:00")
        days = range(first // 24, min(DAYS, first // 24 + 12))
        burst = {0: 12.0, 1: 8.0, 2: 5.0, 3: 3.0, 4: 2.0}

        def rate(h: int) -> float:
            return base * burst.get(h % 24 - 5, 0.0) if h // 24 in days else 0.0

    elif variant == "calendar":  # a door a day, generated at 06:00 Berlin from 1 December
        days = range(day_of("2026-12-01"), DAYS)

        def rate(h: int) -> float:
            return base * 10 if h // 24 in days and c.hour[h] == 6 else 0.0

    else:  # candle lighting in Jerusalem, earlier on Friday, after Shabbat on Saturday
        days = range(day_of(HANUKKAH_NIGHTS[0]), day_of(HANUKKAH_NIGHTS[-1]) + 1)
        light = {4: 15, 5: 17}

        def rate(h: int) -> float:
            if h // 24 not in days:
                return 0.0
            return base * 8 if c.hour[h] == light.get(c.weekday[h], 16) else 0.0

    for day in days:
        events[day].append(f"{variant}: daily release")
    return Habit(merged(chatter, shaped(o, [(help_, 1.0)], rate)), noted(events))


def race_media(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    copy = o.mix("chat", 2_200, 0, 900)
    base = r.uniform(4, 15)
    events: dict[int, list[str]] = defaultdict(list)
    burst: dict[int, float] = {}
    for session in RACE_SESSIONS:
        events[session.first // 24].append(session.label)
        for h in session.covered:
            burst[h] = 12.0
        burst[session.covered[-1] + 1] = 4.0

    def rate(h: int) -> float:
        desk = base if 9 <= c.hour[h] < 18 and c.weekday[h] < 5 else 0.0
        return desk + base * burst.get(h, 0.0)

    return Habit(shaped(o, [(copy, 1.0)], rate), noted(events))


def matchday_live(o: Owner) -> Habit:
    c, r = o.clock, o.rng
    report = o.mix("small", 1_100, 500, 400)
    base = r.uniform(5, 20)
    nights = set(MATCH_NIGHTS) if r.random() < 0.75 else set()
    events = {day_of(d): ("match night",) for d in nights}

    def rate(h: int) -> float:
        local, utc = c.hour[h], h % 24
        if c.date[h] in nights and 17 <= utc < 23:
            return base * 10
        if c.weekday[h] >= 5 and 12 <= local < 23:
            return base * 5
        return base * 0.3 if 9 <= local < 18 else 0.0

    return Habit(shaped(o, [(report, 1.0)], rate), events)


def crypto_desk(o: Owner) -> Habit:
    r = o.rng
    note, digest = o.mix("small", 1_500, 800, 300), o.mix("chat", 4_000, 0, 700)
    base = r.uniform(10, 40)
    jolts: dict[int, float] = {}
    events: dict[int, list[str]] = defaultdict(list)
    for move in MARKET_MOVES:
        events[move.first // 24].append(move.label)
        for h in move.covered:
            jolts[h] = 4.0
    for _ in range(r.randrange(5, 10)):  # sudden moves at any hour: liquidations, hacks, listings
        first, factor = r.randrange(DAYS * 24), r.uniform(3, 8)
        events[first // 24].append("sudden market move")
        for h in range(first, min(DAYS * 24, first + r.randrange(2, 7))):
            jolts[h] = max(jolts.get(h, 1.0), factor)

    def rate(h: int) -> float:
        us = 1.3 if 13 <= h % 24 < 21 else 1.0
        return base * us * jolts.get(h, 1.0)

    return Habit(shaped(o, [(note, 0.8), (digest, 0.2)], rate), noted(events))
