"""Contract checks: every request a rotator sends and every answer a fake gives, against the
provider's published OpenAPI document (trimmed copies in tests/contracts/specs/).

Stage: tests (contracts). `Traffic` hands out an `httpx.Client` whose event hook keeps each
request with its response; run a rotator on it against a fake, then `Contract.check` (or
`assert_conforms`) validates every exchange with openapi-core: the operation exists, the path,
query, headers, security and body of the request fit it, and a response with a status the
operation declares fits that response. An error status the operation does not declare (specs
rarely list 401 or 404) must be an error status and its body must fit the provider's documented
error schema (`error_schema`). Nothing is mocked: the bytes checked are the bytes that crossed
the socket. See tests/contracts/README.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import yaml
from jsonschema import Draft202012Validator
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockResponse
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPECS = Path(__file__).parent / "specs"
# openapi-core parses only application/json and JSON:API bodies as JSON; RFC 9457 problem
# details (Postman's 401) are JSON too.
_CONFIG = Config(extra_media_type_deserializers={"application/problem+json": json.loads})


@dataclass
class Exchange:
    request: httpx.Request
    response: httpx.Response

    def label(self) -> str:
        return f"{self.request.method} {self.request.url.path} -> {self.response.status_code}"


@dataclass
class Traffic:
    """Every exchange of the clients it made, in order."""

    exchanges: list[Exchange] = field(default_factory=list)

    def keep(self, response: httpx.Response) -> None:
        response.read()  # the body is checked after the rotator is done with the response
        response.request.read()  # a multipart body is a stream until read
        self.exchanges.append(Exchange(response.request, response))

    def client(self, timeout: float = 1.0) -> httpx.Client:
        return httpx.Client(timeout=timeout, event_hooks={"response": [self.keep]})

    def operations(self) -> list[str]:
        return [f"{e.request.method} {e.request.url.path}" for e in self.exchanges]


class _SpecRequest:
    """An httpx request as openapi-core reads one, placed on the spec's server: the fake's
    address is swapped for the server's scheme and host, the path is kept as sent (still
    percent-encoded: a parameter's encoded slash, GitHub's `prod%2Feu` environment, is no
    path separator)."""

    def __init__(self, request: httpx.Request, server: str) -> None:
        split = urlsplit(server)
        self.host_url = f"{split.scheme}://{split.netloc}"
        self.path = request.url.raw_path.decode("ascii").partition("?")[0]
        self.method = request.method.lower()
        self.body: bytes | None = request.content or None
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )


class Contract:
    """One provider's spec. `error_schema` names the component schema every error body the
    operations do not declare follows (OpenAI's and Anthropic's `ErrorResponse`)."""

    def __init__(self, spec: Path, *, error_schema: str | None = "ErrorResponse") -> None:
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
        self.name = spec.stem
        self._openapi = OpenAPI.from_dict(document, config=_CONFIG)
        self._server = _server_url(document["servers"][0])
        self._error: Draft202012Validator | None = None
        if error_schema is not None:
            # The components travel with the $ref, so references inside the schema resolve.
            root = {
                "$ref": f"#/components/schemas/{error_schema}",
                "components": document["components"],
            }
            self._error = Draft202012Validator(root)

    @classmethod
    def named(cls, provider: str, **kw: str | None) -> Contract:
        return cls(SPECS / f"{provider}.yaml", **kw)

    def check(self, exchanges: Iterable[Exchange]) -> list[str]:
        """Every way the exchanges break the spec, one line each; empty when they fit."""
        problems: list[str] = []
        for exchange in exchanges:
            problems.extend(f"{exchange.label()}: {p}" for p in self._check_one(exchange))
        return problems

    def _check_one(self, exchange: Exchange) -> list[str]:
        request = _SpecRequest(exchange.request, self._server)
        problems = [f"request: {_say(e)}" for e in self._openapi.iter_request_errors(request)]
        if problems:
            return problems  # no operation to read the answer by
        response = exchange.response
        answer = MockResponse(
            response.content,
            status_code=response.status_code,
            headers=dict(response.headers),
            content_type=response.headers.get("content-type", ""),
        )
        try:
            self._openapi.validate_response(request, answer)
        except ResponseNotFound:
            return self._check_undeclared_error(response)
        except Exception as exc:  # openapi-core reports a mismatch as one of several errors
            return [f"response: {_say(exc)}"]
        return []

    def _check_undeclared_error(self, response: httpx.Response) -> list[str]:
        if response.status_code < 400:
            return [f"response: status {response.status_code} is not in the spec"]
        if self._error is None:
            return []
        try:
            body = response.json()
        except ValueError:
            return ["response: the error body is not JSON"]
        return [f"error body: {e.message}" for e in self._error.iter_errors(body)]


def _server_url(server: dict[str, object]) -> str:
    """The server's URL with its variables at their defaults (GitHub Enterprise Server's
    `{protocol}://{hostname}/api/v3`): only the path prefix matters once placed there."""
    url = str(server["url"])
    variables = server.get("variables")
    for name, variable in (variables if isinstance(variables, dict) else {}).items():
        url = url.replace(f"{{{name}}}", str(variable["default"]))
    return url


def _say(error: BaseException) -> str:
    """The schema errors behind an openapi-core error, where in the body each is; else its
    chain of causes."""
    chain = [error]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    for link in chain:
        details = getattr(link, "schema_errors", None)
        if details:
            found = "; ".join(f"{d.json_path}: {d.message}" for d in details)
            return f"{type(link).__name__}: {found}"
    said = dict.fromkeys(str(link) for link in chain)  # causes often repeat their wrapper
    return f"{type(error).__name__}: " + "; ".join(said)


def assert_conforms(contract: Contract, traffic: Traffic) -> None:
    """Fail with every mismatch at once; also fail when nothing was recorded."""
    assert traffic.exchanges, "no traffic was recorded"
    problems = contract.check(traffic.exchanges)
    assert not problems, f"{contract.name} spec violations:\n" + "\n".join(problems)
