"""The `git log` processes of one log, cut into slices of the history, a few running at a time.

Stage: sources. Attribution diffs every commit's trees, and a sliced log (sources.git_order)
runs one git per slice side by side. Slices of equal commit counts are not equal work: on
symfony's history the newer half took 4.6 s of CPU and the older 3.3 s, so with one slice per
core, one core sat idle for the last quarter of the log. Cut finer and started in order as
earlier ones finish, the slices keep every core busy to the end. Their outputs are read in
order, so what the caller sees is the single log's, whatever order they finish in.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Self

from leakward.scanner.sources.git_command import git_at


class LogRun:
    """One `git log` process, started by `LogRuns`. The first run of a log is read through a
    pipe as git writes it; the others write to temporary files meanwhile, so they never wait
    for this process to read them."""

    def __init__(self, git_dir: Path, args: list[str], request: bytes, piped: bool = True) -> None:
        self._command = [*git_at(git_dir), *args]
        self._request = request
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._file = None if piped else tempfile.TemporaryFile()  # noqa: SIM115
        self._process: subprocess.Popen[bytes] | None = None
        self._started = threading.Event()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> bool:
        """Starts git; False when the run was closed first."""
        with self._lock:
            if self._closed:
                return False
            process = self._process = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE if self._file is None else self._file,
                stderr=self._stderr,
            )
            assert process.stdin is not None  # noqa: S101 - a pipe was requested
            # git reads all of stdin before it writes anything, so this cannot deadlock.
            process.stdin.write(self._request)
            process.stdin.close()
        self._started.set()
        return True

    def _running(self) -> subprocess.Popen[bytes]:
        self._started.wait()
        if self._process is None:
            raise RuntimeError("git log run read after it was closed")
        return self._process

    def wait(self) -> int:
        return self._running().wait()

    @property
    def stdout(self) -> IO[bytes]:
        """What git wrote: the pipe as it writes, or its file once it has finished."""
        process = self._running()
        if self._file is None:
            assert process.stdout is not None  # noqa: S101 - a pipe was requested
            return process.stdout
        process.wait()
        self._file.seek(0)
        return self._file

    def finish(self) -> str | None:
        """git's last error line when it failed, else None."""
        status = self.wait()
        if status == 0:
            return None
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {status}"

    def close(self) -> None:
        with self._lock:
            self._closed = True
            process = self._process
        self._started.set()  # nothing waits for a start that will not come
        if process is not None:
            if process.stdout is not None:
                process.stdout.close()
            if process.poll() is None:
                process.kill()
            process.wait()
        self._stderr.close()
        if self._file is not None:
            self._file.close()


class LogRuns:
    """`runs` started in order, at most `at_once` of them running; closed on leaving. A thread
    starts each run when a slot frees, so the reader never waits on a run that was not started
    for want of a core."""

    def __init__(self, runs: list[LogRun], at_once: int) -> None:
        self.runs = runs
        self._free = threading.Semaphore(max(1, at_once))
        self._stopped = threading.Event()
        self._starter = threading.Thread(target=self._start_all, daemon=True)
        self._starter.start()

    def _start_all(self) -> None:
        for run in self.runs:
            self._free.acquire()
            if self._stopped.is_set() or not run.start():
                return
            threading.Thread(target=self._free_after, args=(run,), daemon=True).start()

    def _free_after(self, run: LogRun) -> None:
        run.wait()
        self._free.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        # Ending the running gits frees their slots, so the starter wakes up and stops.
        for run in self.runs:
            run.close()
        self._starter.join()
