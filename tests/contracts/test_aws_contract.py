"""AWS: our requests and the answers our tests inject fit botocore's service models.

AWS runs on moto's server; these tests route the AWS rotator, its STS checks and the Secrets
Manager store through the pass-through proxy (tests/fakes/aws_proxy.py), so every request they
send is checked as it crossed the socket (tests/contracts/botocore_model.py): the operation and
the API version exist in the model botocore ships, and each parameter is one the operation's
input shape has, in the protocol's form. What moto cannot do and our tests do in IAM's place
(tests/rotators/aws_hooks.py, the proxy's injected failures) is checked against the same models.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from leakward.core.secret import Secret
from leakward.rotators.base import KeyRef, Liveness
from leakward.rotators.providers.aws import AwsRotator, aws_credential
from leakward.rotators.providers.aws_marks import MARK_TAG
from leakward.rotators.providers.sts import default_sts_factory
from leakward.rotators.stores.aws_secrets_manager import AwsSecretsManagerStore
from tests.contracts.botocore_model import (
    error_problems,
    output_problems,
    request_problems,
)
from tests.fakes.aws_proxy import FAILURE_CODES, AwsProxy
from tests.rotators.aws_hooks import INJECTED_ERRORS, users_page


def client(kind: str, url: str) -> Any:
    return boto3.client(
        kind,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="admin-testing",
        aws_secret_access_key="admin-testing",
        config=Config(retries={"total_max_attempts": 1}),  # an injected failure is final
    )


def sent(proxy: AwsProxy) -> list[str]:
    """Every request's problems against its model, one line each (the problems name the
    operation and parameter, never a body: a PutSecretValue body holds the secret)."""
    return [problem for r in proxy.requests for problem in request_problems(r.headers, r.body)]


def operations(proxy: AwsProxy) -> set[str]:
    found = set()
    for r in proxy.requests:
        target = r.headers.get("x-amz-target")
        if target:
            found.add(target.partition(".")[2])
        else:
            found |= {
                p[len("Action=") :] for p in r.body.decode().split("&") if p.startswith("Action=")
            }
    return found


def test_rotation_requests_fit_the_iam_and_sts_models(moto_url: str, aws_proxy: AwsProxy) -> None:
    moto = client("iam", moto_url)
    moto.create_user(UserName="deployer")
    made = moto.create_access_key(UserName="deployer")["AccessKey"]
    # A tag an earlier release wrote per rotation: the rotator removes it (UntagUser).
    moto.tag_user(UserName="deployer", Tags=[{"Key": f"{MARK_TAG}:old-rotation", "Value": "AKIA0"}])
    leaked = aws_credential(made["AccessKeyId"], Secret(made["SecretAccessKey"]))
    rotator = AwsRotator(
        client("iam", aws_proxy.url), default_sts_factory(endpoint_url=aws_proxy.url)
    )
    key = KeyRef("aws", made["AccessKeyId"], "deployer")

    assert rotator.verify(leaked).liveness is Liveness.LIVE
    new = rotator.reissue(KeyRef("aws", made["AccessKeyId"]), "rot-1")
    assert rotator.find_unrecorded(key, "rot-1", made["CreateDate"]).keys
    rotator.list_keys()
    rotator.revoke(key)
    rotator.revoke(key)  # gone: NoSuchEntity, taken as done
    assert rotator.verify(new.secret).liveness is Liveness.LIVE

    assert {
        "GetCallerIdentity",
        "GetAccessKeyLastUsed",
        "UntagUser",
        "ListAccessKeys",
        "CreateAccessKey",
        "TagUser",
        "ListUserTags",
        "ListUsers",
        "UpdateAccessKey",
        "DeleteAccessKey",
    } <= operations(aws_proxy)
    assert sent(aws_proxy) == []


def test_store_requests_fit_the_secrets_manager_model(moto_url: str, aws_proxy: AwsProxy) -> None:
    client("secretsmanager", moto_url).create_secret(Name="prod/acme", SecretString="old")
    store = AwsSecretsManagerStore.from_environment({"AWS_ENDPOINT_URL": aws_proxy.url})

    store.put("prod/acme", Secret("new-value"), "rot-1-g1")
    store.promote("prod/acme", "rot-1-g1")

    assert {"PutSecretValue", "DescribeSecret", "UpdateSecretVersionStage"} <= operations(aws_proxy)
    assert sent(aws_proxy) == []


@pytest.mark.parametrize("injected", INJECTED_ERRORS, ids=lambda e: f"{e.operation}-{e.code}")
def test_hook_errors_are_declared_by_the_iam_model(injected: Any) -> None:
    answer = injected.answer()  # IAM's XML error body, through botocore's Query parser

    assert answer["Error"]["Code"] == injected.code
    assert answer["Error"]["Message"] == injected.message
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == injected.status
    assert error_problems("iam", injected.operation, injected.code, injected.status) == []


def test_hook_pages_of_users_fit_list_users_output(moto_url: str) -> None:
    moto = client("iam", moto_url)
    for n in range(5):
        moto.create_user(UserName=f"user-{n}")
    users = moto.list_users()["Users"]
    first = users_page(users, None, 2)
    last = users_page(users, "4", 2)

    assert first["IsTruncated"] is True
    assert last["IsTruncated"] is False
    assert output_problems("iam", "ListUsers", first) == []
    assert output_problems("iam", "ListUsers", last) == []


@pytest.mark.parametrize("status", sorted(FAILURE_CODES))
def test_proxy_failures_are_documented_common_errors(aws_proxy: AwsProxy, status: int) -> None:
    aws_proxy.fail_next("/", status=status, body_contains=b"Action=ListUsers")
    with pytest.raises(ClientError) as failed:
        client("iam", aws_proxy.url).list_users()  # parsed by botocore's own Query parser

    answer = failed.value.response
    assert answer["Error"]["Code"] == FAILURE_CODES[status]
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error_problems("iam", "ListUsers", FAILURE_CODES[status], status) == []


def test_the_checks_report_what_breaks_a_model() -> None:
    """So that an empty list above means the requests fit, not that nothing was looked at."""
    scope = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/{}/aws4_request, ..."
    iam = {"authorization": scope.format("iam")}
    assert request_problems(iam, b"Action=RotateAccessKey&Version=2010-05-08") != []
    assert request_problems(iam, b"Action=ListUsers&Version=2010-05-08&MaxItem=5") != []
    assert request_problems(iam, b"Action=TagUser&Version=2010-05-08&Tags.1.Key=a") != []
    assert request_problems(iam, b"Action=ListUsers&Version=2011-01-01") != []
    assert request_problems(iam, b"Action=ListUsers&Version=2010-05-08&MaxItems=ten") != []
    update = b"Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=AKIA0&Status="
    assert request_problems(iam, update + b"Off") != []
    assert request_problems(iam, update + b"Inactive") == []
    sm = {
        "authorization": scope.format("secretsmanager"),
        "x-amz-target": "secretsmanager.PutSecretValue",
    }
    assert request_problems(sm, b'{"SecretId": "x", "SecretStrng": "y"}') != []
    assert request_problems(sm, b'{"SecretId": "x", "SecretString": "y"}') == []
    assert error_problems("iam", "TagUser", "LimitExceeded", 400) != []
    assert error_problems("iam", "TagUser", "TooManyTags", 409) != []
    assert output_problems("iam", "ListUsers", {"Users": [{"UserName": "x"}]}) != []
