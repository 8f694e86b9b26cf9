"""`leakward registry import --provider`: a provider's key listing recorded in the registry.

Against the SendGrid and OpenAI fakes, through click, on SQLite and PostgreSQL: each listed key
is recorded by its public id with the provider's masked hint or display name and its public
attributes, never a value or fingerprint; a re-run adds nothing and a later key is picked up;
what the registry refuses to store (leakward's own idempotency token) is dropped by name.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from leakward.cli.main import cli
from leakward.core.errors import UsageError
from leakward.registry import MatchQuery, Registry
from leakward.registry.fingerprints import hint_of
from tests.fakes.openai import FakeOpenAI
from tests.fakes.sendgrid import FakeSendGrid
from tests.registry.conftest import _isolated_environment, db_url, postgres_url

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

OWNER = "platform@example.test"


@pytest.fixture
def registry_url(db_url: str) -> str:
    Registry.open(db_url).close()  # migrated, with the pepper `registry import` will read
    return db_url


def run(url: str, env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["registry", "--db", url, "import", *args], env=env)


def dump(url: str) -> str:
    with Registry.open(url) as opened, opened.engine.connect() as connection:
        return " ".join(
            str(row)
            for table in ("issued_keys", "owners", "consumers")
            for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
        )


def test_sendgrid_keys_are_imported_by_id_and_name_once(
    registry_url: str, fake_sendgrid: FakeSendGrid
) -> None:
    newsletter_id, newsletter = fake_sendgrid.add_key("newsletter", ["mail.send"])
    issued_id, issued = fake_sendgrid.add_key("leakward-rot-7-g1", ["mail.send"])
    env = {"LEAKWARD_API_SENDGRID": fake_sendgrid.url, "SENDGRID_API_KEY": fake_sendgrid.admin_key}

    first = run(registry_url, env, "--provider", "sendgrid", "--owner", OWNER)
    assert first.exit_code == 0, first.output
    assert "added 3 sendgrid keys, skipped 0 already registered" in first.output
    assert "attributes not stored (they may hold secrets): idempotency_token" in first.output
    with Registry.open(registry_url) as opened:
        found = {key.key_id: key for key in opened.list_keys(provider="sendgrid")}
    assert set(found) == {newsletter_id, issued_id, fake_sendgrid.admin_key.split(".")[1]}
    imported = found[newsletter_id]
    assert imported.owner.email == OWNER
    assert imported.fingerprint is None  # no value was ever seen
    assert imported.hint is None  # a name is not a masked value ...
    assert imported.attribute("name") == "newsletter"  # ... it is kept as an attribute
    assert found[issued_id].attributes == (("name", "leakward-rot-7-g1"),)
    stored = dump(registry_url)
    for value in (newsletter, issued, fake_sendgrid.admin_key):
        assert value not in stored

    again = run(registry_url, env, "--provider", "sendgrid", "--owner", OWNER)
    assert again.exit_code == 0, again.output
    assert "added 0 sendgrid keys, skipped 3 already registered" in again.output
    later_id, _ = fake_sendgrid.add_key("billing", ["mail.send"])
    third = run(registry_url, env, "--provider", "sendgrid", "--owner", OWNER)
    assert "added 1 sendgrid keys, skipped 3 already registered" in third.output
    with Registry.open(registry_url) as opened:
        keys = opened.list_keys(provider="sendgrid")
    assert sorted(k.key_id or "" for k in keys).count(later_id) == 1
    assert len(keys) == 4


def test_openai_project_keys_keep_hint_owner_and_service_account(
    registry_url: str, fake_openai: FakeOpenAI
) -> None:
    user_key = fake_openai.add_key("proj_1", owner="user")
    service_key = fake_openai.add_key("proj_1", owner="service_account")
    fake_openai.add_key("proj_2")  # another project: not listed
    env = {"LEAKWARD_API_OPENAI": fake_openai.url, "OPENAI_ADMIN_KEY": fake_openai.admin_key}

    done = run(registry_url, env, "--provider", "openai", "--account", "proj_1", "--owner", OWNER)
    assert done.exit_code == 0, done.output
    assert "added 2 openai keys" in done.output
    with Registry.open(registry_url) as opened:
        found = {key.key_id: key for key in opened.list_keys(provider="openai")}
        assert set(found) == {user_key.id, service_key.id}
        service = found[service_key.id]
        assert service.account == "proj_1"
        assert service.attribute("owner_type") == "service_account"
        assert service.attribute("service_account_id") == service_key.owner_id
        assert found[user_key.id].attribute("owner_type") == "user"
        # The masked value OpenAI lists is the hint a leaked value is matched by, offline.
        assert service.hint is not None
        assert service.hint.last4 == service_key.value[-4:]
        query = MatchQuery(
            opened.fingerprint(service_key.value), "openai", hint=hint_of(service_key.value)
        )
        (match,) = opened.match([query])
        assert match is not None
        assert (match.entry_id, match.method) == (service.id, "hint")
    stored = dump(registry_url)
    assert user_key.value not in stored
    assert service_key.value not in stored


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give an inventory FILE or --provider"),
        (("--provider", "sendgrid"), "--provider needs --owner EMAIL"),
        (("--provider", "nosuchprovider", "--owner", OWNER), "cannot list 'nosuchprovider'"),
    ],
)
def test_import_usage_errors(registry_url: str, args: tuple[str, ...], message: str) -> None:
    done = run(registry_url, {}, *args)
    assert isinstance(done.exception, UsageError), done.output
    assert message in str(done.exception)
    assert done.exception.exit_code == 2
