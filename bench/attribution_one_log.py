"""Whether one unfiltered `git log -c --raw` could do the work of two git walks of a history scan.

A history scan reads every tree of the history twice: the walk naming the blobs
(`rev-list --objects`, sources.git_walk) and, once something was found, attribution's log diffing
every commit against its parents (sources.git_introductions). Each blob of the history is put in
place by some commit, so a log of every change (no `--find-object`, written to a file beside the
scan) names every blob the walk names, and after the scan gives the introductions of the blobs
with findings without a second read of the trees.

    python -m bench.attribution_one_log ../bench-hist/symfony report.json [--rounds 2]

`report.json` is a `leakward scan --git --format json` report of the same repository: the blobs
with findings are read from its locations. Each round runs today's pair (walk, then attribution
over two cores) and the one log, alternating, and prints their CPU and wall seconds; then checks
that both give the same introductions and the same blobs, and counts the blobs named with
another path (the walk names a blob where it first met it, the log where it was last put).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from leakward.scanner.git_attribution import introductions_of
from leakward.scanner.git_phases import Phases
from leakward.scanner.git_tasks import named_paths
from leakward.scanner.sources import git_introductions
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_ids import ZERO_OID
from leakward.scanner.sources.git_introductions import Introduction
from leakward.scanner.sources.git_order import CommitOrder
from leakward.scanner.sources.git_walk import ReachableWalk

Found = dict[str, list[Introduction]]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def wanted_blobs(repo: Repository, report: Path) -> set[str]:
    """The blobs at the report's locations (a nested location is its outer file's)."""
    places = {
        f"{location['commit']}:{location['path'].split('!')[0]}\n"
        for finding in json.loads(report.read_text())["findings"]
        for location in finding["locations"]
        if location["commit"]
    }
    done = subprocess.run(
        ["git", "--git-dir", str(repo.git_dir), "cat-file", "--batch-check=%(objectname)"],
        input="".join(sorted(places)).encode(),
        capture_output=True,
        check=True,
    )
    return {line for line in done.stdout.decode().split() if len(line) in (40, 64)}


def today(repo: Repository, oids: set[str]) -> tuple[dict[str, str], Found]:
    # The walk itself: Repository.reachable_blobs is now the one log (sources.git_history_log).
    with ReachableWalk(repo.git_dir, ["--all"]) as walk:
        names = {oid.hex(): name for oid, name in named_paths(walk.batches()).items()}
    with CommitOrder(repo.git_dir, ["--all"]) as order:
        found = introductions_of(repo, ["--all"], oids, [], Phases(None, repo), order, 2)
    return names, found


def one_log(repo: Repository, oids: set[str]) -> tuple[dict[str, str], Found]:
    command = ["git", "--git-dir", str(repo.git_dir), "-c", "core.packedGitWindowSize=4m"]
    command += ["log", "--topo-order", "-c", "-z", "--raw", "--no-abbrev", "--no-renames"]
    command += [f"--format={git_introductions._LOG_FORMAT}", "--all"]
    names: dict[str, str] = {}
    found: Found = {}
    with tempfile.TemporaryFile() as out:
        subprocess.run(command, stdout=out, check=True)
        out.seek(0)
        # What the walk gives, as the log is read: a path for each blob.
        for block in git_introductions.log_blocks(out):
            fields = block.partition(b"\0")[2].lstrip(b"\n\0").split(b"\0")
            for meta, path in zip(fields[0::2], fields[1::2], strict=False):
                # `:m0 m1 a b S`, or for a merge `::m1 m2 m a1 a2 b SS`; a gitlink is no blob.
                stripped = meta.lstrip(b":")
                parents, parts = len(meta) - len(stripped), stripped.split(b" ")
                if parts[parents] != b"160000":
                    oid = parts[2 * parents + 1].decode()
                    names.setdefault(oid, path.decode("utf-8", "surrogateescape"))
        # What attribution gives, once the scan has found its blobs: a second read of the file.
        out.seek(0)
        for position, block in enumerate(git_introductions.log_blocks(out)):
            for intro in git_introductions.parse_block(block, position, oids, False):
                found.setdefault(intro.oid, []).append(intro)
    return names, found


def _same(found: Found) -> dict[str, list[tuple[str, ...]]]:
    """Introductions oldest first, without their positions (each log numbers its own blocks)."""
    return {
        oid: [(i.commit, i.path, str(i.parent_oid), i.author, i.date, i.subject) for i in intros]
        for oid, intros in ((o, sorted(i, key=Introduction.age_key)) for o, i in found.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repository", type=Path)
    parser.add_argument("report", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    repo = Repository(args.repository)
    oids = wanted_blobs(repo, args.report)
    print(f"{len(oids)} blobs with findings; load {Path('/proc/loadavg').read_text().split()[0]}")
    results = {}
    for round_ in range(args.rounds):
        for label, run in (("walk + attribution", today), ("one log", one_log)):
            cpu, wall = _cpu(), time.perf_counter()
            results[label] = run(repo, oids)
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            print(f"round {round_ + 1} {label}: cpu {cpu:.2f} s, wall {wall:.2f} s")
    (walk_names, walk_found), (log_names, log_found) = results.values()
    walk_names.pop(ZERO_OID, None)
    log_names.pop(ZERO_OID, None)
    same = _same(walk_found) == _same(log_found)
    print(f"introductions the same: {same} ({sum(map(len, log_found.values()))})")
    print(f"blobs named only by the walk: {len(walk_names.keys() - log_names.keys())}")
    print(f"blobs named only by the log: {len(log_names.keys() - walk_names.keys())}")
    other = sum(1 for oid, name in walk_names.items() if log_names.get(oid, name) != name)
    print(f"blobs named with another path: {other} of {len(walk_names)}")


if __name__ == "__main__":
    main()
