"""Values every scanner stage passes on: Secret, Origin, Chunk, Finding, Skipped.

Stage: shared by sources, decoders, engines, matcher and reporters. All are immutable values; a
raw secret lives only inside `Secret`, whose printed forms are redacted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from leakward.core.secret import Secret

__all__ = [
    "Chunk",
    "Finding",
    "LeftOut",
    "Origin",
    "ScanResult",
    "ScanStats",
    "Secret",
    "Skipped",
]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where bytes came from.

    `path` is the outer file relative to the scan root; `nested` names the entries inside
    containers, so `app.apk!classes.dex` is `Origin(path="app.apk", nested=("classes.dex",))`.
    `extra` carries source-specific locators (a DEX string index, a CI step, a Postman item path).
    """

    kind: str
    path: str
    nested: tuple[str, ...] = ()
    commit: str | None = None
    author: str | None = None
    date: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        return "!".join((self.path, *self.nested))

    def inside(self, name: str, kind: str | None = None) -> Origin:
        """The origin of an entry named `name` inside this one."""
        return Origin(
            kind=kind or self.kind,
            path=self.path,
            nested=(*self.nested, name),
            commit=self.commit,
            author=self.author,
            date=self.date,
            # run / job / step locators of a CI log archive still hold for its entries
            extra=self.extra,
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes to scan and where they came from.

    A large file is cut into overlapping segments; `first_line` is the line number of `data[0]`
    and `first_column` its column, so positions stay true to the whole file.
    """

    data: bytes
    origin: Origin
    first_line: int = 1
    first_column: int = 1

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a byte offset; the column counts characters, not bytes."""
        data = self.data
        offset = max(0, min(offset, len(data)))
        newlines = data.count(b"\n", 0, offset)
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        if newlines == 0:
            return self.first_line, self.first_column + column - 1
        return self.first_line + newlines, column

    def positions(self, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
        """`position` of each offset, reading the data once in offset order: asked one by one,
        20,000 findings in a 1 MB file counted newlines from the start 40,000 times."""
        data = self.data
        # In ASCII a byte is a character: no slice to decode per offset (one check in C).
        width = _ascii_width if data.isascii() else _utf8_width
        found: dict[int, tuple[int, int]] = {}
        newlines, at, column = 0, 0, 1  # the line count and column at offset `at`
        for asked in sorted(set(offsets)):
            offset = max(0, min(asked, len(data)))
            crossed = data.count(b"\n", at, offset)
            if crossed:
                newlines += crossed
                line_start = data.rfind(b"\n", at, offset) + 1
                column = width(data, line_start, offset) + 1
            else:
                column += width(data, at, offset)
            at = offset
            found[asked] = (
                (self.first_line, self.first_column + column - 1)
                if newlines == 0
                else (self.first_line + newlines, column)
            )
        return found


def _ascii_width(data: bytes, start: int, end: int) -> int:
    return end - start


def _utf8_width(data: bytes, start: int, end: int) -> int:
    """Characters in data[start:end], an undecodable byte counting as one."""
    return len(data[start:end].decode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret at one place. `secret` stays in memory; reporters print `redacted`/fingerprint."""

    rule_id: str
    rule_name: str
    provider: str
    severity: str
    confidence: str
    secret: Secret
    origin: Origin
    line: int
    column: int
    end_line: int
    end_column: int
    key_id: str | None = None
    decoded_from: tuple[str, ...] | None = None
    rotator: str | None = None
    tags: tuple[str, ...] = field(default=())
    # Why a finding is weaker than its rule, when it is ("checksum fails: …").
    reason: str | None = None

    @property
    def location(self) -> tuple[str, int, int]:
        return (self.origin.display, self.line, self.column)


# Each field's slot setter, in field order (`placed_finding`).
_SET = tuple(getattr(Finding, name).__set__ for name in Finding.__dataclass_fields__)


def placed_finding(
    rule_id: str,
    rule_name: str,
    provider: str,
    severity: str,
    confidence: str,
    secret: Secret,
    origin: Origin,
    line: int,
    column: int,
    end_line: int,
    end_column: int,
    key_id: str | None,
    decoded_from: tuple[str, ...] | None,
    rotator: str | None,
    tags: tuple[str, ...],
    reason: str | None,
) -> Finding:
    """`Finding(...)` for the matcher's loop over the findings of a chunk: the same value, each
    slot set through its own descriptor. A frozen dataclass sets each field through
    `object.__setattr__`, 2,000 instructions a field (callgrind): a file of 20,000 tokens spent
    a fifth of its cost per finding building them; this is half of that. Arguments in field
    order, all given (tests/scanner/test_positions.py holds them to `Finding`'s fields)."""
    finding = object.__new__(Finding)
    _SET[0](finding, rule_id)
    _SET[1](finding, rule_name)
    _SET[2](finding, provider)
    _SET[3](finding, severity)
    _SET[4](finding, confidence)
    _SET[5](finding, secret)
    _SET[6](finding, origin)
    _SET[7](finding, line)
    _SET[8](finding, column)
    _SET[9](finding, end_line)
    _SET[10](finding, end_column)
    _SET[11](finding, key_id)
    _SET[12](finding, decoded_from)
    _SET[13](finding, rotator)
    _SET[14](finding, tags)
    _SET[15](finding, reason)
    return finding


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something the scan could not or would not read, and why. Counted, reported, never fatal."""

    path: str
    reason: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A path or finding left out on purpose, and what left it out: `cause` is "gitignore" (a
    file or directory), "leakwardignore", "baseline" or "results" (a finding whose `--verify`
    verdict was not asked for; `detail` names its line and rule)."""

    path: str
    cause: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScanStats:
    files: int = 0
    bytes: int = 0
    skipped: int = 0
    errors: int = 0
    seconds: float = 0.0
    # Of `bytes`, those a history scan did not read again: unchanged text of a blob stored as a
    # delta, whose findings were carried over from the version it was stored against.
    carried: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan hands to reporters: findings in a stable order, what was skipped, and totals."""

    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    stats: ScanStats
    root: str = "."
    left_out: tuple[LeftOut, ...] = ()
