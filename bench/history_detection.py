"""Detection quality on secrets that only git history still holds: P / R / F1 per tool.

Stage: benchmarks only. Takes the labelled corpus of bench/detection.py, commits it to a fresh
repository, then scrubs every planted secret from the tree in a second commit (each raw value
replaced, line numbers kept) and moves a third of the projects to new paths in a third, so every
secret lives in history alone. Each tool scans the history; reports are scored by
tests/corpus/scoring.py against the first commit's files and lines.

    python bench/history_detection.py bench/corpus/history-detection [--misses]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from detection import print_details  # noqa: E402
from peers import locate  # noqa: E402
from throughput import leakward_exe  # noqa: E402

from tests.corpus import generate, scoring  # noqa: E402

_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.test",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.test",
    "GIT_AUTHOR_DATE": "1700000000 +0000", "GIT_COMMITTER_DATE": "1700000000 +0000",
}  # fmt: skip


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=_ENV, capture_output=True)


def build(outdir: Path, labels: dict[str, Any]) -> Path:
    """The history: all files, then every secret scrubbed, then a third of projects moved."""
    repo = outdir / "repo"
    if (repo / ".git").exists():
        return repo
    shutil.copytree(outdir / generate.FILES, repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A", "-f")
    _git(repo, "commit", "-q", "-m", "add services")
    for label in labels["secrets"]:
        path = repo / label["file"]
        text = path.read_bytes()
        for value in {label["raw"], label["secret"], *label.get("alternates", [])}:
            if value:
                text = text.replace(value.encode(), b"REDACTED")
        path.write_bytes(text)
    _git(repo, "commit", "-q", "-a", "-m", "scrub credentials")
    projects = sorted(p.name for p in repo.iterdir() if p.is_dir() and p.name != ".git")
    for name in projects[::3]:
        _git(repo, "mv", name, f"moved-{name}")
    _git(repo, "commit", "-q", "-m", "reorganise")
    return repo


def run(command: list[str], out: Path, cwd: Path) -> Any | None:
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    if not text.strip():
        print(f"{command[0]}: no report (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
        return None
    if text.lstrip().startswith("{") and "\n{" in text.strip():  # one JSON document per line
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--tools", default="leakward,kingfisher,betterleaks,gitleaks")
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    parser.add_argument("--seed", type=int, default=1337)
    args = parser.parse_args()
    if not (args.outdir / generate.LABELS).exists():
        generate.generate(args.outdir, args.seed)
    labels = scoring.load_labels(args.outdir)
    repo = build(args.outdir, labels).resolve()
    work = Path(tempfile.mkdtemp(prefix="leakward-history-detection-"))
    scores = []
    try:
        for name in args.tools.split(","):
            out = work / f"{name}.json"
            if name == "leakward":
                command = [*leakward_exe(), "scan", "--git", ".", "--format", "json"]
                command += ["--show-secrets", "--output", str(out)]
                strict = True
            else:
                peer = next((p for p in locate() if p.name == name), None)
                history = peer.git_command(Path("."), out) if peer else None
                if history is None:
                    print(f"{name}: not installed or no history mode")
                    continue
                command, strict = history, False
            report = run(command, out, repo)
            if report is not None:
                hits = scoring.PARSERS[name](report, repo)
                scores.append(scoring.score(name, hits, labels, strict=strict))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"history: {repo} ({len(labels['secrets'])} secrets in history only)")
    print(scoring.format_table(scores))
    print_details(scores, misses=args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
