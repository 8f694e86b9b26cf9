"""GitLab: the rotator's requests and the fake's answers fit GitLab's documented token API.

specs/gitlab.yaml is written from GitLab's REST documentation and the Grape entities that render
its answers (its header says why and which commits). Drives the personal, project and group token
paths: verify on `/personal_access_tokens/self`, lists read page by page with `state=active`
(more tokens planted than a page of 100 holds, so the pagination headers and the next page's
query are checked), rotate, revoke of a token the rotation already revoked (the documented 400,
then a read), a revoke GitLab refuses, and the lost-answer search for a successor.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.gitlab import PER_PAGE, GitLabRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.gitlab import FakeGitLab

CONTRACT = Contract.named("gitlab")


def rotator_on(fake: FakeGitLab, traffic: Traffic, token: str | None = None) -> GitLabRotator:
    admin = Secret(token or fake.admin_token)
    return GitLabRotator(traffic.client(), admin_token=admin, base_url=fake.url)


def paged(traffic: Traffic) -> list[str]:
    """The `page` of every list request, in order."""
    return [
        e.request.url.params["page"]
        for e in traffic.exchanges
        if e.request.method == "GET" and e.request.url.path.endswith("access_tokens")
    ]


def test_personal_token_rotation_fits_the_spec(fake_gitlab: FakeGitLab) -> None:
    token_id, value = fake_gitlab.add_token("ci-deploy")
    for n in range(PER_PAGE + 5):
        fake_gitlab.add_token(f"other-{n}", user_id=8)
    traffic = Traffic()
    rotator = rotator_on(fake_gitlab, traffic)
    key = KeyRef("gitlab", str(token_id))

    assert rotator.verify(Secret(value)).liveness is Liveness.LIVE
    listed = rotator.list_keys()
    new = rotator.reissue(key, "rot-1")
    rotator.revoke(key)  # rotated already: GitLab answers 400, the read says revoked
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert rotator.verify(new.secret).liveness is Liveness.LIVE

    assert str(token_id) in {ref.key_id for ref in listed}
    assert paged(traffic) == ["1", "2"]
    assert all(
        e.request.url.params["state"] == "active"
        for e in traffic.exchanges
        if e.request.url.path.endswith("access_tokens")
    )
    assert any(e.response.status_code == 400 for e in traffic.exchanges)
    assert_conforms(CONTRACT, traffic)


@pytest.mark.parametrize(("kind", "parent"), [("project", "42"), ("group", "7")])
def test_resource_token_rotation_and_lost_answer_search_fit_the_spec(
    fake_gitlab: FakeGitLab, kind: str, parent: str
) -> None:
    token_id, value = fake_gitlab.add_token("deployer", kind=kind, parent=parent)
    for n in range(PER_PAGE + 5):
        fake_gitlab.add_token(f"bot-{n}", kind=kind, parent=parent, user_id=9)
    traffic = Traffic()
    rotator = rotator_on(fake_gitlab, traffic)
    key = KeyRef("gitlab", str(token_id), parent, attributes=(("kind", kind),))

    listed = rotator.list_keys(f"{kind}s/{parent}")
    new = rotator.reissue(key, "rot-1")
    # The answer above counts as lost: the successor is found again by the rotated token.
    (found,) = rotator.find_unrecorded(key, "rot-1", datetime.now(UTC)).keys
    rotator.revoke(key)
    rotator.revoke(KeyRef("gitlab", "999999", parent, attributes=(("kind", kind),)))  # 404

    assert found.key_id == new.key_id
    assert len(listed) == PER_PAGE + 6
    assert paged(traffic) == ["1", "2", "1", "2"]
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert_conforms(CONTRACT, traffic)


def test_a_refused_revoke_is_the_documented_400(fake_gitlab: FakeGitLab) -> None:
    token_id, _ = fake_gitlab.add_token("someone-elses", user_id=8)
    _, mine = fake_gitlab.add_token("mine", user_id=9)
    traffic = Traffic()
    rotator = rotator_on(fake_gitlab, traffic, token=mine)

    with pytest.raises(PermanentError, match="refused to revoke"):
        rotator.revoke(KeyRef("gitlab", str(token_id)))

    assert [e.response.status_code for e in traffic.exchanges] == [400, 404]
    assert fake_gitlab.tokens[token_id].revoked is False
    assert_conforms(CONTRACT, traffic)
