"""Usage simulator for issue #20: per-key usage with habits and injected thefts, as API pages.

Stage: benchmarks only. Each key gets a habit (`bench/usage_habits.py`: office hours in a time
zone, nightly batch jobs, 24/7 services, steady growth, one launch day, quiet weekends, a model
mix, tokens per request and output ratio, noise, reporting gaps, keys first seen mid-way); half
the keys get a theft in the evaluation window (`bench/usage_thefts.py`: night work, modest extra
volume at never-hours, an expensive model, a flood, changed tokens per request or output ratio,
each at three sizes). Usage is simulated per hour and re-bucketed to 1m, 1h or 1d, then written
as the providers' pages (`bench/usage_page_writer.py`). Deterministic for a seed.

    .venv/bin/python -m bench.usage_sim OUT [--provider openai|anthropic|both] [--family tune]
        [--seed 1] [--keys 40] [--days 42] [--eval-days 14] [--bucket-width 1h] [--limit 24]

writes OUT/<provider>/page-0001.json… (one API page a file, as `leakward usage analyze` reads
them) and OUT/labels.json: the thefts (key, onset, end, kind, size), the evaluation window, and
each key's habit (for reading the results, never for the detector).
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench.usage_habits import (
    DAY,
    FAMILIES,
    HOUR,
    Family,
    Habit,
    base_rate,
    draw_habit,
    local_time,
    typical_rate,
)
from bench.usage_page_writer import WIDTH_SECONDS, write_pages
from bench.usage_thefts import NEEDS_NEVER_HOURS, SIZES, Extra, Theft, extra_at, plan_theft
from leakward.usage.records import UsageRecord

ORIGIN = 1_788_220_800  # 2026-09-01T00:00:00Z, a Tuesday: day 0 of every scenario
KEY_PREFIX = {"openai": "key_", "anthropic": "apikey_01"}
THEFT_SHARE = 0.5  # of keys get one theft each


@dataclass(frozen=True, slots=True)
class Scenario:
    """Simulated usage of one provider's keys, the console's usage, and the thefts in it."""

    provider: str
    family: str
    seed: int
    origin: int
    days: int
    eval_start: int  # epoch seconds; thefts start at or after it, history is what precedes it
    habits: tuple[Habit, ...]
    records: tuple[UsageRecord, ...]  # hourly, by key and model
    console: tuple[UsageRecord, ...]  # usage without an API key (null api_key_id), hourly
    thefts: tuple[Theft, ...]

    @property
    def end(self) -> int:
        return self.origin + self.days * DAY


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, rng.random()
    while p > threshold:
        k += 1
        p *= rng.random()
    return k


def key_id(rng: random.Random, provider: str) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"
    length = 16 if provider == "openai" else 22
    return KEY_PREFIX[provider] + "".join(rng.choice(alphabet) for _ in range(length))


def counted(
    rng: random.Random,
    provider: str,
    habit: Habit,
    start: int,
    model: str,
    requests: int,
    extra: Extra | None,
) -> UsageRecord:
    """One hour of `requests` by the owner on `model`, plus the thief's `extra` if on it."""

    def tokens(n: int, per_request: float, ratio: float) -> tuple[float, float]:
        if n == 0:
            return 0.0, 0.0
        # Sums of n requests: the spread of the mean shrinks with the square root of n.
        inp = n * per_request * math.exp(rng.gauss(0.0, 0.6 / math.sqrt(n)))
        return inp, inp * ratio * math.exp(rng.gauss(0.0, 0.4 / math.sqrt(n)))

    inp, out = tokens(requests, habit.tokens_per_request, habit.output_ratio)
    cached = inp * owner_cached_share(rng, habit, requests)
    if extra is not None and extra.model == model:
        more = poisson(rng, extra.requests)
        thief_in, thief_out = tokens(more, extra.tokens_per_request, extra.output_ratio)
        requests, inp, out = requests + more, inp + thief_in, out + thief_out
        cached += thief_in * extra.cached_share
    cached = round(cached)
    return UsageRecord(
        provider,
        habit.key_id,
        start,
        start + HOUR,
        model,
        requests,
        round(inp) - cached,
        round(out),
        cached,
    )


def owner_cached_share(rng: random.Random, habit: Habit, requests: int) -> float:
    """The share of the owner's input read from the prompt cache in one hour.

    A cache entry lives minutes after its last read (5 minutes by default, both providers), so
    in a light hour more requests come after it expired and miss; the share also wanders from
    hour to hour as prompts and their prefixes change."""
    if habit.cache_fraction <= 0 or requests <= 0:
        return 0.0
    warm = requests / (requests + 5)
    return min(0.95, habit.cache_fraction * warm * math.exp(rng.gauss(0.0, 0.15)))


def expected_rate(habit: Habit, family: Family, day_rng: random.Random, t: int) -> float:
    hour, weekday = local_time(habit, t)
    day = (t - ORIGIN) // DAY
    rate = base_rate(habit, hour, weekday)
    office = habit.kind in ("office", "office+nightly")
    evening = range(habit.office[1], habit.office[1] + 3)
    if office and weekday < 5 and hour in evening and day_rng.random() < family.evening_probability:
        rate += 0.3 * habit.rate
    if day == habit.launch_day:
        rate *= habit.launch_factor
        if office and hour in evening[:2]:
            rate += 0.3 * habit.rate * habit.launch_factor
    return rate * (1 + habit.growth_per_day) ** (day - habit.first_day)


def simulate_key(
    rng: random.Random,
    provider: str,
    family: Family,
    habit: Habit,
    days: int,
    theft: Theft | None,
) -> list[UsageRecord]:
    records: list[UsageRecord] = []
    typical = typical_rate(habit)
    for day in range(habit.first_day, days):
        day_rng = random.Random(rng.random())
        gap = None
        if day_rng.random() < family.gap_probability:
            first = ORIGIN + day * DAY + day_rng.randrange(24) * HOUR
            gap = range(first, first + day_rng.randint(2, 6) * HOUR)
        # Thefts are sized against the key's usual rate of the day, growth included.
        usual = typical * (1 + habit.growth_per_day) ** (day - habit.first_day)
        for t in range(ORIGIN + day * DAY, ORIGIN + (day + 1) * DAY, HOUR):
            extra = extra_at(theft, habit, usual, t) if theft else None
            if gap is not None and t in gap and extra is None:
                continue  # the provider reported nothing for these hours
            rate = expected_rate(habit, family, day_rng, t)
            noise = math.exp(rng.gauss(0.0, family.noise_sigma) - family.noise_sigma**2 / 2)
            models = dict(habit.models)
            if extra is not None:
                models.setdefault(extra.model, 0.0)
            for model, weight in models.items():
                requests = poisson(rng, rate * weight * noise)
                record = counted(rng, provider, habit, t, model, requests, extra)
                if record.requests:
                    records.append(record)
    return records


def console_usage(rng: random.Random, provider: str, days: int) -> list[UsageRecord]:
    """Usage in the console or playground, which the APIs report with a null api_key_id."""
    model = "claude-sonnet-4-20250514" if provider == "anthropic" else "gpt-4o-2024-08-06"
    return [
        UsageRecord(provider, "", t, t + HOUR, model, n, n * 800, n * 400)
        for t in range(ORIGIN, ORIGIN + days * DAY, HOUR)
        if rng.random() < 0.05 and (n := rng.randint(1, 20))
    ]


def simulate(
    provider: str, family: str, seed: int, keys: int = 40, days: int = 42, eval_days: int = 14
) -> Scenario:
    """The scenario for `seed`: `keys` keys over `days` days, thefts in the last `eval_days`."""
    params = FAMILIES[family]
    rng = random.Random(f"{provider}:{family}:{seed}")
    eval_start = ORIGIN + (days - eval_days) * DAY
    habits, records, thefts = [], [], []
    kinds = list(SIZES)
    for index in range(keys):
        key_rng = random.Random(f"{provider}:{family}:{seed}:{index}")
        habit = draw_habit(key_rng, params, provider, key_id(key_rng, provider), days)
        habits.append(habit)
        theft = None
        if key_rng.random() < THEFT_SHARE:
            order = kinds[index % len(kinds) :] + kinds[: index % len(kinds)]
            for kind in order:  # the first kind this key can carry, rotating over keys
                theft = plan_theft(
                    key_rng, habit, provider, ORIGIN, (eval_start, ORIGIN + days * DAY), kind
                )
                if theft is not None:
                    break
        if theft is not None:
            thefts.append(theft)
        records += simulate_key(key_rng, provider, params, habit, days, theft)
    if provider == "anthropic":  # the messages report counts no requests
        records = [replace(r, requests=None) for r in records]
    console = console_usage(rng, provider, days)
    if provider == "anthropic":
        console = [replace(r, requests=None) for r in console]
    return Scenario(
        provider,
        family,
        seed,
        ORIGIN,
        days,
        eval_start,
        tuple(habits),
        tuple(records),
        tuple(console),
        tuple(thefts),
    )


def rebucket(records: Sequence[UsageRecord], width: str, seed: int) -> list[UsageRecord]:
    """Hourly records at `width`: summed into days, or spread over an hour's minutes."""
    step = WIDTH_SECONDS[width]
    if step == HOUR:
        return list(records)
    if step > HOUR:
        sums: dict[tuple[str, str, int, str | None], list[int]] = defaultdict(lambda: [0] * 4)
        for r in records:
            total = sums[(r.provider, r.key_id, r.start - (r.start - ORIGIN) % step, r.model)]
            for i, v in enumerate(
                (r.requests or 0, r.input_tokens, r.output_tokens, r.cached_input_tokens)
            ):
                total[i] += v
        counts = any(r.requests is not None for r in records)
        return [
            UsageRecord(p, k, s, s + step, m, v[0] if counts else None, v[1], v[2], v[3])
            for (p, k, s, m), v in sorted(sums.items(), key=lambda item: item[0][2])
        ]
    rng = random.Random(seed)
    minutes: list[UsageRecord] = []
    for r in records:
        weights = [rng.random() ** 3 for _ in range(60)]  # bursty within the hour
        if r.requests is not None:
            # Each request lands in one minute, and a minute's tokens are its requests' share:
            # every request and token of the hour is kept, however light the hour.
            landed = rng.choices(range(60), weights=weights, k=r.requests)
            per_minute = [landed.count(m) for m in range(60)]
        else:
            per_minute = [0] * 60
        shares = per_minute if r.requests else weights
        parts = [split(v, shares) for v in (r.input_tokens, r.output_tokens, r.cached_input_tokens)]
        for m in range(60):
            if per_minute[m] or (r.requests is None and any(part[m] for part in parts)):
                start = r.start + m * step
                minutes.append(
                    UsageRecord(
                        r.provider,
                        r.key_id,
                        start,
                        start + step,
                        r.model,
                        per_minute[m] if r.requests is not None else None,
                        parts[0][m],
                        parts[1][m],
                        parts[2][m],
                    )
                )
    return sorted(minutes, key=lambda r: r.start)


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` shared out in proportion to `weights`, in whole units that add up to it
    (largest remainders first), so no minute's rounding loses or invents usage."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - exact[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def labels(scenario: Scenario, width: str) -> dict[str, object]:
    return {
        "provider": scenario.provider,
        "family": scenario.family,
        "seed": scenario.seed,
        "bucket_width": width,
        "start": scenario.origin,
        "end": scenario.end,
        "eval_start": scenario.eval_start,
        "thefts": [t.as_label() for t in scenario.thefts],
        "keys": [
            {
                "key_id": h.key_id,
                "kind": h.kind,
                "tz": h.tz,
                "first_day": h.first_day,
                "launch_day": h.launch_day,
                "models": [m for m, _ in h.models],
            }
            for h in scenario.habits
        ],
        "console_results": len(scenario.console),
        "never_hour_kinds": list(NEEDS_NEVER_HOURS),
    }


def write(scenario: Scenario, out: Path, width: str, limit: int | None) -> int:
    """Writes the scenario's pages under out/<provider>/ and returns how many."""
    folder = out / scenario.provider
    folder.mkdir(parents=True, exist_ok=True)
    rows = rebucket([*scenario.records, *scenario.console], width, scenario.seed)
    pages = write_pages(scenario.provider, rows, (scenario.origin, scenario.end), width, limit)
    for number, page in enumerate(pages, 1):
        (folder / f"page-{number:04d}.json").write_text(json.dumps(page), encoding="utf-8")
    return len(pages)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--provider", choices=("openai", "anthropic", "both"), default="both")
    parser.add_argument("--family", choices=sorted(FAMILIES), default="tune")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--days", type=int, default=42)
    parser.add_argument("--eval-days", type=int, default=14)
    parser.add_argument("--bucket-width", choices=sorted(WIDTH_SECONDS), default="1h")
    parser.add_argument("--limit", type=int, help="buckets a page (default: the API's default)")
    args = parser.parse_args(argv)
    providers = ("openai", "anthropic") if args.provider == "both" else (args.provider,)
    everything: dict[str, object] = {}
    for provider in providers:
        scenario = simulate(provider, args.family, args.seed, args.keys, args.days, args.eval_days)
        pages = write(scenario, args.out, args.bucket_width, args.limit)
        everything[provider] = labels(scenario, args.bucket_width)
        print(
            f"{provider}: {len(scenario.habits)} keys, {len(scenario.records)} hourly records, "
            f"{len(scenario.thefts)} thefts, {pages} pages in {args.out / provider}"
        )
    (args.out / "labels.json").write_text(json.dumps(everything, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
