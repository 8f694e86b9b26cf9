"""The registry views read a fixed number of queries however many rows there are, so a page of
a large registry costs one round trip per table, not one per row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

from leakward.registry import LeakLocation, LeakSighting, NewKey, Owner, Registry, parse_consumer
from leakward.registry import rotations as log
from leakward.registry.views.keys import list_key_views
from leakward.registry.views.leaks import list_leak_views
from leakward.registry.views.overview import overview
from leakward.registry.views.paging import Window, paged
from leakward.registry.views.rotations import list_rotation_views
from leakward.webhooks.dashboard.chart import exposure_chart
from tests.dashboard.world import PEPPER, T0, build_world

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


def add_leaks(registry: Registry, count: int) -> None:
    registry.record_leaks(
        [
            LeakSighting(
                fingerprint=registry.fingerprint(f"paging-secret-{n:04d}-0123456789abcdef"),
                source_kind="git",
                location=LeakLocation("acme/api", "0123456789abcdef", f"config/{n}.py", 1),
                detected_at=T0,
            )
            for n in range(count)
        ]
    )


def test_a_page_reads_its_rows_and_one_more_to_know_another_follows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    world = build_world(url)
    with Registry.open(url, pepper=PEPPER) as registry:
        add_leaks(registry, 7)  # 10 leaks in all
        for n in range(6):  # 10 rotations in all
            entry = registry.add_key(NewKey("nosuchprovider", Owner("p@example.test"), f"p-{n}"))
            log.start(registry.engine, entry, policy="reissue-first")
        small = Window(number=1, size=4)
        every = [leak.id for leak in list_leak_views(registry)]
        pages = [
            paged(list_leak_views(registry, window=Window(n, 4)), Window(n, 4)) for n in (1, 2, 3)
        ]
        assert [p.has_next for p in pages] == [True, True, False]
        assert [leak.id for p in pages for leak in p.items] == every  # each once, in order
        newest = list_rotation_views(registry)
        first = paged(list_rotation_views(registry, window=small), small)
        assert [r.id for r in first.items] == [r.id for r in newest[:4]]  # newest first
        failed = list_rotation_views(registry, status="failed", window=small)
        assert [r.id for r in failed] == [world.rotations["failed"]]
        keys = paged(list_key_views(registry, window=Window(2, 4)), Window(2, 4))
        assert [k.id for k in keys.items] == [k.id for k in list_key_views(registry)][4:8]
        # A key's last rotation is still joined in when only its page is read.
        added = [k for k in keys.items if (k.key_id or "").startswith("p-")]
        assert added
        assert all(k.last_rotation_id is not None for k in added)


def test_the_overview_counts_in_the_database_and_reads_only_the_latest_windows(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    build_world(url)  # 3 leaks, 1 revoked, and a rotation in each status
    with Registry.open(url, pepper=PEPPER) as registry:
        add_leaks(registry, 40)
        for n in range(5):
            entry = registry.add_key(NewKey("nosuchprovider", Owner("p@example.test"), f"o-{n}"))
            log.start(registry.engine, entry, policy="reissue-first")
        sent: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            sent.append(" ".join(statement.split()))

        event.listen(registry.engine, "before_cursor_execute", record)
        try:
            summary = overview(registry, limit=5)
        finally:
            event.remove(registry.engine, "before_cursor_execute", record)
        every = list_leak_views(registry)
        rotations = list_rotation_views(registry)
    assert (summary.leaks, summary.exposed) == (43, sum(leak.is_exposed for leak in every))
    assert summary.rotations == {
        status: sum(r.status == status for r in rotations)
        for status in ("running", "pending-approval", "done", "failed")
    }
    assert summary.rotations["running"] > 5  # the world's own, and the five added
    latest_first = sorted(every, key=lambda leak: (leak.exposed_since, leak.id), reverse=True)
    assert [leak.id for leak in summary.latest] == [leak.id for leak in latest_first[:5]]
    chart = exposure_chart(summary.latest, T0, total=summary.leaks)
    assert (len(chart.bars), chart.hidden) == (5, 38)
    # Rows are counted by the database: the one query that reads leak rows takes five of them.
    row_reads = [s for s in sent if "count(" not in s.lower() and "FROM leaks" in s]
    assert len(row_reads) == 1
    assert "LIMIT" in row_reads[0]
    assert all("GROUP BY" in s for s in sent if "FROM rotations" in s)
