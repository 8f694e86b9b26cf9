"""A deadline for a request's headers, which uvicorn's HTTP protocol does not have.

Stage: inbound webhooks (the connection, before the receiver sees a request). uvicorn gives an
idle keep-alive connection `timeout_keep_alive` seconds, but the first byte of a request cancels
that timer and nothing replaces it until the headers are complete: a client that sends its
headers one byte a minute holds a connection, and its file descriptor, for ever (slowloris).
Here every connection waiting for a request's headers, new or kept alive, is closed once
`seconds` pass without them all; h11 already caps their size. From then on the receiver's
body read timeout (webhooks/request_body.py) bounds the request.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# GitHub sends a delivery's headers at once; ten seconds is its whole delivery timeout.
HEADER_TIMEOUT = 10.0


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers are late."""

    header_timeout: ClassVar[float] = HEADER_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._await_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel()  # the headers are in: the body has its own timeout

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()  # kept alive: the next request's headers are due too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def _await_headers(self) -> None:
        self._cancel()
        self._deadline = self.loop.call_later(self.header_timeout, self._headers_late)

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_late(self) -> None:
        self._deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            # No answer: a client this slow is not GitHub, and a 408 would be one more write.
            self.transport.close()


def header_deadline_protocol(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's `http` option, with a deadline of `seconds`."""
    return type("HeaderDeadline", (HeaderDeadlineProtocol,), {"header_timeout": seconds})
