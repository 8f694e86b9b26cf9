"""A provider's outage silences every key at once, and owners who queue their requests replay the
backlog once the API answers again: the replay is no surge over the outage's hours (issue #20:
"a provider outage: … no false alert"). A flood after an outage is still a flood.

Found by the sixth usage world (bench/usage_world6.py): after each outage the queued owners were
flagged for "a surge to 5× the hours just before it", the hours before being the outage.
Histories from tests/usage/habits.py: three weeks of history, the fourth judged, six office keys.
"""

from __future__ import annotations

from dataclasses import replace

from leakward.usage.cells import cells_by_key
from leakward.usage.model import detect
from leakward.usage.outages import GAP_MIN_KEYS, provider_gaps
from leakward.usage.prices import price_table
from leakward.usage.records import Alert, UsageRecord
from tests.usage.habits import HOUR, Extra, Habit, at, split, thief, usage

DAYS = range(28)
JUDGED_FROM = 21
OUTAGE = range(at(23, 10), at(23, 14), HOUR)  # four hours of a Wednesday
KEPT = 0.05  # of the requests that still succeed
OWNERS = [replace(Habit(), key_id=f"key_TestOutageOwner{n:02d}") for n in range(GAP_MIN_KEYS + 1)]


def replayed(habit: Habit) -> Extra:
    """What the outage cost the owner, sent again at 14:00 beside the usual use."""
    lost = habit.requests * len(OUTAGE) * (1 - KEPT)
    return thief(at(23, 14), 1, model=habit.model, requests=lost)


def cut(records: list[UsageRecord]) -> list[UsageRecord]:
    """The records with the outage's failed requests taken out (failures are not billed)."""
    kept = []
    for r in records:
        if r.start in OUTAGE:
            r = replace(
                r,
                requests=None if r.requests is None else round(r.requests * KEPT),
                input_tokens=round(r.input_tokens * KEPT),
                cached_input_tokens=round(r.cached_input_tokens * KEPT),
                output_tokens=round(r.output_tokens * KEPT),
            )
        kept.append(r)
    return kept


def judge(extras: dict[str, Extra]) -> list[Alert]:
    records = []
    for n, habit in enumerate(OWNERS):
        records += cut(usage(habit, DAYS, seed=n, extra=extras.get(habit.key_id)))
    history, judged = split(records, JUDGED_FROM)
    return list(detect(judged, history=history))


def test_the_outage_s_hours_are_found_across_the_keys() -> None:
    records = [r for n, h in enumerate(OWNERS) for r in cut(usage(h, DAYS, seed=n))]
    cells = [c for found in cells_by_key(records, price_table()).values() for c in found]
    assert provider_gaps(cells) == {"openai": frozenset(OUTAGE)}


def test_one_key_s_quiet_hours_are_no_outage() -> None:
    alone = cut(usage(OWNERS[0], DAYS, seed=0))
    cells = [c for found in cells_by_key(alone, price_table()).values() for c in found]
    assert provider_gaps(cells) == {"openai": frozenset()}


def test_a_backlog_replayed_after_an_outage_is_no_alert() -> None:
    assert judge({h.key_id: replayed(h) for h in OWNERS}) == []


def test_a_flood_after_an_outage_is_flagged() -> None:
    onset = at(23, 14)
    flood = thief(onset, 2, model=OWNERS[0].model, requests=40 * OWNERS[0].requests)
    alerts = judge({OWNERS[0].key_id: flood})
    assert [(a.key_id, a.start) for a in alerts][:1] == [(OWNERS[0].key_id, onset)]


def test_a_public_holiday_is_no_outage() -> None:
    # Every owner takes the Wednesday off: the keys never start that day, none stops mid-stride.
    holiday = range(at(23, 0), at(24, 0))
    records = [
        r for n, h in enumerate(OWNERS) for r in usage(h, DAYS, seed=n) if r.start not in holiday
    ]
    cells = [c for found in cells_by_key(records, price_table()).values() for c in found]
    assert provider_gaps(cells) == {"openai": frozenset()}
