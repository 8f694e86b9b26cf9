"""Benchmark: match 10,000 findings against 1,000,000 registered keys on SQLite.

Stage: registry (bench; never part of the test suite). Keys are bulk-inserted with Core
executemany; matching goes through `Registry.match`, i.e. the same batched, indexed lookups that
`scan --match` uses. Target: the matching step under 1 s.

    .venv/bin/python bench/registry.py [--keys 1000000] [--findings 10000] [--db sqlite:///PATH]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# This file shares its name with the package it measures; run as a script, its own folder comes
# first on sys.path and `import registry` would import this file instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

from sqlalchemy import insert  # noqa: E402

from leakward.registry import MatchQuery, Registry, hint_of  # noqa: E402
from leakward.registry.models import KeyRow, OwnerRow  # noqa: E402

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
PEPPER = b"bench-pepper-not-a-secret-000000"
INSERT_BATCH = 50_000


def _value(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choices(ALPHABET, k=40))


def _populate(
    registry: Registry, count: int, rng: random.Random
) -> tuple[list[str], list[str], list[str]]:
    """Insert `count` keys: 90% by value, 9% by AWS key id only, 1% by provider hint only."""
    values: list[str] = []
    key_ids: list[str] = []
    last4s: list[str] = []
    now = datetime.now(UTC)
    with registry.engine.begin() as connection:
        owner_id = connection.execute(
            insert(OwnerRow).values(email="bench@example.com").returning(OwnerRow.id)
        ).scalar_one()
        rows: list[dict[str, object]] = []
        for index in range(count):
            row: dict[str, object] = {"owner_id": owner_id, "status": "active", "created_at": now}
            kind = index % 100
            if kind < 90:
                value = _value(rng, "sk-proj-")
                hint = hint_of(value)
                values.append(value)
                row |= {"provider": "openai", "fingerprint": registry.fingerprint(value)}
                row |= {"hint_prefix": hint.prefix, "hint_last4": hint.last4, "key_id": None}
            elif kind < 99:
                key_id = "AKIA" + "".join(rng.choices(ALPHABET[:36], k=16))
                key_ids.append(key_id)
                row |= {"provider": "aws", "key_id": key_id, "fingerprint": None}
                row |= {"hint_prefix": None, "hint_last4": None}
            else:
                last4 = "".join(rng.choices(ALPHABET, k=4))
                last4s.append(last4)
                row |= {"provider": "anthropic", "fingerprint": None, "key_id": None}
                row |= {"hint_prefix": "sk-ant-api03-", "hint_last4": last4}
            rows.append(row)
            if len(rows) == INSERT_BATCH:
                connection.execute(insert(KeyRow), rows)
                rows = []
        if rows:
            connection.execute(insert(KeyRow), rows)
    return values, key_ids, last4s


def _findings(
    rng: random.Random, count: int, values: list[str], key_ids: list[str], last4s: list[str]
) -> list[tuple[str, str, str | None]]:
    """(value, provider, key id): 40% registered values, 20% key ids, 10% hints, 30% unknown."""
    found: list[tuple[str, str, str | None]] = []
    for index in range(count):
        kind = index % 10
        if kind < 4:
            found.append((rng.choice(values), "openai", None))
        elif kind < 6:
            found.append((_value(rng, ""), "aws", rng.choice(key_ids)))
        elif kind < 7:
            found.append((_value(rng, "sk-ant-api03-") + rng.choice(last4s), "anthropic", None))
        else:
            found.append((_value(rng, "sk-proj-"), "openai", None))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp dir)")
    args = parser.parse_args()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'bench.db'}"
        with Registry.open(url, pepper=PEPPER) as registry:
            started = time.perf_counter()
            values, key_ids, last4s = _populate(registry, args.keys, rng)
            print(f"inserted {args.keys:,} keys in {time.perf_counter() - started:.1f} s")
            findings = _findings(rng, args.findings, values, key_ids, last4s)

            started = time.perf_counter()
            queries = [
                MatchQuery(registry.fingerprint(v), provider, key_id=key_id, hint=hint_of(v))
                for v, provider, key_id in findings
            ]
            hashed = time.perf_counter() - started
            started = time.perf_counter()
            results = registry.match(queries)
            matched = time.perf_counter() - started

    methods: dict[str, int] = {}
    for result in results:
        method = result.method if result else "none"
        methods[method] = methods.get(method, 0) + 1
    print(f"fingerprinted {len(queries):,} findings in {hashed * 1000:.0f} ms")
    print(
        f"matched {len(queries):,} findings against {args.keys:,} keys in {matched * 1000:.0f} ms "
        f"({'within' if matched < 1.0 else 'OVER'} the 1 s target): {methods}"
    )


if __name__ == "__main__":
    main()
