"""Cloudflare: the rotator's requests and the fake's answers fit Cloudflare's user-token API.

specs/cloudflare.yaml is trimmed from cloudflare/api-schemas' openapi.json (its header names the
commit and the two hand fixes of that document). The rotator is pointed at the fake's
`/client/v4` base, as at api.cloudflare.com. Drives verify (live, then dead: 401 in Cloudflare's
failure envelope), the token list page by page (more tokens than a page of 50), the roll, and
delete (then again: 404 in the envelope).
"""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness
from leakward.rotators.providers.cloudflare import PAGE_SIZE, CloudflareRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.cloudflare import FakeCloudflare

CONTRACT = Contract.named("cloudflare", error_schema="iam_api-response-common-failure")


def test_roll_and_delete_fit_the_spec(fake_cloudflare: FakeCloudflare) -> None:
    token_id, value = fake_cloudflare.add_token("dns-edit")
    for n in range(PAGE_SIZE + 5):
        fake_cloudflare.add_token(f"other-{n}")
    traffic = Traffic()
    rotator = CloudflareRotator(
        traffic.client(),
        admin_token=Secret(fake_cloudflare.admin_token),
        base_url=fake_cloudflare.api_url,
    )
    key = KeyRef("cloudflare", token_id)

    assert rotator.verify(Secret(value)).liveness is Liveness.LIVE
    assert rotator.find_key(Secret(value)) == key
    listed = rotator.list_keys()
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    rotator.revoke(key)
    rotator.revoke(key)  # gone already: Cloudflare's 404

    assert token_id in {ref.key_id for ref in listed}
    assert len(listed) == PAGE_SIZE + 7  # the admin token, the leaked one, the others
    pages = [e.request.url.params.get("page") for e in traffic.exchanges]
    assert [p for p in pages if p] == ["1", "2"]
    assert [e.response.status_code for e in traffic.exchanges].count(404) == 1
    assert all(e.request.url.path.startswith("/client/v4/") for e in traffic.exchanges)
    assert_conforms(CONTRACT, traffic)
