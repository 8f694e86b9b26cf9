"""Pushed ranges: only the secrets a range's commits added, whatever the shape of the push."""

from __future__ import annotations

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import GitScan, range_revs, scan_revisions
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_ids import ZERO_OID
from tests.git.repos import GitRepo, by_secret, pat


def scan_range(
    repo: GitRepo, spec: str, rules: RuleSet, options: ScanOptions, ref: str | None = None
) -> GitScan:
    revs = range_revs(Repository(repo.path), spec, pushed_ref=ref)
    return scan_revisions(repo.path, rules, options, revs)


def test_range_reports_what_its_commits_added_not_what_was_there(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("old", **{"old.txt": f"{pat(20)}\n"})
    base = repo.head()
    repo.commit("edit above", **{"old.txt": f"new first line\n{pat(20)}\n"})
    repo.git("mv", "old.txt", "moved.txt")
    repo.commit("move")
    added = repo.commit("add", **{"new.txt": f"x\n{pat(21)}\n"})
    scan = scan_range(repo, f"{base}..HEAD", rules, options)
    found = by_secret(scan)
    assert set(found) == {pat(21)}
    assert (found[pat(21)].origin.commit, found[pat(21)].line) == (added, 2)


def test_since_commit_and_a_secret_removed_and_readded(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    first = repo.commit("a", **{"a.txt": f"{pat(22)}\n"})
    repo.commit("clean", **{"a.txt": "clean\n"})
    readded = repo.commit("again", **{"a.txt": f"again {pat(22)}\n"})
    found = by_secret(scan_range(repo, f"{first}..HEAD", rules, options))
    assert found[pat(22)].origin.commit == readded


def test_new_branch_scans_only_commits_no_other_ref_has(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("main secret", **{"main.txt": f"{pat(23)}\n"})
    repo.git("checkout", "-q", "-b", "topic")
    added = repo.commit("topic secret", **{"topic.txt": f"{pat(24)}\n"})
    found = by_secret(scan_range(repo, f"{ZERO_OID}..topic", rules, options, "refs/heads/topic"))
    assert set(found) == {pat(24)}
    assert found[pat(24)].origin.commit == added


def test_new_branch_at_an_existing_tip_adds_nothing(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("main secret", **{"main.txt": f"{pat(25)}\n"})
    repo.git("branch", "copy")
    scan = scan_range(repo, f"{ZERO_OID}..copy", rules, options, "refs/heads/copy")
    assert not scan.result.findings


def test_force_push_with_unknown_before(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("base", **{"base.txt": f"{pat(26)}\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("rewritten", **{"topic.txt": f"{pat(27)}\n"})
    unknown = "1234567" * 5 + "12345"  # an old tip this clone never had
    found = by_secret(scan_range(repo, f"{unknown}..topic", rules, options, "refs/heads/topic"))
    assert set(found) == {pat(27)}


def test_merge_in_range_reports_the_merged_branchs_secret_once(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("init", **{"README.md": "hi\n"})
    base = repo.head()
    repo.git("checkout", "-q", "-b", "topic")
    added = repo.commit("topic", **{"t.txt": f"{pat(28)}\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main", **{"m.txt": "m\n"})
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "topic")
    scan = scan_range(repo, f"{base}..main", rules, options)
    (finding,) = scan.result.findings
    assert finding.origin.commit == added
    # And a range holding only the merge: the secret is new to main's side of it.
    merged_only = scan_range(repo, "main^1..main", rules, options)
    assert [f.secret.reveal() for f in merged_only.result.findings] == [pat(28)]


def test_a_bad_range_is_a_usage_error(repo: GitRepo) -> None:
    import pytest

    from leakward.core.errors import LeakwardError

    repo.commit("init", **{"README.md": "hi\n"})
    with pytest.raises(LeakwardError) as raised:
        range_revs(Repository(repo.path), "no-dots")
    assert raised.value.exit_code == 2
