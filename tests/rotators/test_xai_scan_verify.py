"""`leakward scan --verify` on xAI keys, with LEAKWARD_API_XAI__API pointed at the fake: a working
key is live, a disabled one unknown (it can be enabled again), an unknown one dead (xAI's 400
"Incorrect API key provided"). No key value reaches the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.xai import FakeXai


def test_scan_verify_reads_the_documented_answers(tmp_path: Path, fake_xai: FakeXai) -> None:
    working = fake_xai.add_key("working").value
    disabled = fake_xai.add_key("disabled", disabled=True).value
    unknown = "xai-" + "Rk3vT9pLm2Qw" * 6 + "Zx7Yb4Nc"  # never issued
    lines = [f"XAI_KEY_{n}={value}" for n, value in enumerate((working, disabled, unknown))]
    (tmp_path / "keys.env").write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(tmp_path), "--verify", "--format", "json"],
        capture_output=True,
        env={**os.environ, "LEAKWARD_API_XAI__API": fake_xai.url},
        check=False,
    )
    findings = json.loads(done.stdout)["findings"]
    assert [(f["line"], f["rule_id"], f["liveness"]) for f in findings] == [
        (1, "xai.api_key", "live"),
        (2, "xai.api_key", "unknown"),
        (3, "xai.api_key", "dead"),
    ], done.stderr.decode()[-2000:]
    for value in (working, disabled, unknown):
        assert value.encode() not in done.stdout + done.stderr
