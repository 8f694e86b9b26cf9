"""World 12's owners whose load follows the season: exams, holidays, shows and model launches.

Stage: benchmarks only (issue #20). Each function is one owner kind: a key and a local date in,
the day's `Plan` out (see `usage_world12_plans`).
"""

from __future__ import annotations

from datetime import date, timedelta

from bench import usage_world12_calendar as cal
from bench.usage_world12_plans import (
    ALLDAY,
    DAYTIME,
    EVENING,
    FLAT,
    OFFICE,
    STUDY,
    Key,
    Plan,
    curve,
    day_luck,
    plan,
    ramp,
)

D = date
REVISION_DAY = curve((9, 13, 0.8), (14, 18, 0.8), (19, 22, 1.0))
PRE_EXAM = curve((6, 8, 0.5), (16, 19, 0.6), (19, 23, 1.0), (23, 24, 0.4))


def exam_revision(key: Key, when: date) -> Plan:
    """A UK GCSE/A-level revision app: evenings in term, days in the holidays, heavier into the
    exams from 12 May, with early-morning cramming on exam days; half-term lets up."""
    mix = (("cheap", 0.8), ("mid", 0.2))
    if when in cal.UK_EASTER_HOLIDAYS:
        return plan(1.1, REVISION_DAY, mix, "easter_holidays")
    if when in cal.UK_HALF_TERM:
        return plan(1.3, REVISION_DAY, mix, "half_term")
    level = ramp(when, D(2025, 4, 28), D(2025, 5, 11), 1.0, 1.8)
    if when >= cal.GCSE_START:
        if when.weekday() >= 5:
            return plan(1.4, REVISION_DAY, mix, "exam_season")
        return plan(1.7, PRE_EXAM, mix, "exam_season")
    return plan(level * (1.2 if when.weekday() >= 5 else 1.0), STUDY, mix)


def ap_prep(key: Key, when: date) -> Plan:
    """A US AP-exam prep app: builds up to the exams (5-16 May), then a trickle into summer."""
    mix = (("cheap", 0.6), ("mid", 0.4))
    weekend = 0.8 if when.weekday() >= 5 else 1.0
    if when in cal.AP_EXAMS:
        return plan(2.4 * weekend, PRE_EXAM, mix, "ap_exams")
    if when > D(2025, 5, 16):
        late = 0.3 if when < D(2025, 5, 26) else 0.15
        return plan(late, STUDY, mix, "after_exams")
    return plan(ramp(when, D(2025, 4, 27), D(2025, 5, 4), 1.0, 2.2) * weekend, STUDY, mix)


LATE_STUDY = curve((6, 7, 0.2), (18, 22, 0.9), (22, 24, 1.0), (0, 1, 0.5))
WEEKEND_STUDY = curve((8, 12, 0.8), (14, 18, 0.8), (19, 24, 1.0))


def gaokao_tutor(key: Key, when: date) -> Plan:
    """A Shanghai tutoring app for gaokao candidates: late nights, whole weekends, more each week
    towards 7 June; the two exam days themselves are almost silent."""
    mix = (("cheap", 0.5), ("mid", 0.5))
    if when in cal.GAOKAO:
        return plan(0.08, ALLDAY, mix, "gaokao")
    level = ramp(when, D(2025, 4, 14), D(2025, 6, 6), 1.0, 2.0)
    if when in cal.CHINA_MAY_DAY:
        return plan(level * 1.3, WEEKEND_STUDY, mix, "may_day")
    if when in cal.DRAGON_BOAT:
        return plan(level * 1.2, WEEKEND_STUDY, mix, "dragon_boat")
    if when.weekday() >= 5:
        return plan(level * 1.1, WEEKEND_STUDY, mix)
    return plan(level, LATE_STUDY, mix)


def travel_concierge(key: Key, when: date) -> Plan:
    """A Tokyo travel concierge: planning in the week before Golden Week, its peak through it, a
    lull after; weekends busier."""
    mix = (("cheap", 0.7), ("small_next", 0.3))
    weekend = 1.3 if when.weekday() >= 5 else 1.0
    if when in cal.GOLDEN_WEEK:
        return plan(2.4, ALLDAY, mix, "golden_week")
    if D(2025, 4, 21) <= when < D(2025, 4, 29):
        return plan(1.6 * weekend, ALLDAY, mix, "golden_week_planning")
    if D(2025, 5, 7) <= when <= D(2025, 5, 13):
        return plan(0.8 * weekend, ALLDAY, mix)
    return plan(weekend, ALLDAY, mix)


PILGRIM = curve((9, 12, 0.5), (16, 24, 1.0), (0, 2, 0.6))
HAJJ_CLOCK = curve((0, 24, 0.6), (4, 8, 0.6), (15, 20, 0.6))


def hajj_companion(key: Key, when: date) -> Plan:
    """A Riyadh pilgrims' companion: late evenings, more from 1 Dhul Hijjah (28 May), round the
    clock through Hajj (4-9 June) and heaviest on Arafah; Eid al-Adha on 6 June."""
    mix = (("cheap", 0.6), ("mid", 0.4))
    friday = 1.2 if when.weekday() == 4 else 1.0
    if when == cal.ARAFAH:
        return plan(3.5, HAJJ_CLOCK, mix, "hajj", "arafah")
    if when == cal.EID_AL_ADHA:
        return plan(2.8, HAJJ_CLOCK, mix, "hajj", "eid_al_adha")
    if when in cal.HAJJ:
        return plan(3.0, HAJJ_CLOCK, mix, "hajj")
    if when >= cal.DHUL_HIJJAH:
        return plan(1.6 * friday, PILGRIM, mix, "dhul_hijjah")
    return plan(friday, PILGRIM, mix)


WEDDING_DAY = curve((6, 11, 1.0), (11, 23, 0.6))


def wedding_planner(key: Key, when: date) -> Plan:
    """A wedding-planning app: weekday evenings, Friday rehearsals, Saturday timelines from dawn;
    growing into June's wedding season."""
    mix = (("mid", 0.7), ("cheap", 0.3))
    growth = 1 + 0.012 * (when - D(2025, 4, 14)).days
    if when.weekday() == 5:
        june = 2.0 if when.month == 6 else 1.6
        return plan(june * growth, WEDDING_DAY, mix, "wedding_saturday")
    if when.weekday() == 4:
        return plan(1.3 * growth, curve((12, 18, 0.5), (18, 23, 1.0)), mix)
    if when.weekday() == 6:
        return plan(0.5 * growth, EVENING, mix)
    return plan(growth, EVENING, mix)


FORECAST = curve((5, 6, 0.75), (6, 22, 0.25))


def pollen_forecast(key: Key, when: date) -> Plan:
    """A hay-fever app: a 05:00 forecast batch scaled by the pollen count (birch in April, grass
    peaking into June) and daytime questions; rain damps both."""
    mix = (("cheap", 0.9), ("mid", 0.1))
    level = ramp(when, D(2025, 5, 10), D(2025, 6, 1), 0.8, 1.7)
    events = ("grass_peak",) if when >= D(2025, 5, 25) else ()
    if day_luck(key, when, "rain").random() < 0.25:
        return plan(level * 0.7, FORECAST, mix, *events, "rain")
    return plan(level, FORECAST, mix, *events)


def garden_advice(key: Key, when: date) -> Plan:
    """A UK gardening helper: a little on weekday evenings, most on weekends and bank holidays
    (Easter's, 5 and 26 May), more when the weekend is sunny."""
    mix = (("cheap", 1.0),)
    sunny = 1.3 if day_luck(key, when, "sun").random() < 0.5 else 1.0
    if cal.GOOD_FRIDAY <= when <= cal.EASTER_MONDAY:
        return plan(2.2 * sunny, DAYTIME, mix, "easter_weekend")
    if when in (cal.UK_MAY_BANK, cal.SPRING_BANK):
        return plan(2.0 * sunny, DAYTIME, mix, "bank_holiday")
    if when.weekday() >= 5:
        return plan(1.8 * sunny, DAYTIME, mix)
    return plan(0.5, EVENING, mix)


def model_chaser(key: Key, when: date) -> Plan:
    """A product team that tries each new model on its launch day and moves over in steps:
    GPT-4.1 (14 April) and o3 (16 April); Claude 4 (22 May), its move in the judged weeks."""
    if when.weekday() >= 5 or when == cal.MEMORIAL_DAY:
        return plan(0.05, OFFICE, (("mid", 1.0),))
    if key.variant == 0:  # on OpenAI's models
        if when in (cal.GPT_41, cal.GPT_41 + timedelta(days=1)):
            return plan(1.8, OFFICE, (("mid", 0.5), ("next", 0.5)), "launch_trial")
        if when in (cal.O3, cal.O3 + timedelta(days=1)):
            return plan(2.0, OFFICE, (("mid", 0.5), ("dear", 0.3), ("reason", 0.2)), "launch_trial")
        share = ramp(when, D(2025, 5, 27), D(2025, 6, 6), 0.15, 0.85)
        events = ("migration",) if when >= D(2025, 5, 27) else ()
        mix = (("mid", 0.8 - share), ("next", share), ("reason", 0.2))
        return plan(1.0, OFFICE, mix, *events)
    if when in (cal.CLAUDE_4, cal.CLAUDE_4 + timedelta(days=1)):
        return plan(2.2, OFFICE, (("mid", 0.3), ("next", 0.5), ("dear", 0.2)), "launch_trial")
    if when < cal.CLAUDE_4:
        return plan(1.0, OFFICE, (("mid", 0.85), ("cheap", 0.15)))
    share = ramp(when, D(2025, 5, 27), D(2025, 6, 6), 0.2, 0.8)
    return plan(1.0, OFFICE, (("mid", 0.85 - share), ("next", share), ("cheap", 0.15)), "migration")


SHOW_FLOOR = curve((9, 18, 1.0))


def expo_kiosk(key: Key, when: date) -> Plan:
    """A demo kiosk for a trade show (Computex in Taipei, Google I/O in Mountain View, both from
    20 May): set-up tests two days before, the show days, a follow-up mailing on 27 May."""
    mix = (("mid", 0.6), ("cheap", 0.4))
    show = cal.COMPUTEX if key.variant == 0 else cal.GOOGLE_IO
    first = min(show)
    if when in show:
        return plan(1.0, SHOW_FLOOR, mix, "show")
    if first - timedelta(days=2) <= when < first:
        return plan(0.15, OFFICE, mix, "setup")
    if when == D(2025, 5, 27):
        return plan(0.4, OFFICE, mix, "follow_up")
    return plan(0.0, FLAT, mix)
