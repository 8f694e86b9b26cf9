"""Estimates the wall time a command would take on an idle machine, from a run on a busy one.

On a shared machine wall time measures the other users. Every 50 ms this samples each thread
of the command's process tree: the CPU it used since the last sample, and how many of its
threads wanted a core. CPU used while one thread wanted a core counts in full; while two or
more did, divided by how many of them `--cores` could run at once. What comes out is the
command's own parallelism: a step that leaves a core idle on a quiet machine (the scan waiting
for one git process) shows as CPU "with one thread wanting a core".

    python bench/idle_wall.py [--cores 2] -- leakward scan ../bench-rails/rails --git ...

Threads sampled between two samples only are missed, so short-lived processes are undercounted;
compare runs of the same command, alternating (A/B), never one figure alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_EVERY = 0.05


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _sample(root: int, seconds: dict[tuple[int, str], float]) -> int:
    """Updates each thread's CPU seconds; returns how many threads are running or runnable."""
    running = 0
    for pid in _descendants(root):
        try:
            threads = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for thread in threads:
            try:
                fields = (thread / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            running += fields[0] == "R"
            seconds[(pid, thread.name)] = (int(fields[11]) + int(fields[12])) / _TICK
    return running


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    started = time.perf_counter()
    process = subprocess.Popen(args.command, stdout=subprocess.DEVNULL)
    seconds: dict[tuple[int, str], float] = {}
    estimate = alone = used = 0.0
    while process.poll() is None:
        running = _sample(process.pid, seconds)
        total = sum(seconds.values())
        step, used = total - used, total
        estimate += step / max(1, min(running, args.cores))
        alone += step if running <= 1 else 0.0
        time.sleep(_EVERY)
    wall = time.perf_counter() - started
    print(
        f"wall {wall:.1f} s, cpu {used:.1f} s, idle-machine estimate {estimate:.1f} s "
        f"(cpu/{args.cores} = {used / args.cores:.1f} s), cpu with one thread wanting a core "
        f"{alone:.1f} s"
    )


if __name__ == "__main__":
    main()
