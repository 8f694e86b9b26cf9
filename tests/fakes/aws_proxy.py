"""A pass-through proxy in front of moto's server, so failures can be injected into AWS calls.

Stage: tests (rotators). moto answers every call in full; it cannot do a CreateAccessKey and then
lose the answer. Requests through this FakeServer reach moto unchanged (the Query API's body,
headers but Host and length), and `fail_next(..., body_contains=b"Action=CreateAccessKey",
applied=True, then=...)` lets moto do the work and the answer never arrive, as the crash matrix
needs for a kill inside a step. An injected failure answers as AWS's Query API does: the XML
`ErrorResponse` with the documented common error of that HTTP status (`FAILURE_CODES`); a status
AWS documents no error for (a 502) is a gateway's HTML page, as from a load balancer in between.
tests/contracts/test_aws_contract.py parses these with botocore's own parser.
"""

from __future__ import annotations

import re
from dataclasses import replace

import httpx

from tests.fakes.server import Failure, FakeRequest, FakeServer, Reply

_DROPPED = frozenset({"host", "content-length", "connection", "accept-encoding"})
# The common errors (IAM API Reference, Common Error Types) an injected status stands for.
FAILURE_CODES = {400: "ThrottlingException", 500: "InternalFailure", 503: "ServiceUnavailable"}
_ERROR_XML = (
    '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
    "<Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message>"
    "</Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
)


def query_error(code: str, status: int, message: str) -> str:
    """An error body as IAM's and STS's Query API sends it (`ErrorResponse`); `Sender` for a
    client error, `Receiver` for a server error. The message is plain text, no markup."""
    kind = "Sender" if status < 500 else "Receiver"
    return _ERROR_XML.format(kind=kind, code=code, message=message)


class AwsProxy(FakeServer):
    def __init__(self, upstream: str) -> None:
        super().__init__()
        self.upstream = upstream.rstrip("/")
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            self.route(method, r"/.*", self._forward)

    def _forward(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        headers = {k: v for k, v in request.headers.items() if k not in _DROPPED}
        answer = httpx.request(
            request.method,
            self.upstream + request.path,
            params=request.query,
            headers=headers,
            content=request.body,
            timeout=30,
        )
        kept = {"content-type": answer.headers.get("content-type", "text/xml")}
        return Reply(answer.status_code, answer.text, kept)

    def _failure_reply(self, failure: Failure) -> Reply:
        code = FAILURE_CODES.get(failure.status)
        if code is None or failure.html:  # no AWS error has this status: a gateway answers
            return super()._failure_reply(replace(failure, html=True))
        if failure.hang is not None:
            self._released.wait(failure.hang)
        body = query_error(code, failure.status, "injected by the test proxy")
        return Reply(failure.status, body, {"content-type": "text/xml"})
