#!/usr/bin/env python3
"""Peak memory of every process a command starts: which one is the largest, and of what.

Stage: benchmarks only. `/usr/bin/time -v` gives one figure, the largest of the tree, with no
name; a history scan runs our process, its workers and two or three git processes at once.
This runs COMMAND and, every 20 ms, reads `/proc/PID/status` of each process under it: the
peak resident size the kernel kept (VmHWM), and the largest anonymous and file-backed resident
sizes seen (RssAnon, RssFile: a git process's mapped pack pages are file pages, clean, the
kernel's to drop). A process that ends between two samples keeps its last sample.

    bench/memory_tree.py [--every 0.02] -- COMMAND...

Prints one line per process (by its command, largest peak first), in MB (10^6 bytes), and
exits with the command's status. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_FIELDS = ("VmHWM", "RssAnon", "RssFile")


@dataclass
class Peak:
    command: str
    hwm: int = 0
    anon: int = 0
    file: int = 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(n) for n in (task / "children").read_text().split()]
    except OSError:
        pass  # it ended
    return found


def _tree(root: int) -> list[int]:
    pids, at = [root], 0
    while at < len(pids):
        pids += _children(pids[at])
        at += 1
    return pids


def _status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return values
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in _FIELDS:
            values[key] = int(rest.split()[0]) * 1024
    return values


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    words = [word.decode(errors="replace") for word in raw.rstrip(b"\0").split(b"\0")]
    # git's `-c name=value` and `--git-dir=` options hide which git command it is.
    shown: list[str] = []
    for n, word in enumerate(words):
        if word == "-c" or (n and words[n - 1] == "-c") or word.startswith("--git-dir="):
            continue
        shown.append(Path(word).name if n == 0 else word)
    return " ".join(shown)[:90]


def sample(command: list[str], every: float) -> tuple[int, dict[int, Peak]]:
    """Runs `command`, sampling its process tree; its exit status and each process's peaks."""
    process = subprocess.Popen(command)
    peaks: dict[int, Peak] = {}
    while process.poll() is None:
        for pid in _tree(process.pid):
            values = _status(pid)
            if not values:
                continue
            peak = peaks.get(pid)
            command_now = _command(pid)
            if peak is None or command_now not in ("", "?", peak.command):
                # A forked child that went on to exec starts afresh: before, it only mapped
                # its parent's pages, and its new image's VmHWM counts from the exec.
                peak = peaks[pid] = Peak(command_now)
            peak.hwm = max(peak.hwm, values.get("VmHWM", 0))
            peak.anon = max(peak.anon, values.get("RssAnon", 0))
            peak.file = max(peak.file, values.get("RssFile", 0))
        time.sleep(every)
    return process.returncode, peaks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.02, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if not os.path.isdir("/proc/self/task"):
        sys.exit("this reads /proc: Linux only")
    status, peaks = sample(command, args.every)
    header = f"{'peak':>7} {'anon':>7} {'file':>7}  pid      command (MB, 10^6 bytes)"
    print(header, file=sys.stderr)
    for pid, peak in sorted(peaks.items(), key=lambda item: -item[1].hwm):
        if peak.hwm < 1_000_000:
            continue
        print(
            f"{peak.hwm / 1e6:7.1f} {peak.anon / 1e6:7.1f} {peak.file / 1e6:7.1f}  {pid:<8} "
            f"{peak.command}",
            file=sys.stderr,
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
