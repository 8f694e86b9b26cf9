"""Reading one listed file: formats read whole at any size, and nothing waits on a pipe (#16)."""

from __future__ import annotations

import io
import os
import tarfile
import threading
from pathlib import Path

from leakward.scanner.models import Chunk, Skipped
from leakward.scanner.sources.dispatch import ContainerLimits
from leakward.scanner.sources.files import FileLimits, Target, list_targets, read_target
from tests.sources.builders import AWS_KEY

# Segments of 64 KiB stand for the default 16 MiB: the same code path at a fraction of the bytes.
SMALL_SEGMENTS = FileLimits(segment_size=64 * 1024, overlap=1024)


def _read(path: Path) -> list[Chunk | Skipped]:
    (target,) = list_targets(path)
    assert isinstance(target, Target)
    return list(read_target(target, SMALL_SEGMENTS, ContainerLimits()))


def test_a_plain_tar_larger_than_a_segment_is_opened(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, content in [
            ("padding.bin", os.urandom(200 * 1024)),
            ("config/.env", f"AWS_ACCESS_KEY_ID={AWS_KEY}\n".encode()),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    path = tmp_path / "backup.tar"
    path.write_bytes(buffer.getvalue())
    items = _read(path)
    entry = [i for i in items if isinstance(i, Chunk) and AWS_KEY.encode() in i.data]
    assert [chunk.origin.display for chunk in entry] == ["backup.tar!config/.env"]


def test_a_named_pipe_swapped_in_for_a_listed_file_is_reported_not_waited_on(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("listed as a regular file\n")
    (target,) = list_targets(path)
    assert isinstance(target, Target)
    path.unlink()
    os.mkfifo(path)
    items: list[Chunk | Skipped] = []
    reader = threading.Thread(
        target=lambda: items.extend(read_target(target, SMALL_SEGMENTS, ContainerLimits())),
        daemon=True,
    )
    reader.start()
    reader.join(timeout=60)  # a guard only: the read returns at once or never
    if reader.is_alive():
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # release the blocked reader
        reader.join()
    assert len(items) == 1
    assert isinstance(items[0], Skipped)
    assert "no longer a regular file" in items[0].reason
    assert items[0].is_error
