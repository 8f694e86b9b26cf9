"""Leaks: one row per leaked value, locations accumulate, the exposure window is queryable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leakward.core.errors import RegistryError, UsageError
from leakward.registry import (
    LeakLocation,
    LeakSighting,
    MatchQuery,
    NewKey,
    Owner,
    Registry,
    hint_of,
)

SECRET = "ghp_L3akedT0ken000000000000000000000wxyz"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _sighting(registry: Registry, commit: str, **extra: object) -> LeakSighting:
    fields: dict[str, object] = {
        "fingerprint": registry.fingerprint(SECRET),
        "source_kind": "git",
        "location": LeakLocation("acme/api", commit, "config.py", 7, f"https://x.test/{commit}"),
        "detected_at": T0 + timedelta(hours=1),
        "provider": "github",
        "rule_id": "github.pat.classic",
        "hint": hint_of(SECRET),
        "leaked_at": T0,
    }
    fields.update(extra)
    return LeakSighting(**fields)  # type: ignore[arg-type]


def test_same_value_twice_is_one_leak_with_both_places(registry: Registry) -> None:
    first = registry.record_leaks([_sighting(registry, "aaa"), _sighting(registry, "aaa")])
    second = registry.record_leaks(
        [
            _sighting(
                registry,
                "bbb",
                detected_at=T0 + timedelta(hours=5),
                leaked_at=T0 - timedelta(hours=3),
                is_public=True,
            )
        ]
    )
    assert first == [first[0], first[0]] == [second[0]] * 2
    [leak] = registry.list_leaks()
    assert leak.times_seen == 3
    assert [p.commit for p in leak.locations] == ["aaa", "bbb"]
    assert leak.leaked_at == T0 - timedelta(hours=3)  # the earliest exposure wins
    assert leak.first_seen == T0 + timedelta(hours=1)
    assert leak.last_seen == T0 + timedelta(hours=5)
    assert leak.is_public  # once public, always public
    assert leak.status == "open"
    assert leak.issued_key_id is None  # unmatched, still recorded
    assert leak.hint is not None
    assert leak.hint.display == "ghp_…wxyz"


def test_a_surer_match_replaces_a_probable_one(registry: Registry) -> None:
    entry = registry.add_key(NewKey("github", Owner("a@example.com")), SECRET)
    [match] = registry.match([MatchQuery(registry.fingerprint(SECRET), "github")])
    assert match is not None
    probable = type(match)(entry, None, "a@example.com", "active", "hint", 0.5)
    registry.record_leaks([_sighting(registry, "aaa", match=probable)])
    registry.record_leaks([_sighting(registry, "bbb", match=match)])
    registry.record_leaks([_sighting(registry, "ccc", match=None)])
    [leak] = registry.list_leaks(issued_key_id=entry)
    assert (leak.match_method, leak.match_confidence) == ("fingerprint", 1.0)


def test_exposure_window_is_revoked_minus_leaked(registry: Registry) -> None:
    [closed] = registry.record_leaks([_sighting(registry, "aaa")])
    other = "sk-proj-AnotherLeak0000000000000000000abcd"
    [still_open] = registry.record_leaks(
        [
            LeakSighting(
                registry.fingerprint(other),
                "file",
                LeakLocation(path=".env"),
                T0,
                leaked_at=T0 + timedelta(days=1),
            )
        ]
    )
    registry.record_leaks(
        [LeakSighting(registry.fingerprint("no-leak-time-known-1234"), "file", LeakLocation(), T0)]
    )
    registry.mark_revoked(closed, T0 + timedelta(minutes=42))
    as_of = T0 + timedelta(days=3)
    windows = {w.leak_id: w for w in registry.exposure_windows(as_of=as_of)}
    assert set(windows) == {closed, still_open}
    assert windows[closed].duration == timedelta(minutes=42)
    assert not windows[closed].is_open
    assert windows[still_open].duration == timedelta(days=2)
    assert windows[still_open].is_open
    assert [w.leak_id for w in registry.exposure_windows(as_of=as_of, is_open=True)] == [still_open]


def test_leak_status_changes_and_errors(registry: Registry) -> None:
    [leak_id] = registry.record_leaks([_sighting(registry, "aaa")])
    registry.set_leak_status(leak_id, "ignored")
    assert [leak.id for leak in registry.list_leaks(status="ignored")] == [leak_id]
    with pytest.raises(UsageError, match="unknown leak status"):
        registry.set_leak_status(leak_id, "gone")
    with pytest.raises(RegistryError, match="no leak 999"):
        registry.mark_revoked(999)


def test_forgetting_a_key_keeps_its_leaks(registry: Registry) -> None:
    entry = registry.add_key(NewKey("github", Owner("a@example.com")), SECRET)
    [match] = registry.match([MatchQuery(registry.fingerprint(SECRET), "github")])
    registry.record_leaks([_sighting(registry, "aaa", match=match)])
    registry.forget_key(entry)
    [leak] = registry.list_leaks()
    assert leak.issued_key_id is None
