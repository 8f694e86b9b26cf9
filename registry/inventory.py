"""Reading key inventories (CSV or JSON) for `registry import`.

Stage: registry. An inventory row names a key the way a team already tracks it: provider, owner,
and the key's value, public id or provider hint. Values are handed to the registry to be hashed
and are never kept; errors name the file, row and field, never a value.

CSV: one key per row; the header names fields, `consumers` holds specs separated by ";" or spaces.
JSON: a list of objects (or {"keys": [...]}), `consumers` a list or a string as in CSV.
Fields: provider, owner (e-mail), owner_name, team, slack, github, key_id, hint, secret, account,
status, note, created, expires, last_rotated, consumers, attributes (public identifiers such as
kind and project_id: a JSON object, or "kind=project;project_id=42" in CSV).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from leakward.core.errors import UsageError
from leakward.core.secret import Secret
from leakward.registry.attributes import attributes_from
from leakward.registry.consumers import Consumer, parse_consumer
from leakward.registry.fingerprints import parse_hint
from leakward.registry.models import KEY_STATUSES
from leakward.registry.values import NewKey, Owner

_KNOWN = frozenset(
    (
        "provider", "owner", "owner_name", "team", "slack", "github", "key_id", "hint",
        "secret", "account", "status", "note", "created", "expires", "last_rotated", "consumers",
        "attributes",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class InventoryEntry:
    new: NewKey
    secret: str | None = field(default=None, repr=False)


def read_inventory(path: Path) -> list[InventoryEntry]:
    """Parse a CSV or JSON inventory (chosen by extension, else by content)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the inventory {path}: {error}") from None
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{")
    rows = _json_rows(path, text) if is_json else list(csv.DictReader(text.splitlines()))
    return [_entry(path, number, row) for number, row in enumerate(rows, start=1)]


def _json_rows(path: Path, text: str) -> list[Mapping[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        # The position only: the message of a JSON error can quote the offending text.
        raise UsageError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    if isinstance(data, dict):
        data = data.get("keys")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UsageError(f'{path} must hold a list of key objects, or {{"keys": [...]}}')
    return data


def _entry(path: Path, number: int, row: Mapping[str, object]) -> InventoryEntry:
    """One inventory row; an error names the row and field but never quotes a cell in full,
    since a shifted column can put the key's value in any of them."""
    try:
        return _parsed_entry(f"{path}, entry {number}", row)
    except UsageError as error:
        cells = _cells(row)
        hint = None if error.hint is None else _scrubbed(error.hint, cells)
        raise UsageError(_scrubbed(error.args[0], cells), hint=hint) from None


_CELL_PARTS = re.compile(r"[\s:;#/=,]+")


def _cells(row: Mapping[str, object]) -> list[str]:
    found: list[str] = []
    for value in row.values():
        items = value if isinstance(value, list) else [value]
        for item in (str(i) for i in items if isinstance(i, str | int)):
            # A message may quote part of a cell (a consumer's locator): its parts count too.
            found.extend([item, *_CELL_PARTS.split(item)])
    # Longest first, so a value is replaced whole before any shorter cell inside it.
    return sorted({cell for cell in found if len(cell) >= 8}, key=len, reverse=True)


def _scrubbed(text: str, cells: list[str]) -> str:
    for cell in cells:
        text = text.replace(cell, Secret(cell).redacted())
    return text


def _parsed_entry(where: str, row: Mapping[str, object]) -> InventoryEntry:
    if None in row:
        # csv.DictReader keeps the cells past the header under None: the row is shifted.
        raise UsageError(
            f"{where}: more fields than the header names", hint="quote values that hold a comma"
        )
    unknown = sorted(str(k) for k in row if k is not None and k not in _KNOWN)
    if unknown:
        raise UsageError(f"{where}: unknown fields {', '.join(unknown)}", hint=_fields_hint())
    values = {k: _text(where, k, v) for k, v in row.items() if k is not None}
    provider, email = values.get("provider"), values.get("owner")
    if not provider or not email:
        raise UsageError(f"{where}: provider and owner are required", hint=_fields_hint())
    status = values.get("status") or "active"
    if status not in KEY_STATUSES:
        raise UsageError(
            f"{where}: unknown key status {status!r}", hint=f"use one of {KEY_STATUSES}"
        )
    try:
        new = NewKey(
            provider=provider,
            owner=Owner(
                email,
                values.get("owner_name"),
                values.get("team"),
                values.get("slack"),
                values.get("github"),
            ),
            key_id=values.get("key_id"),
            hint=parse_hint(hint) if (hint := values.get("hint")) else None,
            consumers=_consumers(row.get("consumers")),
            account=values.get("account"),
            status=status,
            note=values.get("note"),
            created_at=_time(where, "created", values.get("created")),
            expires_at=_time(where, "expires", values.get("expires")),
            last_rotated_at=_time(where, "last_rotated", values.get("last_rotated")),
            attributes=attributes_from(row.get("attributes")),
        )
    except UsageError as error:
        raise UsageError(f"{where}: {error.args[0]}", hint=error.hint) from None
    return InventoryEntry(new=new, secret=values.get("secret"))


def _text(where: str, name: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if name in ("consumers", "attributes"):
        return None  # parsed separately: a list or an object in JSON
    if not isinstance(value, str | int):
        raise UsageError(f"{where}: field {name} must be text")
    return str(value).strip() or None


def _consumers(value: object) -> tuple[Consumer, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        # ";" when present, so a manual note may contain spaces; else whitespace.
        parts = value.split(";") if ";" in value else value.split()
        value = [part.strip() for part in parts if part.strip()]
    specs = value
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise UsageError("consumers must be a list of KIND:LOCATOR strings")
    return tuple(parse_consumer(spec) for spec in specs)


def _time(where: str, name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{where}: {name} is not an ISO 8601 date or time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _fields_hint() -> str:
    return f"known fields: {', '.join(sorted(_KNOWN))}"
