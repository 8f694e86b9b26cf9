"""OpenAI rotator: admin key flows on a scripted transport and the cycle on the fake API."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.liveness import verify_secret
from leakward.rotators.providers.openai import OpenAIRotator
from tests.fakes.openai import FakeOpenAI
from tests.rotators.scripted import Scripted


def on(fake: FakeOpenAI, client: httpx.Client, **kw) -> OpenAIRotator:
    return OpenAIRotator(client, admin_key=Secret(fake.admin_key), base_url=fake.url, **kw)


def found(rotator: OpenAIRotator, value: str) -> KeyRef:
    """The leaked key as the rotator finds it in project proj_1; the test fails if it does not."""
    key = rotator.find_key(Secret(value), "proj_1")
    assert key is not None
    return key


def test_service_account_key_full_cycle(fake_openai: FakeOpenAI, http_client: httpx.Client) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    secret = Secret(leaked.value)
    assert rotator.verify(secret).liveness is Liveness.LIVE
    key = rotator.find_key(secret, "proj_1")
    assert key is not None
    assert key.key_id == leaked.id
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: nothing to do
    assert rotator.verify(secret).liveness is Liveness.DEAD
    assert [k.value for k in fake_openai.live()] == [new.secret.reveal()]


def test_service_account_key_dies_with_its_account_and_the_replacement_lives_on_a_new_one(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # OpenAI refuses to delete a service account's key (400): only deleting the account kills
    # it, so the replacement must not live on that account.
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    key = replace(key, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.revoke(key)
    (survivor,) = fake_openai.live()
    assert survivor.value == new.secret.reveal()
    assert survivor.owner_id != leaked.owner_id
    assert leaked.owner_id not in fake_openai.service_accounts
    assert f"DELETE /v1/organization/projects/proj_1/service_accounts/{leaked.owner_id}" in (
        fake_openai.paths("DELETE")
    )


def test_a_service_account_key_is_never_deleted_on_its_own(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    on(fake_openai, http_client).revoke(KeyRef("openai", leaked.id, "proj_1"))
    assert fake_openai.live() == []
    assert not any("/api_keys/" in path for path in fake_openai.paths("DELETE"))


def test_revoking_a_lost_replacement_deletes_its_own_account_only(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # The pipeline revokes a lost replacement with the leaked key's attributes: the owner must
    # come from the provider's list, or the leaked key's account would go instead.
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    lost = rotator.reissue(key, "rot-1")
    rotator.revoke(replace(key, key_id=lost.key_id))
    assert [k.id for k in fake_openai.live()] == [leaked.id]


def test_repeated_reissue_keeps_one_replacement(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    rotator.reissue(key, "rot-1")
    second = rotator.reissue(key, "rot-1")
    assert sorted(k.value for k in fake_openai.live()) == sorted(
        [leaked.value, second.secret.reveal()]
    )
    assert len(fake_openai.service_accounts) == 2  # the leaked key's and the replacement's


def test_an_owner_service_account_is_replaced_by_an_owner(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    fake_openai.service_accounts[leaked.owner_id].role = "owner"
    rotator = on(fake_openai, http_client)
    key = KeyRef("openai", leaked.id, "proj_1")
    settings = rotator.read_settings(key)
    assert settings is not None
    assert settings["service_account_role"] == "owner"
    new = rotator.reissue(replace(key, settings=settings), "rot-1")
    (account,) = (
        fake_openai.service_accounts[k.owner_id] for k in fake_openai.live() if k.id == new.key_id
    )
    assert account.role == "owner"


def test_a_key_whose_owner_lost_project_access_is_still_found(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # Without owner_project_access=any the list hides enabled keys of owners who left the
    # project; a leaked one of those must still be found and revoked.
    leaked = fake_openai.add_key(owner="user")
    leaked.owner_project_access = "inactive"
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    assert key.key_id == leaked.id
    rotator.revoke(key)
    assert fake_openai.live() == []


def test_user_key_is_revoke_only_by_default(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="user")
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    with pytest.raises(PermanentError, match="cannot be minted") as caught:
        rotator.reissue(key, "rot-1")
    assert "platform.openai.com" in str(caught.value)
    rotator.revoke(key)
    assert rotator.verify(Secret(leaked.value)).liveness is Liveness.DEAD


def test_user_key_can_be_replaced_by_a_service_account_when_allowed(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="user")
    rotator = on(fake_openai, http_client, replace_user_keys_with_service_accounts=True)
    key = found(rotator, leaked.value)
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    assert len(fake_openai.service_accounts) == 1


def test_listing_follows_pagination() -> None:
    page = {
        "object": "list",
        "has_more": True,
        "data": [{"id": "key_a", "redacted_value": "sk-a...aaaa", "owner": {"type": "user"}}],
        "last_id": "key_a",
    }
    last = {
        "object": "list",
        "has_more": False,
        "data": [
            {
                "id": "key_b",
                "redacted_value": "sk-b...bbbb",
                "owner": {"type": "service_account", "service_account": {"id": "svc_1"}},
            }
        ],
    }
    path = "/v1/organization/projects/proj_9/api_keys"
    script = Scripted(
        ("GET", path, httpx.Response(200, json=page)), ("GET", path, httpx.Response(200, json=last))
    )
    refs = OpenAIRotator(script.client(), admin_key=Secret("sk-admin-x")).list_keys("proj_9")
    assert [r.key_id for r in refs] == ["key_a", "key_b"]
    assert refs[1].attribute("service_account_id") == "svc_1"
    assert script.sent[1].url.params["after"] == "key_a"
    assert all(sent.url.params["owner_project_access"] == "any" for sent in script.sent)


def test_listing_follows_many_pages(fake_openai: FakeOpenAI, http_client: httpx.Client) -> None:
    planted = {fake_openai.add_key(name=f"app-{n}").id for n in range(205)}
    refs = on(fake_openai, http_client).list_keys("proj_1")
    assert {r.key_id for r in refs} == planted
    assert len(fake_openai.paths("GET")) == 3  # 100 + 100 + 5


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(401, json={"error": {"code": "invalid_api_key"}}), Liveness.DEAD),
        (httpx.Response(429, json={"error": {"code": "insufficient_quota"}}), Liveness.LIVE),
        (httpx.Response(429, json={"error": {"code": "rate_limit_exceeded"}}), Liveness.UNKNOWN),
        (
            httpx.Response(403, json={"error": {"message": "You have insufficient permissions"}}),
            Liveness.LIVE,
        ),
        (httpx.Response(503), Liveness.UNKNOWN),
        # A valid key missing a scope: OpenAI answers 401 with a null code (not invalid_api_key).
        (
            httpx.Response(
                401,
                json={
                    "error": {
                        "message": "You have insufficient permissions for this operation. "
                        "Missing scopes: model.read.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
            ),
            Liveness.LIVE,
        ),
    ],
)
def test_verify_readings(response: httpx.Response, expected: Liveness) -> None:
    script = Scripted(("GET", "/v1/models", response))
    assert (
        OpenAIRotator(script.client()).verify(Secret("sk-proj-abcdefghijkl")).liveness is expected
    )


def test_verify_timeout_is_unknown(fake_openai: FakeOpenAI, http_client: httpx.Client) -> None:
    leaked = fake_openai.add_key()
    fake_openai.fail_next("/v1/models", hang=5)
    assert on(fake_openai, http_client).verify(Secret(leaked.value)).liveness is Liveness.UNKNOWN


def test_delete_500_is_transient_and_the_retry_succeeds(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key()
    key = KeyRef("openai", leaked.id, "proj_1")
    fake_openai.fail_next("/v1/organization/projects/proj_1/api_keys/", status=500)
    with pytest.raises(TransientError):
        on(fake_openai, http_client).revoke(key)
    on(fake_openai, http_client).revoke(key)
    assert fake_openai.live() == []


def test_rejected_admin_key_is_permanent(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    rotator = OpenAIRotator(
        http_client, admin_key=Secret("sk-admin-wrong"), base_url=fake_openai.url
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.list_keys("proj_1")


def test_listed_replacements_carry_their_issue_token(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    key = found(rotator, leaked.value)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g10"
    new = rotator.reissue(key, token)
    tagged = [k for k in rotator.list_keys("proj_1") if k.attribute("idempotency_token") == token]
    assert [k.key_id for k in tagged] == [new.key_id]


def test_admin_keys_are_verified_on_an_admin_endpoint(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # An Admin API key may not call /v1/models; the Admin API's answer is what says.
    rotator = OpenAIRotator(http_client, base_url=fake_openai.url)
    verdict = rotator.verify(Secret(fake_openai.admin_key))
    assert verdict.liveness is Liveness.LIVE
    dead = rotator.verify(Secret("sk-admin-" + "Q" * 40))
    assert dead.liveness is Liveness.DEAD
    assert fake_openai.paths() == ["GET /v1/organization/projects"] * 2


def test_scan_verify_reads_a_leaked_admin_key_as_live(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # The dispatch `leakward scan --verify` uses, pointed at the fake as LEAKWARD_API_OPENAI.
    verdict = verify_secret(
        "openai", Secret(fake_openai.admin_key), http_client, base_urls={"openai": fake_openai.url}
    )
    assert verdict.liveness is Liveness.LIVE


def test_a_lost_create_answer_is_retired_on_retry(
    fake_openai: FakeOpenAI, http_client: httpx.Client
) -> None:
    # OpenAI created the account and its key, but the answer (the only copy of the value) was
    # lost: the retry must delete that account, leaving one replacement besides the leaked key.
    leaked = fake_openai.add_key(owner="service_account")
    rotator = on(fake_openai, http_client)
    key = KeyRef(
        "openai", leaked.id, "proj_1", attributes=(("service_account_id", leaked.owner_id),)
    )
    path = "/v1/organization/projects/proj_1/service_accounts"
    fake_openai.fail_next(path, status=502, method="POST", exact=True, applied=True)
    with pytest.raises(TransientError):
        rotator.reissue(key, "rot-1")
    new = rotator.reissue(key, "rot-1")
    assert sorted(k.value for k in fake_openai.live()) == sorted(
        [leaked.value, new.secret.reveal()]
    )
    assert len(fake_openai.service_accounts) == 2
