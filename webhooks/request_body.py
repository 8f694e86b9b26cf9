"""Reading a webhook body before anyone knows who sent it.

Stage: inbound webhooks (the receiver's first gate). Until its signature is checked a body is a
stranger's, so it costs as little as can be: the length must be declared (`Content-Length`,
which GitHub always sends) and within the cap, and the signature header well-formed, before a
byte is read; the body is hashed as it arrives and held in memory only up to `IN_MEMORY` bytes
(the rest waits in a temporary file), so many large bodies at once cost disk, not memory; and
the whole body must arrive within `read_timeout` seconds (GitHub gives up on a delivery after
10), so a client trickling bytes cannot hold a request open. The bytes spooled at once, across
requests, are capped (webhooks/spool_budget.py): past the cap a body that would spool is refused
with 503 and Retry-After, since it cannot be verified without being held.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile

from starlette.requests import ClientDisconnect, Request

from leakward.webhooks.signature import body_hasher, is_signature_of, is_well_formed
from leakward.webhooks.spool_budget import SpoolBudget

# GitHub caps webhook payloads at 25 MB.
MAX_BODY = 25 * 1024 * 1024
# GitHub ends a delivery that took longer than 10 seconds; a body still arriving then is not one.
READ_TIMEOUT = 10.0
# A body held in memory before it is known to be signed; past this it goes to a temporary file.
IN_MEMORY = 256 * 1024
SIGNATURE_HEADER = "x-hub-signature-256"


@dataclass(frozen=True, slots=True)
class BodyLimits:
    max_body: int = MAX_BODY
    read_timeout: float = READ_TIMEOUT
    # Shared by every request of one receiver: the bytes of unverified bodies on disk at once.
    spool: SpoolBudget = field(default_factory=SpoolBudget)


class BodyRefusedError(Exception):
    """The request is answered with `status`, `message` (which names the fix) and `headers`."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class ClientGoneError(Exception):
    """The client disconnected before its whole body arrived."""


async def read_signed_body(request: Request, secret: bytes, limits: BodyLimits) -> bytes:
    """The body, once it is known to be signed under `secret`; else `BodyRefusedError`."""
    declared = request.headers.get("content-length")
    if declared is None:
        raise BodyRefusedError(411, "Content-Length is required (GitHub always sends it)")
    if not declared.isdigit():
        raise BodyRefusedError(400, "Content-Length is not a number")
    if int(declared) > limits.max_body:
        raise BodyRefusedError(413, f"body over {limits.max_body} bytes (GitHub's limit is 25 MB)")
    header = request.headers.get(SIGNATURE_HEADER)
    if not is_well_formed(header):
        raise _unsigned()
    size = int(declared)
    # A body over the in-memory share goes to disk whole; one that would not fit is not read.
    on_disk = size if size > IN_MEMORY else 0
    if not limits.spool.reserve(on_disk):
        raise _spool_full(limits)
    try:
        return await _read(request, secret, header, limits)
    finally:
        limits.spool.release(on_disk)


async def _read(request: Request, secret: bytes, header: str | None, limits: BodyLimits) -> bytes:
    hasher = body_hasher(secret)
    with SpooledTemporaryFile(max_size=IN_MEMORY) as spool:
        try:
            async with asyncio.timeout(limits.read_timeout):
                async for part in request.stream():
                    hasher.update(part)
                    spool.write(part)
        except TimeoutError:
            raise BodyRefusedError(
                408, f"the body did not arrive within {limits.read_timeout:g} s"
            ) from None
        except ClientDisconnect:
            raise ClientGoneError from None
        if not is_signature_of(hasher, header):
            raise _unsigned()
        spool.seek(0)
        return spool.read()


def _spool_full(limits: BodyLimits) -> BodyRefusedError:
    # The bodies being read now are done, or cut off, within the read timeout.
    wait = math.ceil(limits.read_timeout)
    return BodyRefusedError(
        503,
        f"{limits.spool.max_bytes} bytes of unverified bodies are waiting to be read; "
        f"send this one again in {wait} s",
        {"Retry-After": str(wait)},
    )


def _unsigned() -> BodyRefusedError:
    return BodyRefusedError(401, "missing or wrong X-Hub-Signature-256; check the webhook secret")
