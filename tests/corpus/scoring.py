"""Score a scanner's report against the corpus labels: precision, recall, F1, misses.

Stage: test and benchmark support, shared by tests/corpus/test_corpus.py and bench/detection.py so
both judge the same way. Each tool's JSON is first turned into plain `Hit`s (file, lines, value).

A hit is a true positive when its file is the label's file and its lines come within one line of
the label's (or of the AWS key id's line). Leakward must also report the exact secret (after
dropping whitespace, so a PEM matches however it was wrapped). Peers often report a surrounding or
encoded form, so for them a reported value only has to contain, or sit inside, one accepted form;
a peer that reports no value (detect-secrets) is judged on file and line alone. Several hits on one
label count once; every other hit is a false positive, counted once per file, line and value.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_WS = re.compile(r"\s+|\\n")
MIN_OVERLAP = 12  # shorter shared text (a bare prefix like "sk-proj-") is not a detection


@dataclass(frozen=True, slots=True)
class Hit:
    file: str
    line: int | None  # None: the tool gave a value but no line (a secondary capture)
    end_line: int | None = None
    value: str | None = None
    rule: str = ""


@dataclass(slots=True)
class Score:
    tool: str
    labels: int = 0
    found: int = 0
    false_positives: list[Hit] = field(default_factory=list)
    misses: list[Mapping[str, Any]] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, total]
    by_provider: dict[str, list[int]] = field(default_factory=dict)
    fp_by_decoy: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        reported = self.found + len(self.false_positives)
        return self.found / reported if reported else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(value: str) -> str:
    return _WS.sub("", value)


def _rel(path: str, root: Path) -> str:
    # Only the part on disk is a path; names inside an artifact (`x.map!webpack://app/./src/a.ts`)
    # are kept as written, since Path would fold their `//` and `./`.
    outer, bang, inner = path.partition("!")
    return _rel_disk(outer, root) + bang + inner


def _rel_disk(path: str, root: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except ValueError:
            return path
    text = p.as_posix()
    return text[2:] if text.startswith("./") else text


def _accepted(label: Mapping[str, Any]) -> set[str]:
    forms = [label["secret"], label.get("key_id", ""), *label.get("alternates", [])]
    return {_norm(str(f)) for f in forms if f}


def _near(hit: Hit, label: Mapping[str, Any]) -> bool:
    if hit.line is None:
        return True
    first, last = hit.line, hit.end_line or hit.line
    lo, hi = int(label["line"]), int(label["end_line"])
    key_line = int(label.get("key_id_line") or 0)
    return (first <= hi + 1 and last >= lo - 1) or (key_line > 0 and abs(first - key_line) <= 1)


def _value_ok(hit: Hit, label: Mapping[str, Any], strict: bool) -> bool:
    if hit.value is None:
        return not strict and hit.line is not None
    value = _norm(hit.value)
    forms = _accepted(label)
    if value in forms:
        return True
    if strict:
        return False
    forms.add(_norm(str(label.get("raw") or "")))
    return any(
        min(len(value), len(f)) >= MIN_OVERLAP and (value in f or f in value) for f in forms if f
    )


def score(
    tool: str, hits: Iterable[Hit], labels_doc: Mapping[str, Any], strict: bool = False
) -> Score:
    """Match `hits` against the labels; `strict` (leakward) also demands the exact secret."""
    labels: list[Mapping[str, Any]] = list(labels_doc["secrets"])
    decoys: list[Mapping[str, Any]] = list(labels_doc["decoys"])
    by_file: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_file.setdefault(str(label["file"]), []).append(i)
    matched: set[int] = set()
    seen_fp: set[tuple[str, int | None, str | None]] = set()
    result = Score(tool, labels=len(labels))
    for hit in hits:
        candidates = [
            i
            for i in by_file.get(hit.file, [])
            if _near(hit, labels[i]) and _value_ok(hit, labels[i], strict)
        ]
        if candidates:
            fresh = [i for i in candidates if i not in matched]
            matched.add((fresh or candidates)[0])
            continue
        key = (hit.file, hit.line, hit.value)
        if key in seen_fp:
            continue
        seen_fp.add(key)
        result.false_positives.append(hit)
        decoy = next(
            (
                d
                for d in decoys
                if d["file"] == hit.file
                and hit.line is not None
                and abs(int(d["line"]) - hit.line) <= 1
            ),
            None,
        )
        result.fp_by_decoy[str(decoy["kind"]) if decoy else "unlabelled"] += 1
    result.found = len(matched)
    for i, label in enumerate(labels):
        for table, key in (
            (result.by_kind, label["kind"]),
            (result.by_provider, label["provider"]),
        ):
            row = table.setdefault(str(key), [0, 0])
            row[0] += i in matched
            row[1] += 1
        if i not in matched:
            result.misses.append(label)
    return result


def load_labels(corpus: Path) -> dict[str, Any]:
    return dict(json.loads((corpus / "labels.json").read_text(encoding="utf-8")))


# --- turning each tool's report into hits -------------------------------------------------------


def leakward_hits(report: Any, root: Path) -> list[Hit]:
    return [
        Hit(_rel(f["file"], root), f.get("line"), f.get("end_line"), f.get("secret"), f["rule_id"])
        for f in report.get("findings", [])
    ]


def kingfisher_hits(report: Any, root: Path) -> list[Hit]:
    hits = []
    for item in report.get("findings", []):
        f, rule = item.get("finding", {}), item.get("rule", {}).get("id", "")
        path = _rel(f.get("path", ""), root)
        hits.append(Hit(path, f.get("line"), None, f.get("snippet"), rule))
        # a paired secret (the AWS secret key of a key id) comes without a line of its own
        hits += [
            Hit(path, None, None, str(v), rule)
            for v in (f.get("dependent_captures") or {}).values()
        ]
    return hits


def _betterleaks_one(f: Any, root: Path) -> Hit:
    loc, match = f.get("location", {}), f.get("match", {})
    return Hit(
        _rel(str(loc.get("path", "")), root),
        loc.get("start_line"),
        loc.get("end_line"),
        match.get("value"),
        f.get("rule_id", ""),
    )


def betterleaks_hits(report: Any, root: Path) -> list[Hit]:
    hits = []
    for f in report.get("findings", []) if isinstance(report, dict) else report:
        hits.append(_betterleaks_one(f, root))
        for group in f.get("component_sets") or []:
            hits += [_betterleaks_one(c, root) for c in group.get("components", [])]
    return hits


def gitleaks_hits(report: Any, root: Path) -> list[Hit]:
    return [
        Hit(
            _rel(f["File"], root),
            f.get("StartLine"),
            f.get("EndLine"),
            f.get("Secret"),
            f["RuleID"],
        )
        for f in report or []
    ]


def detect_secrets_hits(report: Any, root: Path) -> list[Hit]:
    return [
        Hit(_rel(path, root), int(r["line_number"]), None, None, str(r.get("type", "")))
        for path, rows in report.get("results", {}).items()
        for r in rows
    ]


# Reports are parsed JSON whose shape each tool defines; `Any` is the honest type for them.
Parser = Callable[[Any, Path], list[Hit]]
PARSERS: dict[str, Parser] = {
    "leakward": leakward_hits,
    "kingfisher": kingfisher_hits,
    "betterleaks": betterleaks_hits,
    "gitleaks": gitleaks_hits,
    "detect-secrets": detect_secrets_hits,
}


def format_table(scores: list[Score]) -> str:
    """Plain-text table: P/R/F1 per tool, then recall per hard-case kind."""
    kinds = sorted({k for s in scores for k in s.by_kind})
    head = f"{'tool':15} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    rows = [head + "".join(f" {k:>11}" for k in kinds)]
    for s in scores:
        cells = "".join(
            f" {s.by_kind.get(k, [0, 0])[0] / max(1, s.by_kind.get(k, [0, 1])[1]):>11.3f}"
            for k in kinds
        )
        rows.append(
            f"{s.tool:15} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.found:5d} "
            f"{len(s.false_positives):5d} {len(s.misses):5d}{cells}"
        )
    return "\n".join(rows)
