"""`leakward scan` and `leakward rules` as a user runs them: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.scanner.tokens import GITHUB_PAT


def leakward(*args: str, cwd: Path | None = None, stdin: bytes | None = None):
    return subprocess.run(
        [sys.executable, "-m", "leakward", *args],
        capture_output=True,
        cwd=cwd,
        input=stdin,
        check=False,
    )


def tree(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_clean_tree_exits_zero(tmp_path: Path) -> None:
    done = leakward("scan", str(tree(tmp_path, **{"a.py": "print('hello')\n"})))
    assert done.returncode == 0, done.stderr
    assert b"No secrets" in done.stdout or b"Found 0" in done.stdout or b"0 secrets" in done.stdout


def test_finding_exits_one_and_never_prints_the_secret(tmp_path: Path) -> None:
    root = tree(tmp_path, **{"src/app.py": f"TOKEN = '{GITHUB_PAT}'\n"})
    for fmt in ("text", "json", "sarif"):
        done = leakward("scan", str(root), "--format", fmt)
        assert done.returncode == 1, done.stderr
        assert GITHUB_PAT.encode() not in done.stdout + done.stderr
    report = json.loads(leakward("scan", str(root), "--format", "json").stdout)
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("src/app.py", 1, 10)
    assert finding["rule_id"] == "github.pat.classic"
    assert "secret" not in finding


def test_show_secrets_puts_plaintext_in_the_local_report_only(tmp_path: Path) -> None:
    root = tree(tmp_path, **{"a.env": f"GH={GITHUB_PAT}\n"})
    out = tmp_path / "report.json"
    done = leakward("scan", str(root / "a.env"), "--format", "json", "--show-secrets",
                    "--output", str(out))  # fmt: skip
    assert done.returncode == 1
    assert json.loads(out.read_text())["findings"][0]["secret"] == GITHUB_PAT
    assert GITHUB_PAT.encode() not in done.stdout + done.stderr
    assert b"Found 1 secret" in done.stderr


def test_fail_on_threshold(tmp_path: Path) -> None:
    root = tree(tmp_path, **{"a.txt": f"{GITHUB_PAT}\n"})  # a critical finding
    assert leakward("scan", str(root), "--fail-on", "critical").returncode == 1
    (root / "a.txt").write_text("nothing here\n")
    assert leakward("scan", str(root), "--fail-on", "info").returncode == 0


def test_stdin(tmp_path: Path) -> None:
    done = leakward("scan", "-", "--format", "json", stdin=f"x {GITHUB_PAT}\n".encode())
    assert done.returncode == 1
    assert json.loads(done.stdout)["findings"][0]["file"] == "-"


def test_missing_path_is_exit_two(tmp_path: Path) -> None:
    done = leakward("scan", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert b"does not exist" in done.stderr


def test_invalid_rule_file_names_file_rule_and_reason(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        "provider: acme\nrules:\n  - id: acme.key\n    name: Acme\n    keywords: [acme_]\n"
        "    pattern: '(?P<secret>acme_[a-z'\n"
    )
    done = leakward("scan", str(tmp_path), "--rules", str(rules))
    assert done.returncode == 2
    message = done.stderr.decode()
    assert "bad.yaml" in message
    assert "acme.key" in message
    assert "does not compile" in message


def test_custom_rules_and_their_check(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.yaml").write_text(
        "provider: acme\nrules:\n  - id: acme.api_key\n    name: Acme key\n"
        "    keywords: [acme_live_]\n"
        "    pattern: '(?P<secret>acme_live_[A-Za-z0-9]{24})'\n"
        "    examples:\n      match: ['k = acme_live_Q3v9xT2mKp7LwR4sZ8bN1cYd']\n"
        "      no_match: ['k = acme_live_short']\n"
    )
    target = tree(tmp_path / "src", **{"a.cfg": "key=acme_live_Zq8Wn3Rt6Yp1Lk4Hs7Df0GbX\n"})
    done = leakward("scan", str(target), "--rules", str(rules), "--format", "json")
    assert [f["rule_id"] for f in json.loads(done.stdout)["findings"]] == ["acme.api_key"]
    assert leakward("rules", "check", str(rules), "--only").returncode == 0
    (rules / "acme.yaml").write_text(
        (rules / "acme.yaml")
        .read_text()
        .replace("acme_live_short", "acme_live_Q3v9xT2mKp7LwR4sZ8bN1cYe")
    )
    failed = leakward("rules", "check", str(rules), "--only")
    assert failed.returncode == 1
    assert b"acme.api_key" in failed.stderr
    assert b"reported, but must not be" in failed.stderr


def test_gitleaks_config_rules_are_used(tmp_path: Path) -> None:
    config = tmp_path / ".gitleaks.toml"
    config.write_text(
        '[extend]\nuseDefault = true\n\n[[rules]]\nid = "internal-token"\n'
        "description = \"Internal service token\"\nregex = '''itok_([a-f0-9]{32})'''\n"
        'keywords = ["itok_"]\n'
    )
    target = tree(tmp_path / "src", **{"a.sh": "export T=itok_9f3c2b7e41d08a6c5e92f1b3d47a0c86\n"})
    done = leakward("scan", str(target), "--gitleaks-config", str(config), "--format", "json",
                    "--show-secrets")  # fmt: skip
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["rule_id"] == "gitleaks.internal_token"
    assert finding["secret"] == "9f3c2b7e41d08a6c5e92f1b3d47a0c86"


def test_config_file_excludes_and_threshold(tmp_path: Path) -> None:
    root = tree(tmp_path, **{"vendor/x.txt": f"{GITHUB_PAT}\n", "app.txt": "ok\n"})
    (root / "leakward.toml").write_text('exclude = ["vendor/*"]\n')
    assert leakward("scan", ".", cwd=root).returncode == 0
    (root / "leakward.toml").write_text("fail_on = 'nope'\n")
    bad = leakward("scan", ".", cwd=root)
    assert bad.returncode == 2
    assert b"fail_on" in bad.stderr


def test_test_mode_keys_are_reported_at_medium_with_a_note(tmp_path: Path) -> None:
    # A sandbox's key is a real credential: reported by default, marked, and a tag takes it out.
    key = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"[::-1] + "Zq8Wn3Rt6Yp1Lk4Hs7Df0Gb"
    root = tree(tmp_path, **{"pay.js": f"stripe('{key}')\n"})
    default = json.loads(leakward("scan", str(root), "--format", "json").stdout)
    found = [(f["severity"], f["confidence"], f["reason"]) for f in default["findings"]]
    assert found == [("low", "medium", "test-mode key: a sandbox credential, not a live one")]
    off = json.loads(
        leakward("scan", str(root), "--format", "json", "--disable", "test-mode").stdout
    )
    assert off["findings"] == []


def test_a_config_with_schedules_still_scans(tmp_path: Path) -> None:
    root = tree(tmp_path, **{"app.txt": "ok\n"})
    (root / "leakward.toml").write_text(
        'fail_on = "high"\n\n[[schedule]]\norg = "acme"\ncron = "0 * * * *"\n'
    )
    done = leakward("scan", ".", cwd=root)
    assert done.returncode == 0, done.stderr


def test_source_names_a_format_sniffing_cannot_tell(tmp_path: Path) -> None:
    """A log with no timestamps is not sniffed as a CI log; --source ci-log cleans it anyway,
    joining a token that a colour code split in two."""
    coloured = f"build ok\n+ deploy \x1b[1m{GITHUB_PAT[:15]}\x1b[0m{GITHUB_PAT[15:]}\n"
    log = tmp_path / "jenkins.log"
    log.write_text(coloured)
    sniffed = json.loads(leakward("scan", str(log), "--format", "json").stdout)
    assert sniffed["findings"] == []
    named = json.loads(leakward("scan", str(log), "--source", "ci-log", "--format", "json").stdout)
    assert [(f["line"], f["rule_id"]) for f in named["findings"]] == [(2, "github.pat.classic")]
    piped = leakward("scan", "-", "--source", "ci-log", "--format", "json", stdin=coloured.encode())
    assert [f["file"] for f in json.loads(piped.stdout)["findings"]] == ["-"]
