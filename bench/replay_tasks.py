"""A history scan's worker tasks, recorded once and replayed in one process, for profiling.

`python bench/replay_tasks.py record REPO TASKS.pickle` runs `leakward scan REPO --git` as the
CLI does (default rules and settings) and keeps every task the workers were handed, with the
rule set and options, in TASKS.pickle.
`python bench/replay_tasks.py replay TASKS.pickle [--tasks N] [--runs R]` scans those tasks
(with `--tasks`, N of them spread evenly over the scan: its first tasks hold other families than its
last) again, one after another in this process, as a worker would, and prints the CPU seconds
(process time: best of `--runs`), the blobs and bytes scanned and a digest of the findings.

Worker CPU is what bounds a history scan on a busy pair of cores; replayed here, it can be
measured under callgrind (`valgrind --tool=callgrind python bench/replay_tasks.py replay ...`),
where instruction counts do not move with the neighbours, and a change's findings compared
with the digest (the same tasks, so the same blobs). The repository must not change between
record and replay: tasks name pack offsets.
A benchmark: it prints, it never fails.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import pickle
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from leakward.scanner import git_scan, scan
from leakward.scanner.git_blob_scan import scan_blobs


def record(repo: Path, out: Path) -> None:
    """Run the CLI's history scan with the task list kept on its way to the workers."""
    original = git_scan.scan_tasks

    def kept(tasks: Iterable[Any], ruleset: Any, options: Any, *rest: Any) -> Any:
        listed = list(tasks)
        out.write_bytes(pickle.dumps((listed, ruleset, options)))
        print(f"{len(listed)} tasks recorded in {out}", file=sys.stderr)
        return original(listed, ruleset, options, *rest)

    git_scan.scan_tasks = kept
    from leakward.cli.main import main

    sys.argv = ["leakward", "scan", str(repo), "--git", "--format", "json", "--output", "/dev/null"]
    with contextlib.suppress(SystemExit):  # the scan's exit code: 1 when it found secrets
        main()


def replay(tasks_file: Path, count: int | None, runs: int) -> None:
    # A file `record` wrote on this machine, not input from elsewhere.
    tasks, ruleset, options = pickle.loads(tasks_file.read_bytes())  # noqa: S301
    if count:
        tasks = [tasks[n * len(tasks) // count] for n in range(min(count, len(tasks)))]
    scan._WORKER.current = (ruleset, options)
    scan.worker_matcher()  # built before the clock starts, as the workers inherit it
    best = float("inf")
    digest = ""
    for _ in range(runs):
        started = time.process_time()
        found: dict[str, list[str]] = {}
        files = size = 0
        for task in tasks:
            result = scan_blobs(task)
            files += result.tally.files
            size += result.tally.bytes
            for oid, findings in result.findings.items():
                found[oid] = sorted(json.dumps(repr(f), sort_keys=True) for f in findings)
        best = min(best, time.process_time() - started)
        digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()[:16]
    total = sum(len(v) for v in found.values())
    print(
        f"{len(tasks)} tasks, {files} blobs, {size / 1e6:.1f} MB: {best:.2f} CPU s; "
        f"{total} findings in {len(found)} blobs, digest {digest}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("repo", type=Path)
    rec.add_argument("out", type=Path)
    rep = sub.add_parser("replay")
    rep.add_argument("tasks", type=Path)
    rep.add_argument("--tasks", dest="count", type=int, default=None)
    rep.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if args.mode == "record":
        record(args.repo, args.out)
    else:
        replay(args.tasks, args.count, args.runs)


if __name__ == "__main__":
    main()
