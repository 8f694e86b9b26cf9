"""A history's small plain-text blobs are located many at a time, deltas of them included.

Stage: orchestration (scanner.git_scan). Each engine call costs Python around it; a delta whose
base waited in the batch once forced that batch out, so on rails the batches held 3 blobs on
average. Only a delta scanned against its base needs the base located first.
"""

from __future__ import annotations

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions, matcher_for
from tests.git.repos import GitRepo, pat

_FILES = 30
_VERSIONS = 4
_LINE = "setting_{0:04d} = value {0} of {1}, see docs/settings.md\n"


def _text(name: int, version: int) -> str:
    # ~20 KB, one line changed per version: git stores each version as a small delta of another.
    lines = [_LINE.format(n, name) for n in range(300)]
    lines[version * 7] = f"changed in version {version}\n"
    return "".join(lines)


def test_deltas_of_batched_blobs_do_not_cut_the_batch_short(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    for version in range(_VERSIONS):
        files = {f"conf/file{name}.txt": _text(name, version) for name in range(_FILES)}
        if version == _VERSIONS - 1:
            files["conf/file0.txt"] += f"token = {pat(1)}\n"
        repo.commit(f"version {version}", **files)
    repo.git("repack", "-adfq", "--window=50", "--depth=50")
    listing = repo.git("cat-file", "--batch-all-objects", "--batch-check=%(deltabase)")
    deltas = sum(1 for line in listing.splitlines() if line != "0" * 40)
    assert deltas >= _FILES, "git stored too few deltas for this test to mean anything"
    work = matcher_for(rules, options).work
    calls = work.engine_calls

    result = scan_history(repo.path, rules, options).result

    assert [f.secret.reveal() for f in result.findings] == [pat(1)]
    # 120 blobs of ~20 KB: a few batches of a megabyte, each with a decoding level or two.
    # Flushing for every delta family made it at least one call per file.
    assert work.engine_calls - calls < _FILES // 3
