"""Verify-only rotators (Stripe, Hugging Face, Postman, PyPI): live, dead, unknown, and a
revoke or reissue that stops with the owner's instructions."""

from __future__ import annotations

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import Capability, KeyRef, Liveness, PermanentError
from leakward.rotators.providers.huggingface import HuggingFaceRotator
from leakward.rotators.providers.postman import PostmanRotator
from leakward.rotators.providers.pypi import PyPIRotator
from leakward.rotators.providers.stripe import StripeRotator
from tests.fakes.huggingface import FakeHuggingFace
from tests.fakes.postman import FakePostman
from tests.fakes.pypi import FakePyPI, multipart_form
from tests.fakes.stripe import FakeStripe


def test_stripe(fake_stripe: FakeStripe, http_client: httpx.Client) -> None:
    rotator = StripeRotator(http_client, base_url=fake_stripe.url)
    live = rotator.verify(Secret(fake_stripe.add_key()))
    assert (live.liveness, live.identity) == (Liveness.LIVE, "acct_fake")
    # A restricted key without the account permission is still a live key.
    restricted = Secret(fake_stripe.add_key(restricted=True))
    assert rotator.verify(restricted).liveness is Liveness.LIVE
    assert rotator.verify(Secret("sk_live_" + "0" * 24)).liveness is Liveness.DEAD


def test_huggingface(fake_huggingface: FakeHuggingFace, http_client: httpx.Client) -> None:
    rotator = HuggingFaceRotator(http_client, base_url=fake_huggingface.url)
    live = rotator.verify(Secret(fake_huggingface.add_token()))
    assert (live.liveness, live.identity) == (Liveness.LIVE, "hf-user")
    assert rotator.verify(Secret("hf_" + "0" * 34)).liveness is Liveness.DEAD


def test_postman(fake_postman: FakePostman, http_client: httpx.Client) -> None:
    rotator = PostmanRotator(http_client, base_url=fake_postman.url)
    live = rotator.verify(Secret(fake_postman.add_key()))
    assert (live.liveness, live.identity) == (Liveness.LIVE, "postman-user")
    assert rotator.verify(Secret("PMAK-" + "0" * 59)).liveness is Liveness.DEAD


def test_pypi_probe_never_uploads(fake_pypi: FakePyPI, http_client: httpx.Client) -> None:
    rotator = PyPIRotator(http_client, base_url=fake_pypi.url)
    assert rotator.verify(Secret(fake_pypi.add_token())).liveness is Liveness.LIVE
    assert rotator.verify(Secret("pypi-AgEIcHlwaS5vcmc" + "0" * 60)).liveness is Liveness.DEAD
    assert fake_pypi.uploads == 0
    sent = fake_pypi.requests[0]
    assert sent.headers["accept"] == "application/json"
    assert multipart_form(sent) == {":action": "file_upload", "protocol_version": "1"}


@pytest.mark.parametrize(
    ("cls", "console"),
    [
        (StripeRotator, "dashboard.stripe.com"),
        (HuggingFaceRotator, "huggingface.co/settings"),
        (PostmanRotator, "postman.co"),
        (PyPIRotator, "pypi.org/manage"),
    ],
)
def test_revoke_and_reissue_stop_with_instructions(cls: type, console: str) -> None:
    rotator = cls(httpx.Client())
    assert rotator.capability is Capability.VERIFY_ONLY
    key = KeyRef(rotator.provider, hint="sk_liv…abcd")
    with pytest.raises(PermanentError) as revoked:
        rotator.revoke(key)
    with pytest.raises(PermanentError):
        rotator.reissue(key, "t")
    assert console in str(revoked.value)
    assert "sk_liv…abcd" in rotator.manual_steps(key)
    assert rotator.contain(key) is False
    assert rotator.list_keys() == []


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 502},
        {"status": 429, "retry_after": "9"},
        {"status": 200, "html": True},
        {"hang": 5.0},
    ],
)
def test_unknown_on_trouble(
    fake_huggingface: FakeHuggingFace, http_client: httpx.Client, failure: dict
) -> None:
    token = fake_huggingface.add_token()
    fake_huggingface.fail_next("/api/whoami-v2", **failure)
    verdict = HuggingFaceRotator(http_client, base_url=fake_huggingface.url).verify(Secret(token))
    assert verdict.liveness is Liveness.UNKNOWN
    assert token not in verdict.reason
