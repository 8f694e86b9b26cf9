"""How botocore failures map onto the rotation error tree.

Stage: rotators. botocore raises `ClientError` (with an AWS error code) for answers and a family
of `BotoCoreError`s for transport trouble; this module sorts both into TransientError (retry) and
PermanentError (page a human) by name and code, so the AWS rotator needs no botocore import and
never puts a request (which may hold a signed key) into a message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from leakward.rotators.base import PermanentError, TransientError

_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "ServiceFailure",
        "InternalFailure",
        "InternalError",
        "RequestTimeout",
        "SlowDown",
    }
)
# botocore transport failures, by class name (EndpointConnectionError, ReadTimeoutError …).
_TRANSIENT_TYPES = frozenset(
    {
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionError",
        "HTTPClientError",
        "ProxyConnectionError",
        "ResponseStreamingError",
    }
)
_ADMIN_REJECTED = frozenset({"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken"})


class NoSuchKeyError(PermanentError):
    """IAM has no such key or user (NoSuchEntity): usually "already deleted"."""


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error")
        if isinstance(error, Mapping):
            code = error.get("Code")
            return str(code) if code is not None else None
    return None


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        meta = response.get("ResponseMetadata")
        if isinstance(meta, Mapping) and isinstance(meta.get("HTTPStatusCode"), int):
            return int(meta["HTTPStatusCode"])
    return None


def is_transient(exc: BaseException) -> bool:
    if any(cls.__name__ in _TRANSIENT_TYPES for cls in type(exc).__mro__):
        return True
    status = _status(exc)
    return error_code(exc) in _TRANSIENT_CODES or (status is not None and status >= 500)


def aws_call(
    operation: Callable[..., Mapping[str, object]], what: str, **kwargs: object
) -> Mapping[str, object]:
    """Run one IAM call, translating its failure; the message names the code, never the request."""
    try:
        return operation(**kwargs)
    except Exception as exc:  # botocore's tree is untyped here; sort by code and class
        if is_transient(exc):
            raise TransientError(f"AWS {what}: temporarily unavailable") from exc
        code = error_code(exc)
        if code == "NoSuchEntity":
            raise NoSuchKeyError(f"AWS {what}: no such key or user") from exc
        if code in _ADMIN_REJECTED:
            raise PermanentError(
                f"AWS {what}: the admin credential was rejected ({code}); check its keys"
            ) from exc
        if code in {"AccessDenied", "AccessDeniedException"}:
            raise PermanentError(f"AWS {what}: the admin credential lacks permission") from exc
        if code is None and type(exc).__name__ in {"NoCredentialsError", "PartialCredentialsError"}:
            raise PermanentError(f"AWS {what}: no admin credentials configured") from exc
        if code is None:
            raise
        raise PermanentError(f"AWS {what}: {code}") from exc


class Paginator(Protocol):
    """A boto3 paginator: it follows Marker/IsTruncated (or NextToken) from page to page."""

    def paginate(self, **kwargs: object) -> Iterable[Mapping[str, object]]: ...


def aws_call_pages(paginator: Paginator, what: str, **kwargs: object) -> list[Mapping[str, object]]:
    """Every page of a paginated call, its failures translated as `aws_call` does."""

    def every_page(**params: object) -> Mapping[str, object]:
        return {"pages": list(paginator.paginate(**params))}

    pages = aws_call(every_page, what, **kwargs)["pages"]
    return [page for page in pages if isinstance(page, Mapping)] if isinstance(pages, list) else []
