"""The GitHub webhook receiver: a small Starlette ASGI app.

Stage: inbound webhooks (the outermost layer). `POST /webhooks/github` checks, in this order,
declared size (411, 413), signature header (401) and room to spool it (503 with Retry-After,
for a large body while many others are being read) before reading the body, the body's arrival
(408) and signature (401) as it is read (webhooks/request_body.py), event and delivery headers
and JSON (400), then replays; it stores the work as a job (webhooks/work_queue.py) in the
transaction that claims the delivery id, and answers 202 well within GitHub's 10-second limit.
Rejected requests queue nothing; a body known to be signed is never refused for load
(work_queue.py says why): the spool's 503 comes before a body is read, when it cannot be known.
`GET /healthz`, `GET /metrics` (Prometheus text) and `GET /openapi.json` describe and watch it.

A delivery id already accepted, or a delivery asking for work already stored (the same push
range or run attempt replayed under a new id), gets 200 `duplicate` rather than 409: GitHub
redelivers with the same `X-GitHub-Delivery` id, and only after it saw a failure (often a
timeout on a request we did queue); a 2xx ends its retrying, while a 4xx would mark the hook as
failing and invite another manual redelivery. Either way nothing is queued twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from leakward.webhooks.github_events import HANDLED, PayloadError, job_for
from leakward.webhooks.metrics import Metrics
from leakward.webhooks.openapi import OPENAPI
from leakward.webhooks.request_body import (
    MAX_BODY,
    READ_TIMEOUT,
    BodyLimits,
    BodyRefusedError,
    ClientGoneError,
    read_signed_body,
)
from leakward.webhooks.spool_budget import SPOOL_MAX, SpoolBudget
from leakward.webhooks.work_queue import Accepted, Intake

log = logging.getLogger(__name__)
# Not an HTTP status anyone sees (the client is gone): nginx's "client closed request", so the
# delivery metrics count these apart from refusals.
CLIENT_GONE = 499


@dataclass(frozen=True, slots=True)
class ReceiverSettings:
    secret: bytes
    max_body: int = MAX_BODY
    read_timeout: float = READ_TIMEOUT
    # Bytes of unverified bodies spooled to disk at once (webhooks/spool_budget.py).
    spool_max_bytes: int = SPOOL_MAX

    def __post_init__(self) -> None:
        if not self.secret:
            from leakward.core.errors import ConfigError

            raise ConfigError(
                "the webhook secret is empty",
                "set LEAKWARD_GITHUB_WEBHOOK_SECRET to the secret configured on the GitHub webhook",
            )


def create_app(settings: ReceiverSettings, intake: Intake, metrics: Metrics) -> Starlette:
    """The ASGI app; every collaborator is passed in, so tests and `serve` wire their own."""
    limits = BodyLimits(
        settings.max_body, settings.read_timeout, SpoolBudget(settings.spool_max_bytes)
    )

    async def github(request: Request) -> Response:
        event = request.headers.get("x-github-event", "")
        response = await _receive(request, event)
        metrics.delivery(event if event in HANDLED else "other", str(response.status_code))
        return response

    async def _receive(request: Request, event: str) -> Response:
        delivery = request.headers.get("x-github-delivery", "")
        try:
            body = await read_signed_body(request, settings.secret, limits)
        except BodyRefusedError as refused:
            return _error(refused.status, refused.message, refused.headers)
        except ClientGoneError:
            # An everyday network event, not a fault: one line, no traceback.
            log.info("delivery %.100s: the client disconnected before its body arrived", delivery)
            return Response(status_code=CLIENT_GONE)
        if not event or not delivery or len(delivery) > 100:
            return _error(400, "X-GitHub-Event and X-GitHub-Delivery headers are required")
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return _error(400, "body is not JSON; set the webhook's content type to JSON")
        except RecursionError:
            # The parser recurses per level; GitHub's payloads nest a handful of levels deep.
            return _error(400, "body nests JSON too deeply to be a GitHub webhook payload")
        if not isinstance(parsed, dict):
            return _error(400, "body is not a JSON object")
        if event == "ping":
            return JSONResponse({"status": "pong"})
        if event not in HANDLED:
            return JSONResponse({"status": "ignored", "event": event}, status_code=202)
        try:
            job = job_for(event, parsed)
        except PayloadError as error:
            return _error(400, f"{event} payload: {error}")
        if job is None:
            return JSONResponse({"status": "nothing to do"}, status_code=202)
        accepted = await run_in_threadpool(intake.accept, delivery, event, job)
        metrics.accepted(accepted.value)
        answer = {"status": accepted.value, "delivery": delivery}
        if accepted is Accepted.DUPLICATE:
            return JSONResponse(answer)
        return JSONResponse(answer, status_code=202)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def metrics_text(request: Request) -> Response:
        # Off the event loop: rendering counts the stored jobs in the database, and a slow
        # count must not hold up the deliveries answered meanwhile.
        text = await run_in_threadpool(metrics.render)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def openapi(request: Request) -> Response:
        return JSONResponse(OPENAPI)

    return Starlette(
        routes=[
            Route("/webhooks/github", github, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_text, methods=["GET"]),
            Route("/openapi.json", openapi, methods=["GET"]),
        ]
    )


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)
