"""`--git` and tags: the tag objects `--all` names are not blobs, and are neither read nor counted
as files (issue #18: rails had 478 of them among its "files", symfony 771)."""

from __future__ import annotations

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from tests.git.repos import GitRepo, by_secret, pat, reachable_blobs


def test_tag_objects_are_not_scanned_as_blobs_named_after_their_tag(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    repo.commit("init", **{"app.py": f"TOKEN = '{pat(40)}'\n"})
    # A token-shaped string in a tag's message: read as a blob it was a finding at path "v1.0".
    repo.git("tag", "-a", "-m", f"release\n\nGH_TOKEN={pat(41)}\n", "v1.0")
    repo.commit("more", **{"lib.py": f"KEY = '{pat(42)}'\n"})
    # An annotated tag on a tree, and one on a blob no commit holds.
    repo.git("tag", "-a", "-m", "tree", "tree-tag", "HEAD^{tree}")
    loose = repo.git("hash-object", "-w", "--stdin", input=f"{pat(43)}\n".encode())
    repo.git("tag", "-a", "-m", f"blob {pat(44)}", "blob-tag", loose)
    repo.git("tag", "light", "HEAD~1")
    # A tag on a blob a commit holds too: git names that blob once, with the tag's empty path.
    repo.git("tag", "-a", "-m", "file", "file-tag", "HEAD:lib.py")

    scan = scan_history(repo.path, rules, options)

    found = by_secret(scan)
    tags = {"v1.0", "tree-tag", "blob-tag", "light", "file-tag"}
    assert not {f.origin.path for f in scan.result.findings} & tags
    assert not {s.path for s in scan.result.skipped} & tags
    assert pat(41) not in found
    assert pat(44) not in found
    assert scan.result.stats.files == len(reachable_blobs(repo))
    assert {pat(40), pat(42), pat(43)} <= set(found)
    assert found[pat(42)].origin.path == "lib.py"
    assert "named by a ref" in found[pat(43)].origin.path
