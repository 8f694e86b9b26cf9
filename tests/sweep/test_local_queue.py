"""The embedded pool's worker processes: forked when the process runs no other thread, from a
fork server otherwise, and either way each worker uses a registry connection of its own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from leakward.work_settings import WorkSettings
from registry import Registry
from registry.models import LeakRow
from tests.git.repos import pat
from tests.sweep.fixtures import Origins


@pytest.mark.parametrize(("flags", "method"), [((), "fork"), (("--with-thread",), "forkserver")])
def test_pool_workers_scan_with_their_own_registry_connections(
    both_databases: WorkSettings,
    origins: Origins,
    flags: tuple[str, ...],
    method: str,
) -> None:
    names = ["first", "second", "third", "fourth"]
    for index, name in enumerate(names):
        origins.add(name, **{"key.env": f"TOKEN={pat(7900 + index)}\n"})
    settings = both_databases
    repos = [[f"acme/{name}", str(origins.repos[name].path)] for name in names]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.sweep.local_queue_run",
            json.dumps(settings.to_json()),
            json.dumps(repos),
            *flags,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["start_method"] == method
    assert sorted((r["subject"], r["error"], r.get("state")) for r in result["pool"]) == [
        (f"acme/{name}", None, "scanned") for name in sorted(names[1:])
    ]
    assert [r["state"] for r in result["here"]] == ["scanned", "unchanged"]
    assert result["is_clean_child"] is (True if method == "fork" else None)
    with Registry.open(settings.db_url) as registry, registry.engine.connect() as connection:
        seen = list(connection.execute(select(LeakRow.times_seen)).scalars())
    assert seen == [1] * len(names)
