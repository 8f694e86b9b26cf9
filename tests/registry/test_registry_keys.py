"""Issued keys: registering, reading back, listing, status, and forgetting; never the value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leakward.core.errors import RegistryError, UsageError
from leakward.registry import NewKey, Owner, Registry, parse_consumer, parse_hint

KEY = "sk-proj-T3stKeyValue0000000000000000wxyz"


def test_add_then_show_keeps_hint_and_fingerprint_only(registry: Registry) -> None:
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    entry = registry.add_key(
        NewKey(
            provider="OpenAI",
            owner=Owner("alice@example.com", name="Alice", team="payments", slack="@alice"),
            key_id="key_abc",
            consumers=(
                parse_consumer("github-actions:acme/api:OPENAI_API_KEY"),
                parse_consumer("vault:secret/api#openai"),
            ),
            account="proj_123",
            expires_at=expires,
        ),
        KEY,
    )
    key = registry.get_key(entry)
    assert key.provider == "openai"
    assert key.key_id == "key_abc"
    assert key.fingerprint == registry.fingerprint(KEY)
    assert key.hint is not None
    assert key.hint.display == "sk-proj-…wxyz"
    assert key.owner == Owner("alice@example.com", "Alice", "payments", "@alice", None)
    assert [c.spec for c in key.consumers] == [
        "github-actions:acme/api:OPENAI_API_KEY",
        "vault:secret/api#openai",
    ]
    assert key.expires_at == expires
    assert key.created_at.tzinfo is not None
    assert KEY not in repr(key)


def test_the_same_key_cannot_be_registered_twice(registry: Registry) -> None:
    first = registry.add_key(NewKey("openai", Owner("a@example.com")), KEY)
    with pytest.raises(RegistryError, match=f"entry {first}"):
        registry.add_key(NewKey("openai", Owner("b@example.com")), KEY)
    registry.add_key(NewKey("aws", Owner("a@example.com"), key_id="AKIAIOSFODNN7EXAMPLE"))
    with pytest.raises(RegistryError, match="already registered"):
        registry.add_key(NewKey("AWS", Owner("a@example.com"), key_id="AKIAIOSFODNN7EXAMPLE"))


def test_a_key_needs_something_to_be_recognised_by(registry: Registry) -> None:
    with pytest.raises(UsageError, match="--key-id or --hint"):
        registry.add_key(NewKey("openai", Owner("a@example.com")))


def test_owner_details_are_shared_and_filled_in(registry: Registry) -> None:
    registry.add_key(NewKey("openai", Owner("a@example.com", name="Alice")), KEY)
    registry.add_key(
        NewKey(
            "anthropic", Owner("a@example.com", github="alice"), hint=parse_hint("sk-ant-...abcd")
        )
    )
    owners = {key.owner for key in registry.list_keys(owner="a@example.com")}
    assert owners == {Owner("a@example.com", name="Alice", github="alice")}


def test_list_filters_and_status_changes(registry: Registry) -> None:
    one = registry.add_key(NewKey("openai", Owner("a@example.com")), KEY)
    two = registry.add_key(NewKey("aws", Owner("b@example.com"), key_id="AKIA0000000000000001"))
    assert [k.id for k in registry.list_keys()] == [one, two]
    assert [k.id for k in registry.list_keys(provider="AWS")] == [two]
    registry.set_status(two, "revoked")
    assert [k.id for k in registry.list_keys(status="revoked")] == [two]
    with pytest.raises(UsageError, match="unknown key status"):
        registry.set_status(one, "deleted")


def test_forget_removes_the_entry_and_its_consumers(registry: Registry) -> None:
    entry = registry.add_key(
        NewKey("openai", Owner("a@example.com"), consumers=(parse_consumer("manual:laptop"),)), KEY
    )
    registry.forget_key(entry)
    assert registry.list_keys() == []
    with pytest.raises(RegistryError, match=f"no registry entry {entry}"):
        registry.get_key(entry)
    with pytest.raises(RegistryError, match="registry list"):
        registry.forget_key(entry)
