"""The dashboard's routes: pages read the registry views, actions go through `Actions`.

Stage: inbound (webhooks, dashboard). Every route first asks `DashboardAccess` who the request
comes from: with the dashboard off every route answers 503 saying what to set; without proof a
page answers 401 with the login form and an action a bare 401. POST actions must carry the CSRF
token of the operator's session. Registry reads and actions run off the event loop. Rotation
actions go through `Actions`; dismissing a usage alert is a registry write of its own
(registry/usage_alerts.py), logged in the operator action log all the same.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from leakward.core.errors import LeakwardError, RegistryError
from leakward.registry.models import utc_now
from leakward.registry.operator_actions import list_actions
from leakward.registry.store import Registry
from leakward.registry.usage_alerts import DISMISS, dismiss_alert
from leakward.registry.views.keys import list_key_views
from leakward.registry.views.leaks import format_duration, list_leak_views
from leakward.registry.views.overview import overview
from leakward.registry.views.paging import Window, page_number, paged
from leakward.registry.views.rotations import list_rotation_views, show_rotation
from leakward.registry.views.usage_alerts import count_usage_alerts, list_usage_alert_views
from leakward.webhooks.dashboard.access import (
    COOKIE,
    OFF_MESSAGE,
    SESSION_SECONDS,
    DashboardAccess,
    Operator,
    bearer_of,
    clean_name,
)
from leakward.webhooks.dashboard.chart import LIMIT as CHART_LIMIT
from leakward.webhooks.dashboard.chart import exposure_chart
from leakward.webhooks.dashboard.guesses import GuessLimit

STATUSES = ("running", "pending-approval", "done", "failed")
ALERT_STATES = ("open", "handed-off", "dismissed")
DISMISSALS_SHOWN = 20  # the latest dismissals under the alerts; the rest stay in the registry
MAX_FORM_BYTES = 16 * 1024
NEEDS_LOGIN = "log in first: the operator token is required"
STALE_FORM = "missing or stale form token: reload the page and try again"
HEADERS = {
    # No script at all; inline styles only; forms post back here; never framed.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


class ActionResult(Protocol):
    @property
    def summary(self) -> str: ...


class Actions(Protocol):
    """Retry and approve, recording who asked (leakward/response/rotation_actions.py)."""

    def retry(self, rotation_id: int, *, actor: str, channel: str) -> ActionResult: ...

    def approve(self, rotation_id: int, *, actor: str, channel: str) -> ActionResult: ...


Handler = Callable[[Request], Awaitable[Response]]
Run = Callable[[int, Operator], object]
PageBuilder = Callable[[Request, Operator], Awaitable[Response]]


def create_dashboard(registry: Registry, access: DashboardAccess, actions: Actions) -> Starlette:
    dashboard = Dashboard(registry, access, actions)
    page, act = dashboard.page, dashboard.action
    return Starlette(
        routes=[
            Route("/", page(dashboard.overview), methods=["GET"]),
            Route("/leaks", page(dashboard.leaks), methods=["GET"]),
            Route("/keys", page(dashboard.keys), methods=["GET"]),
            Route("/rotations", page(dashboard.rotations), methods=["GET"]),
            Route("/rotations/{rotation_id:int}", page(dashboard.rotation), methods=["GET"]),
            Route("/rotations/{rotation_id:int}/retry", act(dashboard.retry), methods=["POST"]),
            Route("/rotations/{rotation_id:int}/approve", act(dashboard.approve), methods=["POST"]),
            Route("/usage-alerts", page(dashboard.usage_alerts), methods=["GET"]),
            Route(
                "/usage-alerts/{alert_id:int}/dismiss",
                act(dashboard.dismiss, "alert_id", "/usage-alerts#alert-{}"),
                methods=["POST"],
            ),
            Route("/login", dashboard.login_form, methods=["GET"]),
            Route("/login", dashboard.login, methods=["POST"]),
            Route("/logout", page(dashboard.logout), methods=["POST"]),
        ]
    )


class Dashboard:
    """The handlers, sharing the registry, the access rules, the actions and the templates."""

    def __init__(self, registry: Registry, access: DashboardAccess, actions: Actions) -> None:
        self.registry, self.access, self.actions = registry, access, actions
        self.guesses = GuessLimit()
        self.templates = Environment(
            loader=FileSystemLoader(Path(__file__).with_name("templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.templates.filters["duration"] = format_duration
        self.templates.filters["stamp"] = stamp
        self.templates.filters["utc"] = utc

    def render(
        self, name: str, code: int = 200, operator: Operator | None = None, **values: object
    ) -> Response:
        csrf = self.access.csrf_token(operator) if operator is not None else ""
        html = self.templates.get_template(name).render(operator=operator, csrf=csrf, **values)
        return HTMLResponse(html, status_code=code, headers=HEADERS)

    def off(self) -> Response:
        return self.render("off.html", 503, message=OFF_MESSAGE)

    def page(self, build: PageBuilder) -> Handler:
        """`build` for a proven operator; else the login form with 401 (503 when off)."""

        async def guarded(request: Request) -> Response:
            if not self.access.is_on:
                return self.off()
            if (waiting := self.refused_guess(request, bearer_of(request))) is not None:
                return waiting
            operator = self.access.operator(request)
            if operator is None:
                response = self.render("login.html", 401, next=request.url.path)
                response.headers["WWW-Authenticate"] = 'Bearer realm="leakward"'
                return response
            return await build(request, operator)

        return guarded

    def action(self, run: Run, target: str = "rotation_id", back: str = "/rotations/{}") -> Handler:
        """A POST on one rotation (or the path's other `target`) by a proven operator with a
        valid CSRF token; to its page (`back`) afterwards, where the action log shows the
        outcome (a refusal with its reason)."""

        async def guarded(request: Request) -> Response:
            if not self.access.is_on:
                return PlainTextResponse(OFF_MESSAGE, 503, headers=HEADERS)
            if (waiting := self.refused_guess(request, bearer_of(request))) is not None:
                return waiting
            operator = self.access.operator(request)
            if operator is None:
                return PlainTextResponse(NEEDS_LOGIN, 401, headers=HEADERS)
            if not await self.is_form_valid(request, operator):
                return PlainTextResponse(STALE_FORM, 403, headers=HEADERS)
            target_id = int(request.path_params[target])
            with contextlib.suppress(LeakwardError):  # recorded as refused, with the reason
                await run_in_threadpool(run, target_id, operator)
            return RedirectResponse(back.format(target_id), 303, headers=HEADERS)

        return guarded

    def refused_guess(self, request: Request, token: str | None) -> Response | None:
        """429 while the request's address has tried too many different wrong tokens (the
        right one included, so the answer tells no guess apart); a wrong `token` counts."""
        if not token:
            return None
        address = request.client.host if request.client else "unknown"
        wait = self.guesses.wait_for(address)
        if wait:
            seconds = math.ceil(wait)
            headers = {**HEADERS, "Retry-After": str(seconds)}
            message = f"too many wrong operator tokens from this address; try again in {seconds} s"
            return PlainTextResponse(message, 429, headers=headers)
        if not self.access.is_token(token):
            self.guesses.failed(address, token)
        return None

    async def is_form_valid(self, request: Request, operator: Operator) -> bool:
        form = await read_form(request)
        return form is not None and self.access.is_csrf_valid(operator, form.get("csrf", ""))

    async def overview(self, request: Request, operator: Operator) -> Response:
        now = utc_now()
        summary = await run_in_threadpool(overview, self.registry, limit=CHART_LIMIT, as_of=now)
        open_alerts = await run_in_threadpool(count_usage_alerts, self.registry, state="open")
        return self.render(
            "overview.html",
            operator=operator,
            chart=exposure_chart(summary.latest, now, total=summary.leaks),
            summary=summary,
            open_alerts=open_alerts,
        )

    async def leaks(self, request: Request, operator: Operator) -> Response:
        return await self.listing(request, operator, "leaks.html", list_leak_views)

    async def keys(self, request: Request, operator: Operator) -> Response:
        return await self.listing(request, operator, "keys.html", list_key_views)

    async def rotations(self, request: Request, operator: Operator) -> Response:
        status = request.query_params.get("status") or None
        if status is not None and status not in STATUSES:
            message = f"status must be one of {', '.join(STATUSES)}"
            return self.render("error.html", 400, operator=operator, message=message)
        return await self.listing(
            request, operator, "rotations.html", list_rotation_views, status=status
        )

    async def listing(
        self,
        request: Request,
        operator: Operator,
        template: str,
        view: Callable[..., Sequence[object]],
        status: str | None = None,
    ) -> Response:
        """One page (`?page=N`, 100 rows) of a list view, of the rows with `status` if given."""
        try:
            window = Window(page_number(request.query_params.get("page")))
        except ValueError as error:
            return self.render("error.html", 400, operator=operator, message=str(error))
        rows = await run_in_threadpool(view, self.registry, window=window, status=status)
        return self.render(
            template,
            operator=operator,
            page=paged(rows, window),
            status=status,
            statuses=STATUSES,
        )

    async def usage_alerts(self, request: Request, operator: Operator) -> Response:
        """One page of the usage alerts (`?state=`), newest first, and the latest dismissals."""
        state = request.query_params.get("state") or None
        try:
            if state is not None and state not in ALERT_STATES:
                raise ValueError(f"state must be one of {', '.join(ALERT_STATES)}")
            window = Window(page_number(request.query_params.get("page")))
        except ValueError as error:
            return self.render("error.html", 400, operator=operator, message=str(error))
        rows = await run_in_threadpool(
            list_usage_alert_views, self.registry, state=state, window=window
        )
        log = await run_in_threadpool(
            list_actions,
            self.registry.engine,
            action=DISMISS,
            newest_first=True,
            limit=DISMISSALS_SHOWN,
        )
        return self.render(
            "usage_alerts.html",
            operator=operator,
            page=paged(rows, window),
            status=state,
            filter="state",
            statuses=ALERT_STATES,
            log=log,
        )

    async def rotation(self, request: Request, operator: Operator) -> Response:
        rotation_id = int(request.path_params["rotation_id"])
        try:
            rotation = await run_in_threadpool(show_rotation, self.registry, rotation_id)
        except RegistryError:
            message = f"there is no rotation {rotation_id}"
            return self.render("error.html", 404, operator=operator, message=message)
        log = await run_in_threadpool(list_actions, self.registry.engine, rotation_id=rotation_id)
        return self.render("rotation.html", operator=operator, rotation=rotation, log=log)

    async def login_form(self, request: Request) -> Response:
        return self.render("login.html", next="/") if self.access.is_on else self.off()

    async def login(self, request: Request) -> Response:
        if not self.access.is_on:
            return self.off()
        form = await read_form(request) or {}
        if (waiting := self.refused_guess(request, form.get("token", ""))) is not None:
            return waiting
        if not self.access.is_token(form.get("token", "")):
            return self.render("login.html", 401, next="/", failed=True)
        name = clean_name(form.get("name", "") or "operator")
        response = RedirectResponse(safe_next(form.get("next", "/")), 303, headers=HEADERS)
        response.set_cookie(
            COOKIE,
            self.access.session_cookie(name),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request, operator: Operator) -> Response:
        if not await self.is_form_valid(request, operator):
            return PlainTextResponse(STALE_FORM, 403, headers=HEADERS)
        response = RedirectResponse("/login", 303, headers=HEADERS)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    def retry(self, rotation_id: int, operator: Operator) -> ActionResult:
        return self.actions.retry(rotation_id, actor=operator.name, channel="dashboard")

    def approve(self, rotation_id: int, operator: Operator) -> ActionResult:
        return self.actions.approve(rotation_id, actor=operator.name, channel="dashboard")

    def dismiss(self, alert_id: int, operator: Operator) -> object:
        return dismiss_alert(
            self.registry.engine, alert_id, actor=operator.name, channel="dashboard"
        )


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded form of at most MAX_FORM_BYTES, first value of each field; None if larger."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {name: values[0] for name, values in fields.items()}


def stamp(iso: str | None) -> str:
    """A step's ISO 8601 time as a person reads it: 2026-12-06 08:04:53 UTC."""
    return f"{iso[:19].replace('T', ' ')} UTC" if iso else ""


def utc(when: datetime) -> str:
    """A view's UTC time as a person reads it: 2026-12-06 02:00 UTC."""
    return when.strftime("%Y-%m-%d %H:%M UTC")


def safe_next(target: str) -> str:
    """Only a path of this site: an open redirect would send a logged-in operator anywhere."""
    return (
        target
        if target.startswith("/") and not target.startswith("//") and "\\" not in target
        else "/"
    )
