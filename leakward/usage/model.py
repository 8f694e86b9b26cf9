"""Alerts for keys whose use departs from their own habits: `detect`, and the report behind it.

Stage: application (usage watch), the model. Per key, its cells (hours, or days where only daily
buckets were fetched) are walked in time order; each is scored against the key's profile as it
stood before that cell (history first, then the earlier records), then learned. Only cells of
`records` can alert; consecutive alerting cells of a key become one `Alert` spanning them, with
the strongest cell's score and every reason that moved. A key with too little past is not
judged, and the report says why, so "no alert" never hides "not looked at". The one fact read
across keys is a provider's outage (`outages`): what each key failed to send then, it may send
in the hours after without alerting. What the key alerted for before, and lived through, it may
do again no stronger (`episodes`): the last weeks of history are walked for that as the records
are, their alerts left unsaid.

The method is a robust per-key profile (medians, quantiles and shares of days, not means and
standard deviations, which one launch day or one batch night would stretch), chosen over an
isolation forest because each of its signals is a sentence an owner can check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from leakward.usage.cells import DAY, HOUR, Cell, bucket_of, cells_by_key, unique
from leakward.usage.episodes import KEEP_DAYS, Episodes
from leakward.usage.outages import Backlog, provider_gaps
from leakward.usage.prices import PriceTable, price_table
from leakward.usage.profile import Figures, Profile
from leakward.usage.records import Alert, UsageRecord
from leakward.usage.scoring import Evidence, cache_fall, evidence, expected_cost, moved_cost

ALERT_SCORE = 1.0  # detect returns alerts scoring at least this
CONFIDENT_SCORE = 2.5  # at or above it, the watch hands the alert to rotation
ALLOWANCE = 0.25  # points a cell may carry without building up towards an alert
CARRY_GAP = 2  # cells: a longer pause in use ends a build-up
# A build-up holds no more than this, so it drains within hours once use is ordinary again.
CARRY_CAP = 1.6
SURGE_WINDOW = 6 * HOUR  # the hours before a cell a surge is measured against
# The running sum of a key's cache falls (in spreads) less this much an hour: an hour a spread
# low adds nothing, hours of two or three spreads low add up.
CACHE_SLACK = 1.0
CACHE_DRIFT_FROM = 3.0  # the sum gives points from here
CACHE_DRIFT_PER_POINT = 2.0  # and a point for each this much more
# Held to two points' worth, so the sum drains within hours once the share is back.
CACHE_DRIFT_CAP = CACHE_DRIFT_FROM + 2 * CACHE_DRIFT_PER_POINT
# A key idle this many days that works again is news by itself (a key forgotten in a repository
# or a laptop's dotfiles is found and used), even one with too little past to be judged
# otherwise. Its first hours back carry DORMANT_POINTS, a point more for each doubling of the
# idle spell, up to DORMANT_MAX: an alert, but not one handed to rotation on this alone.
# A key never used at all counts its idle spell from its issue date, where the caller knows it.
DORMANT_DAYS = 14
DORMANT_WINDOW = 6 * HOUR
DORMANT_POINTS = 1.2
DORMANT_MAX = 2.2
# A key back from a spell away at its own hours, on its own models, with requests of its own
# shape (its other signals under FAMILIAR_BELOW) is its owner back from leave: the news of the
# return then counts this share, too little to build up over its first hours.
FAMILIAR_BELOW = 0.3
FAMILIAR_SHARE = 0.15
# A key used on too few days to have habits, though watched for long enough (a side project
# touched now and then), is still judged on one thing: a day's use far beyond the most it ever
# used in a day. Its owner's sessions are much alike; a thief's day of work is not one of them.
# From SPARSE_FREE times its busiest day, SPARSE_POINTS and a point more for each doubling.
SPARSE_FREE = 4.0
SPARSE_POINTS = 1.0
SPARSE_MAX = 2.2
# A key with too few days of use to have habits that comes back after a spell away and does what
# it did before (at an hour it worked, on models it used, a day no bigger than REHEARSED_DAY
# times its busiest) is its owner's drill or check run now and then (a failover key's monthly
# drill): its return then counts FAMILIAR_SHARE. A stranger's hours or models are still news.
REHEARSED_DAY = 2.0


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
    issued: Mapping[str, int] | None = None,
) -> DetectReport:
    """`detect`, with the keys judged and the reason each other key was not.

    `issued` maps key ids to when each was issued (epoch seconds), for keys known to have gone
    unused from then until their first record: a key never used since an issue weeks ago that
    suddenly works is dormant, not new."""
    issued = issued or {}
    table = prices or price_table()
    new = unique(records)
    fresh = {bucket_of(r) for r in new}
    # A bucket in both is judged, not learned beforehand: the newer report of it wins.
    past = [r for r in unique(history) if bucket_of(r) not in fresh]
    judged_cells = cells_by_key(new, table)
    past_cells = cells_by_key(past, table)
    every = [*judged_cells.values(), *past_cells.values()]
    gaps = provider_gaps(cell for cells in every for cell in cells)
    alerts: list[Alert] = []
    judged: set[str] = set()
    waiting: dict[str, str] = {}
    for name, cells in sorted(judged_cells.items()):
        profile = Profile(provider=name[0], grain=name[2])
        before = past_cells.get(name, [])
        for cell in before[:1] + cells[:1]:
            profile.watch_from(cell.day)
        # The history's last weeks are walked as the records are, their alerts left unsaid:
        # the episodes the key lived through there are its habits (`Episodes`). Older cells
        # are only learned, as no episode is kept that long.
        walked_from = cells[0].day - KEEP_DAYS
        older = [cell for cell in before if cell.day < walked_from]
        before = before[len(older) :]
        for cell in older:
            profile.learn(cell)
        since = issued.get(name[1])
        since_day = None if since is None else since // DAY
        outages = gaps.get(name[0])
        # Most providers have no outage in the window: no backlog to keep, cell by cell.
        backlog = (
            Backlog(outages, {cell.slot: cell.cost for cell in (*before, *cells)})
            if outages
            else None
        )
        scored = _walk([*before, *cells], profile, table, since_day, backlog)[len(before) :]
        alerts.extend(_merge(scored))
        if any(item is not None for item in scored):
            judged.add(name[1])
        else:
            waiting[name[1]] = profile.unready(cells[-1].day) or "no cell could be judged"
    for key_id in judged:
        waiting.pop(key_id, None)
    alerts.sort(key=lambda a: (a.start, a.provider, a.key_id))
    return DetectReport(alerts, frozenset(judged), waiting)


@dataclass(frozen=True, slots=True)
class Judged:
    """One cell as the model saw it: its signals and its score (with what built up before)."""

    cell: Cell
    found: list[Evidence]
    score: float
    sustained: int  # cells in a row the build-up has run over


def _walk(
    cells: list[Cell],
    profile: Profile,
    table: PriceTable,
    issued_day: int | None = None,
    backlog: Backlog | None = None,
) -> list[Judged | None]:
    """Each cell judged (None when the key was not ready), learning as it goes; a key with no
    use before its cells counts its first idle spell from `issued_day` when given, and what
    it failed to send in a provider's outage from `backlog`.

    Points add up over consecutive cells, less an allowance each (a CUSUM): a modest oddity
    that lasts, such as a little extra use through several never-worked hours, builds to an
    alert, while one that does not last drains away."""
    judged: list[Judged | None] = []
    episodes = Episodes()
    carried, sustained, last_slot, drift = 0.0, 0, None, 0.0
    recent: list[tuple[int, float]] = []  # (slot, cost against its usual) of the last hours
    # Whether the run of back-to-back cells the walk is in began at an hour the key works in.
    run_from_usual = False
    # woke: (slot of a return, days idle, whether idle since its issue: never used before)
    last_day, woke = profile.last_day_used(), (0, 0, False)
    is_unused = last_day is None and issued_day is not None
    last_day = issued_day if is_unused else last_day
    today = (0, 0)  # (day, tokens the key used on it so far)
    for cell in cells:
        if last_day is not None and cell.day - last_day >= DORMANT_DAYS:
            woke = (cell.slot, cell.day - last_day, is_unused)
        last_day, is_unused = cell.day, False
        dormant = _dormant(cell, *woke)
        tokens = cell.prompt_tokens + cell.output_tokens
        today = (cell.day, tokens + (today[1] if today[0] == cell.day else 0))
        if profile.unready(cell.day) is not None:
            if dormant is not None:
                dormant = _rehearsed(dormant, cell, profile, today[1])
            found = [e for e in (dormant, _unprecedented(profile, cell.day, today[1])) if e]
            points = sum(e.points for e in found)
            judged.append(Judged(cell, found, points, 0) if found else None)
            # A day beyond all the key did is held back from learning, as any alert is.
            profile.learn(cell, alerted=points >= ALERT_SCORE)
            continue
        figures = profile.figures(cell.day, table)
        recent = [(slot, r) for slot, r in recent if cell.slot - slot <= SURGE_WINDOW]
        if last_slot is None or cell.slot - last_slot > cell.grain:
            run_from_usual = profile.hours_away(cell.hour) == 0
        earlier = [r for _, r in recent]
        replayed = backlog.replayed(cell, profile, figures) if backlog else 0.0
        found = evidence(
            cell, profile, figures, table, earlier, overrun=run_from_usual, backlog=replayed
        )
        if dormant is not None:
            dormant = _familiar(dormant, found, figures)
            found = sorted([*found, dormant], key=lambda e: -e.points)
        if last_slot is None or cell.slot - last_slot > CARRY_GAP * cell.grain:
            drift = 0.0
        drift, found = _cache_drift(cell, figures, drift, found)
        raw, found = found, episodes.allow(found, cell.day, cell.hour)
        points = sum(e.points for e in found)
        # A weekday is one fact a day, not a new one each hour: it adds to the hour's score but
        # does not build up over the hours of an owner's odd Saturday.
        daily = sum(e.points for e in found if e.signal == "weekday")
        if last_slot is None or cell.slot - last_slot > CARRY_GAP * cell.grain:
            carried, sustained = 0.0, 0
        carried = min(max(0.0, carried + points - daily - ALLOWANCE), CARRY_CAP)
        # Hours already building up are left out of what later hours are measured against: a
        # step up that holds must not become its own "hours just before".
        # At the price the volume signal used: a move to a dearer model is no surge a day later.
        if carried <= 0:
            cost = moved_cost(cell, profile, figures, table)
            recent.append((cell.slot, cost / expected_cost(cell, figures)))
        sustained = sustained + 1 if carried > 0 else 0
        # The build-up speaks only for a cell that is itself odd: an alert never runs on over
        # ordinary hours after the oddity stopped.
        score = max(points, carried + daily) if points >= ALLOWANCE else points
        judged.append(Judged(cell, found, score, sustained))
        if score >= ALERT_SCORE:
            episodes.remember(cell.day, raw, cell.hour)
        # Anything that built up is held back from learning, so a thief's first hours do
        # not make the next ones look familiar.
        profile.learn(cell, alerted=carried > 0 or score >= ALERT_SCORE)
        last_slot = cell.slot
    return judged


def _dormant(cell: Cell, returned: int, idle: int, since_issue: bool) -> Evidence | None:
    """The news of a key working again after `idle` days without use (`since_issue`: since it
    was issued, never used before), for the first hours from `returned` (the slot it came back
    in); None for any other cell."""
    if idle < DORMANT_DAYS or not returned <= cell.slot < returned + DORMANT_WINDOW:
        return None
    points = min(DORMANT_POINTS + math.log2(idle / DORMANT_DAYS), DORMANT_MAX)
    if since_issue:
        words = f"first use of a key issued {idle} days ago: never used since issue, it works now"
    else:
        words = f"first use in {idle} days: a key idle that long works again"
    return Evidence("dormant", points, words)


def _unprecedented(profile: Profile, day: int, tokens: int) -> Evidence | None:
    """The news of a sparse key's day (`tokens` so far on `day`) far beyond the most it ever
    used in a day; None for any other key or day."""
    busiest = profile.busiest_day(day)
    if not profile.is_sparse(day) or busiest <= 0 or tokens <= SPARSE_FREE * busiest:
        return None
    ratio = tokens / busiest
    points = min(SPARSE_POINTS + math.log2(ratio / SPARSE_FREE), SPARSE_MAX)
    words = (
        f"{ratio:.1f}× the most it ever used in a day ({tokens:,} tokens so far), on a key used "
        f"on only {len(profile.days)} days"
    )
    return Evidence("volume", points, words)


def _familiar(dormant: Evidence, found: list[Evidence], figures: Figures) -> Evidence:
    """The news of a return, less where the key's habits before its spell away (still in its
    window) say nothing else changed."""
    if figures.main_model is None or sum(e.points for e in found) >= FAMILIAR_BELOW:
        return dormant
    words = f"{dormant.words}, at its own hours and models and in its own shape"
    return Evidence("dormant", dormant.points * FAMILIAR_SHARE, words)


def _rehearsed(dormant: Evidence, cell: Cell, profile: Profile, tokens: int) -> Evidence:
    """The news of a sparse key's return (`tokens` used so far on its day), less where it
    repeats the key's earlier use: the hour, the models and no more than its busiest day."""
    busiest = profile.busiest_day(cell.day)
    is_repeat = (
        profile.days_at(cell.hour) > 0
        and all(model in profile.model_since for model in cell.by_model)
        and 0 < tokens <= REHEARSED_DAY * busiest
    )
    if not is_repeat:
        return dormant
    words = (
        f"{dormant.words}, at an hour and on models it used before and no busier than its "
        "busiest day"
    )
    return Evidence("dormant", dormant.points * FAMILIAR_SHARE, words)


def _cache_drift(
    cell: Cell, figures: Figures, drift: float, found: list[Evidence]
) -> tuple[float, list[Evidence]]:
    """The running sum of the key's cache falls after this cell, and the evidence with it: a
    sum past CACHE_DRIFT_FROM takes the place of the cell's own cache evidence if stronger."""
    fall = cache_fall(cell, figures)
    if fall is None:
        return drift, found
    drift = min(max(0.0, drift + fall[0] - CACHE_SLACK), CACHE_DRIFT_CAP)
    points = (drift - CACHE_DRIFT_FROM) / CACHE_DRIFT_PER_POINT
    own = max((e.points for e in found if e.signal == "cache"), default=0.0)
    if points <= own:
        return drift, found
    words = f"{fall[1]}, below its usual hour after hour: requests that share none of its prompts"
    kept = [e for e in found if e.signal != "cache"]
    return drift, sorted([*kept, Evidence("cache", points, words)], key=lambda e: -e.points)


def _merge(judged: list[Judged | None]) -> list[Alert]:
    """Runs of alerting cells of one key back to back in time, as one alert each. Cells next
    to each other in the list are not when the key was idle between them: such a run would
    claim the idle weeks as the alert's."""
    alerts: list[Alert] = []
    run: list[Judged] = []
    for item in [*judged, None]:
        alerting = item if item is not None and item.score >= ALERT_SCORE else None
        last = run[-1].cell if run else None
        if last and (alerting is None or alerting.cell.slot > last.slot + last.grain):
            alerts.append(_alert(run))
            run = []
        if alerting is not None:
            run.append(alerting)
    return alerts


def _alert(run: list[Judged]) -> Alert:
    first, last = run[0].cell, run[-1].cell
    peak = max(run, key=lambda item: item.score)
    return Alert(
        provider=first.provider,
        key_id=first.key_id,
        start=first.start,
        end=last.end,
        score=round(peak.score, 2),
        reason=_reason(peak, len(run)),
    )


def _reason(peak: Judged, cells: int) -> str:
    """The strongest cell's signals in words, strongest first."""
    unit = "hours" if peak.cell.grain == HOUR else "days"
    said = "; ".join(e.words for e in peak.found if e.points >= 0.2)
    said = said or (peak.found[0].words if peak.found else "use unlike its own")
    if peak.sustained > 1:
        said += f", kept up {peak.sustained} {unit} in a row"
    return f"{said} (alert spans {cells} {unit})" if cells > 1 else said
