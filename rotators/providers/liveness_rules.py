"""How a provider's answer to a verify request is read: ordered rules, kept as data in facts.py.

Stage: rotators (providers). `probe` (http.py) already turned timeouts, transport errors,
retryable statuses and HTML pages into UNKNOWN; what is left is a provider's own answer, and
`read_verdict` reads it with that provider's `LivenessRule`s, first match wins. A rule names the
statuses it applies to and may also test a header or one JSON field of the body (an error code,
Slack's `ok`, Cloudflare's token status), or the body's shape (not JSON at all). An answer no rule
matches is UNKNOWN, never DEAD: only a rule can call a key dead, and each DEAD rule says why.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from leakward.rotators.base import Liveness, Verdict

Statuses = int | range | tuple[int, ...]
JsonScalar = str | int | bool

SUCCESS = range(200, 300)
ANY_STATUS = range(100, 600)


class BodyShape(enum.Enum):
    NOT_JSON = "not JSON"
    NOT_OBJECT = "JSON but not an object"


@dataclass(frozen=True, slots=True)
class BodyField:
    """A value in a JSON answer. Each path is dotted keys; `name[]` walks a list and takes the
    first item where the rest of the path gives a non-empty value. Paths are tried in order and
    the first present value wins, or, `joined`, every path's value (empty when absent) is joined
    with spaces (OpenAI's error code and message are read as one text)."""

    paths: tuple[str, ...]
    joined: bool = False

    def read(self, body: object) -> object:
        if self.joined:
            return " ".join(str(_walk(body, path.split(".")) or "") for path in self.paths)
        for path in self.paths:
            value = _walk(body, path.split("."))
            if value is not None:
                return value
        return None


def json_field(*paths: str, joined: bool = False) -> BodyField:
    return BodyField(paths, joined)


def _walk(value: object, parts: Sequence[str]) -> object:
    for index, part in enumerate(parts):
        if part.endswith("[]"):
            items = value.get(part[:-2]) if isinstance(value, dict) else None
            if not isinstance(items, list):
                return None
            for item in items:
                found = _walk(item, parts[index + 1 :])
                if found:
                    return found
            return None
        value = value.get(part) if isinstance(value, dict) else None
    return value


@dataclass(frozen=True, slots=True)
class LivenessRule:
    """One reading: when the status is in `status` and every test given holds, the verdict.

    `reason` may name `{status}` and `{code}` (the `field`'s value as Python prints it, or "no
    error code"); a field read into a reason must hold a code, never a message that could quote
    the key. `field`
    alone (no `equals`, no `contains`) only says what `{code}` shows. `equals` compares the value
    and its JSON type; `contains` looks for any of its (lowercase) words in the value's lowercased
    text. `header` with `header_value` None only asks that the header be present. `identity`
    attaches the identity the verify call found (a login, an organisation) to the verdict.
    """

    status: Statuses
    verdict: Liveness
    reason: str
    shape: BodyShape | None = None
    field: BodyField | None = None
    equals: tuple[JsonScalar, ...] = ()
    contains: tuple[str, ...] = ()
    header: str | None = None
    header_value: str | None = None
    identity: bool = False
    reference: str = ""

    def covers(self, status: int) -> bool:
        if isinstance(self.status, int):
            return status == self.status
        return status in self.status

    def matches(self, answer: _Answer) -> bool:
        if not self.covers(answer.status):
            return False
        if self.header is not None:
            value = answer.response.headers.get(self.header)
            if value is None or (self.header_value is not None and value != self.header_value):
                return False
        if self.shape is not None:
            return answer.shape() is self.shape
        if self.field is None or not (self.equals or self.contains):
            return True
        value = self.field.read(answer.body())
        if self.equals:
            return any(type(value) is type(want) and value == want for want in self.equals)
        text = str(value).lower()
        return any(word in text for word in self.contains)


class _Answer:
    """A response whose body is parsed at most once, and only when a rule asks."""

    _MISSING = object()

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status = response.status_code
        self._body: object = self._MISSING
        self._is_json = False

    def body(self) -> object:
        """The parsed JSON body, or None when it is not JSON."""
        if self._body is self._MISSING:
            try:
                self._body = self.response.json()
            except ValueError:
                self._body = None
            else:
                self._is_json = True
        return self._body

    def shape(self) -> BodyShape | None:
        body = self.body()
        if not self._is_json:
            return BodyShape.NOT_JSON
        return None if isinstance(body, dict) else BodyShape.NOT_OBJECT


def read_verdict(
    answer: httpx.Response | Verdict,
    rules: Sequence[LivenessRule],
    *,
    identity: str | None = None,
) -> Verdict:
    """The first matching rule's verdict; UNKNOWN when none matches (or `probe` already said)."""
    if isinstance(answer, Verdict):
        return answer
    read = _Answer(answer)
    for rule in rules:
        if rule.matches(read):
            value = rule.field.read(read.body()) if rule.field is not None else None
            code = "no error code" if value is None else str(value)
            reason = rule.reason.format(status=read.status, code=code)
            return Verdict(rule.verdict, reason, identity if rule.identity else None)
    return Verdict(Liveness.UNKNOWN, f"unexpected answer {read.status}")
