"""Read one usage page, exactly as a provider's Admin API returns it, into `UsageRecord`s.

Stage: application (usage watch), the readers. Two formats are read:

- OpenAI `GET /v1/organization/usage/completions` (`UsageResponse` in openai/openai-openapi):
  `{"object": "page", "data": [{"object": "bucket", "start_time", "end_time", "results": [
  {"object": "organization.usage.completions.result", "input_tokens", "input_cached_tokens",
  "output_tokens", "num_model_requests", "api_key_id", "model", …}]}], "has_more", "next_page"}`.
  `input_tokens` counts cached (and cache-write) tokens too, so the uncached part is the
  difference.
- Anthropic `GET /v1/organizations/usage_report/messages` (Admin API reference): `{"data": [
  {"starting_at", "ending_at" (RFC 3339), "results": [{"uncached_input_tokens", "cache_creation":
  {"ephemeral_1h_input_tokens", "ephemeral_5m_input_tokens"}, "cache_read_input_tokens",
  "output_tokens", "api_key_id", "model", …}]}], "has_more", "next_page"}`. It counts no
  requests, so those records carry `requests=None`.

Results with a null `api_key_id` are usage by no API key (the console, the workbench): they
cannot belong to a key we watch, so they are counted in `UsagePage.unattributed`, never dropped
in silence. Anything else that does not fit raises `UsagePageError` saying what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from leakward.core.errors import UsageError
from leakward.usage.records import UsageRecord

PROVIDERS = ("openai", "anthropic")
OPENAI_ENDPOINT = "GET /v1/organization/usage/completions"
ANTHROPIC_ENDPOINT = "GET /v1/organizations/usage_report/messages"
OPENAI_RESULT = "organization.usage.completions.result"
# A bucket may start this far after the local clock before the page is called skewed: the
# providers snap buckets to the minute, and a usage page is never about the future.
CLOCK_SLACK_SECONDS = 300


class UsagePageError(UsageError):
    """A document that is not a usage page of the format asked for, or one that contradicts
    itself; the message names what was expected and where it differs."""


@dataclass(frozen=True, slots=True)
class UsagePage:
    """The records of one page, and where the next page starts."""

    records: tuple[UsageRecord, ...]
    has_more: bool
    next_page: str | None
    # Results with a null api_key_id: usage by no API key, counted so nothing is lost unseen.
    unattributed: int = 0


def parse_page(provider: str, text: str | bytes, *, now: int | None = None) -> UsagePage:
    """`read_page` on JSON text; broken JSON is a `UsagePageError`, not a traceback."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsagePageError(
            f"not JSON ({type(exc).__name__} at {_where(exc)}); expected a {provider} usage page",
            hint=f"save the body of {_endpoint(provider)} unchanged, one page per file",
        ) from None
    return read_page(provider, document, now=now)


def read_page(provider: str, document: object, *, now: int | None = None) -> UsagePage:
    """The records of one page of `provider`'s usage API. With `now` (epoch seconds), a bucket
    that starts after it is clock skew and an error rather than usage from the future."""
    if provider not in PROVIDERS:
        raise UsagePageError(
            f"unknown usage provider {provider!r}", hint=f"use one of: {', '.join(PROVIDERS)}"
        )
    if not isinstance(document, Mapping) or not isinstance(document.get("data"), list):
        raise _other_format(provider, document)
    page = _read_openai(document) if provider == "openai" else _read_anthropic(document)
    if now is not None:
        _refuse_future(page.records, now)
    return page


def _read_openai(document: Mapping[str, object]) -> UsagePage:
    if document.get("object") != "page":
        raise _other_format("openai", document)
    records: list[UsageRecord] = []
    unattributed = 0
    for index, bucket in enumerate(_list(document, "data")):
        where = f"data[{index}]"
        bucket = _mapping(bucket, where)
        if "starting_at" in bucket or bucket.get("object") != "bucket":
            raise _other_format("openai", document)
        start, end = _int(bucket, "start_time", where), _int(bucket, "end_time", where)
        _check_span(start, end, where)
        for number, result in enumerate(_list(bucket, "results", where)):
            at = f"{where}.results[{number}]"
            result = _mapping(result, at)
            if result.get("object") != OPENAI_RESULT:
                raise UsagePageError(
                    f"{at} is {result.get('object')!r}, not a completions result",
                    hint=f"read usage from {OPENAI_ENDPOINT} (other usage endpoints differ)",
                )
            key_id = _key_id(result, at)
            if key_id is None:
                unattributed += 1
                continue
            total = _int(result, "input_tokens", at)
            cached = _int(result, "input_cached_tokens", at, default=0)
            if cached > total:
                raise UsagePageError(f"{at}: input_cached_tokens exceeds input_tokens")
            records.append(
                UsageRecord(
                    provider="openai",
                    key_id=key_id,
                    start=start,
                    end=end,
                    model=_model(result, at),
                    requests=_int(result, "num_model_requests", at),
                    input_tokens=total - cached,
                    output_tokens=_int(result, "output_tokens", at),
                    cached_input_tokens=cached,
                )
            )
    return _page(document, records, unattributed)


def _read_anthropic(document: Mapping[str, object]) -> UsagePage:
    if document.get("object") == "page":
        raise _other_format("anthropic", document)
    records: list[UsageRecord] = []
    unattributed = 0
    for index, bucket in enumerate(_list(document, "data")):
        where = f"data[{index}]"
        bucket = _mapping(bucket, where)
        if "start_time" in bucket:
            raise _other_format("anthropic", document)
        start, end = _time(bucket, "starting_at", where), _time(bucket, "ending_at", where)
        _check_span(start, end, where)
        for number, result in enumerate(_list(bucket, "results", where)):
            at = f"{where}.results[{number}]"
            result = _mapping(result, at)
            key_id = _key_id(result, at)
            if key_id is None:
                unattributed += 1
                continue
            creation = result.get("cache_creation") or {}
            creation = _mapping(creation, f"{at}.cache_creation")
            cached = _int(result, "cache_read_input_tokens", at, default=0) + sum(
                _int(creation, name, f"{at}.cache_creation", default=0) for name in creation
            )
            records.append(
                UsageRecord(
                    provider="anthropic",
                    key_id=key_id,
                    start=start,
                    end=end,
                    model=_model(result, at),
                    requests=None,
                    input_tokens=_int(result, "uncached_input_tokens", at),
                    output_tokens=_int(result, "output_tokens", at),
                    cached_input_tokens=cached,
                )
            )
    return _page(document, records, unattributed)


def _page(document: Mapping[str, object], records: list[UsageRecord], skipped: int) -> UsagePage:
    has_more = document.get("has_more", False)
    next_page = document.get("next_page")
    if not isinstance(has_more, bool):
        raise UsagePageError(f"has_more is {type(has_more).__name__}, expected true or false")
    if next_page is not None and not isinstance(next_page, str):
        raise UsagePageError(f"next_page is {type(next_page).__name__}, expected a string")
    # OpenAI writes "" on a last page in some answers; no cursor is no cursor.
    return UsagePage(tuple(records), has_more, next_page or None, skipped)


def _refuse_future(records: tuple[UsageRecord, ...], now: int) -> None:
    late = [r for r in records if r.start > now + CLOCK_SLACK_SECONDS]
    if late:
        first = min(r.start for r in late)
        raise UsagePageError(
            f"a bucket starts at {_iso(first)}, after this machine's clock ({_iso(now)})",
            hint="check the system clock (NTP); usage from the future is clock skew",
        )


def _other_format(provider: str, document: object) -> UsagePageError:
    """What the document looks like instead, and what `provider`'s page looks like."""
    seen = _looks_like(document)
    expected = {
        "openai": f'an OpenAI page of {OPENAI_ENDPOINT}: {{"object": "page", "data": '
        '[{"object": "bucket", "start_time", "end_time", "results"}]}',
        "anthropic": f'an Anthropic page of {ANTHROPIC_ENDPOINT}: {{"data": [{{"starting_at", '
        '"ending_at", "results"}]}',
    }[provider]
    hint = "pass --provider to match the file" if seen in PROVIDERS else None
    return UsagePageError(f"expected {expected}; this document {_described(seen)}", hint=hint)


def _looks_like(document: object) -> str:
    if not isinstance(document, Mapping):
        return type(document).__name__
    data = document.get("data")
    first = data[0] if isinstance(data, list) and data else None
    if document.get("object") == "page" or (isinstance(first, Mapping) and "start_time" in first):
        return "openai"
    if isinstance(first, Mapping) and "starting_at" in first:
        return "anthropic"
    return "object with keys " + ", ".join(sorted(map(str, document))[:6])


def _described(seen: str) -> str:
    names = {"openai": "an OpenAI", "anthropic": "an Anthropic"}
    if seen in names:
        return f"is {names[seen]} usage page"
    return f"is a JSON {seen}"


def _key_id(result: Mapping[str, object], at: str) -> str | None:
    value = result.get("api_key_id")
    if value is None or isinstance(value, str):
        return value or None
    raise UsagePageError(f"{at}.api_key_id is {type(value).__name__}, expected a string or null")


def _model(result: Mapping[str, object], at: str) -> str | None:
    value = result.get("model")
    if value is None or isinstance(value, str):
        return value
    raise UsagePageError(f"{at}.model is {type(value).__name__}, expected a string or null")


def _int(mapping: Mapping[str, object], name: str, at: str, *, default: int | None = None) -> int:
    value = mapping.get(name, default)
    if value is None and default is not None:
        return default
    # bool is an int in Python; a count of True tokens is a malformed page.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UsagePageError(f"{at}.{name} is {value!r}, expected a count (an integer ≥ 0)")
    return value


def _time(mapping: Mapping[str, object], name: str, at: str) -> int:
    value = mapping.get(name)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise UsagePageError(f"{at}.{name} is {value!r}, expected an RFC 3339 time")
    if moment.tzinfo is None:
        raise UsagePageError(f"{at}.{name} is {value!r}, which names no time zone")
    return int(moment.timestamp())


def _check_span(start: int, end: int, at: str) -> None:
    if end <= start:
        raise UsagePageError(f"{at} ends ({_iso(end)}) before it starts ({_iso(start)})")


def _list(mapping: Mapping[str, object], name: str, at: str = "page") -> list[object]:
    value = mapping.get(name)
    if not isinstance(value, list):
        raise UsagePageError(f"{at}.{name} is {type(value).__name__}, expected a list")
    return value


def _mapping(value: object, at: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise UsagePageError(f"{at} is {type(value).__name__}, expected an object")
    return value


def _iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _endpoint(provider: str) -> str:
    return OPENAI_ENDPOINT if provider == "openai" else ANTHROPIC_ENDPOINT


def _where(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno} column {exc.colno}"
    return "its encoding"
