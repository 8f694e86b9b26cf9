"""AWS rotator: verify/reissue/revoke against moto's server, the 2-key cap, failure mapping."""

from __future__ import annotations

from collections.abc import Mapping

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness, PermanentError, TransientError
from leakward.rotators.providers.aws import AwsRotator, aws_credential
from leakward.rotators.providers.sts import default_sts_factory
from tests.rotators.aws_hooks import enforce_iam_tag_quota, serve_list_users_in_pages


def iam_client(url: str):
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="admin-testing",
        aws_secret_access_key="admin-testing",
    )


def make_user(iam, name: str = "deployer") -> tuple[str, Secret]:
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], aws_credential(key["AccessKeyId"], Secret(key["SecretAccessKey"]))


def statuses(iam, user: str = "deployer") -> dict[str, str]:
    keys = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    return {k["AccessKeyId"]: k["Status"] for k in keys}


def test_full_cycle_leaves_one_live_replacement(moto_url: str) -> None:
    iam = iam_client(moto_url)
    old_id, old_secret = make_user(iam)
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))

    verdict = rotator.verify(old_secret)
    assert verdict.liveness is Liveness.LIVE
    assert verdict.identity == "arn:aws:iam::123456789012:user/deployer"

    new = rotator.reissue(KeyRef("aws", old_id), "rot-1")
    assert new.key_id != old_id
    assert rotator.verify(new.secret).liveness is Liveness.LIVE

    rotator.revoke(KeyRef("aws", old_id))
    assert statuses(iam) == {new.key_id: "Active"}
    dead = rotator.verify(old_secret)
    assert dead.liveness is Liveness.DEAD
    assert old_secret.reveal() not in dead.reason
    # Revoking twice is not an error.
    rotator.revoke(KeyRef("aws", old_id, "deployer"))


def test_contain_makes_the_key_inactive_and_dead(moto_url: str) -> None:
    iam = iam_client(moto_url)
    old_id, old_secret = make_user(iam)
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    assert rotator.contain(KeyRef("aws", old_id)) is True
    assert statuses(iam) == {old_id: "Inactive"}
    assert rotator.verify(old_secret).liveness is Liveness.DEAD


def test_cap_frees_the_inactive_key_not_the_leaked_one(moto_url: str) -> None:
    iam = iam_client(moto_url)
    leaked_id, _ = make_user(iam)
    spare = iam.create_access_key(UserName="deployer")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="deployer", AccessKeyId=spare, Status="Inactive")
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))

    new = rotator.reissue(KeyRef("aws", leaked_id, "deployer"), "rot-2")
    assert statuses(iam) == {leaked_id: "Active", new.key_id: "Active"}


def test_cap_frees_an_unused_active_key(moto_url: str) -> None:
    iam = iam_client(moto_url)
    leaked_id, _ = make_user(iam)
    unused = iam.create_access_key(UserName="deployer")["AccessKey"]["AccessKeyId"]
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))

    new = rotator.reissue(KeyRef("aws", leaked_id), "rot-3")
    assert set(statuses(iam)) == {leaked_id, new.key_id}
    assert unused not in statuses(iam)


def test_repeated_reissue_retires_its_own_orphan(moto_url: str) -> None:
    iam = iam_client(moto_url)
    leaked_id, _ = make_user(iam)
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    first = rotator.reissue(KeyRef("aws", leaked_id), "same-token")
    second = rotator.reissue(KeyRef("aws", leaked_id), "same-token")
    # A crash between issue and delivery lost the first secret: exactly one replacement remains.
    assert statuses(iam) == {leaked_id: "Active", second.key_id: "Active"}
    assert first.key_id != second.key_id


class StubIam:
    """Two active keys, both in use: the cap cannot be freed without policy."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.keys = {"AKIALEAKED": "Active", "AKIAINUSE": "Active"}

    def list_access_keys(self, **kw: str) -> Mapping[str, object]:
        self.calls.append("list_access_keys")
        meta = [{"AccessKeyId": k, "Status": s} for k, s in self.keys.items()]
        return {"AccessKeyMetadata": meta}

    def list_user_tags(self, **kw: str) -> Mapping[str, object]:
        return {"Tags": []}

    def get_access_key_last_used(self, **kw: str) -> Mapping[str, object]:
        self.calls.append(f"last_used {kw['AccessKeyId']}")
        return {"UserName": "ci", "AccessKeyLastUsed": {"LastUsedDate": "2026-11-01"}}

    def update_access_key(self, **kw: str) -> Mapping[str, object]:
        self.calls.append(f"update {kw['AccessKeyId']} {kw['Status']}")
        self.keys[kw["AccessKeyId"]] = kw["Status"]
        return {}

    def delete_access_key(self, **kw: str) -> Mapping[str, object]:
        self.calls.append(f"delete {kw['AccessKeyId']}")
        del self.keys[kw["AccessKeyId"]]
        return {}

    def create_access_key(self, **kw: str) -> Mapping[str, object]:
        self.calls.append("create")
        self.keys["AKIANEW"] = "Active"
        return {"AccessKey": {"AccessKeyId": "AKIANEW", "SecretAccessKey": "s3cr3t-new"}}

    def tag_user(self, **kw: object) -> Mapping[str, object]:
        return {}

    def untag_user(self, **kw: object) -> Mapping[str, object]:
        return {}


def test_cap_with_both_keys_in_use_needs_policy() -> None:
    iam = StubIam()
    with pytest.raises(PermanentError, match="already has 2 access keys in use"):
        AwsRotator(iam).reissue(KeyRef("aws", "AKIALEAKED", "ci"), "t")
    assert "create" not in iam.calls
    assert iam.keys == {"AKIALEAKED": "Active", "AKIAINUSE": "Active"}


def test_revoke_first_policy_deletes_the_leaked_key_before_creating() -> None:
    iam = StubIam()
    AwsRotator(iam, revoke_first=True).reissue(KeyRef("aws", "AKIALEAKED", "ci"), "t")
    sequence = [c for c in iam.calls if c.startswith(("update", "delete", "create"))]
    assert sequence == ["update AKIALEAKED Inactive", "delete AKIALEAKED", "create"]


def _raiser(exc: Exception):
    class Sts:
        def get_caller_identity(self) -> Mapping[str, object]:
            raise exc

    return lambda key_id, secret: Sts()


def client_error(code: str, status: int) -> ClientError:
    body = {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(body, "GetCallerIdentity")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (client_error("InvalidClientTokenId", 403), Liveness.DEAD),
        (client_error("SignatureDoesNotMatch", 403), Liveness.DEAD),
        (client_error("Throttling", 400), Liveness.UNKNOWN),
        (client_error("InternalFailure", 500), Liveness.UNKNOWN),
        (EndpointConnectionError(endpoint_url="https://sts.amazonaws.com"), Liveness.UNKNOWN),
    ],
)
def test_verify_maps_sts_failures(exc: Exception, expected: Liveness) -> None:
    secret = aws_credential(
        "AKIAEXAMPLEEXAMPLE12", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz")
    )
    verdict = AwsRotator(None, _raiser(exc)).verify(secret)
    assert verdict.liveness is expected
    assert "wJalrXUtn" not in verdict.reason


def test_verify_without_the_key_id_is_unknown() -> None:
    verdict = AwsRotator(None, _raiser(RuntimeError())).verify(Secret("only-the-secret-part"))
    assert verdict.liveness is Liveness.UNKNOWN


def test_unreachable_iam_is_transient() -> None:
    iam = boto3.client(
        "iam",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )
    with pytest.raises(TransientError):
        AwsRotator(iam).contain(KeyRef("aws", "AKIAEXAMPLEEXAMPLE12", "someone"))


def test_listed_replacement_carries_its_issue_token(moto_url: str) -> None:
    iam = iam_client(moto_url)
    leaked_id, _ = make_user(iam)
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    new = rotator.reissue(KeyRef("aws", leaked_id), "0b5e4c1a-1111-4222-8333-444455556666-g1")
    listed = {k.key_id: k.attribute("idempotency_token") for k in rotator.list_keys()}
    assert listed == {leaked_id: None, new.key_id: "0b5e4c1a-1111-4222-8333-444455556666-g1"}


def leakward_tags(iam, user: str = "deployer") -> list[str]:
    tags = iam.list_user_tags(UserName=user)["Tags"]
    return [t["Key"] for t in tags if t["Key"].startswith("leakward")]


def test_many_rotations_keep_one_tag_within_iams_limit(moto_url: str) -> None:
    iam = iam_client(moto_url)
    enforce_iam_tag_quota(iam)
    current, _ = make_user(iam)
    iam.tag_user(UserName="deployer", Tags=[{"Key": f"team-{i}", "Value": "x"} for i in range(47)])
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    for n in range(5):
        new = rotator.reissue(KeyRef("aws", current), f"rot-{n}")
        rotator.revoke(KeyRef("aws", current, "deployer"))
        current = str(new.key_id)
    assert statuses(iam) == {current: "Active"}
    assert leakward_tags(iam) == ["leakward-rotation"]


def test_a_user_at_the_tag_limit_gets_no_orphan_key(moto_url: str) -> None:
    iam = iam_client(moto_url)
    enforce_iam_tag_quota(iam)
    leaked_id, _ = make_user(iam)
    iam.tag_user(UserName="deployer", Tags=[{"Key": f"team-{i}", "Value": "x"} for i in range(50)])
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    with pytest.raises(PermanentError, match="remove one tag"):
        rotator.reissue(KeyRef("aws", leaked_id), "rot-1")
    assert statuses(iam) == {leaked_id: "Active"}


def test_reissue_after_a_lost_create_answer_retires_the_unrecorded_key(moto_url: str) -> None:
    """CreateAccessKey succeeded but its answer (and the secret) never arrived."""
    iam = iam_client(moto_url)
    leaked_id, _ = make_user(iam)
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))

    def lose_the_answer(http_response: object, **_: object) -> None:
        raise EndpointConnectionError(endpoint_url=moto_url)

    iam.meta.events.register("after-call.iam.CreateAccessKey", lose_the_answer)
    with pytest.raises(TransientError):
        rotator.reissue(KeyRef("aws", leaked_id), "rot-1")
    iam.meta.events.unregister("after-call.iam.CreateAccessKey", lose_the_answer)
    lost = next(k for k in statuses(iam) if k != leaked_id)  # the key exists at IAM
    listed = {k.key_id: k.attribute("idempotency_token") for k in rotator.list_keys("deployer")}
    assert listed == {leaked_id: None, lost: "rot-1"}

    new = rotator.reissue(KeyRef("aws", leaked_id), "rot-1")
    assert statuses(iam) == {leaked_id: "Active", new.key_id: "Active"}


def test_list_keys_follows_list_users_pages(moto_url: str) -> None:
    iam = iam_client(moto_url)
    expected = {make_user(iam, f"user-{n}")[0] for n in range(5)}
    serve_list_users_in_pages(iam, iam_client(moto_url))
    rotator = AwsRotator(iam, default_sts_factory(endpoint_url=moto_url))
    assert {k.key_id for k in rotator.list_keys()} == expected
