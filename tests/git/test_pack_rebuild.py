"""History scans read blobs from the packs themselves instead of asking cat-file for them: those
stored whole are inflated, small deltas are rebuilt from their base's bytes.

The rebuilt bytes must be exactly git's: every test compares them with `git cat-file` on real
packs, written with offset deltas (git's default) and with reference deltas (older packs, and
what a fetch stores when it keeps a thin pack as it came).
"""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from leakward.rules.model import RuleSet
from leakward.scanner.git_scan import scan_history
from leakward.scanner.scan import ScanOptions
from leakward.scanner.sources.git_pack import PackReader, apply_delta, parse_delta
from tests.git.repos import GitRepo, pat


def _edited_history(repo: GitRepo, seed: int) -> None:
    chooser = random.Random(seed)
    lines = [f"line {n}: {chooser.getrandbits(64):x}\n" for n in range(3000)]
    for version in range(12):
        for _ in range(chooser.randint(1, 5)):
            at = chooser.randrange(len(lines))
            if chooser.random() < 0.5:
                lines[at:at] = [f"inserted {version} {chooser.getrandbits(32):x}\n"]
            else:
                del lines[at : at + chooser.randint(1, 30)]
        repo.commit(f"version {version}", **{"notes.txt": "".join(lines)})


def _deltas(repo: GitRepo) -> list[tuple[str, str]]:
    listing = repo.git(
        "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname) %(deltabase)"
    )
    return [
        (parts[1], parts[2])
        for parts in (line.split() for line in listing.splitlines())
        if parts[0] == "blob" and parts[2] != "0" * 40
    ]


def _blob(repo: GitRepo, oid: str) -> bytes:
    return subprocess.run(
        ["git", "cat-file", "blob", oid], cwd=repo.path, capture_output=True, check=True
    ).stdout


@pytest.mark.parametrize("offsets", [True, False], ids=["ofs-delta", "ref-delta"])
def test_every_rebuilt_delta_is_byte_for_byte_what_git_reads(repo: GitRepo, offsets: bool) -> None:
    _edited_history(repo, seed=3)
    repo.git(
        "-c", f"repack.useDeltaBaseOffset={str(offsets).lower()}", "repack", "-adfq", "--depth=50"
    )
    deltas = _deltas(repo)
    assert len(deltas) >= 8, "git stored too few deltas for this test to mean anything"
    packs = PackReader(repo.path / ".git")

    for oid, base in deltas:
        delta = packs.delta(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base))
        assert delta is not None, oid
        assert delta.content == _blob(repo, oid)
        # Rebuilt without the copies, for blobs scanned whole: the same bytes.
        assert packs.rebuilt(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base)) == _blob(
            repo, oid
        )


def test_a_delta_too_big_for_one_read_is_rebuilt_whole(repo: GitRepo) -> None:
    """A delta's compressed bytes are read from the pack a piece at a time, each piece bigger
    than the last: one that inserts 60 KB of random text spans several pieces. (git makes the
    larger blob the base, so the one with the insert is the smaller.)"""
    chooser = random.Random(8)

    def noise(lines: int) -> str:
        return "".join(f"{chooser.getrandbits(64):016x}\n" for _ in range(lines))

    shared = "".join(f"line {n}: {chooser.getrandbits(64):x}\n" for n in range(3000))
    repo.commit("base", **{"notes.txt": shared + noise(6000)})
    repo.commit("rewrite", **{"notes.txt": shared + noise(3600)})
    repo.git("repack", "-adfq")
    listing = repo.git(
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objecttype) %(objectname) %(objectsize:disk) %(deltabase)",
    )
    big = [
        (parts[1], parts[3])
        for parts in (line.split() for line in listing.splitlines())
        if parts[0] == "blob" and parts[3] != "0" * 40 and int(parts[2]) > 24_000
    ]
    assert big, "git stored no delta big enough for this test to mean anything"
    packs = PackReader(repo.path / ".git")

    for oid, base in big:
        assert packs.rebuilt(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base)) == _blob(
            repo, oid
        )
        delta = packs.delta(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base))
        assert delta is not None
        assert delta.content == _blob(repo, oid)


def _stored_whole(repo: GitRepo) -> list[tuple[str, int]]:
    listing = repo.git(
        "cat-file",
        "--batch-all-objects",
        "--batch-check=%(objecttype) %(objectname) %(objectsize:disk) %(deltabase)",
    )
    return [
        (parts[1], int(parts[2]))
        for parts in (line.split() for line in listing.splitlines())
        if parts[0] == "blob" and parts[3] == "0" * 40
    ]


def test_every_blob_stored_whole_inflates_to_what_git_reads(repo: GitRepo) -> None:
    _edited_history(repo, seed=4)
    repo.commit("empty file", **{"empty.txt": ""})
    repo.git("repack", "-adfq")
    whole = _stored_whole(repo)
    assert len(whole) >= 2
    packs = PackReader(repo.path / ".git")

    for oid, stored in whole:
        assert packs.whole(bytes.fromhex(oid), stored) == _blob(repo, oid)
        # Too few bytes (git named another copy's size) is no blob, never part of one.
        assert packs.whole(bytes.fromhex(oid), stored - 1) is None


def test_loose_objects_and_deltas_are_not_read_as_whole_blobs(repo: GitRepo) -> None:
    _edited_history(repo, seed=6)
    repo.git("repack", "-adfq")
    (delta, _), *_ = _deltas(repo)
    loose = repo.commit("after the repack", **{"new.txt": "not packed yet\n"})
    loose_blob = repo.git("rev-parse", f"{loose}:new.txt")
    packs = PackReader(repo.path / ".git")

    assert packs.whole(bytes.fromhex(delta), 10_000) is None
    assert packs.whole(bytes.fromhex(loose_blob), 30) is None


def test_a_delta_is_refused_against_any_other_base(repo: GitRepo) -> None:
    _edited_history(repo, seed=5)
    repo.git("repack", "-adfq")
    (oid, base), (other, _) = _deltas(repo)[:2]
    packs = PackReader(repo.path / ".git")

    assert packs.delta(bytes.fromhex(oid), bytes.fromhex(other), _blob(repo, other)) is None
    # The right base's name with bytes of another size: damaged or mistaken, never rebuilt.
    assert packs.delta(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base) + b"x") is None
    assert (
        packs.delta(bytes.fromhex(oid), bytes.fromhex(base)) is not None
    )  # the copies alone need no bytes
    assert packs.rebuilt(bytes.fromhex(oid), bytes.fromhex(other), _blob(repo, other)) is None
    assert packs.rebuilt(bytes.fromhex(oid), bytes.fromhex(base), _blob(repo, base) + b"x") is None


@pytest.mark.parametrize(
    ("delta", "error"),
    [
        (b"\x04\x08\x90\x08", "past the end of its base"),  # 8 bytes of a 4-byte base
        (b"\x04\x08\x08abc", "inside an insert"),  # an insert of 8 bytes holding 3
        (b"\x04\x06\x90\x04\x01a", "declared size"),  # 5 bytes written of a declared 6
        (b"\x05\x04\x90\x04", "another size"),  # made against a 5-byte base
    ],
    ids=["copy-past-base", "short-insert", "wrong-size", "other-base"],
)
def test_a_malformed_delta_is_an_error_not_a_wrong_blob(delta: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_delta(delta, b"abcd")
    with pytest.raises(ValueError, match=error):
        apply_delta(delta, b"abcd")


def test_a_delta_of_a_container_base_is_read_whole_and_its_secret_found(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    """A source map is unpacked, not scanned as plain text, so its next version cannot be
    rebuilt against it: that version is read through cat-file, after the rest of its task."""
    chooser = random.Random(9)
    source = "".join(f"const value{n} = '{chooser.getrandbits(64):x}';\n" for n in range(20_000))

    def source_map(text: str) -> str:
        return json.dumps({"version": 3, "sources": ["app.js"], "sourcesContent": [text]})

    token = pat(41)
    added = repo.commit("debug", **{"app.js.map": source_map(source + f"const t = '{token}';\n")})
    # Git stores the bigger version whole and the smaller as a delta of it: the secret is in the
    # delta, which only the read at the end of the task brings in.
    repo.commit("release", **{"app.js.map": source_map(source + "const t = '';\n" * 20)})
    repo.git("repack", "-adfq")
    assert _deltas(repo), "git stored no delta for this test to mean anything"

    scan = scan_history(repo.path, rules, options)

    found = {(f.secret.reveal(), f.origin.commit) for f in scan.result.findings}
    assert (token, added) in found


def test_a_blob_damaged_in_its_pack_is_reported_and_the_rest_scanned(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    chooser = random.Random(17)
    filler = "".join(f"{chooser.getrandbits(64):x}\n" for _ in range(200))
    repo.commit("two", **{"a.txt": f"{pat(44)}\n", "b.txt": filler})
    repo.git("repack", "-adfq")
    (pack,) = (repo.path / ".git" / "objects" / "pack").glob("*.pack")
    index = pack.with_suffix(".idx")
    damaged = repo.git("rev-parse", "HEAD:b.txt")
    offsets = {
        line.split()[1]: int(line.split()[0])
        for line in subprocess.run(
            ["git", "show-index"], input=index.read_bytes(), capture_output=True, check=True
        )
        .stdout.decode()
        .splitlines()
    }
    content = bytearray(pack.read_bytes())
    at = offsets[damaged] + 40  # inside its deflated bytes, past the entry's header
    content[at : at + 8] = bytes(8)
    pack.chmod(0o644)
    pack.write_bytes(bytes(content))

    scan = scan_history(repo.path, rules, options)

    assert {f.secret.reveal() for f in scan.result.findings} == {pat(44)}
    errors = [s for s in scan.result.skipped if s.is_error]
    assert [s.path for s in errors] == ["b.txt"]


def test_deltas_too_big_to_compare_are_rebuilt_and_scanned_whole(
    repo: GitRepo, rules: RuleSet, options: ScanOptions
) -> None:
    """A 10 KB file gaining a token per version: each delta is a few percent of its blob, too
    much to scan only where it changed, little enough to rebuild from the held base."""
    chooser = random.Random(21)
    lines = [f"setting_{n} = {chooser.getrandbits(48):x}\n" for n in range(400)]
    added: dict[str, tuple[str, int]] = {}
    for version in range(6):
        at = 50 * (version + 1)
        lines.insert(at, f"token_{version} = {pat(50 + version)}\n")
        commit = repo.commit(f"v{version}", **{"conf.txt": "".join(lines)})
        added[pat(50 + version)] = (commit, at + 1)
    repo.git("repack", "-adfq")
    assert len(_deltas(repo)) >= 4, "git stored too few deltas for this test to mean anything"

    scan = scan_history(repo.path, rules, options)

    found = {f.secret.reveal(): (f.origin.commit, f.line) for f in scan.result.findings}
    assert found == added
