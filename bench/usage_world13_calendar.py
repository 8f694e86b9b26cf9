"""World 13's calendar: the dates of January - March 2025 its owners live by, and the outages.

Stage: benchmarks only (issue #20). Dates are the real ones: the IRS opened the filing season on
27 January; Lunar New Year fell on 29 January (China's holiday 28 January - 4 February, the
Lantern Festival on 12 February); DeepSeek-R1 (20 January) sent teams to try other providers'
models for a week; o3-mini came out on 31 January; the Super Bowl was played on 9 February
(18:30 Eastern); Ecuador voted on 9 February and Germany on 23 February; the Scholz-Merz
debate ran on 9 February at 20:15 in Berlin; England's half-term and the US Presidents' Day
weekend fell on 15-23 and 15-17 February; Sapporo's snow festival ran 4-11 February; Australian
universities started semester 1 on 24 February after an orientation week; Ramadan began with the
first tarawih on the evening of 28 February and the first suhoor on 1 March; Claude 3.7 Sonnet
came out on 24 February and GPT-4.5 on 27 February. The outages are invented: two a provider,
one in the judged weeks, in UTC hours.
"""

from __future__ import annotations

from datetime import date

from bench.usage_world13_base import day_of

IRS_OPENS = date(2025, 1, 27)
DEEPSEEK_WEEK = (date(2025, 1, 20), date(2025, 1, 27))
LUNAR_NEW_YEAR = date(2025, 1, 29)
CHINA_HOLIDAY = (date(2025, 1, 28), date(2025, 2, 4))
LANTERN = date(2025, 2, 12)
SUPER_BOWL = date(2025, 2, 9)
VALENTINES = date(2025, 2, 14)
ECUADOR_VOTE = date(2025, 2, 9)
GERMAN_VOTE = date(2025, 2, 23)
GERMAN_DEBATES = (date(2025, 2, 9), date(2025, 2, 16), date(2025, 2, 19))
HALF_TERM = (date(2025, 2, 15), date(2025, 2, 23))
PRESIDENTS_WEEKEND = (date(2025, 2, 15), date(2025, 2, 17))
MLK_DAY = date(2025, 1, 20)
SNOW_FESTIVAL = (date(2025, 2, 4), date(2025, 2, 11))
O_WEEK = date(2025, 2, 17)
SEMESTER_ONE = date(2025, 2, 24)
UK_TERM = date(2025, 1, 13)
UK_READING_WEEK = (date(2025, 2, 17), date(2025, 2, 21))
US_QUARTER = date(2025, 1, 6)
ICML_DEADLINE = date(2025, 1, 30)
CLOSE_WEEKS = (date(2025, 2, 3), date(2025, 2, 14))
ASX_RESULTS = (date(2025, 2, 17), date(2025, 2, 28))
TARAWIH = date(2025, 2, 28)
RAMADAN = date(2025, 3, 1)
ISRA_MIRAJ = date(2025, 1, 27)

# (first hour, hours) of each provider's outages, as hour indexes from the world's start.
OUTAGES: dict[str, tuple[tuple[int, int], ...]] = {
    "openai": (
        (day_of(date(2025, 1, 23)) * 24 + 14, 3),
        (day_of(date(2025, 2, 20)) * 24 + 9, 2),
    ),
    "anthropic": (
        (day_of(date(2025, 2, 4)) * 24 + 16, 2),
        (day_of(date(2025, 2, 25)) * 24 + 17, 3),
    ),
}


def within(when: date, span: tuple[date, date]) -> bool:
    return span[0] <= when <= span[1]


def is_outage(provider: str, hour: int) -> bool:
    return any(first <= hour < first + length for first, length in OUTAGES[provider])
