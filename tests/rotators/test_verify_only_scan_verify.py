"""`leakward scan --verify` on Stripe, Hugging Face, Postman and PyPI keys, with each
LEAKWARD_API_<NAME> pointed at its fake: the refused-but-valid answers the providers document
(a restricted Stripe key's 403, a Postman key refused in its region, PyPI's 400 for an empty
upload) are live, and only the documented invalid-key answers are dead. No key value reaches
the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.huggingface import FakeHuggingFace
from tests.fakes.postman import FakePostman
from tests.fakes.pypi import FakePyPI, mint_token
from tests.fakes.stripe import FakeStripe


def test_scan_verify_reads_each_documented_answer(
    tmp_path: Path,
    fake_stripe: FakeStripe,
    fake_huggingface: FakeHuggingFace,
    fake_postman: FakePostman,
    fake_pypi: FakePyPI,
) -> None:
    expired = fake_stripe.add_key()
    fake_stripe.expire(expired)
    never_issued_hf = fake_huggingface.add_token()
    del fake_huggingface.tokens[never_issued_hf]
    keys = [
        (fake_stripe.add_key(restricted=True), "live"),  # 403: lacks the account permission
        (expired, "dead"),  # 401 api_key_expired
        (fake_huggingface.add_token("fineGrained"), "live"),
        (never_issued_hf, "dead"),  # 401 Invalid credentials in Authorization header
        (fake_postman.add_key(region_blocked=True), "live"),  # 403: a feature, not the key
        (fake_postman.add_key(), "live"),
        (fake_pypi.add_token(), "live"),  # 400: the empty upload form, nothing uploaded
        (mint_token(), "dead"),  # 403 Invalid or non-existent authentication information
    ]
    (tmp_path / "keys.env").write_text("".join(f"KEY_{n}={k}\n" for n, (k, _) in enumerate(keys)))
    env = {
        "LEAKWARD_API_STRIPE": fake_stripe.url,
        "LEAKWARD_API_HUGGINGFACE": fake_huggingface.url,
        "LEAKWARD_API_POSTMAN": fake_postman.url,
        "LEAKWARD_API_PYPI": fake_pypi.url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", str(tmp_path), "--verify", "--format", "json"],
        capture_output=True,
        env={**os.environ, **env},
        check=False,
    )
    findings = json.loads(done.stdout)["findings"]
    assert [(f["line"], f["liveness"]) for f in findings] == [
        (n + 1, liveness) for n, (_, liveness) in enumerate(keys)
    ], done.stderr.decode()[-2000:]
    assert fake_pypi.uploads == 0
    for value, _ in keys:
        assert value.encode() not in done.stdout + done.stderr
