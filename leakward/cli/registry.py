"""`leakward registry …`: create, migrate, fill and read the registry of issued keys.

Stage: shell. Each command parses its options, calls one `registry.Registry` method and renders
the result. Errors are raised as `LeakwardError`s for `leakward.cli.main.main` to print.
Secrets come from stdin or a named environment variable, never argv, where `ps` and shell
history would see them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import click

from leakward.core.errors import UsageError
from leakward.registry import (
    Hint,
    IssuedKey,
    NewKey,
    Owner,
    Registry,
    parse_attribute,
    parse_consumer,
    parse_hint,
)
from leakward.registry.database import resolve_url
from leakward.registry.pepper import PEPPER_ENV, default_pepper_path, load_pepper
from leakward.registry.schema import head_revision, upgrade
from leakward.settings.model import Settings

_URL_KEY = "leakward.registry.url"
_SETTINGS_KEY = "leakward.settings"


@click.group("registry")
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Registry database URL (default: $LEAKWARD_DB, else a SQLite file in the user data dir).",
)
@click.pass_context
def registry(ctx: click.Context, db_url: str | None) -> None:
    """The registry of issued keys: who owns a key and where it is deployed."""
    from leakward.settings.loader import load_settings

    settings = load_settings(None, os.environ, {"registry.db": db_url})
    ctx.meta[_SETTINGS_KEY] = settings
    ctx.meta[_URL_KEY] = resolve_url(settings.registry.db)


def _environ(ctx: click.Context) -> Mapping[str, str]:
    """The environment the group's settings were built from (credentials, --secret-env)."""
    settings: Settings = ctx.meta[_SETTINGS_KEY]
    return settings.environ


def _open(ctx: click.Context, *, migrate: bool = True) -> Registry:
    opened = Registry.open(ctx.meta[_URL_KEY], migrate=migrate)
    ctx.call_on_close(opened.close)
    return opened


@registry.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the registry database and the pepper its fingerprints are keyed with."""
    opened = _open(ctx)
    load_pepper()
    where = f"${PEPPER_ENV}" if _environ(ctx).get(PEPPER_ENV) else str(default_pepper_path())
    click.echo(f"registry ready at {opened.url} (schema {head_revision()})")
    click.echo(f"pepper: {where} (keep it safe: without it no key can be matched)")


@registry.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the registry database to the newest schema."""
    opened = _open(ctx, migrate=False)
    click.echo(f"registry at {opened.url} is at schema {upgrade(opened.engine)}")


@registry.command()
@click.option("--provider", required=True, help="Provider, e.g. openai, anthropic, aws, github.")
@click.option("--key-id", help="The provider's public id of the key (AWS access key id, …).")
@click.option("--owner", "email", required=True, metavar="EMAIL", help="Owner's e-mail.")
@click.option("--owner-name", help="Owner's name.")
@click.option("--team", help="Owner's team.")
@click.option("--slack", help="Owner's Slack handle or channel.")
@click.option("--github", help="Owner's GitHub handle.")
@click.option(
    "--consumer",
    "consumers",
    multiple=True,
    metavar="KIND:LOCATOR",
    help="Where the key is deployed, e.g. github-actions:OWNER/REPO:NAME (repeatable).",
)
@click.option("--account", help="Provider account or project.")
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="KEY=VALUE",
    help="A public identifier the rotator needs, e.g. kind=project, project_id=42, "
    "installation_id=…, service_account_id=… (repeatable; never a secret).",
)
@click.option("--expires", type=click.DateTime(), help="When the key expires (ISO date).")
@click.option("--note", help="Free text.")
@click.option("--hint", "hint_text", help='The provider\'s masked key, e.g. "sk-proj-****abcd".')
@click.option("--secret-env", metavar="NAME", help="Read the key from this environment variable.")
@click.option(
    "--no-secret", is_flag=True, help="Register by --key-id/--hint alone; read no key value."
)
@click.pass_context
def add(
    ctx: click.Context,
    provider: str,
    key_id: str | None,
    email: str,
    owner_name: str | None,
    team: str | None,
    slack: str | None,
    github: str | None,
    consumers: tuple[str, ...],
    account: str | None,
    attributes: tuple[str, ...],
    expires: datetime | None,
    note: str | None,
    hint_text: str | None,
    secret_env: str | None,
    no_secret: bool,
) -> None:
    """Register a key. The key is read from stdin (or --secret-env), hashed, and never stored.

    Prints the new entry's id.
    """
    new = NewKey(
        provider=provider,
        owner=Owner(email, owner_name, team, slack, github),
        key_id=key_id,
        hint=parse_hint(hint_text) if hint_text else None,
        consumers=tuple(parse_consumer(spec) for spec in consumers),
        account=account,
        note=note,
        expires_at=expires.replace(tzinfo=UTC) if expires and not expires.tzinfo else expires,
        attributes=tuple(parse_attribute(text) for text in attributes),
    )
    secret = None if no_secret else _read_secret(secret_env, _environ(ctx))
    click.echo(_open(ctx).add_key(new, secret))


def _read_secret(env_name: str | None, environ: Mapping[str, str]) -> str:
    if env_name is not None:
        value = environ.get(env_name, "").strip()
        if not value:
            raise UsageError(
                f"the environment variable {env_name} is unset or empty",
                hint=f"export {env_name}, or pipe the key on stdin instead",
            )
        return value
    if sys.stdin.isatty():
        value = click.prompt("Key (input hidden)", hide_input=True, err=True).strip()
    else:
        value = sys.stdin.read().strip()
    if not value:
        raise UsageError(
            "no key on stdin",
            hint="pipe it in (e.g. from a password manager), use --secret-env NAME, "
            "or --no-secret with --key-id/--hint",
        )
    if "\n" in value:
        raise UsageError("stdin holds more than one line; give one key per `registry add`")
    return value


@registry.command("import")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--provider",
    help="Import the keys this provider lists (its admin credential from the environment, as "
    "for `leakward rotate`) instead of a FILE.",
)
@click.option("--account", help="With --provider: the account or project to list (OpenAI, Google).")
@click.option(
    "--owner",
    "email",
    metavar="EMAIL",
    help="With --provider: who owns the imported keys until reassigned (required).",
)
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path | None,
    provider: str | None,
    account: str | None,
    email: str | None,
) -> None:
    """Add the keys of a CSV or JSON inventory FILE, or those a --provider lists.

    Inventory values are hashed on import and never kept. A provider's listing holds no values:
    its keys are recorded by public id, with the provider's hint or name and public attributes,
    and keys already registered are skipped, so running it again adds only new keys.
    """
    if (file is None) == (provider is None):
        raise UsageError(
            "give an inventory FILE or --provider, not both or neither",
            hint="e.g. leakward registry import --provider sendgrid --owner you@example.com",
        )
    if file is not None:
        result = _open(ctx).import_inventory(file)
        click.echo(f"added {result.added} keys, skipped {result.skipped} already registered")
        return
    if provider is None or email is None:
        raise UsageError("--provider needs --owner EMAIL: the registry records an owner per key")
    _import_provider(_open(ctx), provider.lower(), account, Owner(email), _environ(ctx))


def _import_provider(
    opened: Registry,
    provider: str,
    account: str | None,
    owner: Owner,
    environ: Mapping[str, str],
) -> None:
    from leakward.response.pipeline_build import build_rotator
    from leakward.rotators.registry_import import import_provider_keys

    rotator = build_rotator(provider, environ)
    if rotator is None:
        raise UsageError(
            f"leakward cannot list {provider!r} keys",
            hint="see `leakward rules list` for providers; each needs its admin credential set",
        )
    result = import_provider_keys(opened, rotator, owner, account)
    click.echo(f"added {result.added} {provider} keys, skipped {result.skipped} already registered")
    if result.without_id:
        click.echo(f"not imported: {result.without_id} listed without an id")
    if result.dropped_attributes:
        names = ", ".join(result.dropped_attributes)
        click.echo(f"attributes not stored (they may hold secrets): {names}")


@registry.command("list")
@click.option("--provider", help="Only this provider's keys.")
@click.option("--owner", metavar="EMAIL", help="Only this owner's keys.")
@click.option("--status", help="Only keys in this status (active, rotating, revoked, retired).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(
    ctx: click.Context, provider: str | None, owner: str | None, status: str | None, as_json: bool
) -> None:
    """List registered keys."""
    found = _open(ctx).list_keys(provider=provider, owner=owner, status=status)
    if as_json:
        click.echo(json.dumps([key_json(key) for key in found], indent=2))
        return
    for key in found:
        click.echo(
            f"{key.id:>6}  {key.provider:<10} {key.key_id or '-':<24} {_hint(key.hint):<20} "
            f"{key.owner.email:<28} {key.status:<8} {len(key.consumers)} consumers"
        )


@registry.command()
@click.argument("entry_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, entry_id: int, as_json: bool) -> None:
    """Show one key: owner, consumers, and the leaks matched to it."""
    opened = _open(ctx)
    key = opened.get_key(entry_id)
    leaks = opened.list_leaks(issued_key_id=entry_id)
    if as_json:
        document = key_json(key) | {
            "leaks": [{"id": leak.id, "status": leak.status} for leak in leaks]
        }
        click.echo(json.dumps(document, indent=2))
        return
    owner = key.owner
    details = ", ".join(
        f"{label} {value}"
        for label, value in (("team", owner.team), ("slack", owner.slack), ("github", owner.github))
        if value
    )
    click.echo(f"entry {key.id}: {key.provider} key {key.key_id or '(no public id)'}")
    click.echo(f"  hint:        {_hint(key.hint)}")
    click.echo(f"  owner:       {owner.name or ''} <{owner.email}> {details}".rstrip())
    click.echo(f"  status:      {key.status}; account {key.account or '-'}")
    if key.attributes:
        click.echo("  attributes:  " + ", ".join(f"{k}={v}" for k, v in key.attributes))
    click.echo(f"  created:     {key.created_at:%Y-%m-%d}; expires {_date(key.expires_at)}")
    click.echo(f"  rotated:     {_date(key.last_rotated_at)}")
    for consumer in key.consumers:
        click.echo(f"  consumer:    {consumer.spec}")
    for leak in leaks:
        places = ", ".join(p.path for p in leak.locations[:3])
        click.echo(f"  leak {leak.id}:     {leak.status}, seen {leak.times_seen}x: {places}")


@registry.command()
@click.argument("entry_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def forget(ctx: click.Context, entry_id: int, yes: bool) -> None:
    """Delete a key's entry and consumers; leaks matched to it are kept, unlinked."""
    opened = _open(ctx)
    key = opened.get_key(entry_id)
    if not yes:
        click.confirm(
            f"forget entry {entry_id} ({key.provider}, {key.owner.email})?", abort=True, err=True
        )
    opened.forget_key(entry_id)
    click.echo(f"forgot entry {entry_id}")


def key_json(key: IssuedKey) -> dict[str, object]:
    """A key as JSON: fingerprint and hint, never a value."""
    owner = key.owner
    return {
        "id": key.id,
        "provider": key.provider,
        "key_id": key.key_id,
        "fingerprint": key.fingerprint,
        "hint": key.hint.display if key.hint else None,
        "owner": {
            "email": owner.email,
            "name": owner.name,
            "team": owner.team,
            "slack": owner.slack,
            "github": owner.github,
        },
        "consumers": [consumer.spec for consumer in key.consumers],
        "account": key.account,
        "attributes": dict(key.attributes),
        "status": key.status,
        "note": key.note,
        "created_at": key.created_at.isoformat(),
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        "last_rotated_at": key.last_rotated_at.isoformat() if key.last_rotated_at else None,
    }


def _hint(hint: Hint | None) -> str:
    return hint.display if hint else "-"


def _date(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"
