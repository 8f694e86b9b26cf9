"""GitLab rotator: request sequences on a mock transport, then the full cycle on the fake."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.gitlab import GitLabRotator
from tests.fakes.gitlab import FakeGitLab
from tests.rotators.scripted import Scripted, html

ADMIN = Secret("glpat-adminadminadmin0000")


def rotator_on(fake: FakeGitLab, client: httpx.Client) -> GitLabRotator:
    return GitLabRotator(client, admin_token=Secret(fake.admin_token), base_url=fake.url)


def test_reissue_reads_then_rotates_with_the_admin_token() -> None:
    script = Scripted(
        (
            "GET",
            "/api/v4/personal_access_tokens/42",
            httpx.Response(200, json={"id": 42, "active": True, "revoked": False}),
        ),
        (
            "POST",
            "/api/v4/personal_access_tokens/42/rotate",
            httpx.Response(
                200,
                json={"id": 43, "token": "glpat-newnewnewnewnewnew", "expires_at": "2026-12-22"},
            ),
        ),
    )
    rotator = GitLabRotator(script.client(), admin_token=ADMIN, base_url="https://gl.test")
    new = rotator.reissue(KeyRef("gitlab", "42"), "t")
    assert script.done()
    assert new.key_id == "43"
    assert new.secret.reveal() == "glpat-newnewnewnewnewnew"
    assert all(r.headers["PRIVATE-TOKEN"] == ADMIN.reveal() for r in script.sent)
    assert b"expires_at" in script.sent[1].content


def test_project_tokens_use_the_project_path() -> None:
    script = Scripted(
        ("DELETE", "/api/v4/projects/group%2Fapp/access_tokens/9", httpx.Response(204)),
    )
    rotator = GitLabRotator(script.client(), admin_token=ADMIN, base_url="https://gl.test")
    rotator.revoke(KeyRef("gitlab", "9", "group/app", attributes=(("kind", "project"),)))
    assert script.done()


def test_full_cycle_on_the_fake(fake_gitlab: FakeGitLab, http_client: httpx.Client) -> None:
    token_id, value = fake_gitlab.add_token("ci-deploy")
    rotator = rotator_on(fake_gitlab, http_client)
    leaked = Secret(value)

    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(KeyRef("gitlab", str(token_id)), "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    # Rotation revoked the old token at once.
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    rotator.revoke(KeyRef("gitlab", str(token_id)))  # already revoked: not an error
    live = fake_gitlab.live_tokens("ci-deploy")
    assert [t.value for t in live] == [new.secret.reveal()]


def test_a_repeated_reissue_refuses_instead_of_triggering_reuse_detection(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    token_id, _ = fake_gitlab.add_token("ci-deploy")
    rotator = rotator_on(fake_gitlab, http_client)
    new = rotator.reissue(KeyRef("gitlab", str(token_id)), "rot-1")
    with pytest.raises(PermanentError, match="reuse detection"):
        rotator.reissue(KeyRef("gitlab", str(token_id)), "rot-1")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE


def test_group_token_cycle(fake_gitlab: FakeGitLab, http_client: httpx.Client) -> None:
    token_id, value = fake_gitlab.add_token("bot", kind="group", parent="55")
    key = KeyRef("gitlab", str(token_id), "55", attributes=(("kind", "group"),))
    rotator = rotator_on(fake_gitlab, http_client)
    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD
    assert [t.value for t in fake_gitlab.live_tokens("bot")] == [new.secret.reveal()]
    refs = rotator.list_keys("groups/55")
    assert [r.key_id for r in refs] == [new.key_id]
    assert refs[0].attribute("kind") == "group"


def test_scope_limited_token_is_live(fake_gitlab: FakeGitLab, http_client: httpx.Client) -> None:
    _, value = fake_gitlab.add_token("reader", scopes=["read_repository"])
    verdict = rotator_on(fake_gitlab, http_client).verify(Secret(value))
    assert verdict.liveness is Liveness.LIVE


@pytest.mark.parametrize(
    ("status", "retry_after", "as_html"), [(500, None, False), (429, "7", False), (502, None, True)]
)
def test_verify_is_unknown_on_provider_trouble(
    fake_gitlab: FakeGitLab,
    http_client: httpx.Client,
    status: int,
    retry_after: str | None,
    as_html: bool,
) -> None:
    _, value = fake_gitlab.add_token("x")
    fake_gitlab.fail_next(
        "/api/v4/personal_access_tokens/self", status=status, retry_after=retry_after, html=as_html
    )
    verdict = rotator_on(fake_gitlab, http_client).verify(Secret(value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert value not in verdict.reason


def test_verify_times_out_to_unknown(fake_gitlab: FakeGitLab, http_client: httpx.Client) -> None:
    _, value = fake_gitlab.add_token("x")
    fake_gitlab.fail_next("/api/v4/personal_access_tokens/self", hang=5)
    assert rotator_on(fake_gitlab, http_client).verify(Secret(value)).liveness is Liveness.UNKNOWN


def test_rotate_429_is_transient_with_retry_after(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    token_id, value = fake_gitlab.add_token("x")
    fake_gitlab.fail_next(
        f"/api/v4/personal_access_tokens/{token_id}/rotate", status=429, retry_after="12"
    )
    with pytest.raises(TransientError) as caught:
        rotator_on(fake_gitlab, http_client).reissue(KeyRef("gitlab", str(token_id)), "t")
    assert caught.value.retry_after == 12.0
    assert rotator_on(fake_gitlab, http_client).verify(Secret(value)).liveness is Liveness.LIVE


def test_bad_admin_token_is_permanent(fake_gitlab: FakeGitLab, http_client: httpx.Client) -> None:
    token_id, _ = fake_gitlab.add_token("x")
    rotator = GitLabRotator(
        http_client, admin_token=Secret("glpat-wrong"), base_url=fake_gitlab.url
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.revoke(KeyRef("gitlab", str(token_id)))


def test_html_on_a_state_change_is_transient() -> None:
    script = Scripted(("DELETE", "/api/v4/personal_access_tokens/1", html(200)))
    with pytest.raises(TransientError):
        GitLabRotator(script.client(), admin_token=ADMIN).revoke(KeyRef("gitlab", "1"))


def test_list_keys_imports_personal_tokens(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    token_id, _ = fake_gitlab.add_token("ci-deploy")
    refs = rotator_on(fake_gitlab, http_client).list_keys()
    assert KeyRef("gitlab", str(token_id), "7", "ci-deploy", (("kind", "personal"),)) in refs


def test_a_refused_revoke_is_not_recorded_as_done(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    """GitLab answers 400 when its revoke service refuses (here: the configured token belongs
    to neither an administrator nor the token's owner); the token stays live."""
    token_id, value = fake_gitlab.add_token("ci-deploy", user_id=7)
    _, not_admin = fake_gitlab.add_token("someone-else", user_id=9)
    rotator = GitLabRotator(http_client, admin_token=Secret(not_admin), base_url=fake_gitlab.url)
    with pytest.raises(PermanentError, match="refused") as caught:
        rotator.revoke(KeyRef("gitlab", str(token_id)))
    assert value not in str(caught.value)
    assert not_admin not in str(caught.value)
    assert rotator.verify(Secret(value)).liveness is Liveness.LIVE


def test_a_repeated_revoke_reads_the_token_and_accepts_it_revoked(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    token_id, value = fake_gitlab.add_token("bot", kind="project", parent="42")
    key = KeyRef("gitlab", str(token_id), "42", attributes=(("kind", "project"),))
    rotator = rotator_on(fake_gitlab, http_client)
    rotator.revoke(key)
    rotator.revoke(key)  # GitLab answers 400 now; the token's record says it is revoked
    revoke_path = f"DELETE /api/v4/projects/42/access_tokens/{token_id}"
    assert fake_gitlab.paths("DELETE") == [revoke_path] * 2
    assert rotator.verify(Secret(value)).liveness is Liveness.DEAD


@pytest.mark.parametrize(
    ("kind", "account", "listed_path"),
    [
        ("personal", None, "/api/v4/personal_access_tokens"),
        ("project", "projects/42", "/api/v4/projects/42/access_tokens"),
        ("group", "groups/55", "/api/v4/groups/55/access_tokens"),
    ],
)
def test_list_keys_reads_every_page_of_active_tokens(
    fake_gitlab: FakeGitLab,
    http_client: httpx.Client,
    kind: str,
    account: str | None,
    listed_path: str,
) -> None:
    parent = account.partition("/")[2] if account else None
    made = [fake_gitlab.add_token(f"t{i}", kind=kind, parent=parent)[0] for i in range(130)]
    for token_id in made[:5]:
        fake_gitlab.tokens[token_id].revoked = True
    refs = rotator_on(fake_gitlab, http_client).list_keys(account)
    listed = {r.key_id for r in refs if r.attribute("kind") == kind and r.hint != "admin"}
    assert listed == {str(token_id) for token_id in made[5:]}
    # 125 active tokens at GitLab's largest page size (100): two requests, not 7 at its default.
    assert fake_gitlab.paths("GET").count(f"GET {listed_path}") == 2


def test_list_keys_drops_revoked_tokens_when_gitlab_ignores_state() -> None:
    script = Scripted(
        (
            "GET",
            "/api/v4/projects/42/access_tokens",
            httpx.Response(
                200,
                json=[
                    {"id": 1, "name": "old", "active": False, "revoked": True},
                    {"id": 2, "name": "new", "active": True, "revoked": False},
                ],
            ),
        ),
    )
    rotator = GitLabRotator(script.client(), admin_token=ADMIN, base_url="https://gl.test")
    assert [r.key_id for r in rotator.list_keys("projects/42")] == ["2"]
    assert script.sent[0].url.params["state"] == "active"


def test_the_successor_of_a_rotation_whose_answer_was_lost_is_found(
    fake_gitlab: FakeGitLab, http_client: httpx.Client
) -> None:
    """The rotate happened, its answer did not arrive: the leaked token is revoked and its
    successor (same owner, name and scopes, a later id) is what the attempt created; another
    user's token of the same name is not it, and an unrotated token has none."""
    token_id, _ = fake_gitlab.add_token("ci", user_id=7)
    fake_gitlab.add_token("ci", user_id=8)  # someone else's, same name
    untouched, _ = fake_gitlab.add_token("deploy", user_id=7)
    rotator = rotator_on(fake_gitlab, http_client)
    key = KeyRef("gitlab", str(token_id))
    now = datetime.now(UTC)
    assert rotator.find_unrecorded(key, "t-g1", now).keys == ()  # not rotated yet
    fake_gitlab.fail_next(f"/api/v4/personal_access_tokens/{token_id}/rotate", applied=True)
    with pytest.raises(TransientError):
        rotator.reissue(key, "t-g1")
    (successor,) = [t for t in fake_gitlab.live_tokens("ci") if t.user_id == 7]
    (found,) = rotator.find_unrecorded(key, "t-g1", now).keys
    assert found.key_id == str(successor.id)
    assert rotator.find_unrecorded(KeyRef("gitlab", str(untouched)), "t-g1", now).keys == ()
    listing = [r for r in fake_gitlab.requests if r.path == "/api/v4/personal_access_tokens"]
    assert listing[-1].query.get("user_id") == "7"
