"""Docker Hub: the rotator's requests and the fake's answers fit the access-token operations of
Docker Hub's OpenAPI document (transcribed in specs/dockerhub.yaml)."""

from __future__ import annotations

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef
from leakward.rotators.providers.dockerhub import DockerHubRotator
from tests.contracts.openapi_contract import Contract, Traffic, assert_conforms
from tests.fakes.dockerhub import FakeDockerHub

CONTRACT = Contract.named("dockerhub", error_schema="Error")


def test_rotation_fits_the_spec(fake_dockerhub: FakeDockerHub) -> None:
    leaked = fake_dockerhub.add_pat("ci push", ["repo:write"])
    for n in range(120):  # two pages
        fake_dockerhub.add_pat(f"other-{n}")
    traffic = Traffic()
    rotator = DockerHubRotator(
        traffic.client(),
        admin_key=Secret(fake_dockerhub.password),
        username=FakeDockerHub.ACCOUNT,
        base_url=fake_dockerhub.url,
    )
    key = KeyRef("docker", leaked.uuid, FakeDockerHub.ACCOUNT)
    value = Secret(leaked.value)
    rotator.verify(value, key)
    key = KeyRef("docker", leaked.uuid, FakeDockerHub.ACCOUNT, settings=rotator.read_settings(key))
    new = rotator.reissue(key, "rot-1")
    rotator.reissue(key, "rot-1")  # the same attempt again: deletes its first token
    rotator.verify(new.secret, key)
    rotator.contain(key)
    rotator.revoke(key)
    rotator.revoke(key)  # gone: 404
    rotator.verify(value, key)  # dead now: 401
    assert rotator.read_settings(key) is None
    assert_conforms(CONTRACT, traffic)
    statuses = {e.response.status_code for e in traffic.exchanges}
    assert {200, 201, 204, 401, 404} <= statuses
