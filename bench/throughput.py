"""Throughput of leakward against the peers: MB/s, wall time, CPU time, peak RSS, findings.

Stage: benchmarks only, never part of the test suite. Every tool scans the same PATH in the same
run, after one pass that pulls PATH into the page cache, so no tool pays for the disk and the others
not. CPU time (user + system, the tool's child processes included) and peak RSS come from
/usr/bin/time -v (or, without it, from getrusage in a fresh child per tool); on a shared machine
CPU is the figure to compare. Ratios are against the fastest peer. With --git, the read floor is
timed too: `git cat-file --batch-all-objects --batch --unordered` streaming every object once.
leakward's compiled-rule cache is filled first, untimed (see compile_rules). Several PATHs are
raced one after the other, each with its own table. A JSON copy of the tables
goes to bench/results/.

    python bench/throughput.py bench/corpus/tree
    python bench/throughput.py --git bench/corpus/history      # each repository below, all commits
    python bench/throughput.py --git ../bench-rails/rails ../bench-history/symfony
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from peers import PEER_NAMES, Peer, ensure, locate  # noqa: E402

TIME = Path("/usr/bin/time")
# Measures a child's peak RSS where /usr/bin/time is missing: a fresh interpreter per tool, so
# RUSAGE_CHILDREN holds that one command only.
_RUSAGE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(r.ru_utime + r.ru_stime, r.ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


@dataclass(slots=True)
class Run:
    tool: str
    seconds: float
    peak_rss_mb: float
    findings: int
    exit_code: int
    mb_per_s: float = 0.0
    note: str = ""
    cpu_seconds: float = 0.0
    # Items as the tool reported them; `findings` counts distinct (rule, secret) pairs.
    reported: int = 0


def leakward_exe() -> list[str]:
    exe = REPO / ".venv" / "bin" / "leakward"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "leakward"]


def leakward_scan_help() -> str:
    return subprocess.run(
        [*leakward_exe(), "scan", "--help"], capture_output=True, text=True, check=False
    ).stdout


def leakward_has_git() -> bool:
    # a line of its own: "--gitleaks-config" must not count
    return re.search(r"^\s*--git\s", leakward_scan_help(), re.MULTILINE) is not None


def leakward_command(target: Path, out: Path, git: bool) -> list[str]:
    cmd = [*leakward_exe(), "scan", str(target), "--format", "json", "--output", str(out)]
    if not git and "--no-ignore" in leakward_scan_help():
        # bench/corpus is gitignored in this checkout and the peers read ignored files too
        cmd.append("--no-ignore")
    return [*cmd, "--git"] if git else cmd


def compile_rules(work: Path) -> None:
    """Fill leakward's compiled-rule cache with an untimed scan of one line: the first scan
    after an install or a rule change compiles the Hyperscan database (6.8 CPU s here), a cost
    paid once per version, not per scan, and the peers have no such cache to fill."""
    sample = work / "compile-rules.txt"
    sample.write_text("nothing to find here\n", encoding="utf-8")
    out = work / "compile-rules.json"
    subprocess.run(leakward_command(sample, out, False), capture_output=True, check=False)


def warm(paths: list[Path]) -> int:
    """Read every file once so the page cache holds them; returns the bytes read."""
    total = 0
    for root in paths:
        for dirpath, _, names in os.walk(root):
            for name in names:
                path = os.path.join(dirpath, name)
                if os.path.islink(path):
                    continue
                try:
                    with open(path, "rb") as fh:
                        while chunk := fh.read(1 << 20):
                            total += len(chunk)
                except OSError:
                    continue
    return total


def blob_bytes(repo: Path) -> int:
    """Bytes of unique blobs in `repo`'s object store: what a history scan must at least read."""
    check = "--batch-check=%(objecttype) %(objectsize)"
    out = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-all-objects", check],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(
        int(size) for kind, size in (line.split() for line in out.splitlines()) if kind == "blob"
    )


def measure(cmd: list[str], stdout_to: Path | None, cwd: Path) -> tuple[float, float, float, int]:
    """Run `cmd` in `cwd`; returns wall seconds, CPU seconds, peak RSS in MB and the exit code."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        if TIME.exists():
            wrapped = [str(TIME), "-v", "-o", stats.name, *cmd]
        else:
            wrapped = [sys.executable, "-c", _RUSAGE, *cmd]
        sink = open(stdout_to, "wb") if stdout_to else subprocess.DEVNULL  # noqa: SIM115
        start = time.perf_counter()
        proc = subprocess.run(wrapped, stdout=sink, stderr=subprocess.PIPE, cwd=cwd, check=False)
        seconds = time.perf_counter() - start
        if stdout_to:
            sink.close()  # type: ignore[union-attr]
        text = stats.read() if TIME.exists() else proc.stderr.decode(errors="replace")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if found:
        kb = int(found.group(1))
        cpu = sum(float(v) for v in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    else:
        cpu_text, _, kb_text = ((text.strip().splitlines() or ["0 0"])[-1]).partition(" ")
        cpu, kb = float(cpu_text or 0), int(kb_text or 0)
    return seconds, cpu, kb / 1024, proc.returncode


def _pair(item: object) -> tuple[str, str] | None:
    """(rule, secret) of one reported item, in whichever of the peers' shapes it comes: betterleaks
    2 (`rule_id`, `match.value`), gitleaks (`RuleID`, `Secret`), Kingfisher (`rule.id`,
    `finding.snippet`). None for leakward's items, which are one per (rule, secret) already."""
    if not isinstance(item, dict):
        return None
    if "RuleID" in item:
        return str(item["RuleID"]), str(item.get("Secret"))
    match, rule, finding = item.get("match"), item.get("rule"), item.get("finding")
    if "rule_id" in item and isinstance(match, dict):
        return str(item["rule_id"]), str(match.get("value"))
    if isinstance(rule, dict) and isinstance(finding, dict):
        return str(rule.get("id")), str(finding.get("snippet"))
    return None


def count_findings(tool: str, report: Path) -> tuple[int, int]:
    """Distinct (rule, secret) pairs, and the items as the tool reported them (-1, -1: no report).

    leakward and Kingfisher report a secret once with all its places; betterleaks and gitleaks
    once per commit, file and line: on symfony's history 404 items of betterleaks were 236 pairs,
    so only the first figure compares across tools."""
    if not report.exists() or not report.stat().st_size:
        return -1, -1
    try:
        data = json.loads(report.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError:
        # some peers write one JSON document per line in history mode
        data = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    if tool == "detect-secrets":
        rows = [row for rows in data.get("results", {}).values() for row in rows]
        return len({(r.get("type"), r.get("hashed_secret")) for r in rows}), len(rows)
    items = data.get("findings", []) if isinstance(data, dict) else data
    pairs = [_pair(item) for item in items]
    if any(pair is None for pair in pairs):
        return len(items), len(items)
    return len(set(pairs)), len(items)


def run_tool(name: str, cmd: list[str], report: Path, to_stdout: bool, cwd: Path) -> Run:
    seconds, cpu, rss, code = measure(cmd, report if to_stdout else None, cwd)
    findings, reported = count_findings(name, report)
    return Run(name, seconds, rss, findings, code, cpu_seconds=cpu, reported=reported)


def read_floor(repos: list[Path], size: int) -> Run:
    """Every object of each repository streamed once by git itself: what no scan can beat."""
    floor = Run("cat-file floor", 0.0, 0.0, 0, 0)
    for repo in repos:
        cmd = ["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch", "--unordered"]
        seconds, cpu, rss, code = measure(cmd, Path(os.devnull), repo)
        floor.seconds += seconds
        floor.cpu_seconds += cpu
        floor.peak_rss_mb = max(floor.peak_rss_mb, rss)
        floor.exit_code = max(floor.exit_code, code)
    floor.mb_per_s = size / 1e6 / floor.seconds if floor.seconds else 0.0
    floor.note = "reference, not a peer"
    return floor


def targets(path: Path, git: bool) -> list[Path]:
    if not git or (path / ".git").exists():
        return [path]
    return sorted(p.parent for p in path.glob("*/.git"))


def bench(path: Path, git: bool, tools: list[str], work: Path) -> tuple[list[Run], int]:
    repos = targets(path, git)
    size = sum(blob_bytes(r) for r in repos) if git else 0
    read = warm([r / ".git" for r in repos] if git else repos)
    size = size or read
    # Only a peer that was asked for and is missing sends pip to the registry.
    peers = {p.name: p for p in locate()}
    if any(name not in peers for name in tools if name in PEER_NAMES):
        peers = {p.name: p for p in ensure()}
    if "leakward" in tools:
        compile_rules(work)
    runs: list[Run] = []
    for name in tools:
        per_target: list[Run] = []
        for i, target in enumerate(repos):
            report = work / f"{name}-{i}.json"
            # Each tool runs inside the target and is handed "." for a directory: detect-secrets
            # otherwise resolves paths against the enclosing git checkout and skips the target.
            arg = target if git else Path(".")
            if name == "leakward":
                if git and not leakward_has_git():
                    break
                cmd = leakward_command(arg, report, git)
                per_target.append(run_tool(name, cmd, report, False, target))
                continue
            peer: Peer | None = peers.get(name)
            if peer is None:
                break
            peer_cmd = peer.git_command(arg, report) if git else peer.dir_command(arg, report)
            if peer_cmd is None:
                break
            per_target.append(run_tool(name, peer_cmd, report, peer.to_stdout, target))
        if not per_target:
            runs.append(Run(name, 0.0, 0.0, -1, -1, note="not available in this mode"))
            continue
        seconds = sum(r.seconds for r in per_target)
        runs.append(
            Run(
                name,
                seconds,
                max(r.peak_rss_mb for r in per_target),
                sum(r.findings for r in per_target),
                max(r.exit_code for r in per_target),
                size / 1e6 / seconds if seconds else 0.0,
                cpu_seconds=sum(r.cpu_seconds for r in per_target),
                reported=sum(r.reported for r in per_target),
            )
        )
    if git:
        runs.append(read_floor(repos, size))
    return runs, size


def rules_load_seconds() -> dict[str, float]:
    """Wall time of `leakward rules list`, cold (first) and with the rule database cached."""
    times = {}
    for label in ("first", "cached"):
        start = time.perf_counter()
        proc = subprocess.run([*leakward_exe(), "rules", "list"], capture_output=True, check=False)
        times[label] = time.perf_counter() - start if proc.returncode == 0 else -1.0
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import leakward.cli.main"], capture_output=True, check=False
    )
    times["import leakward.cli.main"] = time.perf_counter() - start
    return times


def render(runs: list[Run], size: int) -> str:
    peers = [r for r in runs if r.tool not in ("leakward", "cat-file floor") and r.seconds > 0]
    fastest = max(peers, key=lambda r: r.mb_per_s, default=None)
    head = ("tool", "MB/s", "wall s", "CPU s", "RSS MB", "secrets", "reported", "exit")
    lines = [
        f"input: {size / 1e6:.1f} MB; secrets: distinct (rule, secret) pairs, comparable across "
        "tools; reported: the tool's own items (per place for betterleaks and gitleaks)",
        "{:15} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>5}  vs fastest peer".format(*head),
    ]
    for r in runs:
        if r.seconds <= 0:
            lines.append(f"{r.tool:15} {r.note}")
            continue
        ratio = ""
        if fastest:
            # Above 1 is better for speed; below 1 is better for CPU and RSS.
            speed = r.mb_per_s / fastest.mb_per_s
            cpu = r.cpu_seconds / fastest.cpu_seconds if fastest.cpu_seconds else 0.0
            rss = r.peak_rss_mb / fastest.peak_rss_mb if fastest.peak_rss_mb else 0.0
            ratio = f"{speed:.2f}x speed, {cpu:.2f}x CPU, {rss:.2f}x RSS"
        row = (r.tool, r.mb_per_s, r.seconds, r.cpu_seconds, r.peak_rss_mb, r.findings)
        lines.append(
            "{:15} {:8.1f} {:8.2f} {:8.2f} {:8.0f} {:8d} {:8d} {:5d}  {}".format(
                *row, r.reported, r.exit_code, ratio
            )
        )
    if fastest:
        lines.append(f"fastest peer: {fastest.tool}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Throughput of leakward and the peers on PATH.")
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    parser.add_argument(
        "--git",
        action="store_true",
        help="scan the history of PATH (or of each repository below it)",
    )
    parser.add_argument(
        "--tools", default="leakward,kingfisher,betterleaks,gitleaks,detect-secrets"
    )
    parser.add_argument("--keep", type=Path, help="keep every tool's report in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="leakward-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    tables: list[dict[str, object]] = []
    try:
        for n, path in enumerate(args.paths):
            place = work / str(n)
            place.mkdir(parents=True, exist_ok=True)
            runs, size = bench(path.resolve(), args.git, args.tools.split(","), place)
            print(f"== {path}")
            print(render(runs, size), flush=True)
            tables.append({"path": str(path), "bytes": size, "runs": [asdict(r) for r in runs]})
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    loads = rules_load_seconds() if "leakward" in args.tools else {}
    if loads:
        print("leakward start-up: " + ", ".join(f"{k} {v:.2f} s" for k, v in loads.items()))
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    doc = {"git": args.git, "tables": tables, "startup": loads}
    (results / f"throughput-{'git' if args.git else 'dir'}-{stamp}.json").write_text(
        json.dumps(doc, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
