"""Matching found secrets to registered keys, in batches: fingerprint, then key id, then hint.

Stage: registry. Each pass is one indexed `IN (…)` lookup per batch, so matching ten thousand
findings costs a few dozen queries whatever the size of the registry. A fingerprint match is
certain; a public key id (an AWS key id found next to its secret) nearly so; a provider hint
(prefix and last four) only says "probably", and less so when several keys share the hint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import InstrumentedAttribute

from leakward.registry.models import KeyRow, OwnerRow
from leakward.registry.values import Match, MatchQuery

CONFIDENCE = {"fingerprint": 1.0, "key_id": 0.9, "hint": 0.5}
# Below SQLite's historical 999 bound-parameter limit, large enough that round trips stay few.
BATCH = 900

_COLUMNS = (
    KeyRow.id,
    KeyRow.provider,
    KeyRow.key_id,
    KeyRow.fingerprint,
    KeyRow.hint_prefix,
    KeyRow.hint_last4,
    KeyRow.status,
    OwnerRow.email,
)


def match_many(connection: Connection, queries: Sequence[MatchQuery]) -> list[Match | None]:
    """One result per query, in order: the best match, or None for an unknown secret."""
    results: list[Match | None] = [None] * len(queries)
    _match_fingerprints(connection, queries, results)
    _match_key_ids(connection, queries, results)
    _match_hints(connection, queries, results)
    return results


def _batches(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _lookup(
    connection: Connection, column: InstrumentedAttribute[Any], values: set[str]
) -> Iterator[Any]:
    ordered = sorted(values)
    base = select(*_COLUMNS).join(OwnerRow, OwnerRow.id == KeyRow.owner_id)
    for batch in _batches(ordered):
        yield from connection.execute(base.where(column.in_(batch)))


def _match_from(row: Any, method: str, share: int = 1) -> Match:
    return Match(
        entry_id=row.id,
        key_id=row.key_id,
        owner=row.email,
        status=row.status,
        method=method,
        confidence=round(CONFIDENCE[method] / share, 3),
    )


def _match_fingerprints(
    connection: Connection, queries: Sequence[MatchQuery], results: list[Match | None]
) -> None:
    found = {
        row.fingerprint: row
        for row in _lookup(connection, KeyRow.fingerprint, {q.fingerprint for q in queries})
    }
    for index, query in enumerate(queries):
        row = found.get(query.fingerprint)
        if row is not None:
            results[index] = _match_from(row, "fingerprint")


def _match_key_ids(
    connection: Connection, queries: Sequence[MatchQuery], results: list[Match | None]
) -> None:
    pending = [i for i, q in enumerate(queries) if results[i] is None and q.key_id]
    if not pending:
        return
    by_key_id: dict[str, list[Any]] = defaultdict(list)
    for row in _lookup(connection, KeyRow.key_id, {queries[i].key_id or "" for i in pending}):
        by_key_id[row.key_id].append(row)
    for index in pending:
        query = queries[index]
        rows = [r for r in by_key_id.get(query.key_id or "", ()) if _same_provider(r, query)]
        if rows:
            results[index] = _match_from(rows[0], "key_id", share=len(rows))


def _match_hints(
    connection: Connection, queries: Sequence[MatchQuery], results: list[Match | None]
) -> None:
    pending = [i for i, q in enumerate(queries) if results[i] is None and q.hint and q.hint.last4]
    if not pending:
        return
    by_last4: dict[str, list[Any]] = defaultdict(list)
    last4s = {hint.last4 for i in pending if (hint := queries[i].hint) is not None}
    for row in _lookup(connection, KeyRow.hint_last4, last4s):
        by_last4[row.hint_last4].append(row)
    for index in pending:
        query = queries[index]
        hint = query.hint
        assert hint is not None  # noqa: S101 - filtered above; narrows the type
        rows = [
            r
            for r in by_last4.get(hint.last4, ())
            # A fingerprinted key would have matched exactly had this been its value.
            if r.fingerprint is None and r.hint_prefix == hint.prefix and _same_provider(r, query)
        ]
        if rows:
            results[index] = _match_from(rows[0], "hint", share=len(rows))


def _same_provider(row: Any, query: MatchQuery) -> bool:
    return query.provider is None or row.provider == query.provider.lower()
