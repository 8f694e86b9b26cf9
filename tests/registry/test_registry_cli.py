"""`leakward registry …` end to end through click, on both databases."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakward.cli.registry import registry
from leakward.core.errors import RegistryError, UsageError
from leakward.registry.schema import head_revision

KEY = "sk-proj-CliAddedKey00000000000000000000qrst"


def _run(
    db_url: str, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    return CliRunner().invoke(registry, ["--db", db_url, *args], input=stdin, env=env)


def _ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_init_creates_database_and_private_pepper(db_url: str, tmp_path: Path) -> None:
    output = _ok(_run(db_url, "init"))
    assert "registry ready" in output
    assert f"schema {head_revision()}" in output
    pepper = tmp_path / "config" / "registry-pepper"
    assert stat.S_IMODE(pepper.stat().st_mode) == 0o600
    assert f"is at schema {head_revision()}" in _ok(_run(db_url, "migrate"))


def test_add_reads_the_key_from_stdin_and_prints_the_id(db_url: str) -> None:
    entry = _ok(
        _run(
            db_url,
            "add",
            "--provider=openai",
            "--owner=alice@example.com",
            "--team=payments",
            "--consumer=github-actions:acme/api:OPENAI_API_KEY",
            "--consumer=manual:the staging box",
            stdin=KEY + "\n",
        )
    ).strip()
    assert entry.isdigit()
    shown = json.loads(_ok(_run(db_url, "show", entry, "--json")))
    assert shown["hint"] == "sk-proj-…qrst"
    assert shown["owner"]["team"] == "payments"
    assert shown["consumers"] == [
        "github-actions:acme/api:OPENAI_API_KEY",
        "manual:the staging box",
    ]
    text = _ok(_run(db_url, "show", entry))
    assert "consumer:    manual:the staging box" in text
    assert KEY not in text


def test_add_reads_the_key_from_a_named_environment_variable(db_url: str) -> None:
    env = {"MY_KEY": KEY}
    entry = _ok(
        _run(
            db_url,
            "add",
            "--provider=openai",
            "--owner=a@example.com",
            "--secret-env=MY_KEY",
            env=env,
        )
    )
    listed = json.loads(_ok(_run(db_url, "list", "--json")))
    assert [k["id"] for k in listed] == [int(entry)]
    again = _run(db_url, "add", "--provider=openai", "--owner=b@example.com", stdin=KEY)
    assert isinstance(again.exception, RegistryError)
    assert f"entry {int(entry)}" in str(again.exception)


def test_add_without_a_value_needs_key_id_or_hint(db_url: str) -> None:
    empty = _run(db_url, "add", "--provider=aws", "--owner=a@example.com", stdin="")
    assert isinstance(empty.exception, UsageError)
    assert "no key on stdin" in str(empty.exception)
    unset = _run(
        db_url, "add", "--provider=aws", "--owner=a@example.com", "--secret-env=NOPE_UNSET"
    )
    assert isinstance(unset.exception, UsageError)
    by_id = _run(
        db_url,
        "add",
        "--provider=aws",
        "--owner=a@example.com",
        "--key-id=AKIAIOSFODNN7EXAMPLE",
        "--no-secret",
    )
    by_hint = _run(
        db_url,
        "add",
        "--provider=openai",
        "--owner=a@example.com",
        "--hint=sk-proj-****abcd",
        "--no-secret",
    )
    assert _ok(by_id).strip() == "1"
    assert _ok(by_hint).strip() == "2"
    lines = _ok(_run(db_url, "list")).splitlines()
    assert len(lines) == 2
    assert "AKIAIOSFODNN7EXAMPLE" in lines[0]
    assert "sk-proj-…abcd" in lines[1]


def test_bad_consumer_is_a_usage_error_naming_the_form(db_url: str) -> None:
    result = _run(
        db_url,
        "add",
        "--provider=openai",
        "--owner=a@example.com",
        "--consumer=vault:nofield",
        stdin=KEY,
    )
    assert isinstance(result.exception, UsageError)
    assert "vault:MOUNT/PATH#FIELD" in str(result.exception)


def test_there_is_no_way_to_pass_the_key_in_argv(db_url: str) -> None:
    result = _run(db_url, "add", "--provider=openai", "--owner=a@example.com", "--secret", KEY)
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_import_list_and_forget(db_url: str, tmp_path: Path) -> None:
    inventory = tmp_path / "keys.csv"
    inventory.write_text(
        "provider,key_id,owner,team,secret,consumers\n"
        f"openai,,alice@example.com,payments,{KEY},github-actions:acme/api:OPENAI_API_KEY\n"
        "aws,AKIAIOSFODNN7EXAMPLE,bob@example.com,infra,,aws-secretsmanager:prod/api\n"
    )
    assert "added 2 keys, skipped 0" in _ok(_run(db_url, "import", str(inventory)))
    assert "added 0 keys, skipped 2" in _ok(_run(db_url, "import", str(inventory)))
    listed = json.loads(_ok(_run(db_url, "list", "--json", "--owner=bob@example.com")))
    assert [k["key_id"] for k in listed] == ["AKIAIOSFODNN7EXAMPLE"]
    refused = _run(db_url, "forget", str(listed[0]["id"]), stdin="n\n")
    assert refused.exit_code == 1
    assert "forgot entry" in _ok(_run(db_url, "forget", str(listed[0]["id"]), "--yes"))
    assert len(json.loads(_ok(_run(db_url, "list", "--json")))) == 1
    missing = _run(db_url, "show", "999")
    assert isinstance(missing.exception, RegistryError)


def test_db_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("LEAKWARD_DB", url)
    _ok(CliRunner().invoke(registry, ["init"]))
    assert (tmp_path / "from-env.db").exists()


def test_unreachable_database_says_what_to_check(tmp_path: Path) -> None:
    result = _run("postgresql://nobody@127.0.0.1:1/none", "list")
    assert isinstance(result.exception, RegistryError)
    assert "Connection refused" in str(result.exception)
    assert "server is running" in str(result.exception)
