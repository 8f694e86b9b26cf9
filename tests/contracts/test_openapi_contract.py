"""The harness itself: it reports what breaks a spec, so a green contract test means something."""

from __future__ import annotations

from tests.contracts.openapi_contract import Contract, Traffic
from tests.fakes.openai import FakeOpenAI

CONTRACT = Contract.named("openai")


def test_a_request_that_breaks_the_spec_is_reported(fake_openai: FakeOpenAI) -> None:
    traffic = Traffic()
    with traffic.client() as client:
        # No Authorization header, and no `name`, which creating a service account requires.
        client.post(fake_openai.url + "/v1/organization/projects/proj_1/service_accounts", json={})
        client.get(fake_openai.url + "/v1/organization/no_such_thing")
    problems = CONTRACT.check(traffic.exchanges)
    assert len(problems) == 2
    assert problems[0].startswith("POST /v1/organization/projects/proj_1/service_accounts -> 401")
    assert "request:" in problems[0]
    assert "no_such_thing -> 404: request:" in problems[1]


def test_an_answer_that_breaks_the_spec_is_reported(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next("/v1/models", status=418)  # body {"error": "injected failure"}
    traffic = Traffic()
    with traffic.client() as client:
        client.get(fake_openai.url + "/v1/models", headers={"Authorization": "Bearer sk-x"})
        client.get(fake_openai.url + "/v1/models", headers={"Authorization": "Bearer sk-x"})
    problems = CONTRACT.check(traffic.exchanges)
    # The injected body is not OpenAI's ErrorResponse; the fake's real 401 is.
    assert problems == [
        "GET /v1/models -> 418: error body: 'injected failure' is not of type 'object'"
    ]


def test_an_exchange_that_fits_reports_nothing(fake_openai: FakeOpenAI) -> None:
    traffic = Traffic()
    with traffic.client() as client:
        client.get(
            fake_openai.url + "/v1/organization/projects/proj_1/api_keys",
            params={"limit": "5", "owner_project_access": "any"},
            headers={"Authorization": f"Bearer {fake_openai.admin_key}"},
        )
    assert CONTRACT.check(traffic.exchanges) == []
