"""Alerts for keys whose use departs from their own habits: `detect`, and the report behind it.

Stage: application (usage watch), the model. Per key, its cells (hours, or days where only daily
buckets were fetched) are walked in time order; each is scored against the key's profile as it
stood before that cell (history first, then the earlier records), then learned. Only cells of
`records` can alert; consecutive alerting cells of a key become one `Alert` spanning them, with
the strongest cell's score and every reason that moved. A key with too little past is not
judged, and the report says why, so "no alert" never hides "not looked at".

The method is a robust per-key profile (medians, quantiles and shares of days, not means and
standard deviations, which one launch day or one batch night would stretch), chosen over an
isolation forest because each of its signals is a sentence an owner can check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from leakward.usage.cells import Cell, cells_by_key, unique
from leakward.usage.prices import PriceTable, price_table
from leakward.usage.profile import Profile
from leakward.usage.records import Alert, UsageRecord
from leakward.usage.scoring import Evidence, evidence

ALERT_SCORE = 1.0  # detect returns alerts scoring at least this
CONFIDENT_SCORE = 2.5  # at or above it, the watch hands the alert to rotation


@dataclass(frozen=True, slots=True)
class DetectReport:
    """What `detect` found, and which keys it could and could not judge."""

    alerts: list[Alert]
    judged: frozenset[str] = frozenset()  # key ids with at least one cell judged
    warming_up: Mapping[str, str] = field(default_factory=dict)  # key id -> why not judged


def detect(records: Iterable[UsageRecord], *, history: Iterable[UsageRecord] = ()) -> list[Alert]:
    """Alerts for the buckets of `records`, each judged against the key's earlier use."""
    return detect_report(records, history=history).alerts


def detect_report(
    records: Iterable[UsageRecord],
    *,
    history: Iterable[UsageRecord] = (),
    prices: PriceTable | None = None,
) -> DetectReport:
    """`detect`, with the keys judged and the reason each other key was not."""
    table = prices or price_table()
    new = unique(records)
    fresh = {(r.provider, r.key_id, r.model, r.start, r.end) for r in new}
    # A bucket in both is judged, not learned beforehand: the newer report of it wins.
    past = [
        r for r in unique(history) if (r.provider, r.key_id, r.model, r.start, r.end) not in fresh
    ]
    judged_cells = cells_by_key(new, table)
    past_cells = cells_by_key(past, table)
    alerts: list[Alert] = []
    judged: set[str] = set()
    waiting: dict[str, str] = {}
    for name, cells in sorted(judged_cells.items()):
        profile = Profile(provider=name[0], grain=name[2])
        before = past_cells.get(name, [])
        for cell in before[:1] + cells[:1]:
            profile.watch_from(cell.day)
        for cell in before:
            profile.learn(cell)
        scored = _walk(cells, profile, table)
        alerts.extend(_merge(scored))
        if any(found is not None for _, found in scored):
            judged.add(name[1])
        else:
            waiting[name[1]] = profile.unready(cells[-1].day) or "no cell could be judged"
    for key_id in judged:
        waiting.pop(key_id, None)
    alerts.sort(key=lambda a: (a.start, a.provider, a.key_id))
    return DetectReport(alerts, frozenset(judged), waiting)


def _walk(
    cells: list[Cell], profile: Profile, table: PriceTable
) -> list[tuple[Cell, list[Evidence] | None]]:
    """Each cell with its evidence (None when the key was not ready), learning as it goes."""
    scored: list[tuple[Cell, list[Evidence] | None]] = []
    for cell in cells:
        if profile.unready(cell.day) is not None:
            scored.append((cell, None))
            profile.learn(cell)
            continue
        found = evidence(cell, profile, profile.figures(cell.day, table), table)
        scored.append((cell, found))
        profile.learn(cell, alerted=_score(found) >= ALERT_SCORE)
    return scored


def _merge(scored: list[tuple[Cell, list[Evidence] | None]]) -> list[Alert]:
    """Runs of consecutive alerting cells of one key, as one alert each."""
    alerts: list[Alert] = []
    run: list[tuple[Cell, list[Evidence]]] = []
    for cell, found in [*scored, (None, None)]:
        if cell is not None and found is not None and _score(found) >= ALERT_SCORE:
            run.append((cell, found))
            continue
        if run:
            alerts.append(_alert(run))
            run = []
    return alerts


def _alert(run: list[tuple[Cell, list[Evidence]]]) -> Alert:
    first, last = run[0][0], run[-1][0]
    peak_cell, peak = max(run, key=lambda item: _score(item[1]))
    return Alert(
        provider=first.provider,
        key_id=first.key_id,
        start=first.start,
        end=last.end,
        score=round(_score(peak), 2),
        reason=_reason(peak, len(run), peak_cell),
    )


def _reason(found: list[Evidence], cells: int, peak: Cell) -> str:
    """The strongest cell's signals in words, strongest first."""
    said = "; ".join(e.words for e in found if e.points >= 0.2) or found[0].words
    span = f" (peak of {cells} {'hours' if peak.grain == 3600 else 'days'})" if cells > 1 else ""
    return f"{said}{span}"


def _score(found: list[Evidence]) -> float:
    return sum(e.points for e in found)
