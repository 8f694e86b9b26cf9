"""The STS seam of AWS checks: clients signed with a found or held key, made on demand.

Stage: rotators (providers). Both the AWS rotator and `scan --verify` ask STS who a key belongs
to; tests point them at moto's server through `endpoint_url`. boto3 is imported only when a
client is made, so neither importing this module nor building a factory loads the AWS SDK.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Protocol


class StsClient(Protocol):
    def get_caller_identity(self) -> Mapping[str, object]: ...


StsFactory = Callable[[str, str], StsClient]


def default_sts_factory(region: str = "us-east-1", endpoint_url: str | None = None) -> StsFactory:
    """STS clients signed with a given key; AWS_ENDPOINT_URL (or `endpoint_url`) redirects them."""

    def make(access_key_id: str, secret_access_key: str) -> StsClient:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]

        client: StsClient = boto3.client(
            "sts",
            region_name=region,
            endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL"),
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            # One attempt, short timeouts: the pipeline owns retries and a verify must not hang.
            config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1}),
        )
        return client

    return make
