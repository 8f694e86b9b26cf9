"""A generic signed JSON webhook: POST the notice, signed with HMAC-SHA256 over timestamp + body.

Stage: notifiers. Headers sent with every delivery:

    X-Leakward-Timestamp:  seconds since the epoch when it was signed
    X-Leakward-Signature:  sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>
    X-Leakward-Delivery:   the idempotency key; the same notice retried carries the same key

A receiver checks it like this (also what `verify_signature` below does):

    1. Read the raw body bytes, before any JSON parsing.
    2. Reject a timestamp more than 5 minutes from your clock (stops replays).
    3. Compute HMAC-SHA256 with the shared secret over b"<timestamp>." + body and compare it to
       the header with a constant-time comparison (hmac.compare_digest).
    4. Drop a delivery whose X-Leakward-Delivery key was already processed (retries repeat it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import ClassVar

import httpx

from leakward.rotators.base import Notice
from leakward.rotators.stores.http_status import send
from leakward.webhooks.notify.message import as_json

TOLERANCE_SECONDS = 300


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: bytes,
    body: bytes,
    timestamp: str,
    signature_header: str,
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """Receiver side: True only for a fresh delivery signed with `secret`."""
    try:
        sent_at = float(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_header)


class WebhookNotifier:
    kind: ClassVar[str] = "webhook"

    def __init__(
        self,
        client: httpx.Client,
        url: str,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.url = url
        self.secret = secret
        self.clock = clock

    def send(self, notice: Notice, idempotency_key: str) -> None:
        body = json.dumps({"event": "leakward.notice", **as_json(notice)}).encode()
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json",
            "X-Leakward-Timestamp": timestamp,
            "X-Leakward-Signature": signature(self.secret, timestamp, body),
            "X-Leakward-Delivery": idempotency_key,
        }
        request = self.client.build_request("POST", self.url, content=body, headers=headers)
        send(self.client, request, "webhook notice", "check the webhook URL and its receiver")
