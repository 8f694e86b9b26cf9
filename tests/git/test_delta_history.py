"""History scans read a deltified blob only where it changed and carry its base's findings over.

Every test repacks its repository so git stores the versions as deltas of each other, checks that
it did (otherwise the test would prove nothing), and compares what the history scan reports for
each version with a scan of that version's text on its own.
"""

from __future__ import annotations

import base64
import random
import subprocess
from pathlib import Path

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.models import Chunk, Origin
from leakward.scanner.scan import ScanOptions, scan_chunks
from tests.corpus.providers import private_key
from tests.git.repos import GitRepo, aws_lines, pat

# Filler lines distinct enough that git's deltas copy them rather than re-insert them. A history
# scan only reads a delta against its base when the delta is tiny next to the blob (about 1/1000),
# so the files are about a megabyte and each version changes little.
_FILLER = "setting_{0:05d} = value {0} for the service configuration, see docs/settings.md\n"


def _filler(count: int, start: int = 0) -> list[str]:
    return [_FILLER.format(n) for n in range(start, start + count)]


def _repacked(repo: GitRepo) -> int:
    """Repack with a wide delta window; the number of blobs git stored as deltas."""
    repo.git("repack", "-adfq", "--window=50", "--depth=50")
    listing = repo.git(
        "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(deltabase)"
    )
    return sum(
        1
        for line in listing.splitlines()
        if line.startswith("blob") and not line.endswith("0" * 40)
    )


def _history_sightings(
    path: Path, rules: RuleSet, options: ScanOptions
) -> tuple[dict[str, set[tuple[str, str, int, int]]], int]:
    """commit -> (rule, secret, line, column) of every sighting in the blob it introduced, and the
    bytes the scan carried over instead of reading."""
    scan = scan_history(path, rules, options)
    sightings: dict[str, set[tuple[str, str, int, int]]] = {}
    for finding in scan.result.findings:
        for place in scan.extras[finding]["locations"]:  # type: ignore[attr-defined]
            sightings.setdefault(place["commit"], set()).add(
                (finding.rule_id, finding.secret.reveal(), place["line"], place["column"])
            )
    return sightings, scan.result.stats.carried


def _direct_sightings(
    repo: GitRepo, commit: str, name: str, rules: RuleSet, options: ScanOptions
) -> set[tuple[str, str, int, int]]:
    text = subprocess.run(
        ["git", "-C", str(repo.path), "cat-file", "blob", f"{commit}:{name}"],
        capture_output=True,
        check=True,
    ).stdout
    result = scan_chunks([Chunk(text, Origin(kind="file", path=name))], rules, options)
    return {(f.rule_id, f.secret.reveal(), f.line, f.column) for f in result.findings}


def test_an_unchanged_secret_is_carried_to_its_new_line(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    lines = _filler(12_000)
    lines[6000:6000] = [f"github_token = {pat(1)}\n"]
    first = repo.commit("settings", **{"settings.conf": "".join(lines)})
    # Far from the secret: three lines at the top, one changed line near the end.
    lines[0:0] = ["# three\n", "# new\n", "# lines\n"]
    lines[-2] = "setting_99999 = changed\n"
    second = repo.commit("edit far away", **{"settings.conf": "".join(lines)})
    assert _repacked(repo) >= 1

    sightings, carried = _history_sightings(repo.path, rules, options)

    assert carried > 0, "the delta path was not taken"
    secret = pat(1)
    assert {(s[1], s[2]) for s in sightings[first]} == {(secret, 6001)}
    assert {(s[1], s[2]) for s in sightings[second]} == {(secret, 6004)}


def test_a_secret_added_next_to_unchanged_text_is_found(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    lines = _filler(12_000)
    repo.commit("settings", **{"settings.conf": "".join(lines)})
    lines[3000:3000] = [aws_lines(5)]
    added = repo.commit("add aws", **{"settings.conf": "".join(lines)})
    assert _repacked(repo) >= 1

    sightings, carried = _history_sightings(repo.path, rules, options)

    assert carried > 0
    assert sightings[added] == _direct_sightings(repo, added, "settings.conf", rules, options)
    assert any(s[2] == 3002 for s in sightings[added])  # the secret key, on the line after its id


@pytest.mark.parametrize("seed", [7, 11])
def test_random_edits_over_many_versions_match_scanning_each_version_whole(
    repo: GitRepo, rules: RuleSet, options: ScanOptions, seed: int
) -> None:
    """Inserts, deletions, moves and secrets coming and going, near and far from each other:
    single-line tokens, key pairs, PEM keys across many lines and base64-encoded tokens."""
    chooser = random.Random(seed)
    lines = _filler(12_000)
    commits: list[str] = []
    next_filler, next_secret = 12_000, 10
    for version in range(24):
        for _ in range(chooser.randint(1, 4)):
            action = chooser.choice(
                ("insert", "delete", "move", "secret", "secret", "edit", "pem", "encoded")
            )
            at = chooser.randrange(len(lines))
            if action == "insert":
                lines[at:at] = _filler(chooser.randint(1, 3), next_filler)
                next_filler += 3
            elif action == "delete":
                del lines[at : at + chooser.randint(1, 20)]
            elif action == "move":
                block = lines[at : at + 40]
                del lines[at : at + 40]
                target = chooser.randrange(len(lines))
                lines[target:target] = block
            elif action == "edit":
                lines[at] = lines[at].replace("value", "changed value")
            elif action == "pem":
                lines[at:at] = [private_key(chooser).secret + "\n"]
            elif action == "encoded":
                encoded = base64.b64encode(f"token = {pat(next_secret)}".encode()).decode()
                lines[at:at] = [f"blob_{next_secret} = {encoded}\n"]
                next_secret += 1
            else:
                planted = pat(next_secret) if next_secret % 2 else aws_lines(next_secret)
                lines[at:at] = [
                    f"token_{next_secret} = {planted}\n" if next_secret % 2 else planted
                ]
                next_secret += 1
        commits.append(repo.commit(f"version {version}", **{"settings.conf": "".join(lines)}))
    assert _repacked(repo) >= 12

    sightings, carried = _history_sightings(repo.path, rules, options)

    assert carried > 0
    for commit in commits:
        expected = _direct_sightings(repo, commit, "settings.conf", rules, options)
        assert sightings.get(commit, set()) == expected, f"version at {commit[:8]}"
