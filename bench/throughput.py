"""Throughput of leakward against the peers on one input: MB/s, wall time, peak RSS, findings.

Stage: benchmarks only, never part of the test suite. Every tool scans the same PATH in the same
run, after one pass that pulls PATH into the page cache, so no tool pays for the disk and the others
not. Peak RSS comes from /usr/bin/time -v (or, without it, from getrusage in a fresh child per
tool). Ratios are against the fastest peer. A JSON copy of the table goes to bench/results/.

    python bench/throughput.py bench/corpus/tree
    python bench/throughput.py --git bench/corpus/history      # each repository below, all commits
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

from peers import Peer, ensure  # noqa: E402

TIME = Path("/usr/bin/time")
# Measures a child's peak RSS where /usr/bin/time is missing: a fresh interpreter per tool, so
# RUSAGE_CHILDREN holds that one command only.
_RUSAGE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
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


def measure(cmd: list[str], stdout_to: Path | None, cwd: Path) -> tuple[float, float, int]:
    """Run `cmd` in `cwd`; returns wall seconds, peak RSS in MB and the exit code."""
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
    kb = int(found.group(1)) if found else int((text.strip().splitlines() or ["0"])[-1] or 0)
    return seconds, kb / 1024, proc.returncode


def count_findings(tool: str, report: Path) -> int:
    if not report.exists() or not report.stat().st_size:
        return -1
    try:
        data = json.loads(report.read_text(encoding="utf-8", errors="replace"))
    except json.JSONDecodeError:
        # some peers write one JSON document per line in history mode
        return sum(1 for line in report.read_text().splitlines() if line.strip())
    if tool == "detect-secrets":
        return sum(len(rows) for rows in data.get("results", {}).values())
    if isinstance(data, dict):
        return len(data.get("findings", []))
    return len(data)


def run_tool(name: str, cmd: list[str], report: Path, to_stdout: bool, cwd: Path) -> Run:
    seconds, rss, code = measure(cmd, report if to_stdout else None, cwd)
    return Run(name, seconds, rss, count_findings(name, report), code)


def targets(path: Path, git: bool) -> list[Path]:
    if not git or (path / ".git").exists():
        return [path]
    return sorted(p.parent for p in path.glob("*/.git"))


def bench(path: Path, git: bool, tools: list[str], work: Path) -> tuple[list[Run], int]:
    repos = targets(path, git)
    size = sum(blob_bytes(r) for r in repos) if git else 0
    read = warm([r / ".git" for r in repos] if git else repos)
    size = size or read
    peers = {p.name: p for p in ensure()}
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
            )
        )
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
    peers = [r for r in runs if r.tool != "leakward" and r.seconds > 0]
    fastest = max(peers, key=lambda r: r.mb_per_s, default=None)
    head = ("tool", "MB/s", "wall s", "RSS MB", "findings", "exit")
    lines = [
        f"input: {size / 1e6:.1f} MB",
        "{:15} {:>8} {:>8} {:>8} {:>9} {:>5}  vs fastest peer".format(*head),
    ]
    for r in runs:
        if r.seconds <= 0:
            lines.append(f"{r.tool:15} {r.note}")
            continue
        ratio = ""
        if fastest:
            speed = r.mb_per_s / fastest.mb_per_s
            ratio = f"{speed:.2f}x speed, {r.peak_rss_mb / fastest.peak_rss_mb:.2f}x RSS"
        row = (r.tool, r.mb_per_s, r.seconds, r.peak_rss_mb, r.findings, r.exit_code, ratio)
        lines.append("{:15} {:8.1f} {:8.2f} {:8.0f} {:9d} {:5d}  {}".format(*row))
    if fastest:
        lines.append(f"fastest peer: {fastest.tool}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Throughput of leakward and the peers on PATH.")
    parser.add_argument("path", type=Path)
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
    try:
        runs, size = bench(args.path.resolve(), args.git, args.tools.split(","), work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(render(runs, size))
    loads = rules_load_seconds() if "leakward" in args.tools else {}
    if loads:
        print("leakward start-up: " + ", ".join(f"{k} {v:.2f} s" for k, v in loads.items()))
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    doc = {
        "path": str(args.path),
        "git": args.git,
        "bytes": size,
        "runs": [asdict(r) for r in runs],
        "startup": loads,
    }
    (results / f"throughput-{'git' if args.git else 'dir'}-{stamp}.json").write_text(
        json.dumps(doc, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
