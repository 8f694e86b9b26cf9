"""Cuts Postman exports into items: collections v2.0/v2.1, environments, globals.

Stage: sources. A collection is JSON in which a key hides at a path a reader understands:
folder / request / field. We yield every string value as its own chunk named like
`api.postman_collection.json!Billing/Create invoice/auth.bearer.token`: folder and request
names joined by `/`, then the field path joined by `.`, where key/value lists (headers, query,
urlencoded and form data, variables, auth parameters in v2.1) use each entry's key as its name.
Every auth type is covered without a list of them, because v2.0 (`{"bearer": {"token": ..}}`)
and v2.1 (`{"bearer": [{"key": "token", "value": ..}]}`) both come out as `auth.bearer.token`.
Scripts are one chunk each (`event.prerequest.script`, lines as in the editor); saved examples
are under `response.<example name>`. Environment and globals exports give `values.<KEY>`,
secret-typed values included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources.sourcemap import describe_json_error

KIND = "postman-item"
_HEAD = 65536
_OPENS_OBJECT = re.compile(rb"\s*\{")
# Each holds "postman", which is searched for first.
_MARKERS = (
    b"schema.getpostman.com",
    b'"_postman_variable_scope"',
    b'"_postman_exported_using"',
    b'"_postman_id"',
)
# Bookkeeping fields: ids, enum-like settings and names (names become the path instead).
_SKIP = frozenset(
    {
        "_postman_id", "id", "uid", "schema", "type", "mode", "listen", "method", "language",
        "disabled", "name", "_exporter_id", "_postman_variable_scope", "_postman_exported_at",
        "_postman_exported_using", "_postman_previewlanguage", "owner", "createdAt", "updatedAt",
        "lastUpdatedBy", "code", "status", "responseTime", "protocol", "enabled",
    }
)  # fmt: skip
# Shorter values cannot be credentials and would only add chunks.
_MIN_VALUE = 4
_MAX_LABEL_FIELDS = 32


def looks_like_postman(data: bytes) -> bool:
    # Runs on every text blob of a history: one search for the word all markers share, and no
    # copy of the text, before the precise markers.
    if _OPENS_OBJECT.match(data) is None or data.find(b"postman", 0, _HEAD) < 0:
        return False
    head = data[:_HEAD]
    return any(marker in head for marker in _MARKERS)


def postman_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        reason = f"malformed Postman export ({describe_json_error(exc)}); scanned as plain text"
        yield Skipped(origin.display, reason, True)
        yield Chunk(data, origin)
        return
    if isinstance(document, dict) and isinstance(document.get("collection"), dict):
        document = document["collection"]  # the Postman API wraps exports this way
    if not isinstance(document, dict):
        yield Chunk(data, origin)
        return
    for label, value in _walk(document):
        yield _chunk(label, value, origin)


def _chunk(label: str, value: str, origin: Origin) -> Chunk:
    """One value; a one-line value is read after its field name: `values.MISTRAL_API_KEY = "v"`.

    Many keys (Mistral, Cohere, a password) are recognisable only next to their name, which
    Postman keeps in the JSON around the value, not in it. The name is put in front of the value
    with `first_column` moved back by its length, so lines and columns stay those of the value.
    Scripts and multi-line bodies carry their own names and are scanned as they are.
    """
    inner = origin.inside(label, kind=KIND)
    data = value.encode("utf-8", "replace")
    field = label.rsplit("/", 1)[-1]
    if field.endswith("script") or "\n" in value:
        return Chunk(data, inner)
    # Quoted as an assignment is written in code: generic rules take only quoted right-hand sides.
    prefix = f'{field} = "'
    framed = prefix.encode("utf-8", "replace") + data + b'"'
    return Chunk(framed, inner, first_column=1 - len(prefix))


# One step of the walk: what to do, the node, the folder/request names and the field path.
_Step = tuple[str, object, tuple[str, ...], tuple[str, ...]]


def _walk(document: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(label, value) for every value worth scanning, in document order.

    The walk keeps its own stack: a body nested as deep as the JSON parser accepts would
    exhaust Python's recursion limit and lose the whole collection, the requests after it too.
    """
    stack: list[_Step] = [("item", document, (), ())]
    while stack:
        kind, node, items, fields = stack.pop()
        if kind == "value":
            yield "/".join((*items, ".".join(fields))), str(node)
            continue
        if kind == "item" and isinstance(node, dict):
            steps = _item(node, items)
        elif kind == "entry" and isinstance(node, tuple):
            index, entry = node
            steps = _entry(index, entry, items, fields)
        else:
            steps = _fields(node, items, fields)
        stack.extend(reversed(steps))


def _item(node: dict[str, object], items: tuple[str, ...]) -> list[_Step]:
    steps: list[_Step] = []
    for key, value in node.items():
        if key == "item" and isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, dict):
                    name = child.get("name")
                    label = name if isinstance(name, str) and name else f"item[{index}]"
                    steps.append(("item", child, (*items, label), ()))
        elif key == "request":
            steps.append(("fields", value, items, ()))
        elif key == "response" and isinstance(value, list):
            for index, example in enumerate(value):
                name = example.get("name") if isinstance(example, dict) else None
                label = name if isinstance(name, str) and name else str(index)
                steps.append(("fields", example, items, ("response", label)))
        elif key not in _SKIP:
            steps.append(("fields", value, items, (key,)))
    return steps


def _fields(node: object, items: tuple[str, ...], fields: tuple[str, ...]) -> list[_Step]:
    if isinstance(node, str):
        return [("value", node, items, fields)] if len(node.strip()) >= _MIN_VALUE else []
    if isinstance(node, dict):
        if fields[-1:] == ("script",) or "exec" in node:
            return _script(node, items, fields)
        has_raw = isinstance(node.get("raw"), str)
        # A parsed URL repeats its raw form piece by piece; the raw form is enough.
        return [
            ("fields", value, items, _deeper(fields, str(key)))
            for key, value in node.items()
            if key not in _SKIP and not (has_raw and key in ("host", "path"))
        ]
    if isinstance(node, list):
        return [("entry", (index, entry), items, fields) for index, entry in enumerate(node)]
    return []


def _entry(
    index: int, entry: object, items: tuple[str, ...], fields: tuple[str, ...]
) -> list[_Step]:
    """A list entry, named by its key when it has one and by its index otherwise."""
    if isinstance(entry, dict) and "listen" in entry:
        return _script(entry.get("script"), items, (*fields, str(entry["listen"]), "script"))
    if isinstance(entry, dict) and isinstance(entry.get("key"), str):
        name = _deeper(fields, entry["key"] or str(index))
        return [
            ("fields", value, items, name if key == "value" else _deeper(name, key))
            for key, value in entry.items()
            if key not in _SKIP and key != "key"
        ]
    return _fields(entry, items, _deeper(fields, str(index)))


def _deeper(fields: tuple[str, ...], name: str) -> tuple[str, ...]:
    # Past this depth a label names where the nesting starts; a longer one helps nobody and
    # would make labels cost the square of the depth.
    return fields if len(fields) >= _MAX_LABEL_FIELDS else (*fields, name)


def _script(node: object, items: tuple[str, ...], fields: tuple[str, ...]) -> list[_Step]:
    if not fields or fields[-1] != "script":
        fields = (*fields, "script")
    source = node.get("exec") if isinstance(node, dict) else node
    if isinstance(source, list):
        source = "\n".join(line for line in source if isinstance(line, str))
    if isinstance(source, str) and len(source.strip()) >= _MIN_VALUE:
        return [("value", source, items, fields)]
    return []
