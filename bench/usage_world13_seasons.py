"""World 13's seasonal owners: kinds whose year is the calendar of `usage_world13_calendar`.

Stage: benchmarks only (issue #20). A tax firm in the IRS's filing season, ski resorts (powder
days, long weekends, half-term, Sapporo's snow festival), universities starting their terms,
newsrooms through Germany's and Ecuador's votes, shops through Lunar New Year, an ad agency's
Super Bowl, a card writer's Valentine's Day, a retailer's year-end close and Sydney's results
season, a Ramadan companion, a heating helpline's cold snaps. Each is an `Owner`
(`usage_world13_shapes`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bench import usage_world13_calendar as cal
from bench.usage_world13_base import day_of
from bench.usage_world13_roster import Key
from bench.usage_world13_shapes import CONSUMER, Demand, chance, is_weekend, office


def tax_season_firm(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    if today < cal.IRS_OPENS:
        season = 0.3
    else:
        season = min(1.0 + 0.03 * (today - cal.IRS_OPENS).days, 2.2)
        events.append("irs_opens" if today == cal.IRS_OPENS else "filing_season")
    if is_weekend(at):
        shape = office(at.hour, 9, 13) if at.weekday() == 5 and today >= date(2025, 2, 8) else 0
        if shape:
            events.append("saturday_hours")
    else:
        shape = office(at.hour, 8, 18) + (0.4 if 18 <= at.hour < 21 and today.month > 1 else 0)
    level = key.size * season * shape / 2.2
    return {"main": 0.8 * level, "cheap": 0.2 * level}, tuple(events)


def ski_resort_app(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    level = 1.8 if is_weekend(at) else 1.0
    if chance(key.key_id, today, "powder") < 0.18:
        level *= 2.0
        events.append("powder_day")
    american = key.zone.startswith("America")
    if american and (today == cal.MLK_DAY or cal.within(today, cal.PRESIDENTS_WEEKEND)):
        level *= 2.2
        events.append("long_weekend")
    if key.zone == "Europe/Zurich" and cal.within(today, cal.HALF_TERM):
        level *= 1.8
        events.append("half_term")
    if key.zone == "Asia/Tokyo" and cal.within(today, cal.SNOW_FESTIVAL):
        level *= 1.8
        events.append("snow_festival")
    if key.zone == "Asia/Tokyo" and cal.within(today, cal.CHINA_HOLIDAY):
        level *= 1.5
        events.append("lunar_new_year")
    chats = key.size * level * office(at.hour, 7, 17) / 4.4
    report = key.size * 1.5 if at.hour == 5 else 0.0  # the dawn snow report, every day
    return {"main": 0.6 * chats, "cheap": 0.4 * chats + report}, tuple(events)


def university_term(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    starts = {
        "America/Los_Angeles": cal.US_QUARTER,
        "Europe/London": cal.UK_TERM,
        "Australia/Sydney": cal.SEMESTER_ONE,
    }[key.zone]
    events: list[str] = []
    if today >= starts:
        level = 1.0
        events.append("term_start" if today == starts else "term")
    elif key.zone == "Australia/Sydney" and today >= cal.O_WEEK:
        level = 0.35
        events.append("o_week")
    else:
        level = 0.06
    if key.zone == "Europe/London" and cal.within(today, cal.UK_READING_WEEK):
        level *= 0.4
        events.append("reading_week")
    hours = 1.0 if 9 <= at.hour < 23 else (0.35 if at.hour < 2 else 0.0)
    if at.hour in (12, 13, 19, 20):
        hours = 0.7
    if at.weekday() == 6 and at.hour >= 18 and level >= 1:
        hours *= 2.5
        events.append("deadline_night")
    elif is_weekend(at):
        hours *= 0.45
    level *= key.size * hours / 2.5
    return {"main": 0.5 * level, "cheap": 0.5 * level}, tuple(events)


def election_newsroom(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    vote = cal.GERMAN_VOTE if key.zone == "Europe/Berlin" else cal.ECUADOR_VOTE
    events: list[str] = []
    level = 0.5 if is_weekend(at) else 1.0
    shape = 1.0 if 6 <= at.hour < 23 else 0.0
    if timedelta(0) < vote - today <= timedelta(days=7):
        level *= 1.4
        events.append("campaign_week")
    if key.zone == "Europe/Berlin" and today in cal.GERMAN_DEBATES and at.hour >= 20:
        level *= 4.0
        events.append("debate_night")
    if today == vote and at.hour >= 17:
        level, shape = 6.0, 1.0
        events.append("election_night")
    if today == vote + timedelta(days=1):
        level = max(level, 4.0 if at.hour < 4 else 2.0)
        shape = 1.0
        events.append("count_morning")
    level *= key.size * shape / 6.0
    return {"main": 0.7 * level, "fast": 0.3 * level}, tuple(events)


def lunar_shop(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    level = key.size * CONSUMER[at.hour] / 2
    events: tuple[str, ...] = ()
    if cal.LUNAR_NEW_YEAR - timedelta(days=16) <= today < cal.CHINA_HOLIDAY[0]:
        level, events = level * 2.0, ("new_year_rush",)
    elif cal.within(today, cal.CHINA_HOLIDAY):
        level, events = level * 0.1, ("lunar_holiday",)
    elif today == cal.LANTERN:
        level, events = level * 1.6, ("lantern_festival",)
    return {"main": 0.3 * level, "cheap": 0.7 * level}, events


def ad_agency(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    work = 0.0 if is_weekend(at) else office(at.hour, 9, 19)
    level = key.size * work / 2
    events: tuple[str, ...] = ()
    if cal.SUPER_BOWL - timedelta(days=6) <= today < cal.SUPER_BOWL:
        late = 0.6 if at.hour >= 19 or at.hour < 1 else 0.0
        level, events = key.size * (office(at.hour, 9, 19) + late), ("ad_crunch",)
    elif today == cal.SUPER_BOWL and 18 <= at.hour < 23:
        level, events = key.size * 3.0, ("super_bowl",)
    elif cal.SUPER_BOWL < today <= cal.VALENTINES:
        level, events = level * 1.5, ("valentines",)
    if today >= date(2025, 2, 27):  # the agency moves its copy to the newest model at once
        return {"newest": level}, (*events, "moved_to_newest")
    return {"main": level}, events


def valentine_cards(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    level = key.size * CONSUMER[at.hour] / 3
    events: tuple[str, ...] = ()
    lead = (cal.VALENTINES - today).days
    if 0 <= lead <= 7:
        level, events = level * (1.0 + 5.0 / (1 + lead)), ("valentines",)
    return {"cheap": 0.6 * level, "main": 0.4 * level}, events


def fiscal_close(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    events: list[str] = []
    desk = 0.0 if is_weekend(at) else office(at.hour, 8, 18)
    level, night = key.size * desk / 2, 0.0
    if key.zone == "America/Chicago" and cal.within(today, cal.CLOSE_WEEKS):
        night = key.size * (1.0 if at.hour >= 22 or at.hour < 4 else 0.0)
        level *= 1.5
        events.append("year_end_close")
    is_results = chance(key.key_id, today, "results") < 0.3 and 7 <= at.hour < 11
    if key.zone == "Australia/Sydney" and cal.within(today, cal.ASX_RESULTS) and is_results:
        level *= 4.0
        events.append("results_day")
    return {"main": level, "dear": 0.6 * night, "cheap": 0.4 * night}, tuple(events)


def ramadan_companion(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    level, events = key.size * CONSUMER[at.hour] / 2, []
    if today == cal.ISRA_MIRAJ:
        level *= 1.5
        events.append("isra_miraj")
    if today == cal.TARAWIH and 19 <= at.hour < 23:
        level *= 2.5
        events.append("tarawih")
    if today >= cal.RAMADAN:
        events.append("ramadan")
        if 2 <= at.hour < 5:  # suhoor: up before dawn
            level = key.size * 1.2
        elif 17 <= at.hour < 19:  # iftar
            level *= 2.5
    return {"cheap": 0.5 * level, "main": 0.5 * level}, tuple(events)


def heating_helpline(key: Key, at: datetime, provider: str) -> Demand:
    today = at.date()
    level = key.size * (CONSUMER[at.hour] if 7 <= at.hour < 23 else 0.02) / 2
    block = today - timedelta(days=day_of(today) % 5)
    events: tuple[str, ...] = ()
    if chance(key.key_id, block, "snap") < 0.35 and day_of(today) % 5 < 3:
        level, events = level * 2.5, ("cold_snap",)
    return {"main": 0.5 * level, "cheap": 0.5 * level}, events
