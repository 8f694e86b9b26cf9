"""A key's own earlier alerts, kept as habits it may repeat.

Stage: application (usage watch), the model's memory of what it already said. An owner's
honest surges come back in their own shape: the eval harness tries the next model, the on-call
copilot works another night, the sale brings another busy afternoon. Each time the profile has
long since learned the ordinary days, so the same signal alerts again, day after day, on a key
nobody robbed. An alert the key lived through is news only once: from the next day on, a cell
that moves the same signal counts only what it adds to the strongest earlier alert of that
signal. A thief who does more than the owner's own episodes did still counts for the excess, and
a thief on a key with no such episodes counts in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leakward.usage.profile import WINDOW_DAYS
from leakward.usage.scoring import Evidence

# An alert becomes the key's habit from this many days after the day it was raised: a thief's
# first day stays news all day, whatever it did in its first hour.
EPISODE_DAYS = 1
# And is forgotten after as long as the profile remembers the key's ordinary days: a habit not
# seen in four weeks is news again. It also bounds the history the model must walk.
KEEP_DAYS = WINDOW_DAYS
# Signals whose episodes recur in the owner's own shape. A return from a long idle spell is
# news by its nature.
SIGNALS = frozenset({"volume", "hours", "weekday", "cache"})
# A model new to the key stays news for days after its first use (its first hours are learned
# late, as any alert's), so an owner's move to it alerts day after day; the same models again
# are the owner's move, while other models are news each time (a thief probes models; an
# owner's earlier migration says nothing of the next model).
NAMED = frozenset({"models"})
# Signals about the shape of one model's requests recur too (the owner's monthly report asks
# for longer answers, the same night job sends bigger prompts), but only on the same model, the
# same figure moved the same way (the evidence's topic), at the same hour of day: a thief's
# prompts on another model, at another hour, or shaped the other way, stay news.
SHAPED = frozenset({"tokens_per_request", "output_ratio"})
SAID_FROM = 0.2  # points from which a signal was part of what an alert said

# (signal, topic, hour of day): topic is "" for SIGNALS, hour -1 for the signals not SHAPED
Name = tuple[str, str, int]


@dataclass
class Episodes:
    """The strongest points each signal reached in one key's alerts of the last KEEP_DAYS."""

    # (name, day the alert was raised) -> the strongest points the signal reached that day
    held: dict[tuple[Name, int], float] = field(default_factory=dict)
    _day: int | None = None
    _allowed: dict[Name, float] = field(default_factory=dict)  # as it stands on `_day`

    def remember(self, day: int, found: list[Evidence], hour: int = -1) -> None:
        """An alert raised on `day` (at `hour` of it) with these signals."""
        for e in found:
            if e.signal in SIGNALS | SHAPED | NAMED and e.points >= SAID_FROM:
                name = (_name(e, hour), day)
                self.held[name] = max(self.held.get(name, 0.0), e.points)

    def allow(self, found: list[Evidence], day: int, hour: int = -1) -> list[Evidence]:
        """`found` with each signal less the points its earlier alerts reached, strongest
        first."""
        if not self.held:
            return found
        if day != self._day:
            # Once a day: an alert counts from the day after it, for KEEP_DAYS.
            self._day, self._allowed = day, {}
            for (name, raised), points in self.held.items():
                if raised + EPISODE_DAYS <= day < raised + KEEP_DAYS:
                    self._allowed[name] = max(self._allowed.get(name, 0.0), points)
        if not self._allowed:
            return found
        kept = [_less(e, self._allowed.get(_name(e, hour), 0.0)) for e in found]
        return sorted(kept, key=lambda e: -e.points)


def _name(found: Evidence, hour: int) -> Name:
    if found.signal in SHAPED:
        return (found.signal, found.topic, hour)
    if found.signal in NAMED:
        return (found.signal, found.topic, -1)
    return (found.signal, "", -1)


def _less(found: Evidence, allowed: float) -> Evidence:
    if allowed <= 0:
        return found
    words = f"{found.words}, beyond an alert of its own before ({allowed:.1f} points allowed)"
    return Evidence(found.signal, max(0.0, found.points - allowed), words, found.topic)
