"""Who gets in: every page and action of the dashboard in a real `leakward serve` refuses a
request without the operator token (401), an action without its form token (403), and a serve
without a token has the dashboard off (503) saying what to set."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from leakward.core.errors import ConfigError
from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.operator_actions import list_actions
from leakward.webhooks.dashboard.access import COOKIE, SESSION_SECONDS, DashboardAccess, access_from
from tests.dashboard.conftest import TOKEN, Served, served
from tests.dashboard.world import PEPPER, SECRETS

PAGES = ("/", "/leaks", "/keys", "/rotations", "/rotations/1", "/rotations/999")
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def actions_of(world_rotations: dict[str, int]) -> list[str]:
    ids = sorted(world_rotations.values())
    return [f"/rotations/{i}/{verb}" for i in ids for verb in ("retry", "approve")] + ["/logout"]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


def registry_state(db_url: str) -> tuple[list[str], int]:
    with Registry.open(db_url, pepper=PEPPER) as registry:
        statuses = [str(r.status) for r in log.list_rotations(registry.engine)]
        return statuses, len(list_actions(registry.engine))


def test_without_the_token_every_page_and_action_is_refused(dashboard: Served) -> None:
    before = registry_state(dashboard.db_url)
    forged = "YWxpY2U." + str(int(time.time()) + 3600) + "." + "0" * 64
    strangers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer " + TOKEN[:-1] + "x"},
        {"Authorization": TOKEN},
        {"Cookie": f"{COOKIE}={forged}"},
    ]
    with httpx.Client(base_url=dashboard.base, timeout=30) as client:
        for headers in strangers:
            for path in PAGES:
                page = client.get(path, headers=headers)
                assert page.status_code == 401, (path, headers)
                assert "Operator token" in page.text  # the login form, and nothing else
                assert "owner@example.test" not in page.text
            for path in actions_of(dashboard.world.rotations):
                assert client.post(path, headers=headers).status_code == 401, (path, headers)
        for path in actions_of(dashboard.world.rotations):
            bare = client.post(path, headers=BEARER)
            wrong = client.post(path, headers=BEARER, data={"csrf": "0" * 64})
            assert (bare.status_code, wrong.status_code) == (403, 403), path
        assert client.get("/healthz").status_code == 200  # the receiver's routes are its own
        shown = client.get("/leaks", headers=BEARER)
    assert shown.status_code == 200
    assert shown.headers["content-security-policy"].startswith("default-src 'none'")
    for secret in SECRETS.values():
        assert secret not in shown.text
    assert registry_state(dashboard.db_url) == before


def test_with_no_token_the_dashboard_is_off_and_says_what_to_set(tmp_path: Path) -> None:
    with (
        served(tmp_path, f"sqlite:///{tmp_path / 'registry.db'}") as up,
        httpx.Client(base_url=up.base, timeout=30) as client,
    ):
        page = client.get("/rotations", headers=BEARER)
        action = client.post("/rotations/1/retry", headers=BEARER)
    assert (page.status_code, action.status_code) == (503, 503)
    assert "set LEAKWARD_DASHBOARD_TOKEN" in page.text
    assert "the dashboard at / is off" in up.log.read_text()


def test_a_trusted_proxy_header_names_the_operator_in_the_action_log(tmp_path: Path) -> None:
    proxy = {"X-Forwarded-User": "carol@example.test"}
    with (
        served(
            tmp_path,
            f"sqlite:///{tmp_path / 'registry.db'}",
            LEAKWARD_DASHBOARD_TRUSTED_HEADER="X-Forwarded-User",
        ) as up,
        httpx.Client(base_url=up.base, timeout=30) as client,
    ):
        waiting = up.world.rotations["waiting"]
        assert client.get(f"/rotations/{waiting}").status_code == 401
        page = client.get(f"/rotations/{waiting}", headers=proxy)
        assert page.status_code == 200
        # Another proxy user's form token does not work for carol.
        stolen = client.get(f"/rotations/{waiting}", headers={"X-Forwarded-User": "mallory"})
        refused = client.post(
            f"/rotations/{waiting}/approve", headers=proxy, data={"csrf": csrf_of(stolen.text)}
        )
        assert refused.status_code == 403
        approved = client.post(
            f"/rotations/{waiting}/approve", headers=proxy, data={"csrf": csrf_of(page.text)}
        )
        assert approved.status_code == 303
    with Registry.open(up.db_url, pepper=PEPPER) as registry:
        (action,) = list_actions(registry.engine)
        rotation = log.get(registry.engine, waiting)
    assert (action.actor, action.channel, action.action) == (
        "carol@example.test (proxy)",
        "dashboard",
        "approve",
    )
    assert rotation.approved_by == "carol@example.test (proxy)"


def _request(cookie: str) -> Request:
    header = f"{COOKIE}={cookie}".encode()
    return Request({"type": "http", "headers": [(b"cookie", header)], "method": "GET"})


def test_a_session_ends_when_it_expires_or_its_signature_is_touched() -> None:
    access = DashboardAccess(TOKEN.encode())
    fresh = access.session_cookie("alice")
    operator = access.operator(_request(fresh))
    assert operator is not None
    assert operator.name == "alice"
    assert TOKEN not in fresh
    old = access.session_cookie("alice", now=time.time() - SESSION_SECONDS - 60)
    assert access.operator(_request(old)) is None
    body, _, signature = fresh.rpartition(".")
    assert access.operator(_request(f"{body}.{signature[::-1]}")) is None
    renamed = fresh.replace(fresh.split(".")[0], "Ym9i")  # "bob", same signature
    assert access.operator(_request(renamed)) is None
    # Another serve process (another key) does not accept it either.
    assert DashboardAccess(TOKEN.encode()).operator(_request(fresh)) is None


def test_a_short_token_stops_serve_with_what_to_use() -> None:
    with pytest.raises(ConfigError, match="shorter than 16"):
        access_from({"LEAKWARD_DASHBOARD_TOKEN": "hunter2"}, None)


def test_the_access_rules_never_show_the_operator_token() -> None:
    access = DashboardAccess(TOKEN.encode(), "X-Forwarded-User")
    assert TOKEN not in repr(access)
    assert "X-Forwarded-User" in repr(access)
