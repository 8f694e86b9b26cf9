"""Org sweep benchmarks against the fake GitHub API: an unchanged re-sweep, and worker scaling.

1. Re-sweep of an organisation of N (default 1,000) repositories with no new commits: every
   mirror is fetched, nothing is scanned. Target: under 60 s.
2. Throughput of a first sweep (clone and scan everything) with 2 local workers against 1.
   Target: 2 workers at least 1.8x as fast.

Run: .venv/bin/python bench/sweep.py [--repos 1000] [--scaling-repos 120] [--scaling-files 40]
Not part of the test suite; prints times and ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/registry.py shares its name with the registry package; run as a script, this folder
# comes first on sys.path and would shadow it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))  # the fake GitHub API lives in tests/

from leakward.sweep import SweepReport, run_local_sweep  # noqa: E402
from leakward.work_settings import WorkSettings  # noqa: E402
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


def org_of_copies(root: Path, fake: FakeOrgGitHub, count: int) -> None:
    template = root / "template"
    make_repo(template, files=5, file_bytes=2000, seed=1)
    for index in range(count):
        target = root / f"repo-{index:04d}"
        shutil.copytree(template, target, symlinks=True)
        fake.add_repo(f"repo-{index:04d}", str(target))


def timed_sweep(settings: WorkSettings, workers: int) -> tuple[float, SweepReport]:
    started = time.perf_counter()
    report = run_local_sweep("acme", settings, workers=workers)
    elapsed = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"{len(report.failed)} tasks failed, e.g. {report.failed[0]}")
    return elapsed, report


def resweep(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeOrgGitHub(page_size=100) as fake:
        root = Path(tmp)
        os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
        org_of_copies(root / "origins", fake, count)
        settings = WorkSettings(
            db_url=f"sqlite:///{root / 'registry.db'}",
            mirror_dir=root / "mirrors",
            api_url=fake.url,
            api_interval=0.0,
            rotate=False,
        )
        first, _ = timed_sweep(settings, 2)
        again, report = timed_sweep(settings, 2)
        unchanged = len(report.by_state("unchanged"))
        print(f"first sweep of {count} repositories: {first:.1f} s")
        print(
            f"re-sweep with no new commits: {again:.1f} s ({unchanged}/{count} unchanged, "
            f"{len(report.by_state('scanned'))} scanned); target < 60 s: "
            f"{'met' if again < 60 and unchanged == count else 'MISSED'}"
        )


def scaling(count: int, files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakeOrgGitHub(page_size=100) as fake:
        root = Path(tmp)
        os.environ["LEAKWARD_PEPPER_FILE"] = str(root / "pepper")
        for index in range(count):
            make_repo(root / "origins" / f"big-{index}", files, 40_000, seed=index)
            fake.add_repo(f"big-{index}", str(root / "origins" / f"big-{index}"))
        times = {}
        for workers in (1, 2):
            settings = WorkSettings(
                db_url=f"sqlite:///{root / f'registry-{workers}.db'}",
                mirror_dir=root / f"mirrors-{workers}",
                api_url=fake.url,
                api_interval=0.0,
                rotate=False,
                scan_logs=False,
            )
            times[workers], _ = timed_sweep(settings, workers)
            sys.stdout.flush()
            print(
                f"first sweep of {count} repositories ({files * 40} KB each), {workers} worker(s): "
                f"{times[workers]:.1f} s"
            )
        ratio = times[1] / times[2]
        print(
            f"2 workers vs 1: {ratio:.2f}x; target >= 1.8x: {'met' if ratio >= 1.8 else 'MISSED'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--scaling-repos", type=int, default=120)
    parser.add_argument("--scaling-files", type=int, default=40, help="40 KB files per repo")
    parser.add_argument("--skip-resweep", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args()
    if not args.skip_resweep:
        resweep(args.repos)
    if not args.skip_scaling:
        scaling(args.scaling_repos, args.scaling_files)


if __name__ == "__main__":
    main()
