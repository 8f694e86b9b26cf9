"""Recognises CI job logs (GitHub Actions, GitLab) and cleans them before matching.

Stage: sources. Logs carry runner noise that hides secrets from patterns: timestamp prefixes,
ANSI colour codes, GitHub `##[group]` and workflow-command markers, GitLab `section_start`
markers. Cleaning removes only that noise and never a newline, so line numbers stay those of the
log as downloaded. A log is cut at each `##[group]` / `section_start` so a finding names its
run / job / step / group (in `Origin.extra`) and its true line.

What we do with masking: GitHub replaces values registered with `::add-mask::` by `***`, so a
masked value is never in a downloaded log and nothing is reported for `***`. The `::add-mask::`
marker itself is removed and the value after it is scanned: when that line is present in a log
file the value is written there in clear, which is exactly a leak.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from leakward.scanner.models import Chunk, Origin

KIND = "ci-log"

_TIMESTAMP = rb"(?:\xef\xbb\xbf)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?"
_TIMESTAMP_LINE = re.compile(rb"^" + _TIMESTAMP, re.M)
# A first timestamp after any blank lines: the test every text blob of a history gets.
_FIRST_TIMESTAMP = re.compile(rb"[\r\n]*" + _TIMESTAMP)
# CSI sequences (colours, erase line) and OSC sequences (titles, links), never across lines.
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?")
_GITLAB_SECTION = re.compile(rb"section_(?:start|end):\d+:[A-Za-z0-9_.\-\[\]]+\r?")
_GITHUB_MARKER = re.compile(rb"##\[[a-z]+\]|::add-mask::")
_GROUP_START = re.compile(
    rb"^(?:" + _TIMESTAMP + rb")?(?:##\[group\]|(?:\x1b\[0K)?section_start:\d+:)([^\r\n]*)", re.M
)
# Bytes a log is recognised by.
HEAD = 4096
# The literals a group start holds, looked for in C before `_GROUP_START` runs.
GROUP_MARKERS = (b"##[group]", b"section_start:")
# A byte of each marker that many texts' heads lack (`#` in 9% of 30,000 of symfony's history's
# blobs, `_` in 78%): a search for one byte is a memchr, 10x cheaper than one for a marker.
_MARKER_BYTES = (b"#", b"_")
# Bytes a log that `_FIRST_TIMESTAMP` matches can start with: a caller that sniffs many texts
# skips that regex for every other one.
TIMESTAMP_FIRST = frozenset(bytes([byte]) for byte in b"\r\n\xef0123456789")
_STEP_FILE = re.compile(r"^(?:(?P<job>[^/]+)/)?\d+_(?P<step>[^/]+)\.txt$")


def looks_like_ci_log(data: bytes) -> bool:
    """True for a GitHub Actions log (timestamped lines) or a GitLab job trace (section markers)."""
    # Bounded searches first, without copying the head: this runs on every text file, and
    # most are not logs.
    if has_group_marker(data) and _GROUP_START.search(data, 0, HEAD):
        return True
    if data[:1] not in TIMESTAMP_FIRST or not _FIRST_TIMESTAMP.match(data, 0, HEAD):
        return False
    head = data[:HEAD]
    lines = [line for line in head.split(b"\n")[:6] if line.strip()]
    stamped = sum(1 for line in lines if _TIMESTAMP_LINE.match(line))
    return len(lines) > 0 and stamped * 2 > len(lines)


def has_group_marker(data: bytes) -> bool:
    """Whether a group start's literal (GROUP_MARKERS) lies in the first HEAD bytes: a test every
    text blob of a history gets. The two markers' searches took 2.3 us a blob on those 30,000,
    with a byte of each looked for first 1.6 (issue #18)."""
    return (
        data.find(_MARKER_BYTES[0], 0, HEAD) >= 0 and data.find(GROUP_MARKERS[0], 0, HEAD) >= 0
    ) or (data.find(_MARKER_BYTES[1], 0, HEAD) >= 0 and data.find(GROUP_MARKERS[1], 0, HEAD) >= 0)


def clean(data: bytes) -> bytes:
    """The log without timestamps, ANSI codes and runner markers; newlines are all kept."""
    data = _TIMESTAMP_LINE.sub(b"", data)
    data = _ANSI.sub(b"", data)
    data = _GITLAB_SECTION.sub(b"", data)
    return _GITHUB_MARKER.sub(b"", data)


def step_of(name: str) -> tuple[tuple[str, str], ...]:
    """Job and step named by a GitHub log archive entry: `build/2_Run tests.txt`."""
    match = _STEP_FILE.match(name)
    if match is None:
        return ()
    if match["job"] is None:
        return (("job", match["step"]),)
    return (("job", match["job"]), ("step", match["step"]))


def redundant_job_logs(names: Iterable[str]) -> set[str]:
    """Root `N_job.txt` files of a GitHub log archive whose steps are also in `job/`.

    GitHub ships each job twice, whole and step by step; reading both would report every secret
    twice, and the step files locate it better.
    """
    listed = list(names)
    folders = {name.split("/", 1)[0] for name in listed if "/" in name}
    redundant = set()
    for name in listed:
        match = _STEP_FILE.match(name)
        if match and match["job"] is None and match["step"] in folders:
            redundant.add(name)
    return redundant


def log_chunks(data: bytes, origin: Origin) -> Iterator[Chunk]:
    """The cleaned log, one chunk per group (the lines before the first group are one too)."""
    base = dataclasses.replace(origin, kind=KIND, extra=(*origin.extra, *_step_extra(origin)))
    cleaned = clean(data)
    starts = _group_starts(data)
    if not starts:
        yield Chunk(cleaned, base)
        return
    bounds = [(0, 1, "")] if starts[0][0] > 1 else []
    offset, current = 0, 1
    for line, title in starts:
        while current < line:
            offset = cleaned.index(b"\n", offset) + 1
            current += 1
        bounds.append((offset, line, title))
    for index, (offset, line, title) in enumerate(bounds):
        end = bounds[index + 1][0] if index + 1 < len(bounds) else len(cleaned)
        extra = (*base.extra, ("group", title)) if title else base.extra
        yield Chunk(cleaned[offset:end], dataclasses.replace(base, extra=extra), first_line=line)


def _step_extra(origin: Origin) -> tuple[tuple[str, str], ...]:
    known = {key for key, _ in origin.extra}
    if not origin.nested or "step" in known:
        return ()
    return tuple(pair for pair in step_of(origin.nested[-1]) if pair[0] not in known)


def _group_starts(data: bytes) -> list[tuple[int, str]]:
    starts: list[tuple[int, str]] = []
    line, position = 1, 0
    for match in _GROUP_START.finditer(data):
        line += data.count(b"\n", position, match.start())
        position = match.start()
        title = _ANSI.sub(b"", match[1]).decode("utf-8", "replace").strip()
        starts.append((line, title[:200]))
    return starts
