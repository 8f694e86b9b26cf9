"""Blob contents by id through `git cat-file --batch`, surviving an object that kills it.

Stage: sources (git). Reads what a history scan does not rebuild from the pack itself (loose
objects, the blobs of range and staged scans), one process per worker, so blob bytes never cross
process boundaries.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from leakward.scanner.sources.git_command import git_at


def read_blobs(git_dir: Path, oids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(oid, content) for each oid, through `git cat-file --batch`; None for a missing one.

    A damaged object can kill cat-file part way: the object it died on is yielded as None and a
    new cat-file carries on with the rest, so one bad object never hides the others.
    """
    wanted = list(oids)
    done = 0
    while done < len(wanted):
        for oid, data in _batch(git_dir, wanted[done:]):
            done += 1
            yield oid, data
        if done < len(wanted):
            yield wanted[done], None
            done += 1


def _batch(git_dir: Path, wanted: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """One cat-file process over `wanted`, stopping early if it dies."""
    process = subprocess.Popen(
        # --buffer: one write per pipe-full instead of a flush per object.
        [*git_at(git_dir), "cat-file", "--batch", "--buffer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=1 << 20,
    )
    assert process.stdin is not None  # noqa: S101 - pipes were requested
    assert process.stdout is not None  # noqa: S101

    def feed(stream: IO[bytes]) -> None:
        # A thread writes the requests so a full pipe never deadlocks against our reads.
        try:
            stream.write(b"".join(oid.encode() + b"\n" for oid in wanted))
            stream.close()
        except (BrokenPipeError, ValueError):
            pass

    writer = threading.Thread(target=feed, args=(process.stdin,), daemon=True)
    writer.start()
    out = process.stdout
    try:
        for oid in wanted:
            header = out.readline()
            parts = header.split()
            if len(parts) == 2 and parts[1] == b"missing":
                yield oid, None
                continue
            if len(parts) != 3 or not parts[2].isdigit():
                return  # cat-file died on this object
            size = int(parts[2])
            data = out.read(size)
            if len(data) < size:
                return
            out.read(1)  # the newline after each object
            yield oid, data
    finally:
        out.close()
        process.kill()
        process.wait()
        writer.join()
