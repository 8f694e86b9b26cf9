"""Org sweep benchmarks against the fake GitHub API: an unchanged re-sweep, and worker scaling.

1. Re-sweep of an organisation of N (default 1,000) repositories with no new commits, last
   pushed a day before the first sweep: the listing's `pushed_at` shows no push since each
   mirror's last fetch, so no mirror is fetched and nothing is scanned; each repository's
   Actions runs are still asked for. Target: under 60 s.
2. Throughput of a first sweep (clone and scan everything) with 2 local workers against 1.
   Target: 2 workers at least 1.8x as fast.

Run: .venv/bin/python bench/sweep.py [--repos 1000] [--scaling-repos 120] [--scaling-files 40]
    [--rounds 3]
Not part of the test suite; prints times, ratios and the CPU seconds each sweep used (this
process and its workers, git included), which a busy machine distorts less than wall time.

The scaling benchmark runs `--rounds` pairs of sweeps, alternating which goes first, and says
for each sweep how many cores the sweep itself kept busy and how many everything else on the
machine took meanwhile (from /proc/stat): on a shared machine the 2-worker sweep competes with
other work for both cores while the 1-worker sweep leaves one free, which pulls the wall ratio
down however well the workers scale. The ratio is given of the medians and of the fastest
sweeps (the least disturbed); neither is adjusted for the load.

The fake API runs in a process of its own, as GitHub would: a server thread inside the sweeping
process would make it multi-threaded, which `leakward sweep` is not (and which decides how its
workers start; see leakward/queues/local.py).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# bench/registry.py shares its name with the registry package; run as a script, this folder
# comes first on sys.path and would shadow it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))  # the fake GitHub API lives in tests/

from leakward.registry import Registry  # noqa: E402
from leakward.settings.work import WorkSettings  # noqa: E402
from leakward.sweep.org import SweepReport, run_local_sweep  # noqa: E402
from tests.sweep.fake_org import FakeOrgGitHub, set_pushed_at  # noqa: E402

_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.test",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.test",
}


def make_repo(path: Path, files: int, file_bytes: int, seed: int) -> None:
    """A one-commit repository of random text files (no secrets)."""
    chooser = random.Random(seed)
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=_GIT_ENV)
    alphabet = string.ascii_letters + string.digits + " \n=_-.:/"
    for index in range(files):
        text = "".join(chooser.choices(alphabet, k=file_bytes))
        (path / f"src/module_{index}.py").parent.mkdir(exist_ok=True)
        (path / f"src/module_{index}.py").write_text(text)
    subprocess.run(["git", "-C", str(path), "add", "-A"], check=True, env=_GIT_ENV)
    subprocess.run(
        ["git", "-C", str(path), "commit", "-q", "-m", "initial"], check=True, env=_GIT_ENV
    )


def org_of_copies(root: Path, count: int) -> None:
    template = root.parent / "template"
    make_repo(template, files=5, file_bytes=2000, seed=1)
    # Quiet repositories: their last push (which the fake API reads off the refs' times, kept
    # by copytree) is a day old, as in an organisation re-swept on a schedule.
    set_pushed_at(template, datetime.now(UTC) - timedelta(days=1))
    for index in range(count):
        shutil.copytree(template, root / f"repo-{index:04d}", symlinks=True)


@contextmanager
def fake_org_process(origins: Path) -> Iterator[str]:
    """The fake API in its own process, listing every repository under `origins`; yields its URL."""
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve-fake-org", str(origins)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if server.stdin is None or server.stdout is None:
        raise RuntimeError("the fake API's pipes did not open")
    try:
        yield server.stdout.readline().strip()
    finally:
        server.stdin.close()  # its signal to stop
        server.wait(timeout=30)


def serve_fake_org(origins: Path) -> None:
    with FakeOrgGitHub(page_size=100) as fake:
        for path in sorted(origins.iterdir()):
            fake.add_repo(path.name, str(path))
        print(fake.url, flush=True)
        sys.stdin.read()


def cpu_seconds() -> float:
    """CPU used so far by this process and its finished children (workers and their git)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (0 where /proc/stat is absent)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait are busy.
    busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Timed:
    """One sweep's wall and CPU seconds, and the CPU the rest of the machine used meanwhile."""

    wall: float
    cpu: float
    others: float
    report: SweepReport

    def describe(self) -> str:
        return (
            f"{self.wall:.1f} s, {self.cpu:.1f} CPU s ({self.cpu / self.wall:.2f} cores busy "
            f"with the sweep, {self.others / self.wall:.2f} with other work)"
        )


def timed_sweep(settings: WorkSettings, workers: int) -> Timed:
    """Wall and CPU seconds of one sweep, and its report. The registry's schema is made first,
    untimed: that happens once per installation, not once per sweep."""
    Registry.open(settings.db_url).close()
    started, cpu, busy = time.perf_counter(), cpu_seconds(), machine_busy_seconds()
    report = run_local_sweep("acme", settings, workers=workers)
    elapsed, used = time.perf_counter() - started, cpu_seconds() - cpu
    # The fake API's process is "other work" here; it only lists, a few requests per sweep.
    others = max(machine_busy_seconds() - busy - used, 0.0)
    if report.failed:
        raise SystemExit(f"{len(report.failed)} tasks failed, e.g. {report.failed[0]}")
    return Timed(elapsed, used, others, report)


def resweep(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
        org_of_copies(root / "origins", count)
        with fake_org_process(root / "origins") as api_url:
            settings = WorkSettings(
                db_url=f"sqlite:///{root / 'registry.db'}",
                mirror_dir=root / "mirrors",
                api_url=api_url,
                api_interval=0.0,
                rotate=False,
            )
            first = timed_sweep(settings, 2).wall
            timed = timed_sweep(settings, 2)
            again, cpu, report = timed.wall, timed.cpu, timed.report
        unchanged = len(report.by_state("unchanged"))
        fetched = sum(t.summary.get("fetched") is True for t in report.by_state("unchanged"))
        print(f"first sweep of {count} repositories: {first:.1f} s")
        print(
            f"re-sweep with no new commits: {again:.1f} s, {cpu:.1f} CPU s ({unchanged}/{count} "
            f"unchanged, {fetched} of them fetched, {len(report.by_state('scanned'))} scanned); "
            "target < 60 s: "
            f"{'met' if again < 60 and unchanged == count else 'MISSED'}"
        )


def scaling(count: int, files: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
        for index in range(count):
            make_repo(root / "origins" / f"big-{index}", files, 40_000, seed=index)
        runs: dict[int, list[Timed]] = {1: [], 2: []}
        with fake_org_process(root / "origins") as api_url:
            for round_ in range(rounds):
                for workers in (1, 2) if round_ % 2 == 0 else (2, 1):
                    run = root / f"run-{round_}-{workers}"
                    settings = WorkSettings(
                        db_url=f"sqlite:///{run / 'registry.db'}",
                        mirror_dir=run / "mirrors",
                        api_url=api_url,
                        api_interval=0.0,
                        rotate=False,
                        scan_logs=False,
                    )
                    run.mkdir()
                    # Every sweep is a first sweep (its own run folder: clone and scan all).
                    # Earlier runs are deleted only at the end: deleting one (thousands of files)
                    # just before the next sweep made each file that sweep created cost more
                    # CPU (ext4 without a journal passes over recently freed inodes one by one),
                    # and the first sweep, always a 1-worker one, was the only one spared.
                    timed = timed_sweep(settings, workers)
                    runs[workers].append(timed)
                    print(
                        f"first sweep of {count} repositories ({files * 40} KB each), "
                        f"{workers} worker(s): {timed.describe()}",
                        flush=True,
                    )
        median = {w: statistics.median(t.wall for t in runs[w]) for w in runs}
        best = {w: min(t.wall for t in runs[w]) for w in runs}
        ratio = median[1] / median[2]
        print(
            f"2 workers vs 1 ({rounds} round(s)): {ratio:.2f}x of the medians, "
            f"{best[1] / best[2]:.2f}x of the fastest; target >= 1.8x: "
            f"{'met' if ratio >= 1.8 else 'MISSED'}"
        )
        # What two otherwise idle cores would give: the one-worker sweep's CPU against the
        # two-worker sweep's spread over both cores (start-up and any extra work included).
        cpu = {w: statistics.median(t.cpu for t in runs[w]) for w in runs}
        print(f"CPU bound on 2 idle cores: {2 * cpu[1] / cpu[2]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--scaling-repos", type=int, default=120)
    parser.add_argument("--scaling-files", type=int, default=40, help="40 KB files per repo")
    parser.add_argument("--rounds", type=int, default=1, help="pairs of scaling sweeps")
    parser.add_argument("--skip-resweep", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--serve-fake-org", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake_org:
        serve_fake_org(args.serve_fake_org)
        return
    if not args.skip_resweep:
        resweep(args.repos)
    if not args.skip_scaling:
        scaling(args.scaling_repos, args.scaling_files, max(args.rounds, 1))


if __name__ == "__main__":
    main()
