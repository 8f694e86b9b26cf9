"""The fake-server base: routing, the request log and failure injection behave as documented."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.fakes.server import FakeRequest, FakeServer, Reply


class Echo(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.route("GET", r"/things/(?P<id>\d+)", self._thing)

    def _thing(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        return Reply(200, {"id": int(match.group("id"))})


@pytest.fixture
def echo():
    with Echo() as server:
        yield server


def test_routes_and_log(echo: Echo) -> None:
    with httpx.Client(base_url=echo.url) as client:
        assert client.get("/things/7").json() == {"id": 7}
        assert client.get("/nothing").status_code == 404
        assert client.post("/things/7").status_code == 405
    assert echo.paths() == ["GET /things/7", "GET /nothing", "POST /things/7"]


def test_failures_are_consumed_in_order(echo: Echo) -> None:
    echo.fail_next("/things", times=2, status=429, retry_after="4")
    echo.fail_next("/things", status=502, html=True)
    with httpx.Client(base_url=echo.url) as client:
        first, second, third, fourth = (client.get("/things/1") for _ in range(4))
    assert (first.status_code, first.headers["retry-after"]) == (429, "4")
    assert second.status_code == 429
    assert third.status_code == 502
    assert third.headers["content-type"].startswith("text/html")
    assert fourth.json() == {"id": 1}


def test_hang_outlasts_the_client_timeout(echo: Echo) -> None:
    echo.fail_next("/things/1", hang=5)
    with httpx.Client(base_url=echo.url, timeout=0.3) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("/things/1")
        assert client.get("/things/1").status_code == 200


class Counter(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.route("POST", r"/things", self._add)
        self.route("GET", r"/things", lambda request, match: Reply(200, {"count": self.count}))

    def _add(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        self.count += 1
        return Reply(201, {"count": self.count})


def test_failures_narrowed_by_method_skip_and_exact_path_and_applied() -> None:
    counter = Counter()
    with counter, httpx.Client(base_url=counter.url) as client:
        # The second POST to exactly /things does its work, then answers 500.
        counter.fail_next("/things", method="POST", skip=1, applied=True, exact=True)
        assert client.get("/things").status_code == 200  # another method: not counted
        assert client.post("/things").status_code == 201  # skipped
        assert client.get("/things/1").status_code == 404  # another path: not counted
        lost = client.post("/things")
        assert lost.status_code == 500
        assert lost.json() == {"error": "injected failure"}
        assert client.get("/things").json() == {"count": 2}  # the failed POST took effect
        assert client.post("/things").json() == {"count": 3}  # the failure is used up
