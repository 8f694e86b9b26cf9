"""World 3: an independent test world of per-key AI API usage, with labelled thefts.

Stage: benchmark (usage watch). Built without reading the usage model or the other two worlds,
so that the model is scored on data it was not tuned on. A key's owner is one or more *services*
sharing it; each service has a habit (office hours in its time zone, a nightly batch, a consumer
app's day curve, an hourly cron, a developer's sporadic tests, a cache-heavy agent), and the
key's volume moves with growth, a launch, one-off spikes, holidays and a gradual model
migration. Thieves add usage of nine kinds (`THIEVES`) in three sizes, relative to the key's
typical active hour. Pages are written as the Admin APIs return them, one hour per bucket.

Assumptions and where they come from (public material; figures are our own round choices):
- Page shapes: OpenAI `GET /v1/organization/usage/completions` (openai/openai-openapi,
  `UsageResponse`; `input_tokens` includes cached tokens; `limit` at most 168 one-hour buckets
  per page) and Anthropic `GET /v1/organizations/usage_report/messages` (Admin API reference:
  RFC 3339 bucket times, `cache_creation` split by 5 min / 1 h, no request counts); both trimmed
  in tests/contracts/specs/. Usage by no key (the playground, the console) appears with a null
  `api_key_id`, as both references allow.
- Request sizes are heavy-tailed: log-normal input sizes with sigma 0.8-1.4 (chat turns of a few
  hundred tokens, RAG and agent prompts of thousands; OpenAI and Anthropic cookbooks show both).
- Prompt caching: RAG and agent services reuse long prefixes, so 40-85% of their input is cache
  reads (OpenAI's and Anthropic's prompt-caching guides: caching applies to repeated prefixes of
  1024+ tokens); chat services cache little.
- Office use follows local business hours with a lunch dip, near nothing at night and weekends,
  lower in European August and on public holidays (US Labor Day, UK bank holiday, Japan's
  Mountain Day, India's Independence Day fall inside the 42 days from 2026-08-03).
- Consumer apps have an evening peak and a trough near 04:00 local at ~15% of the peak.
- Model migrations take days: traffic moves from the old model to its successor over 2-8 days
  (providers publish deprecation schedules; teams roll out behind flags).
- Stolen AI keys are burnt for compute ("LLMjacking", named by Sysdig's threat research team in
  May 2024; sysdig.com/blog/strengthen-llms-with-sysdig and its LLMjacking posts): access resold
  through reverse proxies (many users, round the clock), a taste for the dearest models, quick
  moves to new models, costs up to tens of thousands of dollars a day. Honeypot studies cited in
  issue 20: first use within minutes of exposure. Thieves here: ramp, night, dearer model, flood,
  modest volume at never-used hours, owner mimicry, cache-heavy proxies, stop-and-resume,
  oversized prompts.

Limits: one-hour buckets only; one owner region per key; thieves act alone on a key; sizes are
relative to the key's mean active hour, so on a key whose hours vary a lot a "large" theft may
hide; a key never used in the 42 days looks, from its pages alone, like a key just created.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.usage_page_writer import save_pages
from bench.usage_world3_owners import (
    DAYS,
    HOUR,
    JUDGED_DAYS,
    MODELS,
    PROVIDERS,
    REGIONS,
    START,
    Counts,
    Key,
    make_keys,
    owner_usage,
)
from bench.usage_world3_thieves import SIZES, THIEVES, Cells, fits, habit_of, inject

PAGE_LIMIT = 168  # the most one-hour buckets either API returns in one page

__all__ = ["DAYS", "HOUR", "JUDGED_DAYS", "PROVIDERS", "SIZES", "START", "THIEVES"]


@dataclass(frozen=True, slots=True)
class Theft:
    key_id: str
    kind: str
    size: str  # small | medium | large
    onset: int  # epoch seconds: first bucket with the thief's usage
    end: int  # epoch seconds: end of the thief's last bucket
    volume: float  # tokens per active hour, × the key's typical active hour


@dataclass(frozen=True, slots=True)
class World:
    provider: str
    seed: int
    keys: tuple[Key, ...]
    thefts: tuple[Theft, ...]
    usage: dict[tuple[str, int, str], Counts] = field(hash=False)  # (key, hour, model)
    theft_usage: dict[tuple[str, int, str], Counts] = field(hash=False)
    days: int = DAYS

    @property
    def judged_start(self) -> int:
        return START + (self.days - JUDGED_DAYS) * 24 * HOUR


def build_world(
    provider: str, seed: int, *, keys: int = 80, per_kind: int = 6, is_robbed: bool = True
) -> World:
    """The world of one provider and seed. Owners' usage does not depend on `is_robbed`: each key
    and each theft draws from its own random stream."""
    plan = random.Random(f"world3/{provider}/{seed}/plan")
    key_list = make_keys(plan, provider, keys)
    hours = DAYS * 24
    owner: dict[str, Cells] = {
        key.key_id: owner_usage(key, provider, random.Random(f"world3/{provider}/{seed}/{i}"))
        for i, key in enumerate(key_list)
    }
    habits = {key.key_id: habit_of(key, owner[key.key_id], hours) for key in key_list}
    stolen: Cells = {}
    thefts: list[Theft] = []
    pool = [key for key in key_list if is_robbed]
    plan.shuffle(pool)
    for kind, thief in THIEVES.items():
        for j in range(per_kind):
            key = next((k for k in pool if fits(thief, habits[k.key_id])), None)
            if key is None:
                break
            rng = random.Random(f"world3/{provider}/{seed}/{kind}/{j}")
            for _ in range(10):  # a start whose hours the thief never works is drawn again
                cells = inject(rng, kind, j % 3, habits[key.key_id], provider)
                first = min((h for _, h, _ in cells), default=hours)
                if first <= hours - 7:
                    break
            if first > hours - 7:
                continue
            pool.remove(key)
            stolen.update(cells)
            last = max(h for _, h, _ in cells)
            onset, end = START + first * HOUR, START + (last + 1) * HOUR
            thefts.append(Theft(key.key_id, kind, SIZES[j % 3], onset, end, thief.sizes[j % 3]))
    usage: dict[tuple[str, int, str], list[int]] = {}
    for cells in (*owner.values(), stolen):
        for where, cell in cells.items():
            usage[where] = [a + b for a, b in zip(usage.get(where, [0] * 5), cell, strict=True)]
    freeze = {where: _counts(cell) for where, cell in usage.items()}
    return World(
        provider, seed, key_list, tuple(thefts), freeze, {w: _counts(c) for w, c in stolen.items()}
    )


def _counts(cell: list[int]) -> Counts:
    return (cell[0], cell[1], cell[2], cell[3], cell[4])


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _result(provider: str, key_id: str | None, model: str, counts: Counts) -> dict[str, object]:
    requests, uncached, reads, writes, output = counts
    if provider == "openai":
        return {
            "object": "organization.usage.completions.result",
            "input_tokens": uncached + reads + writes,
            "output_tokens": output,
            "input_cached_tokens": reads,
            "input_audio_tokens": 0,
            "output_audio_tokens": 0,
            "num_model_requests": requests,
            "project_id": None,
            "user_id": None,
            "api_key_id": key_id,
            "model": model,
            "batch": None,
            "service_tier": None,
        }
    # some owners write to the one-hour cache, most to the five-minute one
    is_long = key_id is not None and sum(map(ord, key_id)) % 3 == 0
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {
            "ephemeral_1h_input_tokens": writes if is_long else 0,
            "ephemeral_5m_input_tokens": 0 if is_long else writes,
        },
        "cache_read_input_tokens": reads,
        "output_tokens": output,
        "server_tool_use": {"web_search_requests": 0},
        "api_key_id": key_id,
        "workspace_id": None,
        "model": model,
        "service_tier": "standard",
        "context_window": None,
    }


def _bucket(provider: str, hour: int, rows: list[tuple[str | None, str, Counts]]) -> object:
    start = START + hour * HOUR
    results = [_result(provider, key_id, model, counts) for key_id, model, counts in rows]
    if provider == "openai":
        return {
            "object": "bucket",
            "start_time": start,
            "end_time": start + HOUR,
            "results": results,
        }
    return {"starting_at": iso(start), "ending_at": iso(start + HOUR), "results": results}


def pages(world: World) -> list[dict[str, object]]:
    """The world as the provider's API pages it: one-hour buckets, 168 to a page, every bucket
    present even when empty, and now and then a row of usage by no key (the playground)."""
    by_hour: dict[int, list[tuple[str | None, str, Counts]]] = {}
    for (key_id, hour, model), counts in sorted(world.usage.items()):
        by_hour.setdefault(hour, []).append((key_id, model, counts))
    rng = random.Random(f"world3/{world.provider}/{world.seed}/pages")
    console = MODELS[world.provider]["everyday"][0]
    hours = world.days * 24
    out: list[dict[str, object]] = []
    for first in range(0, hours, PAGE_LIMIT):
        buckets = []
        for hour in range(first, min(hours, first + PAGE_LIMIT)):
            rows = list(by_hour.get(hour, []))
            if rng.random() < 0.05:
                rows.append((None, console, (1, rng.randint(50, 2000), 0, 0, rng.randint(10, 800))))
            buckets.append(_bucket(world.provider, hour, rows))
        more = first + PAGE_LIMIT < hours
        page: dict[str, object] = {"object": "page"} if world.provider == "openai" else {}
        page |= {"data": buckets, "has_more": more}
        page["next_page"] = f"page_{world.seed:04d}_{first + PAGE_LIMIT:06d}" if more else None
        out.append(page)
    return out


def summarize(world: World) -> list[str]:
    """Habits and thefts in figures, to check the world is sane without asking any model."""
    history = (world.days - JUDGED_DAYS) * 24
    lines = ["archetype      keys  active_h  tok/active_h  weekend/weekday  local_night  cached"]
    by_type: dict[str, list[Key]] = {}
    for key in world.keys:
        by_type.setdefault(key.archetype, []).append(key)
    tokens: dict[tuple[str, int], int] = {}
    cached: dict[str, list[int]] = {}
    for (key_id, hour, _), counts in world.usage.items():
        if hour < history and (key_id, hour, _) not in world.theft_usage:
            tokens[key_id, hour] = tokens.get((key_id, hour), 0) + sum(counts[1:])
            pair = cached.setdefault(key_id, [0, 0])
            pair[0] += counts[2] + counts[3]
            pair[1] += counts[1] + counts[2] + counts[3]
    for name, keys in sorted(by_type.items()):
        ids = {k.key_id: REGIONS[k.region].tz for k in keys}
        mine = {(k, h): v for (k, h), v in tokens.items() if k in ids and v > 0}
        weekend = sum(v for (k, h), v in mine.items() if (h // 24) % 7 >= 5) / 4
        weekday = sum(v for (k, h), v in mine.items() if (h // 24) % 7 < 5) / 10 or 1
        night = sum(v for (k, h), v in mine.items() if (h + round(ids[k])) % 24 < 6)
        total = sum(mine.values()) or 1
        reads = sum(cached.get(k, [0, 0])[0] for k in ids)
        inputs = sum(cached.get(k, [0, 0])[1] for k in ids) or 1
        lines.append(
            f"{name:<14} {len(keys):>4} {len(mine) / len(keys) / history:>9.2f}"
            f" {total / max(1, len(mine)):>13,.0f} {weekend / weekday:>16.2f}"
            f" {night / total:>12.2f} {reads / inputs:>7.2f}"
        )
    lines.append("theft kind        n  hours(median)  size×typical")
    for kind in THIEVES:
        mine_t = [t for t in world.thefts if t.kind == kind]
        spans = sorted((t.end - t.onset) // HOUR for t in mine_t)
        sizes = ",".join(f"{t.volume:g}" for t in mine_t)
        median = spans[len(spans) // 2] if spans else 0
        lines.append(f"{kind:<16} {len(mine_t):>2} {median:>14} {sizes:>13}")
    return lines


def write_pages(world: World, folder: Path) -> list[Path]:
    return save_pages(pages(world), folder, f"{world.provider}-{world.seed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--provider", choices=PROVIDERS, default="openai")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the pages and labels.json here")
    args = parser.parse_args()
    world = build_world(args.provider, args.seed)
    print("\n".join(summarize(world)))
    if args.out:
        write_pages(world, args.out)
        labels = [
            {"key_id": t.key_id, "kind": t.kind, "size": t.size, "onset": t.onset, "end": t.end}
            for t in world.thefts
        ]
        (args.out / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
