"""Key attributes: public identifiers stored with a key for its rotator, never a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakward.cli.registry import registry
from leakward.core.errors import UsageError
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.attributes import attributes_from, check_attributes
from tests.registry.conftest import PEPPER

KEY = "glpat-AttributeTestKey0000wxyz"


def _run(db_url: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(registry, ["--db", db_url, *args], input=stdin)


def test_add_stores_attributes_and_show_prints_them(db_url: str) -> None:
    added = _run(
        db_url,
        "add",
        "--provider=gitlab",
        "--owner=alice@example.com",
        "--key-id=9",
        "--attribute",
        "kind=project",
        "--attribute=project_id=42",
        stdin=KEY,
    )
    assert added.exit_code == 0, (added.output, added.exception)
    entry = added.output.strip()
    shown = json.loads(_run(db_url, "show", entry, "--json").output)
    assert shown["attributes"] == {"kind": "project", "project_id": "42"}
    assert "attributes:  kind=project, project_id=42" in _run(db_url, "show", entry).output
    with Registry.open(db_url) as opened:
        key = opened.get_key(int(entry))
    assert key.attributes == (("kind", "project"), ("project_id", "42"))
    assert key.attribute("project_id") == "42"


@pytest.mark.parametrize(
    "attribute", ["api_token=abc123", "client_secret=abc123", "db_password=abc123", "apikey=x"]
)
def test_attribute_names_that_suggest_a_secret_are_refused(db_url: str, attribute: str) -> None:
    result = _run(
        db_url,
        "add",
        "--provider=gitlab",
        "--owner=alice@example.com",
        f"--attribute={attribute}",
        stdin=KEY,
    )
    assert isinstance(result.exception, UsageError)
    assert "would hold a secret" in str(result.exception)
    assert "public identifiers" in (result.exception.hint or "")
    assert "abc123" not in str(result.exception)
    assert _run(db_url, "list").output == ""  # nothing registered


def test_a_pasted_value_is_never_echoed_back(db_url: str) -> None:
    pasted = "ghp_Q3v9xT2mKp7LwR4sZ8bN1cYd6hJf0gUeAbCd"
    for attribute in (pasted, f"{pasted}=x", f"kind={pasted}\n"):
        result = _run(
            db_url,
            "add",
            "--provider=github",
            "--owner=alice@example.com",
            f"--attribute={attribute}",
            stdin=KEY,
        )
        assert isinstance(result.exception, UsageError), attribute
        assert pasted not in str(result.exception)
        assert pasted not in (result.exception.hint or "")


def test_import_reads_attributes_from_json_objects_and_csv_columns(
    db_url: str, tmp_path: Path
) -> None:
    as_json = tmp_path / "keys.json"
    as_json.write_text(
        json.dumps(
            [
                {
                    "provider": "openai",
                    "owner": "bob@example.com",
                    "key_id": "key_abc",
                    "attributes": {"project_id": "proj_1", "service_account_id": "svc_9"},
                }
            ]
        )
    )
    as_csv = tmp_path / "keys.csv"
    as_csv.write_text(
        "provider,owner,key_id,attributes\ngitlab,bob@example.com,9,kind=group;group_id=7\n"
    )
    with Registry.open(db_url, pepper=PEPPER) as opened:
        assert opened.import_inventory(as_json).added == 1
        assert opened.import_inventory(as_csv).added == 1
        openai_key, gitlab_key = opened.list_keys()
    assert openai_key.attributes == (("project_id", "proj_1"), ("service_account_id", "svc_9"))
    assert gitlab_key.attributes == (("group_id", "7"), ("kind", "group"))


def test_import_refuses_a_secret_attribute_naming_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(
        json.dumps([{"provider": "slack", "owner": "a@example.com", "key_id": "B1",
                     "attributes": {"refresh_token": "xoxe-1-abc"}}])
    )  # fmt: skip
    with Registry.open(f"sqlite:///{tmp_path / 'r.db'}", pepper=PEPPER) as opened:
        with pytest.raises(UsageError, match=r"entry 1: attribute 'refresh_token'") as raised:
            opened.import_inventory(path)
        assert opened.list_keys() == []
    assert "xoxe-1-abc" not in str(raised.value)


def test_registering_through_the_library_checks_attributes_too(db_url: str) -> None:
    new = NewKey("gitlab", Owner("a@example.com"), key_id="5", attributes=(("token", "x"),))
    with Registry.open(db_url, pepper=PEPPER) as opened, pytest.raises(UsageError):
        opened.add_key(new)
    assert check_attributes([("kind", "project"), ("kind", "group")]) == (("kind", "group"),)
    assert attributes_from(None) == ()
    with pytest.raises(UsageError, match="text or a number"):
        attributes_from({"kind": ["project"]})
