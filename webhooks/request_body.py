"""Reading a webhook body before anyone knows who sent it.

Stage: inbound webhooks (the receiver's first gate). Until its signature is checked a body is a
stranger's, so it costs as little as can be: the length must be declared (`Content-Length`,
which GitHub always sends) and within the cap, and the signature header well-formed, before a
byte is read; the body is hashed as it arrives and held in memory only up to `IN_MEMORY` bytes
(the rest waits in a temporary file), so many large bodies at once cost disk, not memory; and
the whole body must arrive within `read_timeout` seconds (GitHub gives up on a delivery after
10), so a client trickling bytes cannot hold a request open.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from starlette.requests import ClientDisconnect, Request

from leakward.webhooks.signature import body_hasher, is_signature_of, is_well_formed

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


class BodyRefusedError(Exception):
    """The request is answered with `status` and `message` (which names the fix)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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


def _unsigned() -> BodyRefusedError:
    return BodyRefusedError(401, "missing or wrong X-Hub-Signature-256; check the webhook secret")
