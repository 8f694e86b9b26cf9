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
        found: dict[int, tuple[int, int]] = {}
        newlines, at, column = 0, 0, 1  # the line count and column at offset `at`
        for asked in sorted(set(offsets)):
            offset = max(0, min(asked, len(data)))
            crossed = data.count(b"\n", at, offset)
            if crossed:
                newlines += crossed
                line_start = data.rfind(b"\n", at, offset) + 1
                column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
            else:
                column += len(data[at:offset].decode("utf-8", "replace"))
            at = offset
            found[asked] = (
                (self.first_line, self.first_column + column - 1)
                if newlines == 0
                else (self.first_line + newlines, column)
            )
        return found


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
