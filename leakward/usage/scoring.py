"""How far one cell departs from its key's habits, as points of evidence, each with its words.

Stage: application (usage watch), the model's judgement. Each signal gives points (0 when the
cell is on-profile) and a phrase saying what changed; the cell's score is their sum, so two
half-strange signals together (a new hour and a new model) alert where either alone would not.
A signal about the shape of use (hour, weekday, tokens per request, output ratio) is weighed by
how much was used: one stray request at 3 a.m. is an owner testing, a busy hour is not.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from leakward.usage.cells import DAY, HOUR, Cell, ModelUse
from leakward.usage.prices import PriceTable
from leakward.usage.profile import LEVEL_DAYS, Figures, Profile, Shape, Spread, size_of

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The volume signal starts above this multiple of the key's busy (95th percentile) cells:
# a launch day is a few times busier than usual, a flood far more.
VOLUME_FREE = 12.0
SURGE_FREE = 2.0  # a rise over the median of the hours just before counts from this multiple
SURGE_SPREADS = 2.5  # and from this many of the key's own spreads
VOLUME_FULL_REQUESTS = 40
# A key whose busy cells around an hour run this many times its usual there has bursts of its
# own (evaluation sweeps, batch runs on some days): a cell is news for its volume only as far as
# it goes past BURST_FREE times those bursts, as a flood does.
BURSTY_FROM = 6.0
BURST_FREE = 2.0
SURGE_CONTEXT = 2  # cells in those hours needed to speak of a surge
# A cell as costly as this share of the key's median cell counts in full for shape signals.
WEIGHT_FULL_AT = 0.5
NEW_MODEL_POINTS = 0.9
NEW_MODEL_FULL_SHARE = 0.05  # of a cell's cost on new models counts in full
# Or this share of its tokens: a stranger on a model many times cheaper than the key's own (a
# chat bot on the cheapest model) is a small part of the hour's cost but as much use as the
# owner's. Set higher than the cost share, as a few of the owner's requests to try a cheap model
# are a larger share of tokens than of cost.
NEW_MODEL_FULL_TOKENS = 0.25
# A new model's use is a move, not an addition, where the key's usual models fell from this share
# below their usual tokens for the hour (in full from MOVE_FALL_FULL), and the hour as a whole
# stays under MOVE_MAX_TOKENS times its usual.
MOVE_FALL_FROM = 0.5
MOVE_FALL_FULL = 0.9
MOVE_MIN_TOKENS = 0.3
MOVE_MAX_TOKENS = 3.0
# The old models' absence says "moved" only in an hour and on a weekday the owner is surely at
# work; in the hours a key often skips, a stranger working alone looks the same.
PRESENT_FROM = 0.4
PRESENT_FULL = 0.8
REPRICE_SECONDS = (LEVEL_DAYS + 1) * DAY  # how long moved use is priced as the old models'
MOVE_SHAPE_LOG2 = 1.0  # a moved model's requests stay within 2× the main model's shape
# A migration under way: a new model at most this many times the price of the key's usual ones,
# in an hour whose tokens stay within this many of the key's volume spreads above its usual
# (forgiven in full) to this many (not at all); spreads under SWAP_FLOOR (log2) not trusted.
SWAP_MAX_PRICE = 4.0
SWAP_SPREADS_FULL = 1.5
SWAP_SPREADS_NONE = 3.0
SWAP_FLOOR = 0.2
# Use within this many hours of the key's usual ones (an evening's overtime) counts this much.
NEAR_HOURS = 3
NEAR_DISCOUNT = 0.4
# Use that runs on, hour after hour without a break, from a run begun at one of the key's usual
# hours is a job running long (a month's close, a bigger batch) while within NEAR_HOURS of them
# and past their end (not in a gap between two of them, which its owner leaves empty every
# day): it counts this much.
OVERRUN_DISCOUNT = 0.15
# New models tried in one hour with requests too small for work (one-token calls): a checker
# enumerating what a leaked key may use (Entro, Sysdig: leaked keys are probed within minutes).
# An owner moves to one new model at a time, with its real prompts.
PROBE_MODELS = 3
PROBE_TOKENS_PER_REQUEST = 100
PROBE_TOKENS = 1_000  # in all, on a model whose requests are not counted
PROBE_POINTS = 1.2  # for PROBE_MODELS of them: an alert, but no hand-off to rotation alone
PROBE_STEP = 0.2  # and this more for each further model
PROBE_MAX = 2.0
SHAPE_FULL_SHARE = 0.3
SHAPE_FREE_Z = 2.5  # robust z-scores below this are ordinary variation
SHAPE_FLOOR = 0.11  # log2 units: spreads narrower than this are not trusted as exact
SHAPE_OVERLAP = 0.25
SMALL_SAMPLE = 4.0  # cells: a spread learned from n cells is widened by (1 + this / n)
# A cell of a handful of requests is widened up to this many times the spread of a typical one:
# one request's tokens vary about as much as their mean.
SIZE_SCALE_MAX = 8.0
# Use at an hour the key never works counts in full from this share of its median cell's tokens:
# a thief adding a fifth of a usual hour is caught, an owner's few test requests count little.
HOURS_FULL_AT = 0.15
OWN_HOUR_SHARE = 0.5  # how much an hour never used itself counts, next to busy hours
# Hour to hour a cached share wanders by a few points even on a steady key (entries expire,
# prompts change): spreads narrower than this are not trusted as exact.
CACHE_FLOOR = 0.03
CACHE_Z_CLIP = 4.0  # one hour moves the running sum of cache falls at most this much
# A day of the week the key never worked says little alone (a team's odd Saturday, a test run on
# a Sunday): it adds to other signals and never alerts by itself.
WEEKDAY_MAX = 0.6


@dataclass(frozen=True, slots=True)
class Evidence:
    # volume | hours | weekday | models | tokens_per_request | output_ratio | cache | dormant
    signal: str
    points: float
    words: str
    # What the signal is about where it speaks of one model (the shape signals) or names the
    # models new to the key: an owner's episode on one model says nothing of another.
    topic: str = ""


def evidence(
    cell: Cell,
    profile: Profile,
    figures: Figures,
    prices: PriceTable,
    earlier: list[float],
    *,
    overrun: bool = False,
    backlog: float = 0.0,
) -> list[Evidence]:
    """Every signal that moved for `cell`, strongest first; `overrun` when the cell carries on,
    without a break, a run of use begun at one of the key's usual hours; `backlog`, the part
    of its cost that replays what a provider's outage kept the key from sending."""
    weight = _weight(cell, figures)
    found = [
        _volume(cell, figures, earlier, moved_cost(cell, profile, figures, prices), backlog),
        _hours(cell, profile, figures, overrun, backlog) if cell.grain == HOUR else None,
        _weekday(cell, profile, weight),
        _models(cell, profile, figures, prices),
        *_one_shape(
            _tokens_per_request(cell, figures, weight), _output_ratio(cell, figures, weight)
        ),
        _cache_share(cell, figures, weight),
    ]
    return sorted((e for e in found if e and e.points > 0), key=lambda e: -e.points)


def _one_shape(per_request: Evidence | None, ratio: Evidence | None) -> list[Evidence | None]:
    """Tokens per request and the output ratio, the stronger counted in full, the other by
    SHAPE_OVERLAP: an hour of unusually short answers moves both, and is one oddity, not two."""
    if per_request is None or ratio is None:
        return [per_request, ratio]
    weak, strong = sorted((per_request, ratio), key=lambda e: e.points)
    return [strong, Evidence(weak.signal, weak.points * SHAPE_OVERLAP, weak.words, weak.topic)]


def _weight(cell: Cell, figures: Figures) -> float:
    if figures.cost_typical <= 0:
        return 1.0
    return min(1.0, cell.cost / (WEIGHT_FULL_AT * figures.cost_typical))


def expected_cost(cell: Cell, figures: Figures) -> float:
    """What the key's cells usually cost around this hour of day (any hour, for day cells)."""
    usual = figures.cost_typical_by_hour.get(cell.hour, figures.cost_typical) * figures.level
    return max(usual, 1e-6)


def moved_cost(cell: Cell, profile: Profile, figures: Figures, prices: PriceTable) -> float:
    """The cell's cost with the use that moved to a new model priced as the key's usual models:
    a migration to a dearer model costs more for the same work, which is no surge."""
    # Until the usual cost of an hour has caught up with the dearer model (LEVEL_DAYS), not
    # only while the model is news.
    new = {m for m in cell.by_model if profile.is_new_model(m, cell.slot, REPRICE_SECONDS)}
    moved = _moved(cell, new, figures) * _owner_present(cell, profile) if new else 0.0
    if moved <= 0:
        return cell.cost
    cost = cell.cost
    for model in new:
        spent = cell.by_model[model].cost
        usual = spent * figures.usual_price / max(prices.price(cell.provider, model).blended, 1e-9)
        cost -= moved * (spent - min(spent, usual))
    return cost


def _volume(
    cell: Cell, figures: Figures, earlier: list[float], cost: float, backlog: float = 0.0
) -> Evidence | None:
    """Far above the usual for the hour, or a sudden surge over the hours just before it.

    A launch day lifts every hour of the day, so from its second hour on the hours before it are
    as busy and no surge shows; a thief's flood starts in the middle of ordinary hours."""
    cost = max(cost - backlog, 0.0)
    ratio = cost / expected_cost(cell, figures)
    points = math.log2(ratio / VOLUME_FREE) if ratio > VOLUME_FREE else 0.0
    words = f"{ratio:.1f}× its usual cost for the {_grain(cell)}"
    if len(earlier) >= SURGE_CONTEXT:
        before = max(1.0, statistics.median(earlier))
        surge = ratio / before
        # A key whose hours are ragged must surge further before it counts.
        free = max(SURGE_FREE, 2 ** (SURGE_SPREADS * figures.volume_spread))
        if surge > free and math.log2(surge / free) > points:
            points = math.log2(surge / free)
            words = f"a surge to {surge:.1f}× the hours just before it ({ratio:.1f}× its usual)"
    points, words = _within_bursts(cell, figures, cost, points, words)
    if backlog > 0:
        words += f" once ${backlog:.2f} of backlog from the provider's outage is left out"
    # Few requests make ragged ratios: a cell smaller than the key's median one, or one of a few
    # dozen requests, counts less.
    size = min(1.0, cell.cost / figures.cost_typical) if figures.cost_typical > 0 else 1.0
    if cell.requests is not None:
        size *= min(1.0, cell.requests / VOLUME_FULL_REQUESTS)
    return Evidence("volume", min(points, 4.0) * size, f"{words} (${cell.cost:.2f})")


def _within_bursts(
    cell: Cell, figures: Figures, cost: float, points: float, words: str
) -> tuple[float, str]:
    """The volume points left once a bursty key's own bursts at this hour are allowed for: a
    sweep as big as the ones it runs every few days is its habit, a flood is bigger still."""
    busy = figures.cost_busy_by_hour.get(cell.hour)
    usual = figures.cost_typical_by_hour.get(cell.hour)
    if points <= 0 or busy is None or not usual or busy < BURSTY_FROM * usual:
        return points, words
    over = cost / (busy * figures.level)
    allowed = max(0.0, math.log2(over / BURST_FREE))
    if allowed >= points:
        return points, words
    return allowed, f"{words}, {over:.1f}× its own bursts at this hour"


def _hours(
    cell: Cell, profile: Profile, figures: Figures, overrun: bool, backlog: float
) -> Evidence | None:
    # Measured in tokens, not dollars: a thief on the key's cheapest model is as much use.
    weight = 1.0
    if figures.tokens_typical > 0:
        tokens = cell.prompt_tokens + cell.output_tokens
        weight = min(1.0, tokens / (HOURS_FULL_AT * figures.tokens_typical)) ** 0.7
    used, days = profile.share_of_days_at(cell.hour)
    own = profile.days_at(cell.hour)
    # The neighbours' credit lets a job drift by an hour; the hour's own days still count a
    # part, so an hour next to busy ones but never itself used is not wholly forgiven.
    surprise = max(
        _surprise(used, days), OWN_HOUR_SHARE * _surprise(own, days) if own == 0 else 0.0
    )
    near = profile.hours_away(cell.hour) <= NEAR_HOURS
    overrun = overrun and near and profile.hours_until_usual(cell.hour) > NEAR_HOURS
    discount = (OVERRUN_DISCOUNT if overrun else NEAR_DISCOUNT) if near else 1.0
    # A backlog replayed after an outage spills past its usual hours: that part is the owner's.
    owner = min(backlog / cell.cost, 1.0) if cell.cost > 0 else 0.0
    points = min(surprise, 4.0) * weight * discount * (1.0 - owner)
    habit = f"never in {days} days" if own == 0 else f"on {used:g} of {days} days"
    words = f"use at {cell.hour:02d}:00 UTC, an hour it worked {habit}"
    if overrun:
        words += ", running on from its usual hours"
    return Evidence("hours", points, words)


def _surprise(used: float, days: int) -> float:
    return max(0.0, -math.log2((used + 0.2) / (days + 1)) - 3.0)


def _weekday(cell: Cell, profile: Profile, weight: float) -> Evidence | None:
    used, weeks = profile.share_of_weeks_on(cell.weekday, cell.slot // 86400)
    surprise = -math.log2((used + 0.2) / (weeks + 1))
    points = min(max(0.0, surprise - 2.5) / 2, WEEKDAY_MAX) * weight
    return Evidence(
        "weekday",
        points,
        f"use on a {WEEKDAYS[cell.weekday]}, a day it worked on {used} of {weeks} weeks",
    )


def _models(cell: Cell, profile: Profile, figures: Figures, prices: PriceTable) -> Evidence | None:
    new = {m: c for m, c in cell.cost_by_model.items() if profile.is_new_model(m, cell.slot)}
    if not new or cell.cost <= 0:
        return None
    share = sum(new.values()) / cell.cost
    tokens = sum(_use_tokens(cell.by_model[m]) for m in new)
    token_share = tokens / max(cell.prompt_tokens + cell.output_tokens, 1)
    dearest = max(new, key=lambda m: prices.price(cell.provider, m).blended)
    ratio = prices.price(cell.provider, dearest).blended / max(figures.usual_price, 1e-9)
    # A model the key never used is news even at a small share of its cost; a dearer one more.
    dearer = max(0.0, math.log2(ratio))
    full = max(share / NEW_MODEL_FULL_SHARE, token_share / NEW_MODEL_FULL_TOKENS)
    points = min(1.0, full) * (NEW_MODEL_POINTS + dearer)
    price = f", {ratio:.1f}× the price of its usual models" if ratio > 1.5 else ""
    what = f"{share:.0%} of the cost"
    if token_share / NEW_MODEL_FULL_TOKENS > share / NEW_MODEL_FULL_SHARE:
        cost = f"{share:.0%}" if share >= 0.01 else "under 1%"
        what = f"{token_share:.0%} of the tokens ({cost} of the cost)"
    words = f"{what} on models new to it ({', '.join(sorted(new))}){price}"
    moved = max(_moved(cell, set(new), figures), _swapped(cell, set(new), figures, prices))
    moved *= _owner_present(cell, profile)
    if moved > 0:
        points *= 1.0 - moved
        words += f", in place of {moved:.0%} of its usual models' use at this hour"
    probed = sorted(m for m in new if _is_probe(cell.by_model[m]))
    if len(probed) >= PROBE_MODELS:
        # Counted, not weighed by cost: the probes cost nothing next to the owner's own hour.
        tried = min(PROBE_POINTS + PROBE_STEP * (len(probed) - PROBE_MODELS), PROBE_MAX)
        if tried > points:
            points = tried
            words += (
                f"; {len(probed)} models new to it tried in one hour with a few tiny requests "
                "each: a checker seeing which models the key may use"
            )
    return Evidence("models", min(points, 4.0), words, ",".join(sorted(new)))


def _use_tokens(use: ModelUse) -> int:
    return use.prompt_tokens + use.output_tokens


def _is_probe(use: ModelUse) -> bool:
    """Whether a model's use in a cell is a checker's call: a few tokens a request (or in all,
    where requests are not counted), too few for any work."""
    tokens = use.prompt_tokens + use.output_tokens
    if use.requests:
        return tokens / use.requests <= PROBE_TOKENS_PER_REQUEST
    return tokens <= PROBE_TOKENS


def _owner_present(cell: Cell, profile: Profile) -> float:
    """How surely the owner works on this weekday (0 to 1), from the key's own weeks: on a day it
    often skips, its usual models' absence says nothing of a move."""
    on, weeks = profile.share_of_weeks_on(cell.weekday, cell.day)
    sure = min(1.0, on / max(weeks, 1))
    return min(max((sure - PRESENT_FROM) / (PRESENT_FULL - PRESENT_FROM), 0.0), 1.0)


def _moved(cell: Cell, new: set[str], figures: Figures) -> float:
    """How much of a new model's use took the place of the key's usual models (0 to 1).

    An owner who migrates moves traffic: the old models fall away in the same hours, the hour's
    tokens stay near its usual, and the requests keep their shape (the same prompts sent to
    another model). A thief adds to the owner's use, or brings prompts of its own. Only an hour
    the key works in has a usual level to fall from."""
    usual = figures.tokens_typical_by_hour.get(cell.hour)
    if usual is None or usual <= 0:
        return 0.0
    usual *= figures.level
    old = sum(u.prompt_tokens + u.output_tokens for m, u in cell.by_model.items() if m not in new)
    added = [u for m, u in cell.by_model.items() if m in new]
    tokens = sum(u.prompt_tokens + u.output_tokens for u in added)
    if not MOVE_MIN_TOKENS * usual <= tokens <= MOVE_MAX_TOKENS * usual:
        return 0.0
    if not all(_same_prompts(use, figures) for use in added):
        return 0.0
    fallen = 1.0 - old / usual
    return min(max((fallen - MOVE_FALL_FROM) / (MOVE_FALL_FULL - MOVE_FALL_FROM), 0.0), 1.0)


def _swapped(cell: Cell, new: set[str], figures: Figures, prices: PriceTable) -> float:
    """How surely a new model's use is the start of a gradual migration (0 to 1): a successor
    at a few times the price at most, sent the key's own prompts, while the hour as a whole
    stays within its usual tokens. Owners move traffic over days, a little more each hour, so
    the old models have not yet fallen away; a thief brings the dearest models, or adds to the
    hour's use."""
    usual = figures.tokens_typical_by_hour.get(cell.hour)
    if usual is None or usual <= 0:
        return 0.0
    dearest = max(prices.price(cell.provider, m).blended for m in new)
    if dearest > SWAP_MAX_PRICE * max(figures.usual_price, 1e-9):
        return 0.0
    if not all(_same_prompts(cell.by_model[m], figures) for m in new):
        return 0.0
    # Measured in the key's own spreads of an hour's volume: a ragged key's hours vary more.
    tokens = max(cell.prompt_tokens + cell.output_tokens, 1)
    above = math.log2(tokens / (usual * figures.level)) / max(figures.volume_spread, SWAP_FLOOR)
    return min(max((SWAP_SPREADS_NONE - above) / (SWAP_SPREADS_NONE - SWAP_SPREADS_FULL), 0), 1)


def _same_prompts(use: ModelUse, figures: Figures) -> bool:
    """Whether a new model's requests are shaped like the key's main model's: input tokens per
    request where requests are counted, else the output to input ratio."""
    main = figures.shapes.get(figures.main_model) if figures.main_model else None
    if main is None:
        return False
    if use.requests and main.prompt_per_request is not None:
        value, usual = use.prompt_tokens / use.requests, main.prompt_per_request
    elif main.output_ratio is not None:
        value, usual = (use.output_tokens + 1) / (use.prompt_tokens + 1), main.output_ratio
    else:
        return False
    return abs(math.log2(value + 1e-9) - usual.centre) <= MOVE_SHAPE_LOG2


def _tokens_per_request(cell: Cell, figures: Figures, weight: float) -> Evidence | None:
    moved: list[tuple[float, str, str]] = []
    for model, use, shape in _shaped(cell, figures):
        if not use.requests:
            continue
        scale = _size_scale(use, shape)
        for tokens, usual, what in (
            (use.prompt_tokens, shape.prompt_per_request, "input"),
            (use.output_tokens, shape.output_per_request, "output"),
        ):
            z = _z(tokens / use.requests, usual, scale)
            if z is not None and usual is not None:
                moved.append(
                    (
                        _share(use, cell) * _z_points(z),
                        f"{tokens / use.requests:,.0f} {what} tokens per request on {model} "
                        f"where it usually has {2**usual.centre:,.0f}",
                        _topic(model, what, tokens / use.requests, usual),
                    )
                )
    moved += _strange_prompts(cell, figures)
    return _strongest("tokens_per_request", moved, weight)


def _strange_prompts(cell: Cell, figures: Figures) -> list[tuple[float, str, str]]:
    """Models new to the key whose input per request is far from its main model's.

    A new model has no shape of its own to depart from, but an owner who moves to it (or tries
    it) sends the key's own prompts, so their size stays near its main model's; a stranger's
    prompts on a model of its choosing are its own. Only the input counts: the output per
    request depends on the model (a reasoning model writes more for the same prompt)."""
    main = figures.main_model
    if main is None:
        return []
    usual_shape = figures.hour_shapes.get((main, cell.hour)) or figures.shapes.get(main)
    usual = usual_shape.prompt_per_request if usual_shape else None
    if usual_shape is None or usual is None:
        return []
    found = []
    for model, use in cell.by_model.items():
        if model in figures.shapes or not use.requests:
            continue
        per_request = use.prompt_tokens / use.requests
        z = _z(per_request, usual, _size_scale(use, usual_shape))
        if z is not None:
            found.append(
                (
                    _share(use, cell) * _z_points(z),
                    f"{per_request:,.0f} input tokens per request on {model}, new to it, where "
                    f"its requests on {main} usually have {2**usual.centre:,.0f}",
                    _topic(model, "input", per_request, usual),
                )
            )
    return found


def _topic(model: str, what: str, value: float, usual: Spread) -> str:
    """What a shape signal is about: the model, the figure, and which way it moved (an owner's
    job of short answers says nothing of a thief's long ones)."""
    way = "above" if math.log2(value + 1e-9) > usual.centre else "below"
    return f"{model} {what} {way}"


def _output_ratio(cell: Cell, figures: Figures, weight: float) -> Evidence | None:
    moved: list[tuple[float, str, str]] = []
    for model, use, shape in _shaped(cell, figures):
        ratio = (use.output_tokens + 1) / (use.prompt_tokens + 1)
        z = _z(ratio, shape.output_ratio, _size_scale(use, shape))
        if z is not None and shape.output_ratio is not None:
            moved.append(
                (
                    _share(use, cell) * _z_points(z),
                    f"output/input ratio {ratio:.2f} on {model} where it is usually "
                    f"{2**shape.output_ratio.centre:.2f}",
                    _topic(model, "ratio", ratio, shape.output_ratio),
                )
            )
    return _strongest("output_ratio", moved, weight)


def _cache_share(cell: Cell, figures: Figures, weight: float) -> Evidence | None:
    """Less of the input read from the prompt cache than the key's own steady share.

    A cache serves only a prompt prefix sent before (the providers' prompt-caching guides), so
    a stranger's requests on the key read none of the owner's: they dilute its cached share.
    Only a fall counts; a key that caches more than usual is no one else's doing."""
    moved: list[tuple[float, str, str]] = []
    for model, use, shape in _shaped(cell, figures):
        usual = shape.cached_share
        if usual is None or use.prompt_tokens <= 0:
            continue
        share = use.cached_tokens / use.prompt_tokens
        spread = max(usual.scale, CACHE_FLOOR) * _size_scale(use, shape)
        z = (usual.centre - share) / spread
        if z > SHAPE_FREE_Z:
            moved.append(
                (
                    _share(use, cell) * _z_points(z),
                    f"{share:.0%} of the input on {model} read from the prompt cache where it "
                    f"is usually {usual.centre:.0%}: requests that share none of its prompts",
                    model,
                )
            )
    return _strongest("cache", moved, weight)


def cache_fall(cell: Cell, figures: Figures) -> tuple[float, str] | None:
    """How far below its usual the cell's main cached model read from the prompt cache, in its
    own spreads (negative when above), with what it read; None where the key caches nothing.

    One hour a couple of spreads low is chance; hour after hour of it is a stranger's uncached
    prompts mixed in, a little at a time (the caller adds the hours up)."""
    cached = [
        (m, u, s, s.cached_share)
        for m, u, s in _shaped(cell, figures)
        if s.cached_share is not None and u.prompt_tokens > 0
    ]
    if not cached:
        return None
    model, use, shape, usual = max(cached, key=lambda item: item[1].cost)
    share = use.cached_tokens / use.prompt_tokens
    # Never narrowed for a big hour: a cached share wanders by a few points however many
    # requests it averages (entries expire, prompts change).
    spread = max(usual.scale, CACHE_FLOOR) * max(1.0, _size_scale(use, shape))
    z = min(max((usual.centre - share) / spread, -CACHE_Z_CLIP), CACHE_Z_CLIP)
    words = (
        f"{share:.0%} of the input on {model} read from the prompt cache where it is usually "
        f"{usual.centre:.0%}"
    )
    return z * _weight(cell, figures), words


def _strongest(kind: str, moved: list[tuple[float, str, str]], weight: float) -> Evidence | None:
    """The model whose figure moved most, as the cell's evidence of `kind`; None if none did."""
    if not moved:
        return None
    points, words, model = max(moved)
    return Evidence(kind, points * weight, words, model)


def _shaped(cell: Cell, figures: Figures) -> list[tuple[str, ModelUse, Shape]]:
    """The cell's models the key has a shape for: its shape at this hour of day where it has
    one (a shared key's nightly job is measured against the job), else over all its hours."""
    shaped = []
    for model, use in cell.by_model.items():
        shape = figures.hour_shapes.get((model, cell.hour)) or figures.shapes.get(model)
        if shape is not None:
            shaped.append((model, use, shape))
    return shaped


def _share(use: ModelUse, cell: Cell) -> float:
    """How much a model's shift says of the cell: in full from SHAPE_FULL_SHARE of its cost
    (a thief need not move the key's main model to be caught on its own)."""
    return min(1.0, use.cost / (SHAPE_FULL_SHARE * cell.cost)) if cell.cost > 0 else 0.0


def _size_scale(use: ModelUse, shape: Shape) -> float:
    """Averages over few requests wander more: a spread learned on typical cells is widened
    for a small one, as the square root of n. Never narrowed for a big one: an hour's mix of
    tasks moves its averages however many requests it has, and the key's own spread already
    says by how much."""
    size = max(size_of(use), 1.0)
    return min(max(math.sqrt(max(shape.typical_size, 1.0) / size), 1.0), SIZE_SCALE_MAX)


def _z(value: float, usual: Spread | None, scale: float) -> float | None:
    if usual is None:
        return None
    # A spread read from few cells is itself unsure: widened by a few cells' worth.
    # The floor holds after the size scaling: an hour's mix of tasks moves its averages however
    # many requests it has.
    spread = max(usual.scale * (1 + SMALL_SAMPLE / usual.count) * scale, SHAPE_FLOOR)
    z = abs(math.log2(value + 1e-9) - usual.centre) / spread
    return z if z > SHAPE_FREE_Z else None


def _z_points(z: float) -> float:
    return min((z - SHAPE_FREE_Z) / 2.5, 3.0)


def _grain(cell: Cell) -> str:
    return "hour" if cell.grain == HOUR else "day"
