"""Org sweep benchmarks against the fake GitHub API: an unchanged re-sweep, and worker scaling.

1. Re-sweep of an organisation of N (default 1,000) repositories with no new commits: every
   mirror is fetched, nothing is scanned. Target: under 60 s.
2. Throughput of a first sweep (clone and scan everything) with 2 local workers against 1.
   Target: 2 workers at least 1.8x as fast.

Run: .venv/bin/python bench/sweep.py [--repos 1000] [--scaling-repos 120] [--scaling-files 40]
Not part of the test suite; prints times, ratios and the CPU seconds each sweep used (this
process and its workers, git included), which a busy machine distorts less than wall time.

The fake API runs in a process of its own, as GitHub would: a server thread inside the sweeping
process would make it multi-threaded, which `leakward sweep` is not (and which decides how its
workers start; see leakward/task_queue.py).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# bench/registry.py shares its name with the registry package; run as a script, this folder
# comes first on sys.path and would shadow it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))  # the fake GitHub API lives in tests/

from leakward.sweep import SweepReport, run_local_sweep  # noqa: E402
from leakward.work_settings import WorkSettings  # noqa: E402
from registry import Registry  # noqa: E402
from tests.sweep.fake_org import FakeOrgGitHub  # noqa: E402

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


def timed_sweep(settings: WorkSettings, workers: int) -> tuple[float, float, SweepReport]:
    """Wall and CPU seconds of one sweep, and its report. The registry's schema is made first,
    untimed: that happens once per installation, not once per sweep."""
    Registry.open(settings.db_url).close()
    started, cpu = time.perf_counter(), cpu_seconds()
    report = run_local_sweep("acme", settings, workers=workers)
    elapsed, used = time.perf_counter() - started, cpu_seconds() - cpu
    if report.failed:
        raise SystemExit(f"{len(report.failed)} tasks failed, e.g. {report.failed[0]}")
    return elapsed, used, report


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
            first, _, _ = timed_sweep(settings, 2)
            again, cpu, report = timed_sweep(settings, 2)
        unchanged = len(report.by_state("unchanged"))
        print(f"first sweep of {count} repositories: {first:.1f} s")
        print(
            f"re-sweep with no new commits: {again:.1f} s, {cpu:.1f} CPU s ({unchanged}/{count} "
            f"unchanged, {len(report.by_state('scanned'))} scanned); target < 60 s: "
            f"{'met' if again < 60 and unchanged == count else 'MISSED'}"
        )


def scaling(count: int, files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
        for index in range(count):
            make_repo(root / "origins" / f"big-{index}", files, 40_000, seed=index)
        times, cpus = {}, {}
        with fake_org_process(root / "origins") as api_url:
            for workers in (1, 2):
                settings = WorkSettings(
                    db_url=f"sqlite:///{root / f'registry-{workers}.db'}",
                    mirror_dir=root / f"mirrors-{workers}",
                    api_url=api_url,
                    api_interval=0.0,
                    rotate=False,
                    scan_logs=False,
                )
                times[workers], cpus[workers], _ = timed_sweep(settings, workers)
                print(
                    f"first sweep of {count} repositories ({files * 40} KB each), "
                    f"{workers} worker(s): {times[workers]:.1f} s, {cpus[workers]:.1f} CPU s",
                    flush=True,
                )
        ratio = times[1] / times[2]
        print(
            f"2 workers vs 1: {ratio:.2f}x; target >= 1.8x: {'met' if ratio >= 1.8 else 'MISSED'}"
        )
        # What two otherwise idle cores would give: the one-worker sweep's CPU against the
        # two-worker sweep's spread over both cores (start-up and any extra work included).
        print(f"CPU bound on 2 idle cores: {2 * cpus[1] / cpus[2]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--scaling-repos", type=int, default=120)
    parser.add_argument("--scaling-files", type=int, default=40, help="40 KB files per repo")
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
        scaling(args.scaling_repos, args.scaling_files)


if __name__ == "__main__":
    main()
