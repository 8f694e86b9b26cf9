"""`scan --verify` against a provider's documented API, and `scan --match` against a registry."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fakes.github import FakeGitHub, Token
from tests.scanner.tokens import github_token, random_body

LIVE = github_token("ghp_", random_body(101))
DEAD = github_token("ghp_", random_body(102))


def leakward(*args: str, env: dict[str, str], stdin: bytes | None = None):
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        capture_output=True,
        input=stdin,
        env={**os.environ, **env},
        check=False,
    )


def test_verify_reports_live_dead_and_unknown(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.tokens[LIVE] = Token(LIVE, "pat", "octocat")
    (tmp_path / "a.env").write_text(f"A={LIVE}\nB={DEAD}\nC={LIVE}\n")
    env = {"LEAKWARD_API_GITHUB": fake_github.url}
    done = leakward("scan", str(tmp_path), "--verify", "--format", "json", env=env)
    findings = json.loads(done.stdout)["findings"]
    assert [(f["line"], f["liveness"]) for f in findings] == [(1, "live"), (2, "dead"), (3, "live")]
    assert findings[0]["identity"] == "octocat"
    # one request per distinct secret, not per sighting
    assert fake_github.paths().count("GET /user") == 2
    assert LIVE.encode() not in done.stdout + done.stderr

    fake_github.fail_next("/user", times=10, status=503)
    flaky = leakward("scan", str(tmp_path), "--verify", "--format", "json", env=env)
    assert {f["liveness"] for f in json.loads(flaky.stdout)["findings"]} == {"unknown"}


def test_match_names_the_registered_owner(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'registry.db'}"
    env = {"LEAKWARD_PEPPER_FILE": str(tmp_path / "pepper"), "LEAKWARD_DB": db}
    added = leakward(
        "registry", "add", "--provider", "github", "--owner", "alice@example.com",
        "--consumer", "github-actions:acme/app:GH_TOKEN", env=env, stdin=LIVE.encode(),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "ci.yml").write_text(f"token: {LIVE}\nother: {DEAD}\n")
    done = leakward("scan", str(tmp_path / "src"), "--match", "--format", "json", env=env)
    findings = json.loads(done.stdout)["findings"]
    matched, unmatched = findings
    assert matched["match"]["owner"] == "alice@example.com"
    assert matched["match"]["confidence"] == 1.0
    assert unmatched["match"] is None
    assert LIVE.encode() not in (tmp_path / "registry.db").read_bytes()


def test_config_file_selects_the_registry(tmp_path: Path) -> None:
    """`db` in leakward.toml is used when neither --db nor $LEAKWARD_DB says otherwise."""
    db_file = tmp_path / "team.db"
    (tmp_path / "leakward.toml").write_text(f'db = "sqlite:///{db_file}"\n')
    env = {"LEAKWARD_PEPPER_FILE": str(tmp_path / "pepper"), "LEAKWARD_DB": ""}
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "registry", "init"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert db_file.exists()


# Keys shaped as the providers issue them (the rule files' own examples); the fake below decides
# what each is by the documented answers a valid or an invalid key gets.
OPENAI_BLOCKED_IP = (
    "sk-proj-SUJdlWKVlfZlaWAmIJVOwWuqMIGVgIXUh8U5xIwiqkCXvNh79BxodjqNnZKN8MW7lKWHioIqNRT3Blbk"
    "FJuvNl-eqaUaUvRpu7G32wOCLYE9R5Xo5mkghAXW9osdwvWWRqRnLh5hCeUC_EJp8I9YCrcNMT-P"
)
OPENAI_INVALID = (
    "sk-proj-h37HD_HRnl8ifY-0HUTuqehR6zaCziBrlrRVE5RUqbqBfOsHcGcFSq2sXWT3BlbkFJ--VKdXvrlJuk_1"
    "EbyvWrWFh9pbQsuEbwJXd-m86I13oeHZnMuidrSThxjM"
)
ANTHROPIC_NO_PERMISSION = (
    "sk-ant-api03-xaNm3rlG2OHmYYXPDfFBlnzpJTkpR2jkxINIGmv8ZY0lUzSEJHGT9bR6VcLUrgnGw3a4TpDHyT3i4bnM"
    "bn7ExpE5yYNwVAA"
)
ANSWERS = {
    f"Bearer {OPENAI_BLOCKED_IP}": (401, {"error": {"code": "ip_not_authorized"}}),
    f"Bearer {OPENAI_INVALID}": (
        401,
        {"error": {"code": "invalid_api_key", "message": "Incorrect API key provided"}},
    ),
    ANTHROPIC_NO_PERMISSION: (
        403,
        {"type": "error", "error": {"type": "permission_error", "message": "no permission"}},
    ),
}


def test_verify_calls_a_refused_but_valid_key_live_and_only_an_invalid_one_dead(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    def answer(request: Request) -> Response:
        key = request.headers.get("Authorization") or request.headers.get("x-api-key") or ""
        status, body = ANSWERS.get(key, (500, {}))
        return Response(json.dumps(body), status=status, content_type="application/json")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(answer)
    (tmp_path / "keys.env").write_text(
        f"A={OPENAI_BLOCKED_IP}\nB={OPENAI_INVALID}\nC={ANTHROPIC_NO_PERMISSION}\n"
    )
    base = httpserver.url_for("").rstrip("/")
    env = {"LEAKWARD_API_OPENAI": base, "LEAKWARD_API_ANTHROPIC": base}
    done = leakward("scan", str(tmp_path), "--verify", "--format", "json", env=env)
    findings = json.loads(done.stdout)["findings"]
    assert [(f["line"], f["liveness"]) for f in findings] == [
        (1, "live"),
        (2, "dead"),
        (3, "live"),
    ]
    for key in (OPENAI_BLOCKED_IP, OPENAI_INVALID, ANTHROPIC_NO_PERMISSION):
        assert key.encode() not in done.stdout + done.stderr
