"""Opening a new SQLite registry while another process holds it: wait, do not fail.

Switching a file to WAL needs it to itself and SQLite answers "database is locked" at once
instead of waiting on the busy timeout; processes that open a new registry together (each
migrating on first use) hit exactly that.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from leakward.registry import Registry


def test_a_registry_opens_while_another_writer_holds_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE warm_up (x)")
    holder.execute("BEGIN IMMEDIATE")  # still a rollback-journal file, write lock held
    holder.execute("INSERT INTO warm_up VALUES (1)")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        with Registry.open(f"sqlite:///{path}", pepper=b"p" * 32) as registry:
            assert registry.list_keys() == []
        mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    finally:
        release.join()
        holder.close()
