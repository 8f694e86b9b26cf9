"""Turn links of a JSON hyper-schema (Heroku's Platform API) into a trimmed OpenAPI 3.1 document.

Stage: tests (contracts). Heroku publishes its API as one JSON hyper-schema: resources under
`definitions`, each with `links` (method, `href` template, request `schema`, `targetSchema`).
The contract harness (openapi_contract.py) reads OpenAPI, so this keeps the named links as
OpenAPI operations and every definition they reach through `$ref` (transitively) as component
schemas (`#/definitions/a/definitions/b` becomes `#/components/schemas/a__b`), and drops what
only feeds documentation. The hyper-schema names no status codes; the Platform API reference
gives them and they are written here: create (`rel: create`) answers 201, lists (`rel:
instances`) 200 or, while more remain, 206 with `Next-Range`, the rest 200. Errors are the
reference's `{"id", "message", "url"}` object (`Error`), answered for any 4xx. Heroku's
`strictProperties: true` (no other properties) becomes `additionalProperties: false`.

    python -m tests.contracts.hyper_schema SRC OUT --link "GET /account" ... \
        --source "github.com/heroku/platform-api @ <commit>, schema.json (<date>)"
"""

from __future__ import annotations

import argparse
import copy
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote

import yaml

_DROPPED = frozenset({"links", "definitions", "$schema", "id", "stability", "title", "example"})
_TEMPLATE = re.compile(r"\{\(([^)]+)\)\}")
_ERROR = {
    "type": "object",
    "required": ["id", "message"],
    "properties": {
        "id": {"type": "string"},
        "message": {"type": "string"},
        "url": {"type": "string"},
    },
}


def _component(pointer: str) -> str:
    """`#/definitions/a/definitions/b` -> `a__b`."""
    parts = pointer.removeprefix("#/definitions/").split("/definitions/")
    return "__".join(parts)


def _resolve(document: dict[str, object], pointer: str) -> dict[str, object]:
    node: object = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part] if isinstance(node, dict) else None
    if not isinstance(node, dict):
        raise KeyError(pointer)
    return node


def _refs(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _convert(node: object, parent: str = "") -> object:
    """The schema in OpenAPI's terms: refs renamed, documentation keys dropped (but not the
    names of properties), strictProperties as additionalProperties."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, object] = {}
    for key, value in node.items():
        if parent == "properties":
            out[key] = _convert(value)
        elif key == "$ref" and isinstance(value, str):
            out[key] = "#/components/schemas/" + _component(value)
        elif key == "strictProperties":
            if value is True:
                out["additionalProperties"] = False
        elif key not in _DROPPED and key != "readOnly":
            out[key] = _convert(value, key)
    return out


def _path(href: str) -> tuple[str, list[dict[str, object]]]:
    parameters: list[dict[str, object]] = []

    def name(match: re.Match[str]) -> str:
        pointer = unquote(match.group(1))
        param = _component(pointer).replace("-", "_")
        ref = {"$ref": "#/components/schemas/" + _component(pointer)}
        parameters.append({"name": param, "in": "path", "required": True, "schema": ref})
        return "{" + param + "}"

    return _TEMPLATE.sub(name, href), parameters


def _operation(link: dict[str, object]) -> dict[str, object]:
    rel = link.get("rel")
    target = link.get("targetSchema")
    content = {"application/json": {"schema": _convert(target)}} if target else None
    ok = {"description": str(link.get("title", "")), **({"content": content} if content else {})}
    responses: dict[str, object] = {"201" if rel == "create" else "200": ok}
    if rel == "instances":
        responses["206"] = copy.deepcopy(ok)  # a page, with Next-Range naming the next
    error = {
        "description": "An error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    responses["4XX"] = error
    operation: dict[str, object] = {
        "summary": str(link.get("description", "")),
        "responses": responses,
    }
    if rel == "instances":
        operation["parameters"] = [{"name": "Range", "in": "header", "schema": {"type": "string"}}]
    schema = link.get("schema")
    if isinstance(schema, dict):
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _convert(schema)}},
        }
    return operation


def trim(document: dict[str, object], wanted: Sequence[str], server: str) -> dict[str, object]:
    """An OpenAPI document with the links named "METHOD href-path" (as the API is called, e.g.
    "DELETE /oauth/authorizations/{id}": any template counts as `{…}`)."""
    paths: dict[str, dict[str, object]] = {}
    seen: set[str] = set()
    definitions = document["definitions"]
    assert isinstance(definitions, dict)
    for resource in definitions.values():
        for link in resource.get("links", []) if isinstance(resource, dict) else []:
            path, parameters = _path(str(link["href"]))
            label = f"{link['method']} {re.sub(r'{[^}]+}', '{}', path)}"
            if label not in {re.sub(r"{[^}]+}", "{}", w) for w in wanted}:
                continue
            seen.add(label)
            item = paths.setdefault(path, {})
            if parameters:
                item["parameters"] = parameters
            item[str(link["method"]).lower()] = _operation(link)
    missing = {re.sub(r"{[^}]+}", "{}", w) for w in wanted} - seen
    if missing:
        raise SystemExit(f"links not in the schema: {sorted(missing)}")
    schemas: dict[str, object] = {"Error": _ERROR}
    todo = list(_refs(_raw_links(document, seen)))
    while todo:
        pointer = todo.pop()
        name = _component(pointer)
        if name in schemas:
            continue
        raw = _resolve(document, pointer)
        schemas[name] = _convert(raw)
        todo.extend(ref for ref in _refs(_without_nested(raw)) if _component(ref) not in schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": str(document.get("title", "")), "version": "3"},
        "servers": [{"url": server}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    }


def _without_nested(node: dict[str, object]) -> dict[str, object]:
    """A definition without its own `definitions` and `links` (only what its schema uses)."""
    return {k: v for k, v in node.items() if k not in {"definitions", "links"}}


def _raw_links(document: dict[str, object], labels: set[str]) -> list[object]:
    found: list[object] = []
    definitions = document["definitions"]
    assert isinstance(definitions, dict)
    for resource in definitions.values():
        for link in resource.get("links", []) if isinstance(resource, dict) else []:
            path, _ = _path(str(link["href"]))
            if f"{link['method']} {re.sub(r'{[^}]+}', '{}', path)}" in labels:
                found.append([link.get("schema"), link.get("targetSchema"), link["href"]])
                found.extend({"$ref": unquote(p)} for p in _TEMPLATE.findall(str(link["href"])))
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--link", action="append", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--server", default="https://api.heroku.com")
    args = parser.parse_args(argv)
    document = json.loads(args.src.read_text(encoding="utf-8"))
    trimmed = trim(document, args.link, args.server)
    header = [f"# Converted from {args.source}", "# by tests/contracts/hyper_schema.py, keeping:"]
    header += [f"#   {link}" for link in args.link]
    body = yaml.safe_dump(trimmed, sort_keys=False, width=100)
    args.out.write_text("\n".join(header) + "\n" + body, encoding="utf-8")


if __name__ == "__main__":
    main()
