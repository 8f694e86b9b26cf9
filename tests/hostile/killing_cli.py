"""`leakward`, whose scan workers die or run away on marked files: for the worker tests.

Usage: python -m tests.hostile.killing_cli STATE-DIR LEAKWARD-ARGUMENTS...
In a worker process (never in the parent), a file holding KILL_ALWAYS kills its worker every
time, one holding KILL_ONCE kills it the first time only (STATE-DIR remembers), and one holding
RUN_AWAY never finishes. Tests pass `--file-timeout` so they need not wait the default's
minutes. In every other way this is the real command line; workers are forked, so they inherit
the patch.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from leakward.scanner import git_blob_scan
from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import dispatch, files
from leakward.scanner.sources.limits import ContainerLimits

KILL_ALWAYS = b"kill-this-worker-every-time"
KILL_ONCE = b"kill-this-worker-once"
RUN_AWAY = b"never-finish-this-file"


def main(state: Path, arguments: list[str]) -> None:
    text_chunks = dispatch._text

    def faulty_text(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
        if multiprocessing.parent_process() is not None:
            first_time = KILL_ONCE in data and not (state / "killed-once").exists()
            if first_time:
                (state / "killed-once").touch()
            if first_time or KILL_ALWAYS in data:
                os.kill(os.getpid(), signal.SIGKILL)
            if RUN_AWAY in data:
                for _ in itertools.count():
                    pass
        return text_chunks(data, origin)

    plain_text = dispatch.is_plain_text

    def unmarked_plain_text(data: bytes, path: str, limits: ContainerLimits) -> bool:
        # History and directory scans hand plain text straight to the engine, past `_text`: a
        # marked blob or file takes the decoders' path instead, where a real decoder's crash or
        # runaway would be.
        marked = any(mark in data for mark in (KILL_ALWAYS, KILL_ONCE, RUN_AWAY))
        return not marked and plain_text(data, path, limits)

    with (
        mock.patch.object(dispatch, "_text", faulty_text),
        mock.patch.object(git_blob_scan, "is_plain_text", unmarked_plain_text),
        mock.patch.object(files, "is_plain_text", unmarked_plain_text),
    ):
        from leakward.cli.main import main as leakward

        sys.argv = ["leakward", *arguments]
        leakward()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
