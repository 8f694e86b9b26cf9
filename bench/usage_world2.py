"""A second, independent world of per-key LLM API usage with stolen keys in it (issue #20).

Stage: benchmark. Written without reading leakward's usage model or the first simulator
(`usage_sim.py` and its habits and thefts), so that the model meets habits and thefts its authors
did not tune it on. `bench/usage_blackbox.py` writes this world as the providers' usage pages and
scores `leakward usage analyze` on it as a black box.

Habits, from how teams describe running LLM APIs in production:
- `chat`: a chat product; a diurnal curve in the team's users' time zone (Americas, Europe or
  Asia), lighter weekends, steady growth of a few percent a week, a system prompt that the prompt
  cache serves (a steady share of input read from cache).
- `batch`: a nightly job (evals, summaries, embeddings-like backfills on a cheap model) at a fixed
  UTC hour, 1-3 hours long, sometimes an hour late or skipped, plus light daytime development.
- `ci`: a test suite that calls the API on every push, in bursts during the team's working days.
- `agent`: coding or research agents: sessions of a few hours on working days, long contexts
  (tens of thousands of tokens per request) mostly read from the prompt cache, a dear model.
Legitimate events in the judged window, on some keys: a launch day (3-6x on the usual hours,
models and shapes), a marketing spike (a few hours at 3-8x), a quiet holiday week, a model
migration to a newer family (a new model name, somewhat longer outputs), a one-off big eval run.

Thefts, from public reports of stolen LLM keys ("LLMjacking"):
- Sysdig TRT (2024, and "LLMjacking targets DeepSeek", 2025): stolen keys are resold behind
  OpenAI reverse proxies (ORP), mostly for role-play: `resale_proxy` runs at all hours, on the
  dearest models, with long character-card prompts and long outputs; the proxy may cache its own
  prompts (never the owner's). Costs of tens of thousands of dollars a day are reported
  (Sysdig 2024 Global Threat Report: up to $100,000/day; Upwind's LLMjacking glossary: $46K/day),
  hence floods at the large size; a write-up on kuboid.in tells of a bill going from $400 to
  $67,000 in a month after a key sat 11 days in a public repository.
- Scrapers and spammers burn keys on cheap models: `cheap_flood`, many short requests.
- A careful thief adds a modest volume at night, on the key's own models and request shapes:
  `night_modest` (hours the key rarely works).
- Slow and low: `slow_low` adds 5-20% of a typical hour, at every hour, on the key's own model.
- Use that starts during the owner's real launch day: `launch_cover`.
Each theft comes in three sizes (small, medium, large), relative to the key's typical busy hour.

Everything is drawn from `random.Random` seeded with a string of the seed and provider, so a world
is the same on every run and machine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

HOUR = 3600
DAY = 24 * HOUR
# The world ends at a fixed Monday 00:00 UTC in the past of any machine that runs it: a usage page
# from the future is refused as clock skew.
WORLD_END = int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())
JUDGED_DAYS = 14
HABITS = ("chat", "batch", "ci", "agent")
EVENTS = ("launch", "spike", "quiet_week", "migration", "big_eval")
THEFT_KINDS = ("resale_proxy", "cheap_flood", "night_modest", "slow_low", "launch_cover")
SIZES = ("small", "medium", "large")
# Requests a theft adds per hour, as a multiple of the key's typical busy hour (the median of its
# hours with use); slow_low stays under the key's spread by design.
SIZE_FACTOR = {
    "resale_proxy": {"small": 0.5, "medium": 2.0, "large": 10.0},
    "cheap_flood": {"small": 3.0, "medium": 15.0, "large": 80.0},
    "night_modest": {"small": 0.3, "medium": 1.0, "large": 3.0},
    "slow_low": {"small": 0.05, "medium": 0.1, "large": 0.2},
    "launch_cover": {"small": 0.5, "medium": 1.5, "large": 5.0},
}
THEFT_SHARE = 0.4  # of keys that are stolen once in the judged window
EVENT_SHARE = 0.4  # of keys with one legitimate unusual event in the judged window

# Models per provider and role; names as each provider's usage API reports them.
MODELS = {
    "openai": {
        "chat": ["gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14", "gpt-4o-2024-08-06"],
        "batch": ["gpt-4o-mini-2024-07-18", "gpt-4.1-nano-2025-04-14"],
        "ci": ["gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14"],
        "agent": ["gpt-4.1-2025-04-14", "gpt-5-2025-08-07"],
        "dear": ["o3-2025-04-16", "gpt-4.1-2025-04-14", "gpt-4o-2024-11-20", "gpt-5-2025-08-07"],
        "cheap": ["gpt-4o-mini-2024-07-18", "gpt-4.1-nano-2025-04-14", "gpt-5-nano-2025-08-07"],
    },
    "anthropic": {
        "chat": [
            "claude-haiku-4-5-20251001",
            "claude-sonnet-4-20250514",
            "claude-3-5-haiku-20241022",
        ],
        "batch": ["claude-3-5-haiku-20241022", "claude-haiku-4-5-20251001"],
        "ci": ["claude-haiku-4-5-20251001", "claude-sonnet-4-20250514"],
        "agent": ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"],
        "dear": [
            "claude-opus-4-1-20250805",
            "claude-opus-4-20250514",
            "claude-3-7-sonnet-20250219",
            "claude-sonnet-4-5-20250929",
        ],
        "cheap": ["claude-3-haiku-20240307", "claude-haiku-4-5-20251001"],
    },
}
# A model migration moves a key to the next family's model.
SUCCESSOR = {
    "gpt-4o-mini-2024-07-18": "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-mini-2025-04-14": "gpt-5-mini-2025-08-07",
    "gpt-4o-2024-08-06": "gpt-4.1-2025-04-14",
    "gpt-4.1-nano-2025-04-14": "gpt-5-nano-2025-08-07",
    "gpt-4.1-2025-04-14": "gpt-5-2025-08-07",
    "gpt-5-2025-08-07": "gpt-5.1-2025-11-13",
    "claude-haiku-4-5-20251001": "claude-sonnet-4-5-20250929",
    "claude-sonnet-4-20250514": "claude-sonnet-4-5-20250929",
    "claude-3-5-haiku-20241022": "claude-haiku-4-5-20251001",
    "claude-sonnet-4-5-20250929": "claude-opus-4-5-20251101",
    "claude-opus-4-1-20250805": "claude-opus-4-5-20251101",
}
# Teams' time zones, as UTC offsets in hours (Americas, Europe, India, East Asia).
TIME_ZONES = (-7, -5, 0, 1, 5, 9)


@dataclass(frozen=True, slots=True)
class Use:
    """One key's use of one model in one hour: what a page's result will say."""

    key_id: str
    hour: int  # bucket start, epoch seconds
    model: str
    requests: int
    uncached_input: int
    cache_write: int  # Anthropic cache creation; OpenAI reports none
    cache_read: int
    output: int


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str
    onset: int  # first hour of the thief's use, epoch seconds
    end: int  # end of the thief's last hour


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    start: int
    end: int
    judged_from: int
    uses: tuple[Use, ...]
    thefts: tuple[Theft, ...]
    habits: dict[str, str] = field(default_factory=dict)  # key id -> habit
    events: dict[str, str] = field(default_factory=dict)  # key id -> legitimate event


@dataclass(slots=True)
class _Shape:
    """How one party sends requests to one model: tokens per request and cache shares."""

    input_per_request: float
    output_per_request: float
    cache_read_share: float
    cache_write_share: float


def build_world(seed: int, provider: str, keys: int = 30, days: int = 42) -> World:
    """`keys` keys over `days` days ending at WORLD_END; the last JUDGED_DAYS are judged."""
    if days < JUDGED_DAYS + 28:
        raise ValueError(f"days={days}: give at least 28 days of history before the judged 14")
    rng = random.Random(f"world2-{seed}-{provider}")
    start = WORLD_END - days * DAY
    judged_from = WORLD_END - JUDGED_DAYS * DAY
    hours = days * 24
    uses: list[Use] = []
    thefts: list[Theft] = []
    habits: dict[str, str] = {}
    events: dict[str, str] = {}
    stolen = _assign_thefts(rng, keys)
    for index in range(keys):
        key_id = _key_id(rng, provider)
        habit = HABITS[index % len(HABITS)] if index < len(HABITS) else rng.choice(HABITS)
        theft_plan = stolen.get(index)
        if theft_plan is not None and theft_plan[0] == "launch_cover":
            habit = "chat"  # a launch is a product's day
        habits[key_id] = habit
        event = _pick_event(rng, habit, theft_plan)
        if event:
            events[key_id] = event
        owner, event_hour = _owner_use(rng, provider, habit, event, start, judged_from, hours)
        uses.extend(_tokens(rng, key_id, start, owner))
        if theft_plan is not None:
            kind, size = theft_plan
            taken = _theft_use(
                rng, provider, kind, start, judged_from, owner, event_hour, SIZE_FACTOR[kind][size]
            )
            drawn = _tokens(rng, key_id, start, taken)
            # The theft starts at its first hour with a request drawn, not a planned one; a thief
            # who drew no request at all stole nothing to find.
            if drawn:
                hours_used = [use.hour for use in drawn]
                thefts.append(Theft(key_id, kind, size, min(hours_used), max(hours_used) + HOUR))
                uses.extend(drawn)
    return World(
        provider, seed, start, WORLD_END, judged_from, _merged(uses), tuple(thefts), habits, events
    )


def _merged(uses: list[Use]) -> tuple[Use, ...]:
    """One use per key, hour and model, as the API reports it: a thief's requests on the owner's
    model in the owner's hour are summed into the owner's result, not listed apart."""
    summed: dict[tuple[str, int, str], Use] = {}
    for use in uses:
        key = (use.key_id, use.hour, use.model)
        seen = summed.get(key)
        summed[key] = (
            use
            if seen is None
            else Use(
                use.key_id,
                use.hour,
                use.model,
                seen.requests + use.requests,
                seen.uncached_input + use.uncached_input,
                seen.cache_write + use.cache_write,
                seen.cache_read + use.cache_read,
                seen.output + use.output,
            )
        )
    return tuple(summed[key] for key in sorted(summed))


def _assign_thefts(rng: random.Random, keys: int) -> dict[int, tuple[str, str]]:
    """Which keys are stolen, and how: kinds and sizes dealt in turn so each seed covers all."""
    count = max(1, round(keys * THEFT_SHARE))
    chosen = rng.sample(range(keys), count)
    offset = rng.randrange(len(THEFT_KINDS) * len(SIZES))
    plans = {}
    for turn, index in enumerate(chosen):
        cell = turn + offset
        plans[index] = (THEFT_KINDS[cell % len(THEFT_KINDS)], SIZES[(cell // len(THEFT_KINDS)) % 3])
    return plans


def _pick_event(rng: random.Random, habit: str, theft: tuple[str, str] | None) -> str | None:
    if theft is not None and theft[0] == "launch_cover":
        return "launch"  # the theft starts during this key's real launch
    if rng.random() >= EVENT_SHARE:
        return None
    fitting = {
        "chat": EVENTS,
        "batch": ("big_eval", "quiet_week", "migration"),
        "ci": ("quiet_week", "migration", "spike"),
        "agent": ("quiet_week", "migration"),
    }
    return rng.choice(fitting[habit])


# --- the owner's habits: requests per hour and model, as floats, then drawn as counts

Plan = dict[tuple[int, str], tuple[float, _Shape]]  # (hour index, model) -> (requests, shape)


def _owner_use(
    rng: random.Random,
    provider: str,
    habit: str,
    event: str | None,
    start: int,
    judged_from: int,
    hours: int,
) -> tuple[Plan, int]:
    """The owner's planned requests, and the first hour (index) of its event if it has one."""
    models = MODELS[provider]
    model = rng.choice(models[habit])
    tz = rng.choice(TIME_ZONES)
    if habit == "agent":
        shape = _Shape(
            rng.uniform(15_000, 70_000),
            rng.uniform(300, 1500),
            rng.uniform(0.75, 0.92),
            rng.uniform(0.03, 0.08),
        )
    elif habit == "batch":
        shape = _Shape(
            rng.uniform(1_500, 6_000),
            rng.uniform(150, 700),
            rng.uniform(0.0, 0.5),
            rng.uniform(0.0, 0.05),
        )
    else:
        shape = _Shape(
            rng.uniform(600, 3_500),
            rng.uniform(120, 600),
            rng.uniform(0.2, 0.6),
            rng.uniform(0.01, 0.05),
        )
    rate = {
        "chat": rng.uniform(20, 400),
        "batch": rng.uniform(300, 3000),
        "ci": rng.uniform(30, 200),
        "agent": rng.uniform(15, 80),
    }[habit]
    growth = rng.uniform(0.0, 0.06) if habit == "chat" else rng.uniform(-0.01, 0.02)
    weekend = rng.uniform(0.3, 0.8)
    batch_hour = rng.choice((0, 1, 2, 3, 4, 22, 23))
    batch_length = rng.randint(1, 3)
    judged_index = (judged_from - start) // HOUR
    event_day = judged_index // 24 + rng.randint(1, 11)
    migration_model = SUCCESSOR.get(model, model)
    plan: Plan = {}

    def add(hour: int, name: str, requests: float, how: _Shape) -> None:
        if requests > 0:
            seen = plan.get((hour, name))
            plan[(hour, name)] = (requests + (seen[0] if seen else 0.0), how)

    new_shape = _Shape(
        shape.input_per_request,
        shape.output_per_request * rng.uniform(1.1, 1.5),
        shape.cache_read_share,
        shape.cache_write_share,
    )
    session_left = 0
    event_hour = event_day * 24
    for hour in range(hours):
        day, utc_hour = divmod(hour, 24)
        local_day, local = divmod(hour + tz, 24)
        # WORLD_END is a Monday; count weekdays back from it, in the team's own time zone.
        workday = (local_day - hours // 24) % 7 < 5  # Monday to Friday
        trend = (1 + growth) ** (day / 7)
        factor = 1.0
        if event == "quiet_week" and event_day <= day < event_day + 7:
            factor = 0.3
        if event == "launch" and day == event_day and 7 <= local <= 23:
            factor = 4.5
            event_hour = min(event_hour, hour)
        if event == "spike" and day == event_day and 13 <= local <= 16:
            factor = 6.0
        use_model, use_shape = model, shape
        # A migration switches in the afternoon of its day (after a morning's canary tests).
        if event == "migration" and (day > event_day or (day == event_day and local >= 14)):
            use_model, use_shape = migration_model, new_shape
        noise = math.exp(rng.gauss(0, 0.25))
        if habit == "chat":
            diurnal = 0.06 + 0.94 * math.exp(-(((local - 14.5) / 4.5) ** 2))
            requests = rate * diurnal * (1.0 if workday else weekend) * trend * factor * noise
            add(hour, use_model, requests, use_shape)
        elif habit == "batch":
            if utc_hour == 0 and rng.random() > 0.05:  # tonight's run, unless skipped
                night = hour + batch_hour + (1 if rng.random() < 0.2 else 0)
                size = (
                    rate * trend * factor * (4.0 if event == "big_eval" and day == event_day else 1)
                )
                for step in range(batch_length):
                    if night + step < hours:
                        add(night + step, use_model, size * math.exp(rng.gauss(0, 0.15)), use_shape)
            if workday and 9 <= local <= 17 and rng.random() < 0.3:
                add(hour, use_model, rate * 0.02 * noise, use_shape)
        elif habit == "ci":
            if 9 <= local <= 19 and rng.random() < (0.35 if workday else 0.03) * factor:
                add(hour, use_model, rate * noise * (6.0 if factor > 1 else 1.0), use_shape)
        else:  # agent
            if session_left == 0 and workday and 9 <= local <= 17 and rng.random() < 0.12 * factor:
                session_left = rng.randint(1, 4)
            if session_left:
                add(hour, use_model, rate * noise, use_shape)
                session_left -= 1
    return plan, event_hour


# --- thefts


def _theft_use(
    rng: random.Random,
    provider: str,
    kind: str,
    start: int,
    judged_from: int,
    owner: Plan,
    event_hour: int,
    size_factor: float,
) -> Plan:
    """The thief's planned requests."""
    hours_total = (WORLD_END - start) // HOUR
    judged_index = (judged_from - start) // HOUR
    history = [(h, m, r, s) for (h, m), (r, s) in owner.items() if h < judged_index]
    per_hour: dict[int, float] = {}
    for h, _, r, _ in history:
        per_hour[h] = per_hour.get(h, 0.0) + r
    busy = sorted(per_hour.values())
    typical = busy[len(busy) // 2] if busy else 10.0
    main_model, main_shape = max(
        ((m, s) for _, m, r, s in history),
        key=lambda ms: sum(r for _, m, r, _ in history if m == ms[0]),
        default=(MODELS[provider]["chat"][0], None),
    )
    requests = typical * size_factor
    if kind == "launch_cover":
        onset_index = event_hour + rng.randint(1, 4)  # a few hours into the launch
    else:
        onset_index = rng.randrange(judged_index, hours_total - 24)
    # A thief who works only at night needs days to be seen working at all.
    duration = rng.randint(24, 96) if kind == "night_modest" else rng.randint(8, 72)
    end_index = min(hours_total, onset_index + duration)
    # Hours the key worked least in its history: where a careful thief hides at night.
    by_hour_of_day = [0.0] * 24
    for h, r in per_hour.items():
        by_hour_of_day[h % 24] += r
    quiet = sorted(range(24), key=lambda hour: by_hour_of_day[hour])[:8]
    plan: Plan = {}
    own = _Shape(rng.uniform(3_000, 12_000), rng.uniform(400, 1_500), rng.uniform(0.0, 0.5), 0.02)
    models = [rng.choice(MODELS[provider]["dear"]) for _ in range(2)]
    cheap = rng.choice(MODELS[provider]["cheap"])
    flood = _Shape(rng.uniform(300, 1_500), rng.uniform(60, 400), 0.0, 0.0)
    # A stranger's prompts share none of the owner's cached prefix.
    stranger = _Shape(
        main_shape.input_per_request if main_shape else 2_000,
        main_shape.output_per_request if main_shape else 300,
        0.0,
        0.0,
    )
    for hour in range(onset_index, end_index):
        noise = math.exp(rng.gauss(0, 0.3))
        if kind == "resale_proxy":
            load = requests * (0.6 + 0.4 * math.sin(2 * math.pi * (hour % 24) / 24)) * noise
            for model in models:
                plan[(hour, model)] = (load / len(models), own)
        elif kind == "cheap_flood":
            plan[(hour, cheap)] = (requests * noise, flood)
        elif kind == "night_modest":
            if hour % 24 in quiet:
                plan[(hour, main_model)] = (requests * noise, stranger)
        elif kind == "slow_low":
            plan[(hour, main_model)] = (requests * noise, stranger)
        else:  # launch_cover: the launch's own model and shape, at all hours
            plan[(hour, main_model)] = (requests * noise, stranger)
    return plan


# --- from planned requests to token counts


# Spread of one request's tokens around the party's mean (coefficient of variation): prompts and
# answers of one product vary about as much as their mean; an hour's average of n requests then
# varies by this over the square root of n. DRIFT is what moves a whole hour (the mix of tasks).
REQUEST_SPREAD = 0.9
DRIFT = 0.08


def _tokens(rng: random.Random, key_id: str, start: int, plan: Plan) -> list[Use]:
    uses = []
    for (hour, model), (rate, shape) in sorted(plan.items()):
        requests = _poisson(rng, rate)
        if requests == 0:
            continue
        spread = REQUEST_SPREAD / math.sqrt(requests)
        total_input = _total(rng, requests, shape.input_per_request, spread)
        share = (
            shape.cache_read_share + rng.gauss(0, 0.02 + 0.3 * spread)
            if shape.cache_read_share
            else 0.0
        )
        read = round(total_input * min(0.98, max(0.0, share)))
        write = round(total_input * shape.cache_write_share)
        uses.append(
            Use(
                key_id,
                start + hour * HOUR,
                model,
                requests,
                max(0, total_input - read - write),
                write,
                read,
                _total(rng, requests, shape.output_per_request, spread),
            )
        )
    return uses


def _total(rng: random.Random, requests: int, mean: float, spread: float) -> int:
    """Tokens of `requests` requests of `mean` tokens each, an hour's sum with its spread."""
    return round(requests * mean * max(0.2, rng.gauss(1, spread)) * math.exp(rng.gauss(0, DRIFT)))


def _poisson(rng: random.Random, rate: float) -> int:
    if rate > 50:
        return max(0, round(rng.gauss(rate, math.sqrt(rate))))
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _key_id(rng: random.Random, provider: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    body = "".join(rng.choice(alphabet) for _ in range(16 if provider == "openai" else 24))
    return ("key_" if provider == "openai" else "apikey_01") + body


# --- the providers' pages

# Buckets per page: both Admin APIs cap a page at 168 hourly or 1440 one-minute buckets (and
# return every bucket of the range, empty ones with empty results).
PAGE_BUCKETS = {HOUR: 168, 60: 1440}


def pages(world: World, width: int = HOUR) -> list[dict[str, object]]:
    """The world as the pages `provider`'s usage API returns for group_by=api_key_id,model, oldest
    first; `width` is 3600 (1h) or 60 (1m, each hour's use spread over random minutes)."""
    if width not in PAGE_BUCKETS:
        raise ValueError(f"width={width}: use 3600 (1h) or 60 (1m)")
    rng = random.Random(f"minutes-{world.seed}-{world.provider}")
    by_bucket: dict[int, list[Use]] = {}
    for use in world.uses:
        for part in [use] if width == HOUR else _spread(rng, use):
            by_bucket.setdefault(part.hour, []).append(part)
    starts = list(range(world.start, world.end, width))
    per_page = PAGE_BUCKETS[width]
    out = []
    for first in range(0, len(starts), per_page):
        chunk = starts[first : first + per_page]
        more = first + per_page < len(starts)
        cursor = f"page_{world.seed:04d}{first + per_page:08d}" if more else None
        if world.provider == "openai":
            data: list[dict[str, object]] = [
                {
                    "object": "bucket",
                    "start_time": at,
                    "end_time": at + width,
                    "results": [_openai_result(use) for use in by_bucket.get(at, [])],
                }
                for at in chunk
            ]
            out.append({"object": "page", "data": data, "has_more": more, "next_page": cursor})
        else:
            data = [
                {
                    "starting_at": rfc3339(at),
                    "ending_at": rfc3339(at + width),
                    "results": [_anthropic_result(use) for use in by_bucket.get(at, [])],
                }
                for at in chunk
            ]
            out.append({"data": data, "has_more": more, "next_page": cursor})
    return out


def rfc3339(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _spread(rng: random.Random, use: Use) -> list[Use]:
    """One hour's use as minute buckets: its requests land on random minutes, tokens with them."""
    minutes = sorted(rng.sample(range(60), min(60, use.requests)))
    parts = []
    for number, minute in enumerate(minutes):

        def share(total: int, number: int = number) -> int:
            return total // len(minutes) + (1 if number < total % len(minutes) else 0)

        parts.append(
            Use(
                use.key_id,
                use.hour + minute * 60,
                use.model,
                share(use.requests),
                share(use.uncached_input),
                share(use.cache_write),
                share(use.cache_read),
                share(use.output),
            )
        )
    return parts


def _openai_result(use: Use) -> dict[str, object]:
    # OpenAI's input_tokens counts cached input too; it reports no cache writes for completions.
    cached = use.cache_read
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": use.uncached_input + use.cache_write + cached,
        "input_cached_tokens": cached,
        "output_tokens": use.output,
        "input_audio_tokens": 0,
        "output_audio_tokens": 0,
        "num_model_requests": use.requests,
        "project_id": None,
        "user_id": None,
        "api_key_id": use.key_id,
        "model": use.model,
        "batch": None,
        "service_tier": None,
    }


def _anthropic_result(use: Use) -> dict[str, object]:
    # Cache writes split between the 5-minute and the 1-hour cache, most to the 5-minute one.
    long_lived = use.cache_write // 4
    return {
        "uncached_input_tokens": use.uncached_input,
        "cache_creation": {
            "ephemeral_1h_input_tokens": long_lived,
            "ephemeral_5m_input_tokens": use.cache_write - long_lived,
        },
        "cache_read_input_tokens": use.cache_read,
        "output_tokens": use.output,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": use.key_id,
        "workspace_id": None,
        "model": use.model,
        "service_tier": None,
        "context_window": None,
        "inference_geo": None,
    }
