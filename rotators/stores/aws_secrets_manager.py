"""AWS Secrets Manager as a destination store: stage as AWSPENDING, promote to AWSCURRENT.

Stage: rotators (delivery). Modelled on Secrets Manager's own rotation: `put` writes a version
whose id is the pipeline's idempotency token (`ClientRequestToken`) labelled AWSPENDING, so a
repeat with the same token changes nothing and consumers keep reading AWSCURRENT; `promote`
moves AWSCURRENT to it once the replacement is tested (AWSPREVIOUS then marks the old version,
the rollback point). The endpoint honours $AWS_ENDPOINT_URL (LocalStack, moto's server).
Reference: docs.aws.amazon.com/secretsmanager PutSecretValue, UpdateSecretVersionStage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import boto3  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionError,
    ReadTimeoutError,
)

from leakward.core.secret import Secret
from leakward.rotators.base import PermanentError, TransientError

_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "InternalServiceError",
        "InternalFailure",
        "ServiceUnavailable",
        "RequestTimeout",
    }
)


class SecretsManagerClient(Protocol):
    """The part of boto3's `secretsmanager` client this store uses."""

    def put_secret_value(self, **kwargs: Any) -> Any: ...

    def describe_secret(self, **kwargs: Any) -> Any: ...

    def update_secret_version_stage(self, **kwargs: Any) -> Any: ...


def version_id(idempotency_token: str) -> str:
    """A ClientRequestToken (32-64 characters) derived from the pipeline's token."""
    return hashlib.sha256(idempotency_token.encode()).hexdigest()[:48]


class AwsSecretsManagerStore:
    kind: ClassVar[str] = "aws-secretsmanager"

    def __init__(self, client: SecretsManagerClient) -> None:
        self.client = client

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> AwsSecretsManagerStore:
        client = boto3.client("secretsmanager", endpoint_url=environ.get("AWS_ENDPOINT_URL"))
        return cls(client)

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        what = f"AWS secret {locator}"
        with _translated(what):
            self.client.put_secret_value(
                SecretId=locator,
                SecretString=value.reveal(),
                ClientRequestToken=version_id(idempotency_token),
                VersionStages=["AWSPENDING"],
            )

    def promote(self, locator: str, idempotency_token: str) -> None:
        what = f"AWS secret {locator}"
        target = version_id(idempotency_token)
        with _translated(what):
            stages = self.client.describe_secret(SecretId=locator).get("VersionIdsToStages", {})
            current = next((v for v, s in stages.items() if "AWSCURRENT" in s), None)
            if current != target:
                self.client.update_secret_version_stage(
                    SecretId=locator,
                    VersionStage="AWSCURRENT",
                    MoveToVersionId=target,
                    RemoveFromVersionId=current,
                )
            if "AWSPENDING" in stages.get(target, []):
                # Left on, the label makes Secrets Manager think a rotation is still running.
                self.client.update_secret_version_stage(
                    SecretId=locator, VersionStage="AWSPENDING", RemoveFromVersionId=target
                )


class _translated:
    """Map botocore's errors to ours; messages carry the error code only, never the request."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        if error is None:
            return
        if isinstance(error, ClientError):
            code = str(error.response.get("Error", {}).get("Code", "Unknown"))
            if code in _TRANSIENT_CODES:
                raise TransientError(f"{self.what}: {code}") from None
            hint = {
                "ResourceNotFoundException": "create the secret first, or fix the consumer",
                "AccessDeniedException": "grant secretsmanager:PutSecretValue and "
                "UpdateSecretVersionStage on it",
            }.get(code, "check the secret and the credentials' permissions")
            raise PermanentError(f"{self.what}: {code}; {hint}") from None
        if isinstance(error, ConnectionError | ReadTimeoutError):
            raise TransientError(f"{self.what}: {type(error).__name__}") from None
        if isinstance(error, BotoCoreError):
            raise PermanentError(f"{self.what}: {type(error).__name__}") from None
