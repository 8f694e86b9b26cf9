"""Two workers starting a rotation of one leak: the loser must end up with the winner's row.

The interleaving that made two rotations: worker B looks for an existing rotation, finds none,
and before B inserts, worker A inserts, runs its whole rotation and finishes (releasing the
per-key lock). The test replays B's stale look and then lets B insert for real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from leakward.registry import LeakLocation, LeakSighting, NewKey, Owner, Registry
from leakward.registry import rotations as log

VALUE = "glpat-Zq8Wn3Rt6Yp1Lk4Hs7Df"


def test_a_worker_that_looked_too_early_gets_the_finished_rotation(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = registry.add_key(NewKey("gitlab", Owner("owner@example.test")), VALUE)
    (leak,) = registry.record_leaks(
        [
            LeakSighting(
                fingerprint=registry.fingerprint(VALUE),
                source_kind="git",
                location=LeakLocation("octo/app", "c" * 40, "ci.yml", 1),
                detected_at=datetime(2026, 11, 2, tzinfo=UTC),
                is_public=False,
                provider="gitlab",
            )
        ]
    )
    first, created = log.start(registry.engine, entry, policy="reissue-first", leak_id=leak)
    assert created
    with registry.engine.begin() as connection:  # worker A finishes: the lock is released
        connection.execute(
            text("UPDATE rotations SET status = 'done', active_key_id = NULL WHERE id = :id"),
            {"id": first.id},
        )

    stale = {"find_active": 1, "_finished_for": 1}

    def looked_before_a_committed(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def look(*args: object, **kwargs: object) -> object:
            if stale[name]:
                stale[name] -= 1
                return None
            return real(*args, **kwargs)

        return look

    for name in stale:
        monkeypatch.setattr(log, name, looked_before_a_committed(name, getattr(log, name)))
    second, created = log.start(registry.engine, entry, policy="reissue-first", leak_id=leak)

    assert not created
    assert second.id == first.id
    assert [r.id for r in log.list_rotations(registry.engine)] == [first.id]


def test_another_leak_of_a_key_its_finished_rotation_revoked_starts_none(
    registry: Registry,
) -> None:
    """A rotate_key task that waited while the key was busy, for a second leak of that key,
    arrives after the rotation revoked it: it gets that rotation, not a new one."""
    entry = registry.add_key(NewKey("gitlab", Owner("owner@example.test")), VALUE)
    # Two leaks of one key: say its id and its value, or the two halves of an AWS key pair.
    first_leak, second_leak = (
        registry.record_leaks(
            [
                LeakSighting(
                    fingerprint=registry.fingerprint(value),
                    source_kind="git",
                    location=LeakLocation("octo/app", "c" * 40, "ci.yml", 1),
                    detected_at=datetime(2026, 11, 2, tzinfo=UTC),
                    is_public=False,
                    provider="gitlab",
                )
            ]
        )[0]
        for value in (VALUE, VALUE[::-1])
    )
    assert first_leak != second_leak
    first, _ = log.start(registry.engine, entry, policy="reissue-first", leak_id=first_leak)
    registry.set_status(entry, "revoked")
    with registry.engine.begin() as connection:
        connection.execute(
            text("UPDATE rotations SET status = 'done', active_key_id = NULL WHERE id = :id"),
            {"id": first.id},
        )

    second, created = log.start(registry.engine, entry, policy="reissue-first", leak_id=second_leak)

    assert not created
    assert second.id == first.id
