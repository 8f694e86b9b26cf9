"""Inventory files: CSV and JSON parse into typed keys; errors name the row, never a value."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leakward.core.errors import UsageError
from leakward.registry import Registry
from leakward.registry.consumers import ManualConsumer, VaultSecret
from leakward.registry.inventory import read_inventory

SECRET = "sk-proj-InventoryValue000000000000000000wxyz"


def test_json_inventory_with_every_field(tmp_path: Path) -> None:
    path = tmp_path / "inventory.json"
    path.write_text(
        json.dumps(
            {
                "keys": [
                    {
                        "provider": "openai",
                        "owner": "alice@example.com",
                        "owner_name": "Alice",
                        "team": "payments",
                        "slack": "@alice",
                        "github": "alice",
                        "key_id": "key_1",
                        "secret": SECRET,
                        "account": "proj_1",
                        "status": "rotating",
                        "note": "prod",
                        "created": "2025-01-01",
                        "expires": "2027-01-01T00:00:00+02:00",
                        "consumers": ["vault:kv/api#openai", "manual:on-call laptop"],
                    },
                    {"provider": "anthropic", "owner": "bob@example.com", "hint": "sk-ant-...abcd"},
                ]
            }
        )
    )
    first, second = read_inventory(path)
    assert first.secret == SECRET
    assert SECRET not in repr(first)
    new = first.new
    assert (new.owner.team, new.status, new.account) == ("payments", "rotating", "proj_1")
    assert new.consumers == (VaultSecret("kv", "api", "openai"), ManualConsumer("on-call laptop"))
    assert new.created_at == datetime(2025, 1, 1, tzinfo=UTC)
    assert new.expires_at == datetime(2026, 12, 31, 22, tzinfo=UTC)
    assert second.secret is None
    assert second.new.hint is not None
    assert second.new.hint.last4 == "abcd"


def test_csv_consumers_split_on_semicolons_or_spaces(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(
        "provider,owner,key_id,consumers\n"
        "aws,a@example.com,AKIA1,aws-secretsmanager:prod/a github-actions-org:acme:AWS_KEY\n"
        "aws,a@example.com,AKIA2,manual:the old box; vault:kv/x#y\n"
    )
    first, second = read_inventory(path)
    assert [c.spec for c in first.new.consumers] == [
        "aws-secretsmanager:prod/a",
        "github-actions-org:acme:AWS_KEY",
    ]
    assert [c.spec for c in second.new.consumers] == ["manual:the old box", "vault:kv/x#y"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            f"provider,owner,secret,colour\nopenai,a@x.io,{SECRET},red\n",
            "entry 1: unknown fields colour",
        ),
        (f"provider,secret\nopenai,{SECRET}\n", "entry 1: provider and owner are required"),
        (f"provider,owner,secret,expires\nopenai,a@x.io,{SECRET},soon\n", "expires is not an ISO"),
        (
            f"provider,owner,secret,consumers\nopenai,a@x.io,{SECRET},vault:x\n",
            "vault:MOUNT/PATH#FIELD",
        ),
        (f'[{{"provider": "openai", "owner": "a@x.io", "secret": "{SECRET}"', "not valid JSON"),
        ('{"provider": "openai"}', "must hold a list"),
    ],
)
def test_errors_name_the_entry_and_never_the_value(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / ("inventory.json" if content.startswith(("[", "{")) else "inventory.csv")
    path.write_text(content)
    with pytest.raises(UsageError) as caught:
        read_inventory(path)
    assert message in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_bad_row_imports_nothing(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(
        f"provider,owner,secret,status\nopenai,a@x.io,{SECRET},active\nopenai,b@x.io,other-key-0000000000,lost\n"
    )
    with Registry.open(db_url, pepper=b"inventory-test-pepper-000") as registry:
        with pytest.raises(UsageError, match="entry 2: unknown key status"):
            registry.import_inventory(path)
        assert registry.list_keys() == []


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # A shifted column puts the key's value where a status, hint or consumer belongs.
        ("provider,owner,key_id,status", f"openai,dev@example.com,k1,{SECRET}"),
        ("provider,owner,hint", f"openai,dev@example.com,{SECRET}"),
        ("provider,owner,consumers", f"openai,dev@example.com,vault:{SECRET}"),
        ("provider,owner,created", f"openai,dev@example.com,{SECRET}"),
        ("provider,owner,secret", f"openai,dev@example.com,{SECRET},{SECRET}"),
        ("secret,provider,owner", f"openai,{SECRET},dev@example.com"),
        ("provider,owner,secret", f"{SECRET.lower()},dev@example.com,x"),
    ],
)
def test_a_malformed_row_never_quotes_a_value_in_full(
    tmp_path: Path, header: str, row: str
) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(f"{header}\n{row}\n")
    with pytest.raises(UsageError) as caught:
        read_inventory(path)
    message = str(caught.value)
    assert "entry 1" in message
    assert SECRET not in message
    assert SECRET[8:20] not in message
