"""Real git repositories built per test with the git CLI, and invented credentials to plant."""

from __future__ import annotations

import os
import random
import string
import subprocess
from pathlib import Path

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import GitScan
from leakward.scanner.models import Finding
from tests.scanner.tokens import github_token, random_body

_UPPER = string.ascii_uppercase + "234567"
_SECRET = string.ascii_letters + string.digits + "/+"


def pat(seed: int) -> str:
    """An invented, checksum-valid GitHub classic token (rule github.pat.classic)."""
    return github_token("ghp_", random_body(seed))


def aws_pair(seed: int) -> tuple[str, str]:
    """An invented AWS access key id and secret access key."""
    chooser = random.Random(seed)
    key_id = "AKIA" + "".join(chooser.choice(_UPPER) for _ in range(16))
    secret = "".join(chooser.choice(_SECRET) for _ in range(40))
    return key_id, secret


def aws_lines(seed: int) -> str:
    key_id, secret = aws_pair(seed)
    return f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"


def reachable_blobs(repo: GitRepo) -> set[str]:
    """Every object the refs reach, kept when cat-file calls it a blob: typed by the object
    store itself, not by the walk under test."""
    objects = repo.git("rev-list", "--objects", "--all").splitlines()
    ids = "".join(line.split()[0] + "\n" for line in objects)
    typed = repo.git("cat-file", "--batch-check=%(objectname) %(objecttype)", input=ids.encode())
    return {oid for oid, kind in (row.split() for row in typed.splitlines()) if kind == "blob"}


class GitRepo:
    """A repository in `path` with a fixed identity and a clock that ticks once per commit, so
    "the oldest commit" is well defined without sleeping."""

    def __init__(self, path: Path, *, bare: bool = False) -> None:
        self.path = path
        self.tick = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main", *(["--bare"] if bare else []))

    def env(self) -> dict[str, str]:
        date = f"2024-01-01T00:{self.tick // 60:02d}:{self.tick % 60:02d}+00:00"
        return {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Test Author",
            "GIT_AUTHOR_EMAIL": "author@example.test",
            "GIT_COMMITTER_NAME": "Test Author",
            "GIT_COMMITTER_EMAIL": "author@example.test",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }

    def git(self, *args: str | bytes, input: bytes | None = None) -> str:
        done = subprocess.run(
            ["git", "-c", "protocol.file.allow=always", *args],
            cwd=self.path,
            env=self.env(),
            capture_output=True,
            input=input,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return done.stdout.decode("utf-8", "surrogateescape").strip()

    def write(self, name: str | bytes, content: str | bytes) -> None:
        target = self.path / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)

    def commit(self, message: str, **files: str) -> str:
        """Write `files`, stage everything, commit; returns the commit id."""
        for name, content in files.items():
            self.write(name, content)
        self.git("add", "-A")
        self.tick += 1
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", rev)


def ruleset() -> RuleSet:
    return load_rules(()).select()


def by_secret(scan: GitScan) -> dict[str, Finding]:
    return {f.secret.reveal(): f for f in scan.result.findings}
