"""What one key usually does, learned from its own past cells: its hours, weekdays, models,
volume, tokens per request and output ratio.

Stage: application (usage watch), the model's memory. Counts (which hours and weekdays it
worked, which models it used) grow with every cell; the robust figures the scorer compares
against (quantiles, medians, spreads) are taken once per UTC day from what was learned before
that day, so a cell is only ever judged against what came before it. A cell whose points built
up (or alerted) is learned two days late: a thief's first hours must not become the key's
habit before the alert has had its say, while an owner's lasting change of habit stops alerting
after two days. The usual cost of an hour follows the last three days' level, so a key that grows
steadily is compared with where it stands now, not with the month behind it.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict, deque
from dataclasses import dataclass, field

from leakward.usage.cells import HOUR, Cell, ModelUse
from leakward.usage.prices import PriceTable

# How far back volume and shape figures look from the key's last day of use: long enough for
# weekly habits.
WINDOW_DAYS = 28
MIN_ACTIVE_DAYS = 5  # days with use before a key is judged
MIN_SPAN_DAYS = 7  # and how long it must have been watched: one week of weekdays
QUARANTINE_DAYS = 2
LEVEL_DAYS = 3  # the days whose use says where a growing (or shrinking) key stands now
LEVEL_LIMIT = 2.0  # log2: the level moves the usual cost at most four times either way
# A model stays news this long after its first use: one hour of a thief's model must not make
# the next hour's use of it look familiar.
NEW_MODEL_SECONDS = 86400
# A key whose median cell reads less than this share of its input from the prompt cache has no
# cached habit to lose.
MIN_CACHED_SHARE = 0.05
# An hour used on at least this share of the key's days is a habit of its own (a nightly job).
RECURRING_SHARE = 0.5
# Cells of one model at one hour of day from which that hour has a shape of its own (about two
# weeks of working days): fewer, and the key's shape over all hours is the measure.
MIN_HOUR_CELLS = 10
# A key's busy cells around an hour are its cells there at this quantile of cost: a sweep or a
# batch run that recurs on a few days in ten is among them, one launch day is not.
BUSY_QUANTILE = 0.9
MIN_BUSY_CELLS = 10  # cells around an hour from which its busy cells are told from its usual


@dataclass(frozen=True, slots=True)
class Spread:
    """A robust centre and scale (median, 1.4826 × MAD) of one log figure."""

    centre: float
    scale: float
    count: int


@dataclass(frozen=True, slots=True)
class Shape:
    """How one model is used by the key: per request, and its output to input ratio."""

    prompt_per_request: Spread | None
    output_per_request: Spread | None
    output_ratio: Spread | None
    typical_size: float  # median requests a cell (or prompt tokens where none are counted)
    # Share of its input read from the prompt cache (not log: a share, 0 to 1), where the key
    # has a cache worth the name; None for a key that caches little or nothing.
    cached_share: Spread | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """The day's snapshot the scorer reads."""

    cost_typical: float  # median cost of a cell with use
    tokens_typical: float  # median tokens (input and output) of a cell with use
    cost_typical_by_hour: dict[int, float]  # the same for cells within an hour of each hour
    # Median tokens of cells within an hour of each hour: what a model move is measured against
    # (in tokens, as the new model's price may differ from the old one's).
    tokens_typical_by_hour: dict[int, float]
    # BUSY_QUANTILE cost of cells within an hour of each hour, where there are enough of them:
    # how big the key's own recurring bursts run there.
    cost_busy_by_hour: dict[int, float]
    level: float  # the last days' cells against those medians: growth the window lags behind
    volume_spread: float  # robust spread of log2(cost / usual for its hour): the key's ragged
    shapes: dict[str, Shape]  # by model
    usual_price: float  # cost-weighted blended price of the models it used, $/M tokens
    main_model: str | None = None  # the model with most of its cost in the window
    # By (model, hour of day), where the key used the model at that hour on enough days: a key
    # shared by an office app and a nightly job has one shape by day and another by night.
    hour_shapes: dict[tuple[str, int], Shape] = field(default_factory=dict)


@dataclass
class Profile:
    """One key's habits at one grain (hour cells or day cells)."""

    provider: str
    grain: int
    days: set[int] = field(default_factory=set)
    hour_days: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    weekday_days: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    first_day: int | None = None
    model_cost: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    model_since: dict[str, int] = field(default_factory=dict)  # model -> first slot used
    recent: deque[Cell] = field(default_factory=deque)
    day_tokens: dict[int, int] = field(default_factory=lambda: defaultdict(int))  # learned use
    pending: list[tuple[int, Cell]] = field(default_factory=list)
    _figures: Figures | None = None
    _figures_day: int | None = None

    def watch_from(self, day: int) -> None:
        """The first day this key was watched (its first cell, history included)."""
        if self.first_day is None or day < self.first_day:
            self.first_day = day

    def learn(self, cell: Cell, *, alerted: bool = False) -> None:
        if alerted:
            self.pending.append((cell.day + QUARANTINE_DAYS, cell))
            return
        self.days.add(cell.day)
        self.day_tokens[cell.day] += _tokens(cell)
        self.hour_days[cell.hour].add(cell.day)
        self.weekday_days[cell.weekday].add(cell.day)
        for model, cost in cell.cost_by_model.items():
            self.model_cost[model] += cost
            self.model_since[model] = min(self.model_since.get(model, cell.slot), cell.slot)
        self.recent.append(cell)

    def last_day_used(self) -> int | None:
        """The last day the key was used on, learned or held back; None before any use."""
        held = {cell.day for _, cell in self.pending}
        return max(self.days | held, default=None)

    def is_sparse(self, day: int) -> bool:
        """Whether the key was watched long enough to be judged but used on too few days: a
        side project touched now and then, not a key too new to have habits."""
        span = day - (self.first_day if self.first_day is not None else day)
        return bool(self.days) and len(self.days) < MIN_ACTIVE_DAYS and span >= MIN_SPAN_DAYS

    def busiest_day(self, before: int) -> int:
        """The most tokens the key used in one day before day `before`, of what it learned (0
        before any use)."""
        return max((t for d, t in self.day_tokens.items() if d < before), default=0)

    def unready(self, day: int) -> str | None:
        """Why the key cannot be judged on `day` yet, or None when it can."""
        self._release(day)
        span = day - (self.first_day if self.first_day is not None else day)
        if len(self.days) < MIN_ACTIVE_DAYS:
            return f"{len(self.days)} days of use seen, {MIN_ACTIVE_DAYS} needed"
        if span < MIN_SPAN_DAYS:
            return f"watched for {span} days, {MIN_SPAN_DAYS} needed"
        return None

    def share_of_days_at(self, hour: int) -> tuple[float, int]:
        """On how many of its days the key worked within an hour of `hour` (a neighbour counts
        half: a job that drifts by an hour is the same job), and out of how many days."""
        used = len(self.hour_days.get(hour, ()))
        near = len(
            (
                self.hour_days.get((hour - 1) % 24, set())
                | self.hour_days.get((hour + 1) % 24, set())
            )
            - self.hour_days.get(hour, set())
        )
        return used + near / 2, len(self.days)

    def days_at(self, hour: int) -> int:
        """On how many of its days the key worked in `hour` itself."""
        return len(self.hour_days.get(hour, ()))

    def is_new_model(self, model: str, slot: int, within: int = NEW_MODEL_SECONDS) -> bool:
        """A model the key never used, or began to use less than `within` seconds (a day)
        before `slot`."""
        since = self.model_since.get(model)
        return since is None or slot - since < within

    def hours_away(self, hour: int) -> int:
        """How far `hour` is from the nearest hour the key works in on a fifth of its days:
        overtime stretches a working day, a thief works apart from it."""
        usual = self._usual_hours()
        return min((min((hour - h) % 24, (h - hour) % 24) for h in usual), default=12)

    def hours_until_usual(self, hour: int) -> int:
        """How many hours after `hour` the key's next usual hour comes (0 when `hour` is one,
        24 when it has none)."""
        return min(((h - hour) % 24 for h in self._usual_hours()), default=24)

    def _usual_hours(self) -> list[int]:
        return [h for h, days in self.hour_days.items() if 5 * len(days) >= len(self.days)]

    def share_of_weeks_on(self, weekday: int, day: int) -> tuple[int, int]:
        """On how many of the watched weeks the key worked on `weekday`."""
        weeks = max(1, (day - (self.first_day or day)) // 7)
        return len(self.weekday_days.get(weekday, ())), weeks

    def figures(self, day: int, prices: PriceTable) -> Figures:
        """The snapshot for `day`, taken from cells learned before it."""
        if self._figures is None or self._figures_day != day:
            self._release(day)
            # The window ends at the key's last day of use, not at `day`: a key back from a
            # spell away longer than the window is judged against what it did before it, not
            # against nothing (every hour of it a surge over a usual of zero).
            until = min(day, max(self.days, default=day) + 1)
            while self.recent and self.recent[0].day < until - WINDOW_DAYS:
                self.recent.popleft()
            self._figures = _figures(list(self.recent), dict(self.model_cost), self, prices)
            self._figures_day = day
        return self._figures

    def _release(self, day: int) -> None:
        ready = [cell for release, cell in self.pending if release <= day]
        if ready:
            self.pending = [(r, c) for r, c in self.pending if r > day]
            for cell in ready:
                self.learn(cell)


def _figures(
    cells: list[Cell], model_cost: dict[str, float], profile: Profile, prices: PriceTable
) -> Figures:
    costs = [c.cost for c in cells] or [0.0]
    by_hour: dict[int, float] = {}
    tokens_by_hour: dict[int, float] = {}
    busy_by_hour: dict[int, float] = {}
    if profile.grain == HOUR:
        days = len({c.day for c in cells})
        # Grouped once: the figures are taken for every key every day, over four weeks of cells.
        at_hour: dict[int, list[Cell]] = defaultdict(list)
        for cell in cells:
            at_hour[cell.hour].append(cell)
        for hour in range(24):
            own = at_hour.get(hour, [])
            near = [*at_hour.get((hour - 1) % 24, ()), *own, *at_hour.get((hour + 1) % 24, ())]
            if len(near) >= 4:
                by_hour[hour] = statistics.median(c.cost for c in near)
                tokens_by_hour[hour] = statistics.median(_tokens(c) for c in near)
                if len(near) >= MIN_BUSY_CELLS:
                    ranked = sorted(c.cost for c in near)
                    busy_by_hour[hour] = ranked[int(BUSY_QUANTILE * (len(ranked) - 1))]
                # A job run at this very hour on most days is the hour's habit, however quiet
                # the hours around it (a nightly job on a key an hourly cron also uses): their
                # median would make every night's run a surge.
                if len(own) >= max(4, RECURRING_SHARE * days):
                    cost = statistics.median(c.cost for c in own)
                    by_hour[hour] = max(by_hour[hour], cost)
                    tokens = statistics.median(_tokens(c) for c in own)
                    tokens_by_hour[hour] = max(tokens_by_hour[hour], tokens)
    level, spread = _level(cells, by_hour, statistics.median(costs))
    window_cost: dict[str, float] = defaultdict(float)
    for cell in cells:
        for model, cost in cell.cost_by_model.items():
            window_cost[model] += cost
    total = sum(model_cost.values())
    usual = (
        sum(prices.price(profile.provider, m).blended * cost for m, cost in model_cost.items())
        / total
        if total > 0
        else prices.default.blended
    )
    shapes = _shapes(cells)
    return Figures(
        cost_typical=statistics.median(costs),
        tokens_typical=statistics.median([_tokens(c) for c in cells] or [0]),
        cost_typical_by_hour=by_hour,
        tokens_typical_by_hour=tokens_by_hour,
        cost_busy_by_hour=busy_by_hour,
        level=level,
        volume_spread=spread,
        shapes=shapes,
        usual_price=usual,
        main_model=max(window_cost, key=lambda m: window_cost[m]) if window_cost else None,
        hour_shapes=_hour_shapes(cells, shapes) if profile.grain == HOUR else {},
    )


def _tokens(cell: Cell) -> int:
    return cell.prompt_tokens + cell.output_tokens


def _level(cells: list[Cell], by_hour: dict[int, float], typical: float) -> tuple[float, float]:
    """How the last LEVEL_DAYS days ran against the window's medians (a multiplier kept within
    LEVEL_LIMIT), and how ragged the key's cells are around those medians (log2 units)."""
    if not cells or typical <= 0:
        return 1.0, 0.0
    last = cells[-1].day
    logs = [math.log2(max(c.cost, 1e-9) / by_hour.get(c.hour, typical)) for c in cells]
    recent = [v for c, v in zip(cells, logs, strict=True) if c.day > last - LEVEL_DAYS]
    level = min(max(statistics.median(recent), -LEVEL_LIMIT), LEVEL_LIMIT)
    centre = statistics.median(logs)
    return 2**level, 1.4826 * statistics.median(abs(v - centre) for v in logs)


def _shapes(cells: list[Cell]) -> dict[str, Shape]:
    uses: dict[str, list[ModelUse]] = defaultdict(list)
    for cell in cells:
        for model, use in cell.by_model.items():
            uses[model].append(use)
    return {model: _shape(found) for model, found in uses.items()}


def _hour_shapes(cells: list[Cell], shapes: dict[str, Shape]) -> dict[tuple[str, int], Shape]:
    """Each model's shape at each hour of day it was used on at least MIN_HOUR_CELLS days:
    centred on that hour's own cells, but never narrower than the key's shape over all hours,
    as a fortnight of one hour is too few cells to say how far it may wander."""
    uses: dict[tuple[str, int], list[ModelUse]] = defaultdict(list)
    for cell in cells:
        for model, use in cell.by_model.items():
            uses[(model, cell.hour)].append(use)
    found = {name: _shape(u) for name, u in uses.items() if len(u) >= MIN_HOUR_CELLS}
    return {name: _recentred(shapes[name[0]], shape) for name, shape in found.items()}


def _recentred(whole: Shape, hour: Shape) -> Shape:
    return Shape(
        prompt_per_request=_centred(whole.prompt_per_request, hour.prompt_per_request),
        output_per_request=_centred(whole.output_per_request, hour.output_per_request),
        output_ratio=_centred(whole.output_ratio, hour.output_ratio),
        typical_size=hour.typical_size,
        cached_share=_centred(whole.cached_share, hour.cached_share),
    )


def _centred(whole: Spread | None, hour: Spread | None) -> Spread | None:
    if whole is None or hour is None:
        return whole
    return Spread(hour.centre, max(whole.scale, hour.scale), whole.count)


def _shape(found: list[ModelUse]) -> Shape:
    counted = [u for u in found if u.requests]
    return Shape(
        prompt_per_request=_spread([u.prompt_tokens / (u.requests or 1) for u in counted]),
        output_per_request=_spread([u.output_tokens / (u.requests or 1) for u in counted]),
        output_ratio=_spread([(u.output_tokens + 1) / (u.prompt_tokens + 1) for u in found]),
        typical_size=statistics.median(size_of(u) for u in found),
        cached_share=_cached_share(found),
    )


def _cached_share(uses: list[ModelUse]) -> Spread | None:
    shares = [u.cached_tokens / u.prompt_tokens for u in uses if u.prompt_tokens > 0]
    if len(shares) < 8 or statistics.median(shares) < MIN_CACHED_SHARE:
        return None
    centre = statistics.median(shares)
    return Spread(centre, 1.4826 * statistics.median(abs(v - centre) for v in shares), len(shares))


def size_of(use: ModelUse) -> float:
    """How much a model's use in a cell weighs: its requests, or its input where uncounted."""
    return float(use.requests if use.requests is not None else use.prompt_tokens)


def _spread(values: list[float]) -> Spread | None:
    if len(values) < 8:
        return None
    logs = [math.log2(v + 1e-9) for v in values]
    centre = statistics.median(logs)
    scale = 1.4826 * statistics.median(abs(v - centre) for v in logs)
    return Spread(centre, scale, len(values))
