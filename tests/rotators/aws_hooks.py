"""IAM rules moto's server lacks, added to a boto3 IAM client through botocore's event hooks.

Stage: tests (rotators). moto takes any number of tags on a user and answers ListUsers in one
page; IAM does neither. Each hook makes the client answer as IAM documents it would, and what
a hook answers is data here so tests/contracts/test_aws_contract.py can check it against
botocore's IAM model: the error code is one TagUser declares, with its HTTP status, and a page
of users fits ListUsers' output shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.session import get_session

from tests.fakes.aws_proxy import query_error


@dataclass(frozen=True, slots=True)
class InjectedError:
    """An error a hook raises in IAM's place: the operation, code, HTTP status and message."""

    operation: str
    code: str
    status: int
    message: str

    def answer(self) -> dict[str, Any]:
        """The error as boto3 would read it from IAM: IAM's XML body, parsed by botocore's own
        Query parser (so the hook's ClientError has the shape a real one has)."""
        operation = get_session().get_service_model("iam").operation_model(self.operation)
        raw = {"status_code": self.status, "headers": {}, "body": self.xml().encode()}
        parsed: dict[str, Any] = create_parser("query").parse(raw, operation.output_shape)
        return parsed

    def xml(self) -> str:
        return query_error(self.code, self.status, self.message)

    def raise_it(self) -> None:
        raise ClientError(self.answer(), self.operation)


# IAM quotas page: "Tags per IAM user: 50"; TagUser's LimitExceeded (the IAM API reference).
TAG_QUOTA = 50
TAG_QUOTA_ERROR = InjectedError(
    "TagUser", "LimitExceeded", 409, f"Cannot exceed quota for TagsPerUser: {TAG_QUOTA}"
)
INJECTED_ERRORS = (TAG_QUOTA_ERROR,)


def enforce_iam_tag_quota(iam: Any) -> None:
    """Refuse a TagUser that would leave the user with more than 50 tags, as IAM does."""

    def refuse_beyond_quota(params: dict[str, Any], **_: object) -> None:
        held = {t["Key"] for t in iam.list_user_tags(UserName=params["UserName"])["Tags"]}
        if len(held | {t["Key"] for t in params["Tags"]}) > TAG_QUOTA:
            TAG_QUOTA_ERROR.raise_it()

    iam.meta.events.register("before-parameter-build.iam.TagUser", refuse_beyond_quota)


def users_page(users: list[dict[str, Any]], marker: str | None, size: int) -> dict[str, Any]:
    """One ListUsers page as IAM may send it: fewer users than asked for, IsTruncated and a
    Marker for the next call (IAM API reference, ListUsers)."""
    start = int(marker or 0)
    page: dict[str, Any] = {"Users": users[start : start + size]}
    page["IsTruncated"] = start + size < len(users)
    if page["IsTruncated"]:
        page["Marker"] = str(start + size)
    return page


def serve_list_users_in_pages(iam: Any, unpaged: Any, size: int = 2) -> None:
    """Answer `iam`'s ListUsers in pages of `size` from what `unpaged` (moto) lists."""

    def answer(params: dict[str, Any], **_: object) -> tuple[AWSResponse, dict[str, Any]]:
        page = users_page(unpaged.list_users()["Users"], params["body"].get("Marker"), size)
        page["ResponseMetadata"] = {"HTTPStatusCode": 200}
        return AWSResponse(iam.meta.endpoint_url, 200, {}, None), page

    iam.meta.events.register("before-call.iam.ListUsers", answer)
