"""World 12's calendar: the public holidays of its zones and the season's dated events.

Stage: benchmarks only (issue #20). Dates are 2025's: Easter (Western and Orthodox both on
20 April), Anzac Day, May Day, the UK's two May bank holidays, Japan's Golden Week, China's May
Day and Dragon Boat holidays, US Memorial Day, Western Australia Day and New Zealand's King's
Birthday (both 2 June), Korea's election day (3 June) and Memorial Day (6 June), Eid al-Adha
(6 June), the exam season (AP 5-16 May, GCSE/A-level from 12 May with half-term 26-30 May,
gaokao 7-8 June), IPL 2025 (suspended 9-16 May, final 3 June) and the model launches.
"""

from __future__ import annotations

from datetime import date, timedelta


def span(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=i) for i in range((last - first).days + 1))


D = date
EASTER = D(2025, 4, 20)
HOLY_WEEK = span(D(2025, 4, 14), D(2025, 4, 20))
GOOD_FRIDAY, EASTER_MONDAY = D(2025, 4, 18), D(2025, 4, 21)
ANZAC_DAY = D(2025, 4, 25)
MAY_DAY = D(2025, 5, 1)
UK_MAY_BANK = D(2025, 5, 5)
SPRING_BANK = D(2025, 5, 26)  # the UK's, on US Memorial Day
MEMORIAL_DAY = D(2025, 5, 26)
MOTHERS_DAY = D(2025, 5, 11)
GOLDEN_WEEK = span(D(2025, 4, 29), D(2025, 5, 6))
CHINA_MAY_DAY = span(D(2025, 5, 1), D(2025, 5, 5))
DRAGON_BOAT = span(D(2025, 5, 31), D(2025, 6, 2))
ASCENSION = D(2025, 5, 29)
PENTECOST = D(2025, 6, 8)
WA_DAY = D(2025, 6, 2)
NZ_KINGS_BIRTHDAY = D(2025, 6, 2)
KOREA_ELECTION = D(2025, 6, 3)
POLAND_RUNOFF = D(2025, 6, 1)
DHUL_HIJJAH = D(2025, 5, 28)
HAJJ = span(D(2025, 6, 4), D(2025, 6, 9))
ARAFAH = D(2025, 6, 5)
EID_AL_ADHA = D(2025, 6, 6)
AP_EXAMS = span(D(2025, 5, 5), D(2025, 5, 16))
GCSE_START = D(2025, 5, 12)
UK_HALF_TERM = span(D(2025, 5, 26), D(2025, 5, 30))
UK_EASTER_HOLIDAYS = span(D(2025, 4, 14), D(2025, 4, 25))
GAOKAO = span(D(2025, 6, 7), D(2025, 6, 8))
WA_SCHOOL_HOLIDAYS = span(D(2025, 4, 14), D(2025, 4, 27))
IPL_SUSPENDED = span(D(2025, 5, 9), D(2025, 5, 16))
IPL_PLAYOFFS = {D(2025, 5, 29), D(2025, 5, 30), D(2025, 6, 1)}
IPL_FINAL = D(2025, 6, 3)
IPL_REST_DAYS = {D(2025, 5, 28), D(2025, 5, 31), D(2025, 6, 2)}
NIH_DEADLINE = D(2025, 6, 5)
COMPUTEX = span(D(2025, 5, 20), D(2025, 5, 23))
GOOGLE_IO = span(D(2025, 5, 20), D(2025, 5, 21))
CLAUDE_4 = D(2025, 5, 22)
GPT_41 = D(2025, 4, 14)
O3 = D(2025, 4, 16)

# Days off in each zone the world uses (weekends aside); the thief `holiday_hijack` starts on one.
HOLIDAYS: dict[str, frozenset[date]] = {
    "Europe/London": frozenset({GOOD_FRIDAY, EASTER_MONDAY, UK_MAY_BANK, SPRING_BANK}),
    "Europe/Dublin": frozenset({EASTER_MONDAY, UK_MAY_BANK, D(2025, 6, 2)}),
    "Europe/Berlin": frozenset({GOOD_FRIDAY, EASTER_MONDAY, MAY_DAY, ASCENSION}),
    "Europe/Warsaw": frozenset({EASTER_MONDAY, MAY_DAY, D(2025, 5, 3), PENTECOST}),
    "Europe/Athens": frozenset({GOOD_FRIDAY, EASTER_MONDAY, MAY_DAY}),
    "America/New_York": frozenset({MEMORIAL_DAY}),
    "America/Chicago": frozenset({MEMORIAL_DAY}),
    "America/Los_Angeles": frozenset({MEMORIAL_DAY}),
    "America/Toronto": frozenset({GOOD_FRIDAY, D(2025, 5, 19)}),
    "Asia/Tokyo": GOLDEN_WEEK - {D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)},
    "Asia/Shanghai": CHINA_MAY_DAY | DRAGON_BOAT,
    "Asia/Taipei": frozenset({MAY_DAY, D(2025, 5, 30)}),
    "Asia/Seoul": frozenset({D(2025, 5, 5), D(2025, 5, 6), KOREA_ELECTION, D(2025, 6, 6)}),
    "Asia/Kolkata": frozenset({D(2025, 4, 18)}),
    "Asia/Riyadh": span(D(2025, 6, 5), D(2025, 6, 8)),
    "Asia/Manila": frozenset({GOOD_FRIDAY, MAY_DAY, D(2025, 5, 12), D(2025, 6, 6)}),
    "Australia/Perth": frozenset({GOOD_FRIDAY, EASTER_MONDAY, ANZAC_DAY, WA_DAY}),
    "Australia/Sydney": frozenset({GOOD_FRIDAY, EASTER_MONDAY, ANZAC_DAY}),
    "Pacific/Auckland": frozenset({GOOD_FRIDAY, EASTER_MONDAY, ANZAC_DAY, NZ_KINGS_BIRTHDAY}),
    "Africa/Lagos": frozenset({GOOD_FRIDAY, EASTER_MONDAY, MAY_DAY, D(2025, 6, 6)}),
}


def is_day_off(zone: str, when: date) -> bool:
    return when.weekday() >= 5 or when in HOLIDAYS.get(zone, frozenset())
