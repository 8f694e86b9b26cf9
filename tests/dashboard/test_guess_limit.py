"""Token guessing: past ten different wrong operator tokens from one address, that address waits
out the window, the right token included; retries of one stale token, other addresses and
logged-in sessions are not held back."""

from __future__ import annotations

import httpx

from leakward.webhooks.dashboard.guesses import GuessLimit
from tests.dashboard.conftest import TOKEN, Served


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_different_wrong_tokens_count_and_the_window_lets_them_go() -> None:
    clock = Clock()
    limit = GuessLimit(max_guesses=3, window=60, clock=clock)
    for n in range(3):
        assert limit.wait_for("10.0.0.1") == 0
        limit.failed("10.0.0.1", f"guess-{n}")
        clock.now += 1
    assert limit.wait_for("10.0.0.1") == 57  # until the first guess is a minute old
    assert limit.wait_for("10.0.0.2") == 0  # another address is not held back
    clock.now += 57
    assert limit.wait_for("10.0.0.1") == 0


def test_one_stale_token_retried_is_not_guessing() -> None:
    limit = GuessLimit(max_guesses=3, window=60, clock=Clock())
    for _ in range(100):
        limit.failed("10.0.0.1", "the-old-token")
    assert limit.wait_for("10.0.0.1") == 0


def test_the_addresses_remembered_are_bounded() -> None:
    limit = GuessLimit(max_guesses=1, window=60, max_addresses=2, clock=Clock())
    for address in ("a", "b", "c"):
        limit.failed(address, "guess")
    assert [limit.wait_for(a) > 0 for a in ("a", "b", "c")] == [False, True, True]


def from_address(served: Served, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=served.base, timeout=30, transport=transport)


def test_a_guesser_is_held_back_and_an_operator_elsewhere_is_not(dashboard: Served) -> None:
    with (
        from_address(dashboard, "127.0.0.2") as guesser,
        from_address(dashboard, "127.0.0.1") as operator,
    ):
        logged_in = operator.post("/login", data={"token": TOKEN, "name": "ops", "next": "/"})
        assert logged_in.status_code == 303
        for n in range(5):
            wrong = guesser.get("/leaks", headers={"Authorization": f"Bearer guess-{n}-{TOKEN}"})
            assert wrong.status_code == 401
        for n in range(5):
            wrong = guesser.post("/login", data={"token": f"form-guess-{n}", "next": "/"})
            assert wrong.status_code == 401
        held = guesser.get("/leaks", headers={"Authorization": f"Bearer {TOKEN}"})
        assert held.status_code == 429
        assert 0 < int(held.headers["retry-after"]) <= 15 * 60
        assert "try again in" in held.text
        form = guesser.post("/login", data={"token": TOKEN, "next": "/"})
        assert form.status_code == 429
        # The operator's session and bearer token from another address still work.
        assert operator.get("/leaks").status_code == 200
        bearer = operator.get("/keys", headers={"Authorization": f"Bearer {TOKEN}"})
        assert bearer.status_code == 200
    assert TOKEN not in dashboard.log.read_text()
