"""`leakward scan --verify` on OpenRouter keys, with LEAKWARD_API_OPENROUTER pointed at the fake:
a working key and one whose credits are spent (402) are live, an unknown one (401) dead, and
a server error says nothing (unknown). No key value reaches the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.openrouter import FakeOpenRouter


def test_scan_verify_reads_the_documented_answers(
    tmp_path: Path, fake_openrouter: FakeOpenRouter
) -> None:
    working = fake_openrouter.add_key("working").value
    spent = fake_openrouter.add_key("spent", exhausted=True).value
    unknown = "sk-or-v1-" + "3f7a9c1e5b" * 6 + "2d4e"  # never issued: 401
    flaky = fake_openrouter.add_key("flaky").value
    # Findings are verified one after another, in line order: the fourth request is the last key.
    fake_openrouter.fail_next("/api/v1/key", times=10, status=503, skip=3)
    lines = [f"KEY_{n}={value}" for n, value in enumerate((working, spent, unknown, flaky))]
    (tmp_path / "keys.env").write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(tmp_path), "--verify", "--format", "json"],
        capture_output=True,
        env={**os.environ, "LEAKWARD_API_OPENROUTER": fake_openrouter.url},
        check=False,
    )
    findings = json.loads(done.stdout)["findings"]
    assert [(f["line"], f["liveness"]) for f in findings] == [
        (1, "live"),
        (2, "live"),
        (3, "dead"),
        (4, "unknown"),
    ], done.stderr.decode()[-2000:]
    for value in (working, spent, unknown, flaky):
        assert value.encode() not in done.stdout + done.stderr
