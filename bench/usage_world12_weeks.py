"""World 12's owners whose load follows a week, a fixture list or a deadline.

Stage: benchmarks only (issue #20). Each function is one owner kind: a key and a local date in,
the day's `Plan` out (see `usage_world12_plans`).
"""

from __future__ import annotations

from datetime import date, timedelta

from bench import usage_world12_calendar as cal
from bench.usage_world12_plans import (
    ALLDAY,
    DAYTIME,
    FLAT,
    OFFICE,
    Key,
    Plan,
    curve,
    plan,
    ramp,
)

D = date


def holiday_sale(key: Key, when: date) -> Plan:
    """A US retailer's shopping assistant: Mother's Day gifts (the week to 11 May), then the
    Memorial Day weekend sale (23-26 May), a little quieter after."""
    mix = (("cheap", 0.8), ("mid", 0.2))
    if D(2025, 5, 23) <= when <= cal.MEMORIAL_DAY:
        return plan(1.8 if when == cal.MEMORIAL_DAY else 2.2, ALLDAY, mix, "memorial_sale")
    if D(2025, 5, 5) <= when <= cal.MOTHERS_DAY:
        return plan(1.6 if when < cal.MOTHERS_DAY else 1.2, ALLDAY, mix, "mothers_day")
    return plan(0.9 if when > cal.MEMORIAL_DAY else 1.0, ALLDAY, mix)


SCHOOL_VISITS = curve((9, 15, 1.0))
FAMILY_VISITS = curve((10, 17, 1.0))
DAWN_SERVICE = curve((5, 8, 0.6), (10, 17, 1.0))


def museum_guide(key: Key, when: date) -> Plan:
    """A Perth museum's audio guide: school groups on weekdays in term, families on weekends and
    in the school holidays (to 27 April), Anzac Day's dawn service, WA Day (2 June)."""
    mix = (("cheap", 0.5), ("mid", 0.5))
    if when == cal.ANZAC_DAY:
        return plan(1.5, DAWN_SERVICE, mix, "anzac_day")
    if when == cal.WA_DAY:
        return plan(1.6, FAMILY_VISITS, mix, "wa_day")
    if when in cal.WA_SCHOOL_HOLIDAYS:
        return plan(1.3, FAMILY_VISITS, mix, "school_holidays")
    if when.weekday() >= 5 or when in cal.HOLIDAYS["Australia/Perth"]:
        return plan(0.8, FAMILY_VISITS, mix)
    return plan(1.0, SCHOOL_VISITS, mix)


MATCH = curve((18, 19, 0.3), (19, 24, 1.0), (0, 1, 0.3))
DOUBLE_HEADER = curve((15, 19, 0.8), (19, 24, 1.0), (0, 1, 0.3))


def ipl_commentary(key: Key, when: date) -> Plan:
    """Live commentary for IPL 2025 in Mumbai: the evening match, afternoon ones on weekend
    double-headers; suspended 9-16 May; playoffs, the final on 3 June, then the season is over."""
    mix = (("cheap", 0.7), ("mid", 0.3))
    if when > cal.IPL_FINAL:
        return plan(0.05, ALLDAY, mix, "season_over")
    if when == cal.IPL_FINAL:
        return plan(2.0, MATCH, mix, "final")
    if when in cal.IPL_PLAYOFFS:
        return plan(1.4, MATCH, mix, "playoff")
    if when in cal.IPL_SUSPENDED:
        return plan(0.08, ALLDAY, mix, "suspended")
    if when in cal.IPL_REST_DAYS:
        return plan(0.15, ALLDAY, mix)
    if when.weekday() >= 5 and when < D(2025, 5, 26):
        return plan(1.6, DOUBLE_HEADER, mix, "double_header")
    return plan(1.0, MATCH, mix, "match")


DRAFTING = curve((9, 12, 0.4), (13, 17, 0.4), (19, 24, 1.0))
SUNDAY_EARLY = curve((5, 9, 1.0))


def sermon_writer(key: Key, when: date) -> Plan:
    """Preachers' writing help (Chicago, Lagos, Athens): drafts late in the week, Saturday night
    most, a look on Sunday at dawn; Holy Week (Easter, Western and Orthodox, on 20 April),
    Ascension (29 May) and the week before Pentecost (8 June)."""
    mix = (("mid", 0.6), ("cheap", 0.4))
    weekday = when.weekday()
    factor, hours = {0: 0.4, 1: 0.4, 2: 0.4, 3: 0.8, 4: 0.8}.get(weekday, 1.0), DRAFTING
    if weekday == 5:
        factor, hours = 1.6, curve((15, 19, 0.4), (19, 24, 1.0), (0, 1, 0.3))
    if weekday == 6:
        factor, hours = 1.0, SUNDAY_EARLY
    if when in cal.HOLY_WEEK:
        return plan(factor * 2.2 + 0.4, DRAFTING if weekday < 6 else SUNDAY_EARLY, mix, "holy_week")
    if cal.ASCENSION - timedelta(days=3) <= when <= cal.ASCENSION:
        return plan(factor * 1.3 + 0.2, hours, mix, "ascension")
    if cal.PENTECOST - timedelta(days=3) <= when <= cal.PENTECOST:
        return plan(factor * 1.6, hours, mix, "pentecost")
    return plan(factor, hours, mix)


ELECTIONS = {  # zone: election days (Seoul's presidential, Warsaw's two rounds, ...)
    "Asia/Seoul": (cal.KOREA_ELECTION,),
    "Europe/Warsaw": (D(2025, 5, 18), cal.POLAND_RUNOFF),
    "America/Toronto": (D(2025, 4, 28),),
    "Australia/Sydney": (D(2025, 5, 3),),
    "Asia/Manila": (D(2025, 5, 12),),
}
COUNT_NIGHT = curve((8, 18, 0.6), (18, 24, 1.0), (0, 3, 1.0))


def election_desk(key: Key, when: date) -> Plan:
    """A newsroom's election desk: office hours, more as a vote nears, the count through its
    night (from 18:00 to 03:00), the day after, then a lull."""
    mix = (("mid", 0.7), ("cheap", 0.3))
    days = ELECTIONS[key.zone]
    if when in days:
        return plan(4.0, COUNT_NIGHT, mix, "election_night")
    if any(when == d + timedelta(days=1) for d in days):
        return plan(1.8, OFFICE, mix, "count")
    weekend = 0.3 if when.weekday() >= 5 else 1.0
    ahead = [(d - when).days for d in days if d > when]
    if ahead and ahead[0] <= 14:
        return plan(weekend * (1 + 1.5 * (14 - ahead[0]) / 14), OFFICE, mix, "campaign")
    if any(0 < (when - d).days <= 8 for d in days):
        return plan(weekend * 0.6, OFFICE, mix)
    return plan(weekend, OFFICE, mix)


EPISODE_NIGHT = curve((21, 24, 1.0), (0, 1, 0.5))


def podcast_notes(key: Key, when: date) -> Plan:
    """A podcast network's transcripts and show notes: Monday night's batch of long episodes
    (on Tuesday in a week whose Monday is a holiday), a few edits through the week."""
    mix = (("mid", 0.6), ("small_next", 0.4))
    is_holiday_week = (when - timedelta(days=when.weekday())) in cal.HOLIDAYS[key.zone]
    batch_day = 1 if is_holiday_week else 0
    if when.weekday() == batch_day:
        return plan(3.0, EPISODE_NIGHT, mix, "episode_batch", *(("holiday_slip",) * batch_day))
    if when.weekday() >= 5:
        return plan(0.05, OFFICE, mix)
    return plan(0.3, OFFICE, mix)


LAST_NIGHTS = curve((9, 18, 0.6), (18, 24, 1.0), (0, 3, 0.7))


def grant_crunch(key: Key, when: date) -> Plan:
    """A Boston lab writing an NIH R01 due 5 June (17:00): office hours, more from 19 May, late
    nights and the weekend in the last days, then almost nothing."""
    mix = (("mid", 0.7), ("reason", 0.3))
    if when > cal.NIH_DEADLINE:
        return plan(0.1, OFFICE, mix, "after_deadline")
    if when == cal.NIH_DEADLINE:
        return plan(2.5, curve((6, 17, 1.0)), mix, "deadline_day")
    if when >= D(2025, 6, 1) or when == D(2025, 5, 31):
        return plan(3.0, LAST_NIGHTS, mix, "deadline_run")
    weekend = 0.1 if when.weekday() >= 5 else 1.0
    return plan(weekend * ramp(when, D(2025, 5, 19), D(2025, 5, 30), 0.6, 2.5), OFFICE, mix)


AUCTION = curve((7, 13, 1.0))


def listing_writer(key: Key, when: date) -> Plan:
    """An estate agency's listing copy (Sydney, Auckland): written Thursday and Friday for the
    weekend, Saturday morning's auctions and open homes, quiet Sundays and holidays."""
    mix = (("cheap", 0.6), ("mid", 0.4))
    if when in cal.HOLIDAYS[key.zone]:
        return plan(0.1, OFFICE, mix, "holiday")
    weekday = when.weekday()
    if weekday == 5:
        return plan(0.9, AUCTION, mix, "auction_saturday")
    if weekday == 6:
        return plan(0.1, DAYTIME, mix)
    return plan(1.5 if weekday in (3, 4) else 0.8, OFFICE, mix)


RELEASES = (D(2025, 4, 16), D(2025, 4, 30), D(2025, 5, 14), D(2025, 5, 28))
STORM = {0: (2.0,), 1: (2.0, 1.6, 1.3), 2: (2.0, 1.6, 1.3), 3: (3.5, 3.0, 2.0, 1.5, 1.3, 1.2)}


def review_replier(key: Key, when: date) -> Plan:
    """Replies to app-store reviews for a Dublin studio: office hours, a storm of reviews after
    each fortnightly Wednesday release, the worst after the buggy one of 28 May."""
    mix = (("cheap", 0.7), ("mid", 0.3))
    weekend = when.weekday() >= 5
    for index, release in enumerate(RELEASES):
        after = (when - release).days
        storm = STORM[index]
        if 0 <= after < len(storm):
            return plan(storm[after] * (0.5 if weekend else 1.0), OFFICE, mix, "review_storm")
    return plan(0.3 if weekend else 1.0, ALLDAY if weekend else OFFICE, mix)


DRILL = curve((10, 12, 1.0))
OUTAGE = curve((14, 17, 1.0))


def standby_key(key: Key, when: date) -> Plan:
    """A failover key in Frankfurt: silent but for the monthly drill on the first Tuesday (6 May,
    3 June, 10:00-12:00), when it carries the service, and, for some, 15 May's real failover."""
    mix = (("mid", 1.0),)
    if when in (D(2025, 5, 6), D(2025, 6, 3)):
        return plan(1.0, DRILL, mix, "failover_drill")
    if key.variant == 1 and when == D(2025, 5, 15):
        return plan(1.5, OUTAGE, mix, "failover")
    return plan(0.0, FLAT, mix)
