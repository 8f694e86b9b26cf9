"""Repositories as they come: shallow, damaged, bare, with submodules, LFS, binaries, odd paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import range_revs, scan_history, scan_revisions, scan_staged
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.files import FileLimits
from leakward.scanner.sources.git import Repository
from tests.git.repos import GitRepo, by_secret, pat


def test_shallow_clone_scans_what_exists_and_says_so(
    repo: GitRepo, tmp_path: Path, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("old", **{"old.txt": f"{pat(60)}\n"})
    repo.git("rm", "-q", "old.txt")
    repo.commit("rm")
    repo.commit("new", **{"new.txt": f"{pat(61)}\n"})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", f"file://{repo.path}", str(clone)], check=True
    )
    scan = scan_history(clone, rules, options)
    assert set(by_secret(scan)) == {pat(61)}
    (note,) = [s for s in scan.result.skipped if s.path == "(shallow clone)"]
    assert "--unshallow" in note.reason


def test_corrupt_and_missing_objects_are_reported_and_the_rest_scanned(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit(
        "three", **{"a.txt": f"{pat(62)}\n", "b.txt": "corrupt me\n", "c.txt": "delete me\n"}
    )
    for name, damage in (("b.txt", b"not zlib"), ("c.txt", None)):
        oid = repo.git("rev-parse", f"HEAD:{name}")
        loose = repo.path / ".git" / "objects" / oid[:2] / oid[2:]
        loose.chmod(0o644)
        if damage is None:
            loose.unlink()
        else:
            loose.write_bytes(damage)
    scan = scan_history(repo.path, rules, options)
    assert set(by_secret(scan)) == {pat(62)}
    errors = [s for s in scan.result.skipped if s.is_error]
    assert len(errors) == 2
    assert all("missing" in s.reason for s in errors)
    assert scan.result.findings[0].origin.path == "a.txt"


def test_bare_repository(
    repo: GitRepo, tmp_path: Path, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("a", **{"a.txt": f"{pat(63)}\n"})
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)
    found = by_secret(scan_history(bare, rules, options))
    assert found[pat(63)].origin.commit == repo.head()


def test_submodules_are_not_missing_objects(
    repo: GitRepo, tmp_path: Path, rules: RuleSet, options: ScanOptions
) -> None:
    inner = GitRepo(tmp_path / "inner")
    inner.commit("inner", **{"inner.txt": f"{pat(64)}\n"})
    repo.commit("init", **{"README.md": "hi\n"})
    base = repo.head()
    repo.git("submodule", "add", "-q", f"file://{inner.path}", "vendor/inner")
    repo.commit("add submodule", **{"top.txt": f"{pat(65)}\n"})
    for scan in (
        scan_history(repo.path, rules, options),
        scan_revisions(repo.path, rules, options, range_revs(Repository(repo.path), f"{base}..")),
    ):
        assert set(by_secret(scan)) == {pat(65)}  # the submodule is its own repository
        assert not [s for s in scan.result.skipped if s.is_error]
    repo.write("more.txt", "clean\n")
    repo.git("add", "more.txt")
    assert not scan_staged(repo.path, rules, options).result.skipped


def test_lfs_pointers_and_huge_binary_blobs(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\n"
        "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        "size 12345\n"
    )
    repo.commit("lfs", **{"model.bin": pointer, ".gitattributes": "*.bin filter=lfs\n"})
    repo.write("huge.bin", os.urandom(3 << 20) + pat(66).encode())
    repo.commit("huge", **{"small.txt": f"{pat(67)}\n"})
    small = ScanOptions(jobs=1, file_limits=FileLimits(max_file_size=1 << 20))
    scan = scan_history(repo.path, rules, small)
    assert set(by_secret(scan)) == {pat(67)}
    assert [s.path for s in scan.result.skipped] == ["huge.bin"]
    assert "limit" in scan.result.skipped[0].reason
    repo.write("huge2.bin", os.urandom(2 << 20))
    repo.git("add", "huge2.bin")
    staged = scan_staged(repo.path, rules, small)
    assert [s.path for s in staged.result.skipped] == ["huge2.bin"]


def test_non_utf8_and_odd_paths(repo: GitRepo, rules: RuleSet, options: ScanOptions) -> None:
    names = {
        os.fsdecode(b"caf\xe9.txt"): 70,  # Latin-1 bytes, not UTF-8
        "with space/and:colon.txt": 71,
        ":(exclude)magic.txt": 72,  # looks like pathspec magic
        "-starts-with-dash.txt": 73,
        "star*name?.txt": 74,
        "ünïcödé/日本.txt": 75,
    }
    commits = {}
    for name, seed in names.items():
        repo.write(name, f"t = '{pat(seed)}'\n")
        repo.git("add", "--", os.fsencode(name))
        commits[name] = repo.commit(f"add {seed}")
    found = by_secret(scan_history(repo.path, rules, options))
    for name, seed in names.items():
        assert (found[pat(seed)].origin.path, found[pat(seed)].origin.commit) == (
            name,
            commits[name],
        )
    repo.git("mv", "--", ":(exclude)magic.txt", "renamed magic.txt")
    assert not scan_staged(repo.path, rules, options).result.findings


def test_not_a_repository_is_a_clear_error_exit_two(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    for mode in ("--git", "--staged", "--range=a..b"):
        done = subprocess.run(
            [sys.executable, "-m", "leakward", "scan", mode, str(tmp_path / "plain")],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 2, (mode, done.stderr)
        assert b"is not a git repository" in done.stderr
        assert b"hint:" in done.stderr
        assert b"Traceback" not in done.stderr
