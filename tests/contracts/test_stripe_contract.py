"""Stripe: the verify probe's requests and the fake's answers fit `GET /v1/account` of
specs/stripe.yaml (transcribed from stripe/openapi's spec3.json; its header says which pages).

Drives a secret key (200 with the account), a restricted key without the account permission
(403, live), an expired key (401 `api_key_expired`) and an unknown key (401): the last two are
the documented invalid-key answers and the only ones read as dead.
"""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers.stripe import StripeRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.stripe import FakeStripe

CONTRACT = Contract.named("stripe", error_schema="error")


def test_verify_fits_the_spec_and_reads_each_answer(fake_stripe: FakeStripe) -> None:
    traffic = Traffic()
    rotator = StripeRotator(traffic.client(), base_url=fake_stripe.url)
    secret = fake_stripe.add_key()
    restricted = fake_stripe.add_key(restricted=True)
    expired = fake_stripe.add_key()
    fake_stripe.expire(expired)

    live = rotator.verify(Secret(secret))
    limited = rotator.verify(Secret(restricted))
    gone = rotator.verify(Secret(expired))
    unknown = rotator.verify(Secret("sk_live_" + "0" * 24))

    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [200, 403, 401, 401]
    assert (live.liveness, live.identity) == (Liveness.LIVE, "acct_fake")
    assert limited.liveness is Liveness.LIVE  # a restricted key is a live key
    assert (gone.liveness, unknown.liveness) == (Liveness.DEAD, Liveness.DEAD)


def test_the_restricted_key_answer_is_an_error_type_stripe_documents(
    fake_stripe: FakeStripe,
) -> None:
    """Stripe's `api_errors.type` is one of four; a 403 for a missing permission is an
    `invalid_request_error` (the fake used to answer a `permission_error` Stripe never sends)."""
    traffic = Traffic()
    StripeRotator(traffic.client(), base_url=fake_stripe.url).verify(
        Secret(fake_stripe.add_key(restricted=True))
    )
    (exchange,) = traffic.exchanges
    assert exchange.response.json()["error"]["type"] == "invalid_request_error"
    assert CONTRACT.check(traffic.exchanges) == []
