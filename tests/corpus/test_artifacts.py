"""Leakward's detection quality on the labelled ARTIFACT corpus: precision and recall >= 0.97.

Stage: end-to-end test of the scanner through its CLI. APKs, IPAs, bundles with source maps,
extensions, CI log archives, Postman exports and release archives nesting them are generated
afresh (seeded) into tmp_path by tests/corpus/artifacts.py, scanned with
`leakward scan --format json --show-secrets`, and scored by scoring.py against the labels, which
name each secret's file as leakward does (`app.apk!classes.dex`) and its line there.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.corpus import scoring
from tests.corpus.artifacts import FILES, generate
from tests.corpus.test_corpus import FLOOR, _explain, _scan


def test_leakward_precision_and_recall_on_artifacts(tmp_path: Path) -> None:
    labels = generate(tmp_path / "corpus")
    root = tmp_path / "corpus" / FILES
    out = tmp_path / "report.json"
    proc = _scan(root, out)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert out.exists(), f"no report written (exit {proc.returncode}): {proc.stderr[-2000:]}"
    report = json.loads(out.read_text(encoding="utf-8"))
    result = scoring.score("leakward", scoring.leakward_hits(report, root), labels, strict=True)
    detail = _explain(result)
    assert result.precision >= FLOOR, detail
    assert result.recall >= FLOOR, detail
    # Every kind of artifact is in the corpus, so a format that stops being read shows up here.
    kinds = {"dex-string", "binary-xml", "arsc-string", "binary-plist", "string-run", "bundle"}
    assert kinds | {"ci-log", "postman", "class-string", "text"} <= set(result.by_kind), detail


def test_artifact_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", seed=7, units=1)
    second = generate(tmp_path / "b", seed=7, units=1)
    assert first == second
    files_a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    files_b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert files_a == files_b


def test_labels_name_nested_files_and_cover_decoys(tmp_path: Path) -> None:
    labels = generate(tmp_path, units=1)
    files = {label["file"] for label in labels["secrets"]}
    assert any(f.count("!") >= 4 for f in files)  # tar.gz > apk > aar > jar > class
    assert any("!classes.dex" in f for f in files)
    assert any(".postman_collection.json!" in f and "/auth." in f for f in files)
    decoy_kinds = {row["kind"] for row in labels["decoys"]}
    assert {"masked", "bad-checksum", "publishable", "placeholder"} <= decoy_kinds
