"""Leakward's detection quality on the labelled corpus: precision and recall both at least 0.97.

Stage: end-to-end test of the scanner through its CLI. The corpus is generated afresh (seeded, so
the same every run) into tmp_path and scanned with `leakward scan --format json --show-secrets`;
scoring.py, shared with bench/detection.py, compares the report with the labels.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.corpus import scoring
from tests.corpus.generate import FILES, generate

FLOOR = 0.97


def _scan(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("leakward")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "leakward"]
    return subprocess.run(
        [*cmd, "scan", ".", "--format", "json", "--show-secrets", "--output", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _explain(result: scoring.Score) -> str:
    lines = [scoring.format_table([result])]
    lines += [
        f"miss {m['file']}:{m['line']} {m['provider']} ({m['kind']}, {m['format']})"
        for m in result.misses
    ]
    lines += [f"false positive {h.file}:{h.line} {h.rule}" for h in result.false_positives]
    return "\n".join(lines)


def test_leakward_precision_and_recall(tmp_path: Path) -> None:
    labels = generate(tmp_path / "corpus")
    root = tmp_path / "corpus" / FILES
    out = tmp_path / "report.json"
    proc = _scan(root, out)
    # exit 1 means "findings", which this corpus is full of; 2 and 3 are real failures
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert out.exists(), f"no report written (exit {proc.returncode}): {proc.stderr[-2000:]}"
    report = json.loads(out.read_text(encoding="utf-8"))
    result = scoring.score("leakward", scoring.leakward_hits(report, root), labels, strict=True)
    detail = _explain(result)
    assert result.precision >= FLOOR, detail
    assert result.recall >= FLOOR, detail


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=7, projects=5)
    second = generate(tmp_path / "b", seed=7, projects=5)
    assert first == second
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    assert files_a == files_b


def test_labels_point_at_their_secrets(tmp_path: Path) -> None:
    """Each plain label's secret is written on the line the label names; the scorer relies on it."""
    labels = generate(tmp_path, projects=20)
    for label in labels["secrets"]:
        if label["kind"] != "plain":
            continue
        text = (tmp_path / FILES / label["file"]).read_text(encoding="utf-8").split("\n")
        window = "".join(text[label["line"] - 1 : label["end_line"]])
        # whitespace aside: a PEM in a YAML block scalar is indented line by line
        assert "".join(label["secret"].split()) in "".join(window.split()), label
