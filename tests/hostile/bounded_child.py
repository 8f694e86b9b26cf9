"""Decodes one file in a process of its own under a memory cap and prints what came out.

Usage: python -m tests.hostile.bounded_child INPUT NAME LIMITS-JSON MEMORY-BYTES
Run by tests/hostile/harness.py, so a decoder that blows up (as every hostile input here did on
the code before its fix) fails one test with MemoryError or the harness's guard instead of taking
the test run with it. Prints one JSON object: the chunks' total bytes, their count, the skip
reasons, whether each needle was found, and the peak resident size in KiB.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from leakward.scanner.models import Chunk, Origin
from leakward.scanner.sources.dispatch import ContainerLimits, chunks_for


def main(source: str, name: str, limits: str, memory: str, *needles: str) -> None:
    data = Path(source).read_bytes()
    resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
    chunk_bytes = chunks = 0
    found = dict.fromkeys(needles, False)
    skipped: list[tuple[str, str, bool]] = []
    for item in chunks_for(
        data, Origin(kind="file", path=name), ContainerLimits(**json.loads(limits))
    ):
        if isinstance(item, Chunk):
            chunks += 1
            chunk_bytes += len(item.data)
            for needle in needles:
                found[needle] = found[needle] or needle.encode() in item.data
        else:
            skipped.append((item.path, item.reason, item.is_error))
    summary = {
        "chunk_bytes": chunk_bytes,
        "chunks": chunks,
        "skipped": skipped,
        "found": found,
        "peak_kib": _peak_kib(),
    }
    sys.stdout.write(json.dumps(summary))


def _peak_kib() -> int:
    # VmHWM belongs to this program's memory map; ru_maxrss would also count the test process
    # this child was forked from, since Linux carries it across execve.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    main(*sys.argv[1:])
