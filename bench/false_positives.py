"""Precision on real code: findings per MB in large public codebases, each classified by hand.

Stage: benchmarks only. Real projects (rails, django, botocore) hold almost no live credentials,
so nearly every finding there is noise or a test fixture. Each finding is listed with its rule,
path, line and redacted preview, and looked up in the checked-in classification file
`bench/false_positives.expected.tsv`, where a person said whether the value is credential-shaped
(`yes`: a password, key or token, real or fixture; `no`: code, an identifier, a digest, a nonce).
A finding missing from that file prints as NEW, a classified one no longer found as GONE, so a
new false positive shows as a diff. The goal is at most 0.1 `no` findings per MB.

Get the trees (pinned by the commit or release named in the TSV header):

    git --git-dir=RAILS_MIRROR archive HEAD | tar -x -C bench/corpus/fp/rails+rails
    git --git-dir=BOTOCORE_MIRROR archive HEAD | tar -x -C bench/corpus/fp/boto+botocore
    pip download --no-deps --no-binary :all: django==5.2.19   # then untar into fp/django
    python bench/false_positives.py bench/corpus/fp/* [--min-confidence low] [--update]

`--update` rewrites the TSV: kept rows stay, new findings are added with `?` to classify. With
`--min-confidence low`, what the low tier adds is classified in `false_positives.low.expected.tsv`
(looked up after the default file; `--update` writes only that file).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPECTED = REPO / "bench" / "false_positives.expected.tsv"
# What `--min-confidence low` reports beyond the default tier, classified the same way: the low
# tier is judged on real code too, without its rows turning into GONE at the default tier.
LOW_EXPECTED = REPO / "bench" / "false_positives.low.expected.tsv"
COLUMNS = ("tree", "path", "line", "rule", "preview", "credential", "note")
GOAL_PER_MB = 0.1


@dataclass(frozen=True, slots=True)
class Found:
    tree: str
    path: str
    line: int
    rule: str
    preview: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.tree, self.path, self.line, self.rule)


def leakward_exe() -> list[str]:
    exe = REPO / ".venv" / "bin" / "leakward"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "leakward"]


def scan_tree(tree: Path, min_confidence: str | None) -> list[Found]:
    """leakward's findings in `tree`, without secrets: the report's redacted preview only."""
    with tempfile.TemporaryDirectory(prefix="leakward-fp-") as work:
        out = Path(work) / "report.json"
        cmd = [*leakward_exe(), "scan", ".", "--format", "json", "--output", str(out)]
        cmd += ["--no-ignore", "--no-progress"]
        if min_confidence:
            cmd += ["--min-confidence", min_confidence]
        proc = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1) or not out.exists():
            raise SystemExit(f"{tree}: leakward exit {proc.returncode}: {proc.stderr[-400:]}")
        report = json.loads(out.read_text(encoding="utf-8"))
    return [
        Found(tree.name, f["file"], int(f["line"]), f["rule_id"], f["redacted"])
        for f in report["findings"]
    ]


def tree_bytes(tree: Path) -> int:
    total = 0
    for dirpath, _, names in os.walk(tree):
        for name in names:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total


def read_expected(path: Path) -> dict[tuple[str, str, int, str], dict[str, str]]:
    if not path.exists():
        return {}
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    reader = csv.DictReader((r for r in rows if not r.startswith("#")), delimiter="\t")
    return {(r["tree"], r["path"], int(r["line"]), r["rule"]): r for r in reader}


def write_expected(
    path: Path,
    found: list[Found],
    known: dict[tuple[str, str, int, str], dict[str, str]],
    elsewhere: frozenset[tuple[str, str, int, str]] = frozenset(),
) -> None:
    """Rewrites `path` with every finding not classified in another file (`elsewhere`)."""
    header = _header_lines(path)
    scanned = {item.tree for item in found}
    found = [item for item in found if item.key not in elsewhere]
    others = [row for key, row in known.items() if key[0] not in scanned and key not in elsewhere]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(f"{line}\n" for line in header)
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for item in sorted(found, key=lambda f: f.key):
            row = known.get(item.key, {})
            writer.writerow(
                [*item.key, item.preview, row.get("credential", "?"), row.get("note", "")]
            )
        for row in others:
            writer.writerow([row[column] for column in COLUMNS])


def _header_lines(path: Path) -> list[str]:
    if not path.exists():
        return ["# tree\tversion"]
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


Known = dict[tuple[str, str, int, str], dict[str, str]]


def report(trees: list[Path], found: list[Found], known: Known) -> int:
    """Prints the per-tree table and the diff against the classification; returns new + gone."""
    sizes = {tree.name: tree_bytes(tree) for tree in trees}
    verdict = Counter[tuple[str, str]]()
    for item in found:
        verdict[(item.tree, known.get(item.key, {}).get("credential", "?"))] += 1
    print(f"{'tree':18}{'MB':>8}{'findings':>10}{'yes':>6}{'no':>6}{'?':>6}{'no/MB':>8}")
    total_mb = sum(sizes.values()) / 1e6
    for name, size in sizes.items():
        mb = size / 1e6
        yes, no, unknown = (verdict[(name, v)] for v in ("yes", "no", "?"))
        cells = f"{yes + no + unknown:>10}{yes:>6}{no:>6}{unknown:>6}"
        print(f"{name:18}{mb:>8.1f}{cells}{no / mb:>8.3f}")
    no_total = sum(n for (_, v), n in verdict.items() if v == "no")
    print(f"{'all':18}{total_mb:>8.1f}{len(found):>10}{'':>18}{no_total / total_mb:>8.3f}")
    print(f"goal: at most {GOAL_PER_MB} non-credential findings per MB")
    print("\nfindings (credential-shaped? from the classification file):")
    for item in sorted(found, key=lambda f: f.key):
        mark = known.get(item.key, {}).get("credential", "NEW")
        print(f"  {mark:4} {item.tree}/{item.path}:{item.line} {item.rule} {item.preview}")
    current = {item.key for item in found}
    names = {tree.name for tree in trees}
    gone = [key for key in known if key[0] in names and key not in current]
    for key in sorted(gone):
        print(f"  GONE {key[0]}/{key[1]}:{key[2]} {key[3]} ({known[key]['credential']})")
    new = [item for item in found if item.key not in known]
    return len(new) + len(gone)


def main() -> int:
    parser = argparse.ArgumentParser(description="Findings per MB on real code, classified.")
    parser.add_argument("trees", nargs="+", type=Path, help="source trees, one per project")
    parser.add_argument("--expected", type=Path, default=EXPECTED)
    parser.add_argument("--min-confidence", choices=("high", "medium", "low"), default=None)
    parser.add_argument("--update", action="store_true", help="rewrite the classification file")
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.trees]
    found = [item for tree in trees for item in scan_tree(tree, args.min_confidence)]
    known = read_expected(args.expected)
    if args.min_confidence == "low" and args.expected == EXPECTED:
        # The default tier's rows, then the low tier's own; --update writes only the latter.
        base = frozenset(known)
        known |= read_expected(LOW_EXPECTED)
        changed = report(trees, found, known)
        if args.update:
            write_expected(LOW_EXPECTED, found, known, elsewhere=base)
        return 1 if changed and not args.update else 0
    changed = report(trees, found, known)
    if args.update:
        write_expected(args.expected, found, known)
    return 1 if changed and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
