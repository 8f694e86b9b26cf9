"""Runs the dispatcher on a hostile input in a child process with a memory cap.

The cap and the guard timeout only keep a failing test from hanging or exhausting the machine;
tests assert on what the child reports (bytes rendered, skip reasons, peak memory), never time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from leakward.scanner.sources.limits import ContainerLimits

MiB = 1024 * 1024
# Room for the interpreter and the scanner's imports, plus what a bounded decode may hold.
MEMORY_CAP = 768 * MiB
GUARD_SECONDS = 120
# The child imports `tests.hostile.bounded_child`, so it runs from the repository root.
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Decoded:
    chunk_bytes: int
    chunks: int
    skipped: list[tuple[str, str, bool]]
    found: dict[str, bool]
    peak_kib: int

    def reasons(self) -> str:
        return " | ".join(reason for _, reason, _ in self.skipped)


def decode_bounded(
    data: bytes,
    name: str,
    tmp_path: Path,
    limits: ContainerLimits | None = None,
    needles: tuple[str, ...] = (),
) -> Decoded:
    """What `chunks_for` makes of `data` named `name`, decoded in a memory-capped child."""
    source = tmp_path / "hostile.bin"
    source.write_bytes(data)
    settings = json.dumps(dataclasses.asdict(limits or ContainerLimits()))
    done = run_guarded(
        ["tests.hostile.bounded_child", str(source), name, settings, str(MEMORY_CAP), *needles]
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    return Decoded(**summary)


def run_guarded(module_and_arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGUMENTS...` from the repository root, in a session of its own, so
    that when the guard expires its worker processes are ended with it, not left spinning."""
    with subprocess.Popen(
        [sys.executable, "-m", *module_and_arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=_ROOT,
        start_new_session=True,
    ) as child:
        try:
            stdout, stderr = child.communicate(timeout=GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
