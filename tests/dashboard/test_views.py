"""The registry views read a fixed number of queries however many rows there are, so a page of
a large registry costs one round trip per table, not one per row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

from leakward.registry import NewKey, Owner, Registry, parse_consumer
from leakward.registry import rotations as log
from leakward.registry.views.keys import list_key_views
from leakward.registry.views.leaks import list_leak_views
from leakward.registry.views.rotations import list_rotation_views
from tests.dashboard.world import PEPPER, build_world

VIEWS: dict[str, Callable[[Registry], list[object]]] = {
    "leaks": list_leak_views,  # type: ignore[dict-item]
    "keys": list_key_views,  # type: ignore[dict-item]
    "rotations": list_rotation_views,  # type: ignore[dict-item]
}


def statements(registry: Registry) -> dict[str, tuple[int, int]]:
    """(queries, rows shown) of each view."""
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("query")

    event.listen(registry.engine, "before_cursor_execute", count)
    try:
        found = {}
        for name, view in VIEWS.items():
            seen.clear()
            rows = len(view(registry))
            found[name] = (len(seen), rows)
        return found
    finally:
        event.remove(registry.engine, "before_cursor_execute", count)


def test_views_cost_the_same_queries_for_4_rotations_and_for_24(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    build_world(url)
    with Registry.open(url, pepper=PEPPER) as registry:
        small = statements(registry)
        for n in range(20):
            entry = registry.add_key(
                NewKey(
                    "nosuchprovider",
                    Owner(f"o{n}@example.test"),
                    key_id=f"extra-{n}",
                    consumers=(parse_consumer(f"manual:host {n}"),),
                )
            )
            log.start(registry.engine, entry, policy="reissue-first")
        large = statements(registry)
    assert {name: rows for name, (_, rows) in large.items()} == {
        "leaks": 3,
        "keys": 24,
        "rotations": 24,
    }
    assert {name: queries for name, (queries, _) in large.items()} == {
        name: queries for name, (queries, _) in small.items()
    }
