"""An httpx.MockTransport that expects an exact request sequence (the STYLE.md unit-test seam)."""

from __future__ import annotations

import httpx


class Scripted:
    """Each step is (method, path, response); a request out of order fails the test."""

    def __init__(self, *steps: tuple[str, str, httpx.Response]) -> None:
        self.steps = list(steps)
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert self.steps, f"unexpected request {request.method} {request.url.path}"
        method, path, response = self.steps.pop(0)
        # raw_path keeps percent-escapes, so "group%2Fapp" is checked as sent.
        sent_path = request.url.raw_path.decode().split("?")[0]
        assert (request.method, sent_path) == (method, path)
        self.sent.append(request)
        return response

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def done(self) -> bool:
        return not self.steps


def html(status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        text="<html><body>Sign in to the proxy</body></html>",
        headers={"content-type": "text/html"},
    )
