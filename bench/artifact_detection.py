"""Detection quality on the labelled ARTIFACT corpus: leakward against the peers, P / R / F1.

Stage: benchmarks only. Scans OUTDIR/files (built by bench/make_artifacts.py; generated here when
it has no labels yet) with leakward and each installed peer, and scores every report with
tests/corpus/scoring.py, as bench/detection.py does for source trees. Peers that open archives
name entries with `/` (`app.apk/classes.dex`) where leakward writes `!`; a hit whose path is a
label's path up to that separator is given the label's spelling, so only what was found counts.

    python bench/artifact_detection.py bench/corpus/artifacts [--tools leakward,kingfisher]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from detection import print_details, run_leakward, run_peer  # noqa: E402
from peers import locate  # noqa: E402

from tests.corpus import artifacts, scoring  # noqa: E402


def respell(hits: list[scoring.Hit], labels: dict[str, Any]) -> list[scoring.Hit]:
    """Peers' `outer/inner` entry paths in leakward's `outer!inner` spelling, where they agree."""
    known = {str(row["file"]).replace("!", "/"): str(row["file"]) for row in labels["secrets"]}
    return [replace(h, file=known.get(h.file.replace("!", "/"), h.file)) for h in hits]


def credit_outer(hits: list[scoring.Hit], labels: dict[str, Any]) -> list[scoring.Hit]:
    """--lenient: a hit on a container (`main.js.map` line 1) holding a label's secret is moved
    onto that label, so a peer that does not unpack a format still gets credit for the key."""
    by_outer: dict[str, list[dict[str, Any]]] = {}
    for row in labels["secrets"]:
        parts = str(row["file"]).split("!")
        for depth in range(1, len(parts)):
            by_outer.setdefault("!".join(parts[:depth]), []).append(row)
    moved = []
    for hit in hits:
        value = "".join((hit.value or "").split())
        row = next((r for r in by_outer.get(hit.file, []) if _overlaps(value, r)), None)
        moved.append(replace(hit, file=row["file"], line=row["line"]) if row else hit)
    return moved


def _overlaps(value: str, row: dict[str, Any]) -> bool:
    secret = "".join(str(row["secret"]).split())
    return len(value) >= scoring.MIN_OVERLAP and (secret in value or value in secret)


def main() -> int:
    parser = argparse.ArgumentParser(description="Detection P/R/F1 on the artifact corpus.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument(
        "--tools", default="leakward,kingfisher,betterleaks,gitleaks,detect-secrets"
    )
    parser.add_argument("--misses", action="store_true", help="list leakward's misses and FPs")
    parser.add_argument(
        "--lenient", action="store_true", help="credit peers' hits on the outer container"
    )
    args = parser.parse_args()
    if not (args.outdir / artifacts.LABELS).exists():
        artifacts.generate(args.outdir)
    labels = scoring.load_labels(args.outdir)
    root = (args.outdir / artifacts.FILES).resolve()
    work = Path(tempfile.mkdtemp(prefix="leakward-artifact-detection-"))
    scores = []
    try:
        for name in args.tools.split(","):
            peer = next((p for p in locate() if p.name == name), None)
            if name == "leakward":
                report, strict = run_leakward(root, work), True
            elif peer is None:
                print(f"{name}: not installed (python bench/peers.py)")
                continue
            else:
                report, strict = run_peer(peer, root, work), False
            if report is not None:
                hits = respell(scoring.PARSERS[name](report, root), labels)
                if args.lenient and not strict:
                    hits = credit_outer(hits, labels)
                scores.append(scoring.score(name, hits, labels, strict=strict))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"corpus: {root} ({len(labels['secrets'])} secrets, {len(labels['decoys'])} decoys)")
    print(scoring.format_table(scores))
    print_details(scores, misses=args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
