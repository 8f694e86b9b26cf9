"""Docker Hub rotator: password sign-in for management, scopes copied, reversible disable, and
a token checked with its account (UNKNOWN without it, never dead)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError
from leakward.rotators.providers.dockerhub import DockerHubRotator
from leakward.rotators.providers.liveness import verify_secret
from tests.fakes.dockerhub import FakeDockerHub


def on(fake: FakeDockerHub, client: httpx.Client, secret: str | None = None) -> DockerHubRotator:
    return DockerHubRotator(
        client,
        admin_key=Secret(secret or fake.password),
        username=FakeDockerHub.ACCOUNT,
        base_url=fake.url,
    )


def ref(uuid: str) -> KeyRef:
    return KeyRef("docker", uuid, FakeDockerHub.ACCOUNT)


def test_full_cycle(fake_dockerhub: FakeDockerHub, http_client: httpx.Client) -> None:
    leaked = fake_dockerhub.add_pat("ci push", ["repo:write"])
    rotator = on(fake_dockerhub, http_client)
    assert rotator.verify(Secret(leaked.value), ref(leaked.uuid)).liveness is Liveness.LIVE
    new = rotator.reissue(ref(leaked.uuid), "rot-1")
    assert fake_dockerhub.pats[str(new.key_id)].scopes == ["repo:write"]
    assert rotator.verify(new.secret, ref(str(new.key_id))).liveness is Liveness.LIVE
    assert rotator.contain(ref(leaked.uuid)) is True
    assert fake_dockerhub.pats[leaked.uuid].is_active is False
    rotator.revoke(ref(leaked.uuid))
    rotator.revoke(ref(leaked.uuid))  # gone already: the documented 404
    dead = rotator.verify(Secret(leaked.value), ref(leaked.uuid))
    assert dead.liveness is Liveness.DEAD
    assert fake_dockerhub.live_values() == {new.secret.reveal()}
    # One sign-in served every management call (the JWT is reused while fresh).
    sign_ins = [r for r in fake_dockerhub.requests if r.path == "/v2/auth/token"]
    assert len([r for r in sign_ins if r.json().get("secret") == fake_dockerhub.password]) == 1


def test_without_the_account_name_a_token_is_unknown(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci")
    verdict = on(fake_dockerhub, http_client).verify(Secret(leaked.value))
    assert verdict.liveness is Liveness.UNKNOWN
    assert fake_dockerhub.requests == []


def test_a_personal_access_token_cannot_manage_tokens(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    admin = fake_dockerhub.add_pat("admin", ["repo:admin"])
    leaked = fake_dockerhub.add_pat("ci")
    with pytest.raises(PermanentError, match="403"):
        on(fake_dockerhub, http_client, admin.value).reissue(ref(leaked.uuid), "rot-1")
    assert fake_dockerhub.paths("POST") == ["POST /v2/auth/token"]


def test_without_a_password_reissue_says_what_to_set(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci")
    rotator = DockerHubRotator(http_client, base_url=fake_dockerhub.url)
    with pytest.raises(PermanentError, match="DOCKERHUB_PASSWORD"):
        rotator.reissue(ref(leaked.uuid), "rot-1")


def test_pages_are_followed_and_a_lost_replacement_is_found(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci")
    for n in range(150):
        fake_dockerhub.add_pat(f"other-{n}")
    rotator = on(fake_dockerhub, http_client)
    token = "0b5e4c1a-1111-4222-8333-444455556666-g1"
    new = rotator.reissue(ref(leaked.uuid), token)
    assert len(rotator.list_keys()) == len(fake_dockerhub.pats) == 152  # two pages of 100
    lost = rotator.find_unrecorded(ref(leaked.uuid), token, datetime.now(UTC))
    assert [k.key_id for k in lost.keys] == [new.key_id]


def test_a_repeated_reissue_deletes_its_own_earlier_token(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci")
    rotator = on(fake_dockerhub, http_client)
    first = rotator.reissue(ref(leaked.uuid), "rot-1")
    again = rotator.reissue(ref(leaked.uuid), "rot-1")
    assert str(first.key_id) not in fake_dockerhub.pats
    assert [p.uuid for p in fake_dockerhub.pats.values() if p.label == "leakward-rot-1"] == [
        again.key_id
    ]


def test_no_replacement_without_the_scopes(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci", ["repo:read"])
    rotator = on(fake_dockerhub, http_client)
    snapshot = rotator.read_settings(ref(leaked.uuid))
    assert snapshot == {"scopes": ["repo:read"]}
    rotator.revoke(ref(leaked.uuid))
    with pytest.raises(PermanentError, match="scopes are unknown"):
        rotator.reissue(ref(leaked.uuid), "rot-1")
    new = rotator.reissue(KeyRef("docker", leaked.uuid, "moby", settings=snapshot), "rot-2")
    assert fake_dockerhub.pats[str(new.key_id)].scopes == ["repo:read"]


def test_scan_verify_pairs_a_token_with_the_account_found_beside_it(
    fake_dockerhub: FakeDockerHub, http_client: httpx.Client
) -> None:
    leaked = fake_dockerhub.add_pat("ci")
    urls = {"docker": fake_dockerhub.url}
    alone = verify_secret("docker", Secret(leaked.value), http_client, base_urls=urls)
    assert alone.liveness is Liveness.UNKNOWN
    paired = verify_secret(
        "docker", Secret(leaked.value), http_client, key_id="moby", base_urls=urls
    )
    assert (paired.liveness, paired.identity) == (Liveness.LIVE, "moby")
