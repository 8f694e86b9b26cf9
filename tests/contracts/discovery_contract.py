"""Contract checks against a Google API discovery document, the format Google publishes its
REST APIs in (not OpenAPI).

Stage: tests (contracts). The same job as openapi_contract.py for Google's APIs: every request a
rotator sends must be a method of the document (HTTP method and `flatPath`), carry only the
method's or the document's global query parameters, with the types they declare and the required
ones present, authenticate (an OAuth bearer token or a `key` parameter), and send a body only
where the method takes one, fitting its schema. A 2xx answer must fit the method's response
schema; an error answer must be Google's error envelope, `{"error": Status}` with its code and
message (cloud.google.com/apis/design/errors). Discovery schemas become JSON Schema here: `$ref`
names a schema of the document, `type: any` is anything, formats are descriptive only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from tests.contracts.openapi_contract import SPECS, Exchange

Json = Mapping[str, object]
_SCHEMA_KEYS = ("type", "properties", "items", "additionalProperties", "enum", "$ref")
# google.rpc.Status as the JSON error body carries it, with the `status` name beside the code.
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "allOf": [{"$ref": "#/definitions/Status"}],
            "required": ["code", "message"],
            "properties": {"status": {"type": "string"}},
        }
    },
}


def _json_schema(node: object) -> object:
    """A discovery schema as JSON Schema (recursively)."""
    if not isinstance(node, Mapping):
        return node
    if node.get("type") == "any":
        return {}
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}
    out: dict[str, object] = {}
    for key in _SCHEMA_KEYS:
        if key not in node:
            continue
        value = node[key]
        if key == "properties" and isinstance(value, Mapping):
            out[key] = {name: _json_schema(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = _json_schema(value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class Method:
    id: str
    http_method: str
    path: re.Pattern[str]
    parameters: Json
    request: str | None
    response: str | None


def _methods(resources: Json) -> Iterator[Method]:
    for resource in resources.values():
        assert isinstance(resource, Mapping)
        for method in dict(resource.get("methods", {})).values():
            template = re.escape(str(method["flatPath"]))
            pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", template)
            yield Method(
                str(method["id"]),
                str(method["httpMethod"]),
                re.compile(pattern + r"\Z"),
                dict(method.get("parameters", {})),
                dict(method.get("request", {})).get("$ref"),
                dict(method.get("response", {})).get("$ref"),
            )
        yield from _methods(dict(resource.get("resources", {})))


def _fits_type(value: str, declared: object) -> bool:
    if declared == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if declared == "boolean":
        return value in ("true", "false")
    return True


class DiscoveryContract:
    def __init__(self, spec: Path) -> None:
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        self.name = spec.stem
        self._prefix = "/" + str(document.get("servicePath", ""))
        self._globals: Json = document.get("parameters", {})
        self._methods = list(_methods(document["resources"]))
        definitions = {name: _json_schema(s) for name, s in document["schemas"].items()}
        self._definitions = definitions

    @classmethod
    def named(cls, name: str) -> DiscoveryContract:
        return cls(SPECS / f"{name}.yaml")

    def _validator(self, schema: Mapping[str, object]) -> Draft202012Validator:
        return Draft202012Validator({**schema, "definitions": self._definitions})

    def check(self, exchanges: Iterable[Exchange]) -> list[str]:
        problems: list[str] = []
        for exchange in exchanges:
            problems.extend(f"{exchange.label()}: {p}" for p in self._check_one(exchange))
        return problems

    def _find(self, method: str, path: str) -> Method | None:
        relative = path.removeprefix(self._prefix)
        for candidate in self._methods:
            if candidate.http_method == method and candidate.path.match(relative):
                return candidate
        return None

    def _check_one(self, exchange: Exchange) -> list[str]:
        request, response = exchange.request, exchange.response
        method = self._find(request.method, request.url.path)
        if method is None:
            return ["request: no method of the document has this HTTP method and path"]
        problems = self._check_query(method, list(request.url.params.multi_items()))
        has_key = "key" in request.url.params
        if "authorization" not in request.headers and not has_key:
            problems.append("request: neither an OAuth token nor an API key")
        problems += self._check_body(method.request, request.content, "request")
        if response.status_code >= 400:
            problems += self._check_json(_ERROR, response.content, "error body")
        elif response.status_code >= 300:
            problems.append(f"response: status {response.status_code}")
        else:
            problems += self._check_body(method.response, response.content, "response")
        return problems

    def _check_query(self, method: Method, query: list[tuple[str, str]]) -> list[str]:
        problems = []
        for name, value in query:
            declared = method.parameters.get(name) or self._globals.get(name)
            if not isinstance(declared, Mapping) or declared.get("location") != "query":
                problems.append(f"request: query parameter {name!r} is not in the document")
            elif not _fits_type(value, declared.get("type")):
                problems.append(f"request: {name}={value!r} is not a {declared.get('type')}")
        sent = {name for name, _ in query}
        for name, declared in method.parameters.items():
            query_required = declared.get("location") == "query" and declared.get("required")
            if query_required and name not in sent:
                problems.append(f"request: required query parameter {name!r} is missing")
        return problems

    def _check_body(self, schema: str | None, content: bytes, what: str) -> list[str]:
        if schema is None:
            return [] if content in (b"", b"{}") else [f"{what}: a body the method has none of"]
        return self._check_json({"$ref": f"#/definitions/{schema}"}, content, what)

    def _check_json(self, schema: Mapping[str, object], content: bytes, what: str) -> list[str]:
        try:
            body = json.loads(content or b"null")
        except ValueError:
            return [f"{what}: not JSON"]
        validator = self._validator(schema)
        return [f"{what}: {e.json_path}: {e.message}" for e in validator.iter_errors(body)]


def assert_fits(contract: DiscoveryContract, exchanges: list[Exchange]) -> None:
    """Fail with every mismatch at once; also fail when nothing was recorded."""
    assert exchanges, "no traffic was recorded"
    problems = contract.check(exchanges)
    assert not problems, f"{contract.name} discovery violations:\n" + "\n".join(problems)
