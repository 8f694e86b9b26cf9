"""A pass-through proxy in front of moto's server, so failures can be injected into AWS calls.

Stage: tests (rotators). moto answers every call in full; it cannot do a CreateAccessKey and then
lose the answer. Requests through this FakeServer reach moto unchanged (the Query API's body,
headers but Host and length), and `fail_next(..., body_contains=b"Action=CreateAccessKey",
applied=True, then=...)` lets moto do the work and the answer never arrive, as the crash matrix
needs for a kill inside a step.
"""

from __future__ import annotations

import re

import httpx

from tests.fakes.server import FakeRequest, FakeServer, Reply

_DROPPED = frozenset({"host", "content-length", "connection", "accept-encoding"})


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
