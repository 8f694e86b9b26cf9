"""The command line every read of a repository's history starts with.

Stage: sources (git). git maps pack files in windows of `core.packedGitWindowSize` (1 GiB on
64-bit builds) up to `core.packedGitLimit` (8 GiB), and every page a long `rev-list` or
`cat-file` touches stays mapped and counts in its resident size. On rails' full history
(4.5 GB of blobs) that made git the largest process of a scan, 395 MB; 16 MiB windows under a
cap bring it down (bench/throughput.py --git, issue #18). The cap is 128 MiB, not 64: under
64 MiB a walk over a 300 MB pack kept unmapping windows and faulting their pages in again,
system time that showed once measured alone (symfony's attribution log: 2.3 s of system time
at 64 MiB, 0.65 s at 128 MiB, peak 212 -> 229 MB; rails' `rev-list --objects`: 0.73 s -> 0.13-0.27
s, 131 -> 196 MB). Set on the command line, so a user's own configuration cannot undo it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Self

_WINDOW = "core.packedGitWindowSize=16m"
GIT = ("git", "-c", _WINDOW, "-c", "core.packedGitLimit=128m")
# A read that goes through the packs once, in storage order, never maps a window twice: a small
# cap costs it nothing. The object listing (symfony: 1.5 s of CPU, 0.1 s of it system time at
# 32, 64 or 128 MiB) was the largest process of a scan at 128 MiB, 257 MB; at 32 MiB, 151 MB.
_IN_ORDER = ("git", "-c", _WINDOW, "-c", "core.packedGitLimit=32m")
# How long a reader of git's output waits for more before asking again.
POLL_SECONDS = 0.005


def end_git(process: subprocess.Popen[bytes], *files: IO[bytes]) -> None:
    """End a git started in the background, if it still runs, and close the files it wrote to."""
    if process.poll() is None:
        process.kill()
    process.wait()
    for file in files:
        file.close()


def git_at(git_dir: Path, *, in_pack_order: bool = False) -> list[str]:
    """`git` for the repository at `git_dir`, with small pack windows; append the subcommand.
    `in_pack_order`: the command reads the packs front to back, once."""
    return [*(_IN_ORDER if in_pack_order else GIT), f"--git-dir={git_dir}"]


class BackgroundGit:
    """A git command running in the background to temporary files rather than pipes: git never
    waits for this process, and its output costs no memory here until it is read. Use as a
    context manager: leaving it ends git if the output was never read, and closes the files."""

    def __init__(self, command: Sequence[str]) -> None:
        # Closed in __exit__, not here: git writes to them while the caller works.
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(command, stdout=self._out, stderr=self._err)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        end_git(self._process, self._out, self._err)

    def _finished(self) -> int:
        """git's exit status once it has finished, its output rewound. Read while git still
        wrote, a listing ended early now and then on a loaded machine."""
        status = self._process.wait()
        self._out.seek(0)
        return status

    def _last_error(self) -> str | None:
        """The last line git wrote to its standard error, if any."""
        self._err.seek(0)
        lines = self._err.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else None


class StreamedGit:
    """A git command writing to a temporary file that `records` reads as git writes it: git
    never waits for this process, and no thread of ours drains a pipe meanwhile (a history scan
    forks its workers while git still runs; a fork while another thread ran could copy a lock
    that thread held into a worker, locked for ever). The file is read through a descriptor of
    its own, since git's shares its offset with the one git writes through. Use as a context
    manager: leaving it ends git if it still runs and removes the file."""

    def __init__(self, command: Sequence[str], prefix: str) -> None:
        written, self.path = tempfile.mkstemp(prefix=prefix)
        self.out = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        try:
            self.process = subprocess.Popen(command, stdout=written, stderr=self.err)
        except BaseException:
            # No git (or no room for a process): nothing will leave this, so close here.
            self.out.close()
            self.err.close()
            os.unlink(self.path)
            raise
        finally:
            os.close(written)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        end_git(self.process, self.out, self.err)
        os.unlink(self.path)

    def records(self, separator: bytes) -> Iterator[bytes]:
        """git's output cut at `separator`, as git writes it, until it exits."""
        pending = b""
        while True:
            # Asked before reading: once git has exited, one more read gets all it wrote.
            running = self.process.poll() is None
            chunk = self.out.read(1 << 20)
            if chunk:
                *complete, pending = (pending + chunk).split(separator)
                yield from complete
            elif running:
                time.sleep(POLL_SECONDS)
            else:
                break
        if pending:
            yield pending

    def last_error(self) -> str | None:
        """The last line git wrote to its standard error, if any."""
        self.err.seek(0)
        lines = self.err.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else None
