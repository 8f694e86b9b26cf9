"""`--git`: every ref's history, each blob once, each secret at the commit that added it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from leakward.cli.progress import ProgressBar
from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from tests.git.repos import GitRepo, aws_lines, aws_pair, by_secret, pat, reachable_blobs


def build_history(repo: GitRepo) -> dict[str, tuple[str, str, str]]:
    """Plants secrets only history still holds; returns secret -> (commit, path, a ref)."""
    planted: dict[str, tuple[str, str, str]] = {}
    repo.commit("init", **{"README.md": "# demo\n"})
    # A deleted file.
    added = repo.commit("add env", **{"config/old.env": f"GH_TOKEN={pat(1)}\n"})
    planted[pat(1)] = (added, "config/old.env", "refs/heads/main")
    repo.git("rm", "-q", "config/old.env")
    repo.commit("drop env")
    # An overwritten line.
    added = repo.commit("token in code", **{"app.py": f"TOKEN = '{pat(2)}'\nprint(TOKEN)\n"})
    planted[pat(2)] = (added, "app.py", "refs/heads/main")
    repo.commit("read env", **{"app.py": "TOKEN = os.environ['T']\nprint(TOKEN)\n"})
    # A renamed file: introduced under its first name.
    added = repo.commit("aws config", **{"settings.ini": "[default]\n" + aws_lines(3)})
    planted[aws_pair(3)[1]] = (added, "settings.ini", "refs/heads/main")
    repo.git("mv", "settings.ini", "conf.ini")
    repo.commit("rename config")
    # A secret that only the merge commit adds.
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature work", **{"feature.txt": "feature\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main work", **{"other.txt": "other\n"})
    repo.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    repo.write("merge_only.cfg", f"token: {pat(4)}\n")
    merged = repo.commit("merge feature")
    planted[pat(4)] = (merged, "merge_only.cfg", "refs/heads/main")
    # An unmerged branch.
    repo.git("checkout", "-q", "-b", "wip")
    added = repo.commit("wip", **{"wip.py": f"KEY = '{pat(5)}'\n"})
    planted[pat(5)] = (added, "wip.py", "refs/heads/wip")
    # A tag on a commit no branch has any more.
    repo.git("checkout", "-q", "-b", "release-tmp", "main")
    added = repo.commit("release", **{"tagged.txt": f"{pat(6)}\n"})
    repo.git("tag", "-a", "-m", "release", "v-secret")
    planted[pat(6)] = (added, "tagged.txt", "refs/tags/v-secret")
    # A remote-tracking ref only.
    repo.git("checkout", "-q", "-b", "remote-only", "main")
    added = repo.commit("remote", **{"remote.txt": f"{pat(7)}\n"})
    repo.git("update-ref", "refs/remotes/origin/gone", added)
    planted[pat(7)] = (added, "remote.txt", "refs/remotes/origin/gone")
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "release-tmp", "remote-only")
    return planted


def test_every_history_only_secret_is_found_at_its_introducing_commit(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    planted = build_history(repo)
    scan = scan_history(repo.path, rules, options)
    found = by_secret(scan)
    for secret, (commit, path, ref) in planted.items():
        assert secret in found, f"missed the secret planted at {path}"
        finding = found[secret]
        assert (finding.origin.commit, finding.origin.path) == (commit, path)
        assert finding.origin.author == "Test Author <author@example.test>"
        extras = scan.extras[finding]
        assert ref in extras["refs"]  # type: ignore[operator]
        assert extras["message"]
    assert len(found) == len(planted)  # the AWS key id pairs with its secret: one finding
    assert not [s for s in scan.result.skipped if s.is_error]


def test_a_rename_is_another_location_of_the_same_finding(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    planted = build_history(repo)
    scan = scan_history(repo.path, rules, options)
    finding = by_secret(scan)[aws_pair(3)[1]]
    locations = scan.extras[finding]["locations"]
    assert isinstance(locations, list)
    assert {(loc["path"], loc["commit"]) for loc in locations} == {
        ("settings.ini", planted[aws_pair(3)[1]][0]),
        ("conf.ini", repo.head("main~2")),  # the rename commit, before feature/main work
    }


def test_one_secret_in_many_commits_is_one_finding_with_every_location(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    first = repo.commit("a", **{"a.txt": f"T={pat(8)}\n"})
    second = repo.commit("b", **{"b.txt": f"x\nT={pat(8)}\n"})
    third = repo.commit("a again", **{"a.txt": f"y\nT={pat(8)}\n"})
    scan = scan_history(repo.path, rules, options)
    (finding,) = scan.result.findings
    assert finding.origin.commit == first
    locations = scan.extras[finding]["locations"]
    assert isinstance(locations, list)
    assert sorted((loc["commit"], loc["path"], loc["line"]) for loc in locations) == sorted(
        [(first, "a.txt", 1), (second, "b.txt", 2), (third, "a.txt", 2)]
    )


def test_each_unique_blob_is_read_once(repo: GitRepo, rules: RuleSet, options: ScanOptions) -> None:
    build_history(repo)
    scan = scan_history(repo.path, rules, options)
    # Counted by the object store's own types: the walk the scan makes names tag v-secret too.
    assert scan.result.stats.files == len(reachable_blobs(repo))


def test_all_objects_adds_dangling_blobs(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("init", **{"README.md": "hi\n"})
    repo.git("hash-object", "-w", "--stdin", input=f"lost = '{pat(9)}'\n".encode())
    assert not scan_history(repo.path, rules, options).result.findings
    scan = scan_history(repo.path, rules, options, all_objects=True)
    (finding,) = scan.result.findings
    assert finding.secret.reveal() == pat(9)
    assert finding.origin.path.startswith("(unreachable blob")


def test_progress_counts_objects_up_to_the_total(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    build_history(repo)
    calls: list[tuple[int, int, int]] = []
    scan = scan_history(repo.path, rules, options, progress=lambda *a: calls.append(a))
    assert calls
    done, total, nbytes = calls[-1]
    assert done == total == scan.result.stats.files
    assert nbytes == scan.result.stats.bytes > 0
    stream = io.StringIO()
    bar = ProgressBar(stream, unit="objects")
    bar(done, total, nbytes)
    assert f"{done}/{total} objects" in stream.getvalue()
    assert "MB/s" in stream.getvalue()


def test_cli_history_scan_shows_progress_and_exits_one(repo: GitRepo) -> None:
    repo.commit("a", **{"a.txt": f"T={pat(10)}\n"})
    repo.git("rm", "-q", "a.txt")
    repo.commit("rm")
    done = subprocess.run(
        [sys.executable, "-m", "leakward", "scan", "--git", "--progress", str(repo.path)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert b"MB/s" in done.stderr
    for phase in (b"reading", b"scanning", b"attributing", b"finding refs"):
        assert phase in done.stderr
    assert b"a.txt" in done.stdout
    assert pat(10).encode() not in done.stdout + done.stderr


def test_branch_scans_only_that_branch(repo: GitRepo, rules: RuleSet, options: ScanOptions) -> None:
    repo.commit("init", **{"README.md": "hi\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", **{"s.txt": f"{pat(11)}\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", **{"m.txt": f"{pat(12)}\n"})
    only_main = by_secret(scan_history(Path(repo.path), rules, options, revs=("main",)))
    assert set(only_main) == {pat(12)}


def test_a_sha256_repository_history_is_read_and_attributed(
    tmp_path: Path, rules: RuleSet, options: ScanOptions
) -> None:
    # The walk's lines start with 64 hex digits there: read as SHA-1 lines, nothing was named
    # and nothing scanned.
    subprocess.run(
        ["git", "init", "-q", "--object-format=sha256", str(tmp_path / "repo")], check=True
    )
    repo = GitRepo(tmp_path / "repo")  # re-initialising keeps the format
    added = repo.commit("add", **{"config/app.env": f"GH_TOKEN={pat(1)}\n"})
    repo.commit("more", **{"README.md": "# demo\n"})
    scan = scan_history(repo.path, rules, options)
    (finding,) = scan.result.findings
    assert len(added) == 64
    assert (finding.origin.commit, finding.origin.path) == (added, "config/app.env")
    assert scan.result.stats.files == 2
