"""Detection quality on the labelled corpus: leakward against the peers, P / R / F1 per tool.

Stage: benchmarks only. Generates the corpus into OUTDIR when it has no labels yet
(`python -m tests.corpus.generate`), scans OUTDIR/files with leakward and each installed peer, and
scores every report with tests/corpus/scoring.py, the same code the test suite uses.

    python bench/detection.py bench/corpus/detection [--tools leakward,kingfisher] [--misses]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from peers import Peer, locate  # noqa: E402

from tests.corpus import generate, scoring  # noqa: E402


def leakward_command(root: Path, out: Path) -> list[str]:
    exe = REPO / ".venv" / "bin" / "leakward"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "leakward"]
    cmd = [*base, "scan", str(root), "--format", "json", "--show-secrets", "--output", str(out)]
    # bench/corpus is gitignored in this checkout; the peers scan ignored files, so must we.
    usage = subprocess.run([*base, "scan", "--help"], capture_output=True, text=True, check=False)
    return [*cmd, "--no-ignore"] if "--no-ignore" in usage.stdout else cmd


def run_leakward(root: Path, work: Path) -> object | None:
    out = work / "leakward.json"
    proc = subprocess.run(
        leakward_command(Path("."), out), cwd=root, capture_output=True, text=True, check=False
    )
    if not out.exists() or proc.returncode not in (0, 1):
        print(f"leakward: no report (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
        return None
    report = json.loads(out.read_text(encoding="utf-8"))
    print(f"leakward: exit {proc.returncode}, {len(report.get('findings', []))} findings")
    return report


def run_peer(peer: Peer, root: Path, work: Path, extra: Sequence[str] = ()) -> object | None:
    """`peer`'s JSON report on the directory `root`; `extra` options go after its own."""
    out = work / f"{peer.name}.json"
    proc = subprocess.run(
        [*peer.dir_command(Path("."), out), *extra],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    text = proc.stdout if peer.to_stdout else (out.read_text() if out.exists() else "")
    if not text.strip():
        print(f"{peer.name}: no report (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
        return None
    return json.loads(text)


def print_details(scores: list[scoring.Score], *, misses: bool) -> None:
    """Per tool: false positives by decoy kind, providers with misses, and with `misses` each
    miss and false positive."""
    for s in scores:
        fps = ", ".join(f"{k} {n}" for k, n in s.fp_by_decoy.most_common())
        weak = sorted(
            (f"{p} {f}/{t}" for p, (f, t) in s.by_provider.items() if f < t), key=str.lower
        )
        print(f"\n{s.tool}: false positives by decoy kind: {fps or 'none'}")
        print(f"{s.tool}: providers with misses: {', '.join(weak) or 'none'}")
        if misses:
            for m in s.misses:
                print(f"  miss {m['file']}:{m['line']} {m['provider']} {m['kind']}")
            for h in s.false_positives:
                print(f"  fp   {h.file}:{h.line} {h.rule} {(h.value or '')[:60]!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Detection P/R/F1 on the labelled corpus.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument(
        "--tools", default="leakward,kingfisher,betterleaks,gitleaks,detect-secrets"
    )
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    parser.add_argument("--seed", type=int, default=1337)
    args = parser.parse_args()
    wanted = args.tools.split(",")
    if not (args.outdir / generate.LABELS).exists():
        generate.generate(args.outdir, args.seed)
    labels = scoring.load_labels(args.outdir)
    root = (args.outdir / generate.FILES).resolve()
    work = Path(tempfile.mkdtemp(prefix="leakward-detection-"))
    scores = []
    try:
        for name in wanted:
            if name == "leakward":
                report = run_leakward(root, work)
                strict = True
            else:
                peer = next((p for p in locate() if p.name == name), None)
                if peer is None:
                    print(f"{name}: not installed (python bench/peers.py)")
                    continue
                report, strict = run_peer(peer, root, work), False
            if report is not None:
                hits = scoring.PARSERS[name](report, root)
                scores.append(scoring.score(name, hits, labels, strict=strict))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"corpus: {root} ({len(labels['secrets'])} secrets, {len(labels['decoys'])} decoys)")
    print(scoring.format_table(scores))
    print_details(scores, misses=args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
