"""Daily curves of world 5's owners, by local hour 0-23, each peaking at 1.

Stage: benchmark (usage watch, issue #20). Shapes drawn from how such products are used: offices
work 8-18 with a lunch dip; consumers and players come in the evening; students after school and
on Sunday night; during Ramadan a companion app wakes for suhoor before dawn and peaks after
iftar; on Eid families use it late in the morning and through the day.
"""

from __future__ import annotations

OFFICE = (
    *(0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.08),
    *(0.3, 0.7, 1.0, 1.0, 0.95, 0.7, 0.9, 1.0, 0.95, 0.8, 0.5, 0.2, 0.1, 0.06, 0.04, 0.03, 0.02),
)
CALLS = (  # a US contact centre open 8-20 Eastern
    *(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05),
    *(0.55, 0.85, 1.0, 1.0, 0.9, 0.85, 0.95, 0.9, 0.8, 0.6, 0.45, 0.3, 0.02, 0.0, 0.0, 0.0),
)
EVENING = (
    *(0.25, 0.12, 0.06, 0.04, 0.03, 0.04, 0.08, 0.15, 0.22, 0.28, 0.3, 0.32),
    *(0.38, 0.35, 0.33, 0.35, 0.42, 0.55, 0.75, 0.9, 1.0, 0.95, 0.75, 0.45),
)
WEEKEND_DAY = (
    *(0.3, 0.15, 0.08, 0.05, 0.04, 0.04, 0.06, 0.12, 0.3, 0.5, 0.7, 0.85),
    *(0.9, 0.95, 1.0, 1.0, 0.95, 0.9, 0.85, 0.85, 0.8, 0.7, 0.55, 0.4),
)
RAMADAN = (
    *(0.55, 0.45, 0.35, 0.6, 0.7, 0.35, 0.1, 0.08, 0.12, 0.18, 0.22, 0.24),
    *(0.25, 0.24, 0.22, 0.2, 0.18, 0.14, 0.12, 0.55, 0.85, 1.0, 0.95, 0.75),
)
EID = (
    *(0.2, 0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.2, 0.35, 0.45, 0.5, 0.5),
    *(0.45, 0.4, 0.4, 0.45, 0.5, 0.55, 0.6, 0.6, 0.55, 0.5, 0.4, 0.3),
)
STUDENT = (
    *(0.15, 0.06, 0.02, 0.01, 0.01, 0.01, 0.02, 0.08, 0.12, 0.1, 0.1, 0.12),
    *(0.15, 0.12, 0.15, 0.35, 0.6, 0.8, 0.85, 0.9, 1.0, 0.9, 0.6, 0.35),
)
PLAYERS = (
    *(0.45, 0.3, 0.18, 0.1, 0.06, 0.05, 0.06, 0.1, 0.15, 0.2, 0.25, 0.3),
    *(0.35, 0.38, 0.4, 0.45, 0.5, 0.6, 0.75, 0.9, 1.0, 1.0, 0.9, 0.7),
)
GAME_NIGHT = (  # a sports desk: box scores and recaps while games run, 19-24 local
    *(0.35, 0.1, 0.03, 0.02, 0.02, 0.02, 0.03, 0.06, 0.08, 0.1, 0.1, 0.1),
    *(0.12, 0.12, 0.12, 0.12, 0.15, 0.2, 0.4, 0.8, 1.0, 1.0, 0.95, 0.7),
)
