"""Known findings: a baseline file, an ignore file, and what both leave out of a result.

Stage: after the matcher, before reporters. A baseline entry is rule + secret fingerprint + path,
never a line number, so it survives edits above the secret and merges; the file is written sorted
so it diffs cleanly in review. `.leakwardignore` lists fingerprints (a secret everywhere) and path
globs, one per line, `#` for comments. Inline `leakward:allow` comments are the matcher's job.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from leakward.core.errors import ConfigError
from leakward.scanner.fingerprint import fingerprint, report_fingerprint
from leakward.scanner.models import Finding, ScanResult

IGNORE_FILE = ".leakwardignore"
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")
BaselineKey = tuple[str, str, str]


def baseline_key(finding: Finding) -> BaselineKey:
    """Rule, fingerprint and path; a guessable value without a team key has no fingerprint a
    baseline may carry (see scanner/fingerprint.py), so it is known by rule and path alone."""
    value = finding.secret.reveal()
    return (finding.rule_id, report_fingerprint(value) or "", finding.origin.display)


@dataclass(frozen=True, slots=True)
class Baseline:
    keys: frozenset[BaselineKey] = frozenset()
    redacted: Mapping[BaselineKey, str] = field(default_factory=dict)

    def __contains__(self, finding: Finding) -> bool:
        if baseline_key(finding) in self.keys:
            return True
        # Baselines written before guessable values lost their fingerprint still match.
        written_before = (finding.rule_id, fingerprint(finding.secret.reveal()))
        return (*written_before, finding.origin.display) in self.keys


@dataclass(frozen=True, slots=True)
class IgnoreList:
    fingerprints: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()

    def __contains__(self, finding: Finding) -> bool:
        if fingerprint(finding.secret.reveal()) in self.fingerprints:
            return True
        path = finding.origin.display
        return any(
            fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(finding.origin.path, glob)
            for glob in self.globs
        )


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        redacted = {
            (e["rule_id"], e["fingerprint"], e["path"]): e.get("redacted", "") for e in entries
        }
    except FileNotFoundError:
        raise ConfigError(
            f"baseline {path} does not exist", "create it with `leakward baseline create`"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"baseline {path} is not a leakward baseline: {type(exc).__name__}",
            "recreate it with `leakward baseline create`",
        ) from None
    return Baseline(frozenset(redacted), redacted)


def write_baseline(path: Path, findings: Iterable[Finding], keep: Baseline | None = None) -> int:
    """Write the baseline of `findings` (plus `keep`'s entries); returns the number of entries.

    Kept entries keep their redacted form, so `update` rewrites an unchanged baseline byte for
    byte even when a secret has since left the tree.
    """
    entries = {baseline_key(f): f.secret.redacted() for f in findings}
    for key in keep.keys if keep else ():
        entries.setdefault(key, keep.redacted.get(key, "") if keep else "")
    rows = [
        {"rule_id": rule, "fingerprint": print_, "path": where, "redacted": redacted}
        for (rule, print_, where), redacted in sorted(entries.items())
    ]
    text = json.dumps({"version": 1, "findings": rows}, indent=2, ensure_ascii=True)
    path.write_text(text + "\n", encoding="utf-8")
    return len(rows)


def load_ignore(path: Path) -> IgnoreList:
    """An ignore file; a missing one ignores nothing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return IgnoreList()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", "fix or remove the ignore file") from None
    prints: set[str] = set()
    globs: list[str] = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if _FINGERPRINT.match(line):
            prints.add(line)
        else:
            globs.append(line)
    return IgnoreList(frozenset(prints), tuple(globs))


def filter_known(
    result: ScanResult, baseline: Baseline | None = None, ignore: IgnoreList | None = None
) -> ScanResult:
    kept = tuple(
        f
        for f in result.findings
        if not (baseline and f in baseline) and not (ignore and f in ignore)
    )
    return dataclasses.replace(result, findings=kept)
