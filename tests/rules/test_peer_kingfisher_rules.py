"""Kingfisher's own rules, read from a git repository for the pinned binary: validation goes,
the pattern and examples stay (bench/recall_peer_examples.py's `kingfisher-repo` column)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from peer_examples import write_kingfisher_rules, yaml_examples

RULE_FILE = """\
rules:
  - name: Acme key
    id: kingfisher.acme.1
    pattern: '(?x) \\b acme_ ( [a-z0-9]{20} ) \\b'
    examples:
      - acme_k3v9xt2mkp7lwr4sz8bn
    validation:
      type: Http
      content: {request: {method: GET, url: 'https://acme.test/'}}
    depends_on_rule:
      - {rule_id: kingfisher.acme.2, variable: ACCOUNT}
  - name: Acme account
    id: kingfisher.acme.2
    pattern: '\\bacct_([0-9]{8})\\b'
"""


def _repo_with_rules(tmp_path: Path) -> Path:
    repo = tmp_path / "kingfisher"
    (repo / "data" / "rules").mkdir(parents=True)
    (repo / "data" / "rules" / "acme.yml").write_text(RULE_FILE, encoding="utf-8")
    (repo / "README.md").write_text("not a rule\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "rules"], check=True)
    return repo / ".git"


def test_validation_is_removed_and_the_rest_kept(tmp_path: Path) -> None:
    git_dir = _repo_with_rules(tmp_path)
    dest = tmp_path / "out"
    dest.mkdir()
    assert write_kingfisher_rules(git_dir, dest) == 2
    assert [p.name for p in dest.iterdir()] == ["acme.yml"]
    rules = yaml.safe_load((dest / "acme.yml").read_text(encoding="utf-8"))["rules"]
    assert [r["id"] for r in rules] == ["kingfisher.acme.1", "kingfisher.acme.2"]
    assert "validation" not in rules[0]
    assert "depends_on_rule" not in rules[0]
    assert rules[0]["pattern"] == "(?x) \\b acme_ ( [a-z0-9]{20} ) \\b"
    assert rules[0]["examples"] == ["acme_k3v9xt2mkp7lwr4sz8bn"]


def test_the_examples_are_read_from_the_same_files(tmp_path: Path) -> None:
    examples = list(yaml_examples("kingfisher", _repo_with_rules(tmp_path)))
    assert [(e.provider, e.rule, e.text) for e in examples] == [
        ("acme", "kingfisher.acme.1", "acme_k3v9xt2mkp7lwr4sz8bn")
    ]
