"""Hours in which a provider's API failed for everyone, seen in its keys' own use.

Stage: application (usage watch), a view across keys. When a provider's API fails, every key of
the organisation falls silent or nearly so in the same hours, and owners who queue their
requests replay the backlog once it answers again, at several times their usual rate and past
their usual hours: that replay is what the key owed, not a stranger's surge. An hour is a gap
when the keys together used under GAP_SHARE of what they used in the same hour of the weeks
before, while enough keys usually worked then for the sum to be the organisation's and not one
key's quiet night; a run of such hours longer than GAP_MAX_HOURS is a holiday or a change of
habit, not an outage. So is a run in whose first hour most of the keys at work the hour before
kept working: an outage stops every key mid-stride, a public holiday keeps a region's keys
from starting while other regions' keys go on. After one, each key may send again what it
failed to send (`Backlog`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from leakward.usage.cells import DAY, HOUR, Cell
from leakward.usage.profile import Figures, Profile
from leakward.usage.scoring import expected_cost

WEEK = 7 * 24 * HOUR
GAP_SHARE = 0.5
GAP_MIN_KEYS = 5  # keys usually at work in the hour, in the same hour of the weeks before
GAP_WEEKS = 3  # weeks before an hour it is compared with
GAP_MAX_HOURS = 12
STOP_MIN_KEYS = 3  # keys at work in the hour before a gap, to tell a stop from a quiet start
STOP_SHARE = 0.6  # of them that must fall near silent with it
BACKLOG_HOURS = 12  # after an outage, how long a key may be replaying it


def provider_gaps(cells: Iterable[Cell]) -> dict[str, frozenset[int]]:
    """Provider -> the hour slots in which its keys together used far less than in the same
    hour of the weeks before, having stopped mid-stride (hour cells only: day cells carry no
    hour)."""
    spent: dict[str, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for cell in cells:
        if cell.grain == HOUR:
            spent[cell.provider][cell.slot][cell.key_id] = cell.cost
    return {p: _gaps(by_slot) for p, by_slot in spent.items()}


def _gaps(spent: dict[int, dict[str, float]]) -> frozenset[int]:
    cost = {slot: sum(keys.values()) for slot, keys in spent.items()}
    first, last = min(cost), max(cost)
    low: list[int] = []
    for slot in range(first + WEEK, last + HOUR, HOUR):
        weeks = [slot - w * WEEK for w in range(1, GAP_WEEKS + 1) if slot - w * WEEK >= first]
        usual = statistics.median(cost.get(s, 0.0) for s in weeks)
        working = statistics.median(len(spent.get(s, ())) for s in weeks)
        if working >= GAP_MIN_KEYS and cost.get(slot, 0.0) < GAP_SHARE * usual:
            low.append(slot)
    runs: list[list[int]] = []
    for slot in low:
        if runs and slot - runs[-1][-1] == HOUR:
            runs[-1].append(slot)
        else:
            runs.append([slot])
    return frozenset(
        slot
        for run in runs
        if len(run) <= GAP_MAX_HOURS and _stopped(run[0], spent)
        for slot in run
    )


def _stopped(slot: int, spent: dict[int, dict[str, float]]) -> bool:
    """Whether most of the keys at work in the hour before `slot` fell near silent in it: an
    outage stops every key mid-stride, while a holiday or a region's quiet night keeps its keys
    from starting and leaves the keys already at work elsewhere working."""
    before, during = spent.get(slot - HOUR, {}), spent.get(slot, {})
    if len(before) < STOP_MIN_KEYS:
        return False
    stopped = sum(1 for key, cost in before.items() if during.get(key, 0.0) < GAP_SHARE * cost)
    return stopped >= STOP_SHARE * len(before)


@dataclass
class Backlog:
    """What one key could not send in its provider's outages, which it may send in the hours
    after one (a queue replaying): the part of a later cell's cost above its usual that the
    key still owes counts as no one's but its owner's. A key owes only what it failed to send
    at the hours it usually works, so a thief's flood after an outage is still a flood."""

    gaps: frozenset[int]
    spent: dict[int, float]  # the key's cost by hour slot
    owed: float = 0.0
    _counted: set[int] = field(default_factory=set)  # outages (their last slot) reckoned

    def replayed(self, cell: Cell, profile: Profile, figures: Figures) -> float:
        """How much of `cell`'s cost is the key's backlog (0 outside an outage's aftermath),
        taken off what it still owes."""
        outage = self._outage_before(cell.slot)
        if outage is None:
            return 0.0
        if outage[-1] not in self._counted:
            self._counted.add(outage[-1])
            self.owed += sum(self._missed(slot, profile, figures) for slot in outage)
        over = max(0.0, cell.cost - expected_cost(cell, figures))
        taken = min(over, self.owed)
        self.owed -= taken
        return taken

    def _outage_before(self, slot: int) -> list[int] | None:
        """The outage's hour slots when `slot` falls within BACKLOG_HOURS after it."""
        for back in range(1, BACKLOG_HOURS + 1):
            last = slot - back * HOUR
            if last in self.gaps:
                run = [last]
                while run[0] - HOUR in self.gaps:
                    run.insert(0, run[0] - HOUR)
                return run
        return None

    def _missed(self, slot: int, profile: Profile, figures: Figures) -> float:
        hour = (slot % DAY) // HOUR
        usual = figures.cost_typical_by_hour.get(hour, 0.0) * figures.level
        used, days = profile.share_of_days_at(hour)
        return max(0.0, usual * min(1.0, used / max(days, 1)) - self.spent.get(slot, 0.0))
