"""Bedrock API keys: the fake IAM's answers fit botocore's IAM model, the same model boto3 builds
the rotator's requests from (so those fit by construction; botocore validates them before
sending). botocore's own parser reads each answer and its ParamValidator checks the result
against the operation's output shape (required members, types); an error answer must carry one
of the codes the operation declares."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.validate import ParamValidator

from leakward.core.secret import Secret
from leakward.rotators.providers.aws_bedrock import BedrockApiKeyRotator
from tests.fakes.bedrock_iam import FakeBedrockIam


def test_the_fakes_answers_fit_botocores_iam_model(fake_bedrock_iam: FakeBedrockIam) -> None:
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=fake_bedrock_iam.url,
        aws_access_key_id="admin-testing",
        aws_secret_access_key="admin-testing",
    )
    seen: list[tuple[str, str]] = []
    problems: list[str] = []

    def check(http_response: Any, parsed: dict, model: Any, **_: object) -> None:
        seen.append((model.name, str(http_response.status_code)))
        if http_response.status_code >= 400:
            declared = {shape.metadata.get("error", {}).get("code") for shape in model.error_shapes}
            code = parsed.get("Error", {}).get("Code")
            if code not in declared:
                problems.append(f"{model.name}: error {code} is not one of {sorted(declared)}")
            return
        root = http_response.content.decode().split(">", 1)[0]
        if not root.startswith(f"<{model.name}Response"):
            problems.append(f"{model.name}: the answer's root is {root}>")
        if model.output_shape is not None:
            result = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
            report = ParamValidator().validate(result, model.output_shape)
            if report.has_errors():
                problems.append(f"{model.name}: {report.generate_report()}")

    iam.meta.events.register("after-call.iam.*", check)
    for n in range(110):  # a second page of ListServiceSpecificCredentials
        fake_bedrock_iam.add_key(f"user-{n}")
    leaked = fake_bedrock_iam.add_key("BedrockAPIKey-ab12", age_days=30)
    rotator = BedrockApiKeyRotator(iam)
    key = rotator.find_key(Secret(leaked.value))
    assert key is not None
    key = replace(key, settings=rotator.read_settings(key))
    rotator.reissue(key, "rot-1")
    rotator.contain(key)
    rotator.revoke(key)
    rotator.revoke(key)  # NoSuchEntity, a declared error
    fake_bedrock_iam.add_key("full")
    fake_bedrock_iam.add_key("full")
    with pytest.raises(iam.exceptions.LimitExceededException):
        iam.create_service_specific_credential(UserName="full", ServiceName="bedrock.amazonaws.com")
    assert problems == []
    assert {name for name, _ in seen} == {
        "ListServiceSpecificCredentials",
        "CreateServiceSpecificCredential",
        "UpdateServiceSpecificCredential",
        "DeleteServiceSpecificCredential",
    }
    assert ("DeleteServiceSpecificCredential", "404") in seen
    assert ("CreateServiceSpecificCredential", "409") in seen
