"""Recall on Plazmaz/leaky-repo, scored the way its own `.leaky-meta` benchmark scores tools.

Stage: benchmarks only. leaky-repo is a public repository of realistic leaked files (dotfiles,
FTP/SFTP configs, cloud credential files, web app configs). Its `.leaky-meta/secrets.csv` gives,
per file, how many *lines* hold a risk and how many hold informative data; several secrets on
one line count once. Its `benchmark.py` scores a tool per file: found = what the tool reports in
that file, expected = risk + informative, false positives = found beyond expected, recall = the
rest over all expected (175). We count found as distinct reported lines (the CSV's unit), so a
tool reporting one line under two rules is not paid twice. Findings in files the CSV does not
list (LICENSE, README.md, …) are false positives too; `.leaky-meta/` is the benchmark's own
tooling and is left out of the scan.

    git clone --bare https://github.com/Plazmaz/leaky-repo bench/corpus/leaky-repo.git
    python bench/recall_leaky_repo.py bench/corpus/leaky-repo.git [--tools leakward] [--lines]

`--min-confidence low` (or high) scans leakward at that tier instead of the default (medium);
the tool then shows as `leakward@low`.

PATH may be a bare git dir or a clone; HEAD is checked out into a temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from detection import leakward_command, run_leakward, run_peer  # noqa: E402
from peers import locate  # noqa: E402

from tests.corpus import scoring  # noqa: E402

META = ".leaky-meta"
TOOLS = "leakward,betterleaks,gitleaks,kingfisher,detect-secrets"


@dataclass(frozen=True, slots=True)
class Expected:
    risk: int
    informative: int

    @property
    def lines(self) -> int:
        return self.risk + self.informative


@dataclass(slots=True)
class ToolScore:
    tool: str
    found_lines: dict[str, set[int]] = field(default_factory=dict)  # file -> reported lines
    generic_lines: dict[str, set[int]] = field(default_factory=dict)  # lines only generic rules hit

    def found(self, path: str, expected: Expected | None) -> int:
        want = expected.lines if expected else 0
        return min(len(self.found_lines.get(path, ())), want)

    def false_positives(self, path: str, expected: Expected | None) -> int:
        want = expected.lines if expected else 0
        return max(len(self.found_lines.get(path, ())) - want, 0)


def checkout(git_dir: Path, dest: Path) -> None:
    """HEAD's files into `dest`, without the benchmark's own `.leaky-meta` tooling."""
    subprocess.run(
        ["git", f"--git-dir={git_dir}", f"--work-tree={dest}", "checkout", "HEAD", "--", "."],
        check=True,
        capture_output=True,
    )


def read_expected(git_dir: Path) -> dict[str, Expected]:
    """`.leaky-meta/secrets.csv`: `name,num_risk,num_informative`, `#` comments, blank lines."""
    text = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{META}/secrets.csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {row[0]: Expected(int(row[1]), int(row[2])) for row in csv.reader(rows)}


def tally(tool: str, hits: list[scoring.Hit]) -> ToolScore:
    result = ToolScore(tool)
    by_line: dict[tuple[str, int], set[str]] = defaultdict(set)
    for hit in hits:
        if hit.line is not None and not hit.file.startswith(META + "/"):
            by_line[(hit.file, hit.line)].add(hit.rule)
    for (path, line), rules in by_line.items():
        result.found_lines.setdefault(path, set()).add(line)
        # leakward's `generic.*` and the peers' `generic-api-key` alike: no provider named
        if all(rule.lower().startswith("generic") for rule in rules):
            result.generic_lines.setdefault(path, set()).add(line)
    return result


def run_leakward_at(root: Path, work: Path, min_confidence: str) -> object | None:
    """leakward's report with only rules at least `min_confidence` sure."""
    out = work / f"leakward-{min_confidence}.json"
    cmd = [*leakward_command(Path("."), out), "--min-confidence", min_confidence]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    if not out.exists() or proc.returncode not in (0, 1):
        print(f"leakward: no report (exit {proc.returncode}): {proc.stderr.strip()[-400:]}")
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def scan_all(root: Path, wanted: list[str], min_confidence: str | None = None) -> list[ToolScore]:
    work = Path(tempfile.mkdtemp(prefix="leakward-leaky-"))
    installed = {p.name: p for p in locate()}
    scores = []
    try:
        for name in wanted:
            if name == "leakward" and min_confidence:
                report = run_leakward_at(root, work, min_confidence)
                if report is not None:
                    hits = scoring.PARSERS[name](report, root)
                    scores.append(tally(f"leakward@{min_confidence}", hits))
                continue
            if name == "leakward":
                report = run_leakward(root, work)
            elif name in installed:
                report = run_peer(installed[name], root, work)
            else:
                print(f"{name}: not installed (python bench/peers.py)")
                continue
            if report is not None:
                scores.append(tally(name, scoring.PARSERS[name](report, root)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return scores


def print_table(scores: list[ToolScore], expected: dict[str, Expected]) -> None:
    files = sorted(set(expected) | {f for s in scores for f in s.found_lines})
    width = max(len(f) for f in files) + 2
    print(f"{'file':{width}}{'want':>5} " + "".join(f"{s.tool[:14]:>16}" for s in scores))
    for path in files:
        want = expected.get(path)
        cells = "".join(
            f"{s.found(path, want):>12}/{s.false_positives(path, want):<3}" for s in scores
        )
        print(f"{path:{width}}{want.lines if want else 0:>5} {cells}")
    total = sum(e.lines for e in expected.values())
    print(f"\n{'tool':16}{'found':>8}{'of':>5}{'recall':>9}{'FP':>5}{'generic-only lines':>20}")
    for s in scores:
        found = sum(s.found(p, expected.get(p)) for p in files)
        fps = sum(s.false_positives(p, expected.get(p)) for p in files)
        generic = sum(len(v) for v in s.generic_lines.values())
        print(f"{s.tool:16}{found:>8}{total:>5}{found / total:>9.1%}{fps:>5}{generic:>20}")


def print_lines(scores: list[ToolScore]) -> None:
    for s in scores:
        print(f"\n{s.tool}: reported lines per file")
        for path in sorted(s.found_lines):
            lines = ", ".join(str(n) for n in sorted(s.found_lines[path]))
            print(f"  {path}: {lines}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Recall on Plazmaz/leaky-repo, per file.")
    parser.add_argument("git_dir", type=Path, help="leaky-repo's git dir (bare) or a clone")
    parser.add_argument("--tools", default=TOOLS)
    parser.add_argument("--lines", action="store_true", help="list each tool's reported lines")
    parser.add_argument(
        "--min-confidence", choices=("high", "medium", "low"), help="leakward's rule tier"
    )
    args = parser.parse_args()
    git_dir = args.git_dir.resolve()
    if (git_dir / ".git").is_dir():
        git_dir = git_dir / ".git"
    expected = read_expected(git_dir)
    root = Path(tempfile.mkdtemp(prefix="leaky-repo-"))
    try:
        checkout(git_dir, root)
        shutil.rmtree(root / META)
        scores = scan_all(root, args.tools.split(","), args.min_confidence)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("cells: found lines (capped at expected) / false positives (lines beyond expected)")
    print_table(scores, expected)
    if args.lines:
        print_lines(scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
