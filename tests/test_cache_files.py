"""The user cache's writes: whole or not at all, and never an error for the caller."""

from __future__ import annotations

from pathlib import Path

from leakward.core.cache_files import write_cache


def test_a_cache_file_is_written_whole_with_no_temporary_left(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "rules-x.json"
    write_cache(path, b"[1, 2]")
    write_cache(path, b"[3]")  # the last writer wins
    assert path.read_bytes() == b"[3]"
    assert [p.name for p in path.parent.iterdir()] == ["rules-x.json"]


def test_an_unwritable_cache_costs_nothing_but_the_write(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    write_cache(blocker / "hyperscan-x.db", b"data")  # raises nothing
    assert blocker.read_bytes() == b""
