"""Hugging Face: the verify probe's requests and the fake's answers fit `GET /api/whoami-v2`
of specs/huggingface.yaml (trimmed from the Hub's own OpenAPI document).

Drives a read token, a fine-grained token (its permissions listed per entity) and an unknown
token; only the documented 401 "Invalid credentials in Authorization header" reads as dead.
"""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers.huggingface import HuggingFaceRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.huggingface import FakeHuggingFace

CONTRACT = Contract.named("huggingface", error_schema="HubError")


def test_verify_fits_the_spec_for_each_kind_of_token(fake_huggingface: FakeHuggingFace) -> None:
    traffic = Traffic()
    rotator = HuggingFaceRotator(traffic.client(), base_url=fake_huggingface.url)
    verdicts = [
        rotator.verify(Secret(fake_huggingface.add_token("read"))),
        rotator.verify(Secret(fake_huggingface.add_token("fineGrained"))),
        rotator.verify(Secret("hf_" + "0" * 34)),
    ]
    assert_conforms(CONTRACT, traffic)
    assert [e.response.status_code for e in traffic.exchanges] == [200, 200, 401]
    assert [v.liveness for v in verdicts] == [Liveness.LIVE, Liveness.LIVE, Liveness.DEAD]
    assert verdicts[1].identity == "hf-user"
    fine = traffic.exchanges[1].response.json()["auth"]["accessToken"]
    assert fine["role"] == "fineGrained"
    assert fine["fineGrained"]["scoped"]


def test_the_user_carries_what_the_document_requires(fake_huggingface: FakeHuggingFace) -> None:
    """The fake used to answer `{type, name, auth}` only; the document requires the user's id,
    fullname, avatarUrl, isPro and orgs, and the token's displayName and createdAt."""
    traffic = Traffic()
    HuggingFaceRotator(traffic.client(), base_url=fake_huggingface.url).verify(
        Secret(fake_huggingface.add_token())
    )
    assert CONTRACT.check(traffic.exchanges) == []
    body = traffic.exchanges[0].response.json()
    assert {"id", "fullname", "avatarUrl", "isPro", "orgs"} <= body.keys()


def test_a_forbidden_answer_is_not_read_as_a_dead_token(fake_huggingface: FakeHuggingFace) -> None:
    """The Hub documents no 403 for whoami-v2, so a 403 (a proxy, an organisation's policy)
    says nothing about the token: unknown, never dead."""
    token = fake_huggingface.add_token()
    fake_huggingface.fail_next("/api/whoami-v2", status=403)
    rotator = HuggingFaceRotator(Traffic().client(), base_url=fake_huggingface.url)
    verdict = rotator.verify(Secret(token))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "403" in verdict.reason
