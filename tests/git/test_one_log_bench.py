"""bench/attribution_one_log.py: one unfiltered log gives what the walk and attribution give.

The bench's figures mean something only if its one log finds the same introductions as
attribution and names the same blobs as the walk: checked here on a history with branches,
merges (one resolving a conflict with a new secret, one adding a file while merging), a rename,
a copy and tags.
"""

from __future__ import annotations

from bench.attribution_one_log import one_log, today
from leakward.scanner.sources.git import Repository
from leakward.scanner.sources.git_introductions import Introduction
from tests.git.repos import GitRepo, pat, reachable_blobs
from tests.git.test_sliced_attribution import _branchy_history


def test_one_log_gives_the_walks_blobs_and_attributions_introductions(repo: GitRepo) -> None:
    oids = _branchy_history(repo)
    repo.commit("copy", **{"copied.env": f"TOKEN={pat(300)}\n", "late.env": pat(399)})
    oids |= {repo.git("rev-parse", "HEAD:late.env").strip()}
    history = Repository(repo.path)
    walk_names, walk_found = today(history, oids)
    log_names, log_found = one_log(history, oids)
    assert len(log_found) == len(oids)  # every blob with a secret has its introductions
    for oid in oids:
        assert sorted(map(_place, log_found[oid])) == sorted(map(_place, walk_found[oid]))
    # The copy is an introduction of a blob met before, under a third path (after the rename).
    copied = repo.git("rev-parse", "HEAD:copied.env").strip()
    assert {i.path for i in log_found[copied]} == {"conf/0.env", "moved.env", "copied.env"}
    assert walk_names.keys() == reachable_blobs(repo)
    assert log_names.keys() - {"0" * 40} == walk_names.keys()


def _place(intro: Introduction) -> tuple[str, str, str | None]:
    return (intro.commit, intro.path, intro.parent_oid)
