"""Contract checks for AWS: requests and injected answers against botocore's service models.

Stage: tests (contracts). AWS runs on moto's server, but the requests are ours (the rotator, STS,
the Secrets Manager store) and so are the answers the tests inject where moto lacks an IAM rule
(tests/rotators/aws_hooks.py) or a call must fail (tests/fakes/aws_proxy.py). botocore ships
the service models AWS publishes (botocore/data/<service>/<version>/service-2.json); everything
here reads them through botocore's own loader, validator and parsers:

- `request_problems`: a request as it crossed the socket names an operation the model has (the
  Query API's `Action` and `Version`, or the JSON protocol's `X-Amz-Target`), with parameters
  the operation's input shape has; JSON bodies go through botocore's `ParamValidator`.
- `error_problems`: an injected error code is one the operation declares (with the HTTP status
  the model gives it) or one of the documented common errors.
- `output_problems`: a parsed answer fits the operation's output shape (`ParamValidator`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from urllib.parse import parse_qsl

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.session import get_session
from botocore.validate import ParamValidator

# The errors every AWS Query/JSON API may answer, with their HTTP status: the "Common Error
# Types" page of the IAM API Reference (docs.aws.amazon.com/IAM/latest/APIReference/
# CommonErrors.html) and, for the codes that page's copy here cut off, the same list as other
# services' API references give it (read 2026-12-06). Query services answer `Throttling`.
COMMON_ERRORS: dict[str, int] = {
    "AccessDeniedException": 403,
    "ExpiredTokenException": 403,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "InvalidParameterCombination": 400,
    "InvalidParameterValue": 400,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "ValidationError": 400,
}
# The services our AWS code calls, by the signing name in the Authorization header's credential
# scope, and the name of the model botocore ships for each (the same here).
SIGNING_NAMES = {"iam": "iam", "sts": "sts", "secretsmanager": "secretsmanager"}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/(?P<service>[^/]+)/aws4_request")


@cache
def service(name: str) -> ServiceModel:
    """The model botocore ships for `name`, by botocore's own loader."""
    return get_session().get_service_model(name)


def operation(service_name: str, name: str) -> OperationModel:
    return service(service_name).operation_model(name)


def declared_errors(op: OperationModel) -> dict[str, int]:
    """The operation's error codes and the HTTP status the model gives each."""
    declared: dict[str, int] = {}
    for shape in op.error_shapes:
        error = shape.metadata.get("error", {})
        declared[error.get("code", shape.name)] = int(error.get("httpStatusCode", 400))
    return declared


def error_problems(service_name: str, op_name: str, code: str, status: int) -> list[str]:
    """Empty when `code` with `status` is what the model or the common errors say."""
    op = operation(service_name, op_name)
    expected = declared_errors(op).get(code, COMMON_ERRORS.get(code))
    if expected is None:
        return [f"{service_name} {op_name}: {code} is neither declared nor a common error"]
    if expected != status:
        return [f"{service_name} {op_name}: {code} is HTTP {expected}, not {status}"]
    return []


def output_problems(service_name: str, op_name: str, parsed: dict[str, object]) -> list[str]:
    shape = operation(service_name, op_name).output_shape
    body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
    report = ParamValidator().validate(body, shape)
    return (
        [f"{service_name} {op_name} output: {report.generate_report()}"]
        if report.has_errors()
        else []
    )


def request_problems(headers: dict[str, str], body: bytes) -> list[str]:
    """Every way one request (lower-cased headers, raw body) breaks its service's model."""
    scope = _SCOPE.search(headers.get("authorization", ""))
    if scope is None:
        return ["no SigV4 credential scope names the service"]
    name = SIGNING_NAMES.get(scope.group("service"))
    if name is None:
        return [f"service {scope.group('service')!r} has no model here"]
    model = service(name)
    if model.protocol == "query":
        return _query_problems(model, body)
    if model.protocol == "json":
        return _json_problems(model, headers, body)
    return [f"{name}: protocol {model.protocol} is not checked"]


def _json_problems(model: ServiceModel, headers: dict[str, str], body: bytes) -> list[str]:
    prefix, _, op_name = headers.get("x-amz-target", "").partition(".")
    if prefix != model.metadata["targetPrefix"] or op_name not in model.operation_names:
        return [f"{model.service_name}: unknown target {headers.get('x-amz-target')!r}"]
    report = ParamValidator().validate(
        json.loads(body or b"{}"), model.operation_model(op_name).input_shape
    )
    return [f"{op_name}: {report.generate_report()}"] if report.has_errors() else []


def _query_problems(model: ServiceModel, body: bytes) -> list[str]:
    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    op_name, version = form.pop("Action", None), form.pop("Version", None)
    if op_name not in model.operation_names:
        return [f"{model.service_name}: unknown action {op_name!r}"]
    problems = []
    if version != model.api_version:
        problems.append(f"{op_name}: Version {version!r}, the model's is {model.api_version}")
    shape = model.operation_model(op_name).input_shape
    top = {key.split(".")[0] for key in form}
    missing = set(shape.required_members if shape is not None else ()) - top
    problems += [f"{op_name}: required {name} is missing" for name in sorted(missing)]
    for key, value in sorted(form.items()):
        where = _query_path_problem(shape, key.split("."), value)
        if where:
            problems.append(f"{op_name}: {key}: {where}")
    return problems


def _query_path_problem(shape: Shape | None, path: list[str], value: str) -> str | None:
    """Walk a Query key (`Tags.member.1.Key`) down the shapes to its value; what does not fit,
    if anything."""
    if shape is None:
        return "the operation takes no input"
    if not path:
        return _scalar_problem(shape, value)
    head, rest = path[0], path[1:]
    if isinstance(shape, StructureShape):
        member = shape.members.get(head)
        return f"no member {head}" if member is None else _query_path_problem(member, rest, value)
    if isinstance(shape, ListShape):
        if head != "member" or not rest or not rest[0].isdigit():
            return f"a list is sent as .member.N, not .{head}"
        return _query_path_problem(shape.member, rest[1:], value)
    if isinstance(shape, MapShape):
        if (
            head != "entry"
            or len(rest) < 2
            or not rest[0].isdigit()
            or rest[1] not in ("key", "value")
        ):
            return "a map is sent as .entry.N.key/value"
        return _query_path_problem(shape.key if rest[1] == "key" else shape.value, rest[2:], value)
    return f"{shape.type_name} {shape.name} has no part {head}"


def _scalar_problem(shape: Shape, value: str) -> str | None:
    if shape.type_name in ("list", "map"):
        # botocore sends an empty list or map as the bare name with no value.
        return None if value == "" else f"a {shape.type_name} needs .member.N or .entry.N"
    if shape.type_name == "structure":
        return "a structure is sent member by member"
    if shape.type_name in ("integer", "long") and not value.lstrip("-").isdigit():
        return f"{value!r} is not an integer"
    if shape.type_name == "boolean" and value not in ("true", "false"):
        return f"{value!r} is not true or false"
    enum = getattr(shape, "enum", None)  # only string shapes (botocore's StringShape) have one
    if enum and value not in enum:
        return f"{value!r} is not one of {enum}"
    return None
