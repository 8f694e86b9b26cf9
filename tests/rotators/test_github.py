"""GitHub rotator: installation tokens, deploy keys, revoke-only PATs on github.com and GHES."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from leakward.core.secret import Secret
from leakward.rotators.base import Capability, KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.github import GitHubRotator, enterprise_server
from leakward.rotators.providers.github_app import deploy_keypair
from tests.fakes.github import FakeGitHub
from tests.rotators.scripted import Scripted


def on(fake: FakeGitHub, client: httpx.Client, **kw) -> GitHubRotator:
    return GitHubRotator(
        client,
        base_url=fake.url,
        app_id=FakeGitHub.APP_ID,
        app_private_key=Secret(fake.app_private_key_pem()),
        admin_token=Secret(fake.admin_token),
        **kw,
    )


def test_installation_token_full_cycle(fake_github: FakeGitHub, http_client: httpx.Client) -> None:
    leaked = Secret(fake_github.add_token("installation", installation="77"))
    rotator = on(fake_github, http_client)
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(KeyRef("github", None, "77", attributes=(("kind", "installation"),)), "t")
    assert new.secret.reveal().startswith("ghs_")
    assert rotator.verify(new.secret).liveness is Liveness.LIVE
    installation = KeyRef("github", None, "77", attributes=(("kind", "installation"),))
    rotator.revoke(installation, leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    rotator.revoke(installation, leaked)  # again: 401 means already gone
    assert [t.value for t in fake_github.live("installation")] == [new.secret.reveal()]


def test_minting_with_a_wrong_app_key_is_permanent(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    other = FakeGitHub()  # a different App key, never started
    rotator = GitHubRotator(
        http_client,
        base_url=fake_github.url,
        app_id=FakeGitHub.APP_ID,
        app_private_key=Secret(other.app_private_key_pem()),
    )
    with pytest.raises(PermanentError, match="401"):
        rotator.reissue(KeyRef("github", None, "77", attributes=(("kind", "installation"),)), "t")


def test_deploy_key_full_cycle(fake_github: FakeGitHub, http_client: httpx.Client) -> None:
    old = fake_github.add_deploy_key("acme/app", "ci", read_only=False)
    rotator = on(fake_github, http_client)
    key = KeyRef("github", str(old), "acme/app", attributes=(("kind", "deploy_key"),))
    new = rotator.reissue(key, "rot-1")
    assert "OPENSSH PRIVATE KEY" in new.secret.reveal()
    rotator.revoke(key)
    rotator.revoke(key)  # 404 the second time: fine
    keys = list(fake_github.deploy_keys["acme/app"].values())
    assert [k["id"] for k in keys] == [int(new.key_id or 0)]
    assert keys[0]["read_only"] is False  # the replacement keeps the old key's access
    assert str(keys[0]["key"]).startswith("ssh-ed25519 ")
    assert "PRIVATE" not in str(keys[0]["key"])


def test_repeated_deploy_key_reissue_leaves_one_replacement(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    old = fake_github.add_deploy_key("acme/app", "ci")
    rotator = on(fake_github, http_client)
    key = KeyRef("github", str(old), "acme/app", attributes=(("kind", "deploy_key"),))
    rotator.reissue(key, "rot-1")
    second = rotator.reissue(key, "rot-1")
    assert sorted(fake_github.deploy_keys["acme/app"]) == sorted([old, int(second.key_id or 0)])


def test_pat_is_revoke_only_and_confirmed_dead(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    leaked = Secret(fake_github.add_token("pat"))
    rotator = on(fake_github, http_client)
    assert rotator.verify(leaked).identity == "octocat"
    with pytest.raises(PermanentError, match="cannot be created"):
        rotator.reissue(KeyRef("github"), "t")
    rotator.revoke(KeyRef("github"), leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    # github.com: the revocation call carried no Authorization header.
    revoke = [r for r in fake_github.requests if r.path == "/credentials/revoke"]
    assert len(revoke) == 1
    assert "authorization" not in revoke[0].headers


def test_revocation_that_did_not_take_is_transient() -> None:
    # 202 is GitHub's answer whatever happened; the follow-up /user still says 200.
    script = Scripted(
        ("POST", "/credentials/revoke", httpx.Response(202, json={})),
        ("GET", "/user", httpx.Response(200, json={"login": "octocat"})),
    )
    with pytest.raises(TransientError, match="still accepts"):
        GitHubRotator(script.client()).revoke(KeyRef("github"), Secret("ghp_" + "a" * 36))
    assert script.done()


def test_a_throttled_check_after_revocation_keeps_githubs_retry_after(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    leaked = Secret(fake_github.add_token("pat"))
    rotator = on(fake_github, http_client)
    fake_github.fail_next("/user", status=429, retry_after="42")
    with pytest.raises(TransientError) as raised:
        rotator.revoke(KeyRef("github"), leaked)
    assert raised.value.retry_after == 42.0


def test_ghes_revokes_authenticated_and_only_pats(
    fake_ghes: FakeGitHub, http_client: httpx.Client
) -> None:
    rotator = on(fake_ghes, http_client, flavour=enterprise_server("ghe.example"))
    leaked = Secret(fake_ghes.add_token("pat"))
    rotator.revoke(KeyRef("github"), leaked)
    assert rotator.verify(leaked).liveness is Liveness.DEAD
    oauth = Secret(fake_ghes.add_token("oauth"))
    with pytest.raises(PermanentError, match="does not take"):
        rotator.revoke(KeyRef("github"), oauth)
    assert oauth.reveal() not in str(rotator.manual_steps(KeyRef("github")))


def test_rate_limited_403_is_unknown() -> None:
    script = Scripted(
        (
            "GET",
            "/user",
            httpx.Response(
                403,
                json={"message": "API rate limit exceeded"},
                headers={"x-ratelimit-remaining": "0"},
            ),
        ),
    )
    verdict = GitHubRotator(script.client()).verify(Secret("ghp_" + "b" * 36))
    assert verdict.liveness is Liveness.UNKNOWN


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 503},
        {"status": 429, "retry_after": "3"},
        {"status": 200, "html": True},
        {"hang": 5.0},
    ],
)
def test_verify_unknown_on_trouble(
    fake_github: FakeGitHub, http_client: httpx.Client, failure: dict
) -> None:
    leaked = Secret(fake_github.add_token("pat"))
    fake_github.fail_next("/user", **failure)
    assert on(fake_github, http_client).verify(leaked).liveness is Liveness.UNKNOWN


def test_revocation_422_is_transient(fake_github: FakeGitHub, http_client: httpx.Client) -> None:
    fake_github.fail_next("/credentials/revoke", status=422)
    with pytest.raises(TransientError):
        on(fake_github, http_client).revoke(KeyRef("github"), Secret(fake_github.add_token("pat")))


def test_list_keys_imports_deploy_keys(fake_github: FakeGitHub, http_client: httpx.Client) -> None:
    old = fake_github.add_deploy_key("acme/app", "ci")
    refs = on(fake_github, http_client).list_keys("acme/app")
    attributes = (("kind", "deploy_key"), ("read_only", "false"))
    assert refs == [KeyRef("github", str(old), "acme/app", "ci", attributes)]


def test_a_deploy_key_revoked_first_is_replaced_with_its_recorded_access(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    """Revoke-first deletes the old key before reissue can read its access: the registry's
    record of it (from import) decides, and without one the replacement is read-only."""
    rotator = on(fake_github, http_client)
    writable = fake_github.add_deploy_key("acme/app", "ci", read_only=False)
    [imported] = rotator.list_keys("acme/app")
    rotator.revoke(imported)
    new = rotator.reissue(imported, "rot-rf")
    unrecorded = KeyRef("github", str(writable), "acme/app", attributes=(("kind", "deploy_key"),))
    narrow = rotator.reissue(unrecorded, "rot-rf-2")
    access = {k["id"]: k["read_only"] for k in fake_github.deploy_keys["acme/app"].values()}
    assert access == {int(new.key_id or 0): False, int(narrow.key_id or 0): True}


def test_bearer_tokens_need_their_value_to_be_revoked(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    rotator = on(fake_github, http_client)
    leaked = Secret(fake_github.add_token("pat"))
    with pytest.raises(PermanentError, match="only be revoked with its own value") as raised:
        rotator.revoke(KeyRef("github", attributes=(("kind", "token"),)))
    assert "settings/tokens" in str(raised.value)  # the manual way out
    assert rotator.verify(leaked).liveness is Liveness.LIVE
    assert not [r for r in fake_github.requests if r.path == "/credentials/revoke"]


def test_capability_depends_on_the_kind_of_credential(http_client: httpx.Client) -> None:
    rotator = GitHubRotator(http_client)
    kinds = {
        kind: rotator.capability_for(KeyRef("github", attributes=(("kind", kind),)))
        for kind in ("token", "installation", "deploy_key")
    }
    assert kinds == {
        "token": Capability.REVOKE_ONLY,
        "installation": Capability.FULL,
        "deploy_key": Capability.FULL,
    }
    assert rotator.capability_for(KeyRef("github")) is Capability.REVOKE_ONLY


def deploy_ref(repo: str, key_id: int | str | None) -> KeyRef:
    key = None if key_id is None else str(key_id)
    return KeyRef("github", key, repo, attributes=(("kind", "deploy_key"),))


def test_deploy_key_liveness_is_read_from_the_repository_key_list(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    old, private = fake_github.add_deploy_keypair("acme/app", "ci")
    leaked, key = Secret(private), deploy_ref("acme/app", old)
    rotator = on(fake_github, http_client)
    verdict = rotator.verify(leaked, key)
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == f"acme/app deploy key {old}"

    new = rotator.reissue(key, "rot-1")
    assert rotator.verify(new.secret, deploy_ref("acme/app", new.key_id)).liveness is Liveness.LIVE
    rotator.revoke(key)
    assert rotator.verify(leaked, key).liveness is Liveness.DEAD
    assert rotator.verify(new.secret, key).liveness is Liveness.LIVE  # found by key, not by id
    # The repository decides, not the key id: the same key checked in another repository.
    assert rotator.verify(new.secret, deploy_ref("acme/other", None)).liveness is Liveness.DEAD
    assert "PRIVATE" not in str(fake_github.requests)  # only the public half went out


def test_deploy_key_without_its_repository_is_unknown(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    _, private = fake_github.add_deploy_keypair("acme/app", "ci")
    verdict = on(fake_github, http_client).verify(Secret(private))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "repository" in verdict.reason
    assert fake_github.requests == []  # not sent anywhere as a bearer token


def test_deploy_key_in_pem_form_is_matched_by_its_public_half(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    """A leaked RSA key in the old "BEGIN RSA PRIVATE KEY" form is the same key to GitHub."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = rsa_key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    added = http_client.post(
        f"{fake_github.url}/repos/acme/app/keys",
        headers={"Authorization": f"Bearer {fake_github.admin_token}"},
        json={"title": "legacy", "key": public.decode() + " ops@host", "read_only": True},
    )
    assert added.status_code == 201
    assert added.json()["key"] == public.decode()  # listed without its comment
    again = http_client.post(
        f"{fake_github.url}/repos/acme/other/keys",
        headers={"Authorization": f"Bearer {fake_github.admin_token}"},
        json={"title": "copy", "key": public.decode()},
    )
    assert again.status_code == 422  # one key, one place on GitHub
    assert again.json()["errors"][0]["message"] == "key is already in use"
    rotator = on(fake_github, http_client)
    assert rotator.verify(Secret(pem), deploy_ref("acme/app", None)).liveness is Liveness.LIVE
    encrypted = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()
    verdict = rotator.verify(Secret(encrypted), deploy_ref("acme/app", None))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "not a readable private key" in verdict.reason


def test_deploy_key_on_a_later_page_is_found(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    for number in range(100):
        fake_github.add_deploy_key("acme/app", f"host-{number}")
    last, private = fake_github.add_deploy_keypair("acme/app", "the last one")
    verdict = on(fake_github, http_client).verify(Secret(private), deploy_ref("acme/app", last))
    assert verdict.liveness is Liveness.LIVE
    pages = [r.query for r in fake_github.requests if r.path == "/repos/acme/app/keys"]
    assert pages == [{"per_page": "100"}, {"per_page": "100", "page": "2"}]


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ({"status": 503}, "503"),
        ({"status": 429, "retry_after": "3"}, "429"),
        ({"status": 200, "html": True}, "HTML"),
        ({"hang": 5.0}, "in time"),
        ({"status": 404}, "404"),
    ],
)
def test_deploy_key_unknown_when_the_list_cannot_be_read(
    fake_github: FakeGitHub, http_client: httpx.Client, failure: dict, reason: str
) -> None:
    old, private = fake_github.add_deploy_keypair("acme/app", "ci")
    fake_github.fail_next("/repos/acme/app/keys", **failure)
    verdict = on(fake_github, http_client).verify(Secret(private), deploy_ref("acme/app", old))
    assert verdict.liveness is Liveness.UNKNOWN
    assert reason in verdict.reason
    assert private not in verdict.reason


def test_deploy_key_unknown_when_the_admin_token_is_refused_or_missing(
    fake_github: FakeGitHub, http_client: httpx.Client
) -> None:
    """A refused listing is the admin token's failure, not the deploy key's death."""
    old, private = fake_github.add_deploy_keypair("acme/app", "ci")
    wrong = GitHubRotator(http_client, base_url=fake_github.url, admin_token=Secret("ghp_nope"))
    refused = wrong.verify(Secret(private), deploy_ref("acme/app", old))
    assert refused.liveness is Liveness.UNKNOWN
    assert "401" in refused.reason
    missing = GitHubRotator(http_client, base_url=fake_github.url)
    verdict = missing.verify(Secret(private), deploy_ref("acme/app", old))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "no admin token" in verdict.reason


def test_deploy_key_pages_are_followed_only_on_the_api_host() -> None:
    """The admin token goes with every page, so a next link to another host is not followed."""
    first = httpx.Response(
        200, json=[], headers={"link": '<https://elsewhere.test/keys?page=2>; rel="next"'}
    )
    script = Scripted(("GET", "/repos/acme/app/keys", first))
    rotator = GitHubRotator(script.client(), admin_token=Secret("ghp_" + "c" * 36))
    private, _ = deploy_keypair("ci")
    verdict = rotator.verify(private, deploy_ref("acme/app", None))
    assert verdict.liveness is Liveness.UNKNOWN
    assert "another host" in verdict.reason
    assert script.done()
    assert len(script.sent) == 1
