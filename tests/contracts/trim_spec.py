"""Cut a provider's published OpenAPI document down to the operations leakward calls.

Stage: tests (contracts). Keeps the named operations, every component they reach through `$ref`
(transitively), the security schemes and servers, and drops the documentation-only extensions
(`x-oaiMeta` examples and the like) so the test data stays small. In an OpenAPI 3.1 document
a leftover 3.0 `nullable: true` becomes a "null" type, as its authors meant. The result opens
with a comment naming the source repository, commit, path and date, as
tests/contracts/README.md asks.

    python -m tests.contracts.trim_spec SRC OUT --op "get /models" --op "delete /organization/…" \
        --source "github.com/openai/openai-openapi @ <commit>, openapi.yaml (<date>)"
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

# Extensions that only feed documentation sites; validators ignore them.
_DROPPED_KEYS = frozenset({"x-oaiMeta", "x-stainless-const", "x-stoplight", "examples", "example"})


def _without_docs(node: object, parent: str = "") -> object:
    # Under `properties` the keys are field names (a field may be called "example"): kept.
    if isinstance(node, dict):
        return {
            k: _without_docs(v, k)
            for k, v in node.items()
            if parent == "properties" or k not in _DROPPED_KEYS
        }
    if isinstance(node, list):
        return [_without_docs(item) for item in node]
    return node


def _nullable_as_31(node: object) -> object:
    """`nullable: true` is OpenAPI 3.0's; a 3.1 document that still writes it (SendGrid's) means
    what 3.0 meant, which 3.1 spells as a "null" member of `type`."""
    if isinstance(node, list):
        return [_nullable_as_31(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_as_31(v) for k, v in node.items() if k != "nullable"}
    kind = out.get("type")
    if node.get("nullable") is True and isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif "nullable" in node and not isinstance(kind, str):
        out["nullable"] = node["nullable"]
    return out


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


def trim(spec: dict[str, object], operations: Sequence[str]) -> dict[str, object]:
    """The spec with only `operations` ("get /path" each) and the components they use."""
    source_paths = spec["paths"]
    assert isinstance(source_paths, dict)
    paths: dict[str, dict[str, object]] = {}
    for operation in operations:
        method, _, path = operation.partition(" ")
        item = source_paths[path]
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        kept[method.lower()] = item[method.lower()]
    components = spec.get("components", {})
    assert isinstance(components, dict)
    wanted: dict[str, dict[str, object]] = {}
    pending = list(_refs(paths))
    while pending:
        ref = pending.pop()
        _, _, kind, name = ref.split("/", 3)  # "#/components/schemas/Name"
        if name in wanted.setdefault(kind, {}):
            continue
        wanted[kind][name] = components[kind][name]
        pending.extend(_refs(components[kind][name]))
    if "securitySchemes" in components:
        wanted["securitySchemes"] = components["securitySchemes"]
    trimmed: dict[str, object] = {
        key: spec[key] for key in ("openapi", "info", "servers", "security") if key in spec
    }
    trimmed["paths"] = paths
    trimmed["components"] = {kind: dict(sorted(items.items())) for kind, items in wanted.items()}
    result = _without_docs(trimmed)
    if str(spec.get("openapi", "")).startswith("3.1"):
        result = _nullable_as_31(result)
    assert isinstance(result, dict)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_file", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", required=True, help="repository, commit, path and date")
    parser.add_argument("--op", action="append", required=True, help='"get /path", repeatable')
    args = parser.parse_args(argv)
    text = args.source_file.read_text(encoding="utf-8")
    # JSON documents are read as JSON: YAML refuses some characters JSON strings may hold.
    is_json = args.source_file.suffix == ".json"
    spec = json.loads(text) if is_json else yaml.safe_load(text)
    body = yaml.safe_dump(trim(spec, args.op), sort_keys=False, width=100, allow_unicode=True)
    header = [f"# Trimmed from {args.source}", "# by tests/contracts/trim_spec.py, keeping:"]
    header.extend(f"#   {operation}" for operation in args.op)
    args.out.write_text("\n".join(header) + "\n" + body, encoding="utf-8")


if __name__ == "__main__":
    main()
