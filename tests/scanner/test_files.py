"""The files source on real trees: ignores, binaries, size caps, links and unreadable files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.models import Skipped
from leakward.scanner.scan import ScanOptions, scan_paths
from leakward.scanner.sources.dispatch import ContainerLimits
from leakward.scanner.sources.files import FileLimits, MiB, Target, list_targets, read_target
from tests.scanner.tokens import GITHUB_PAT, github_token, random_body

RULESET = load_rules()


def run(root: Path, **options: object) -> tuple[list[tuple[str, int]], dict[str, str]]:
    result = scan_paths([root], RULESET, ScanOptions(jobs=1, **options))  # type: ignore[arg-type]
    return (
        [(f.origin.display, f.line) for f in result.findings],
        {s.path: s.reason for s in result.skipped},
    )


def test_gitignore_is_honoured_in_a_work_tree(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored.txt\nbuild/\n")
    (tmp_path / "kept.txt").write_text(f"t={GITHUB_PAT}\n")
    (tmp_path / "ignored.txt").write_text(f"t={GITHUB_PAT}\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.txt").write_text(f"t={GITHUB_PAT}\n")
    found, _ = run(tmp_path)
    assert found == [("kept.txt", 1)]
    everything, _ = run(tmp_path, no_ignore=True)
    assert sorted(everything) == [("build/out.txt", 1), ("ignored.txt", 1), ("kept.txt", 1)]


def test_a_folder_its_work_tree_ignores_is_scanned_when_named(tmp_path: Path) -> None:
    """`leakward scan build/out` inside a work tree whose .gitignore has `build/`: the user named
    it, so it is read; it scanned 0 files and exited 0 before."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n")
    out = tmp_path / "build" / "out"
    out.mkdir(parents=True)
    (out / "config.env").write_text(f"GITHUB_TOKEN={GITHUB_PAT}\n")
    found, _ = run(out)
    assert found == [("config.env", 1)]
    everything, _ = run(tmp_path)
    assert everything == [], "from the work tree's root, build/ stays ignored"


def test_git_directory_itself_is_never_walked(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".git" / "leak").write_text(f"t={GITHUB_PAT}\n")
    found, _ = run(tmp_path, no_ignore=True)
    assert found == []


def test_binary_invalid_utf8_and_nul_bytes(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" + GITHUB_PAT.encode())
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 \xff\xfe token=" + GITHUB_PAT.encode() + b"\n")
    found, skipped = run(tmp_path)
    assert found == [("latin1.txt", 1)]
    assert skipped == {"blob.bin": "binary file"}


def test_size_cap_skips_with_a_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    with big.open("wb") as handle:
        handle.truncate(3 * MiB)
    limits = FileLimits(max_file_size=2 * MiB)
    items = list(read_target(Target(str(big), "big.log", 3 * MiB), limits, ContainerLimits()))
    assert len(items) == 1
    assert isinstance(items[0], Skipped)
    assert "2 MiB" in items[0].reason


def test_large_file_is_streamed_in_segments_with_true_positions(tmp_path: Path) -> None:
    limits = FileLimits(max_file_size=64 * MiB, segment_size=1 * MiB, overlap=4096)
    path = tmp_path / "huge.log"
    line = b"." * 99 + b"\n"
    with path.open("wb") as handle:
        for _ in range(10_485):  # just past 1 MiB
            handle.write(line)
        handle.write(b" " * 10 + GITHUB_PAT.encode() + b"\n")  # in the second segment
        for _ in range(30_000):
            handle.write(line)
        handle.write(GITHUB_PAT.encode() + b"\n")
    target = Target(str(path), "huge.log", path.stat().st_size)
    chunks = list(read_target(target, limits, ContainerLimits()))
    assert len(chunks) > 3
    assert all(len(c.data) <= limits.segment_size + limits.overlap for c in chunks)  # type: ignore[union-attr]
    result = scan_paths([path], RULESET, ScanOptions(jobs=1, file_limits=limits))
    assert [(f.line, f.column) for f in result.findings] == [(10_486, 11), (40_487, 1)]


def test_secret_across_a_segment_cut_is_found_once(tmp_path: Path) -> None:
    limits = FileLimits(max_file_size=64 * MiB, segment_size=1 * MiB, overlap=4096)
    path = tmp_path / "cut.txt"
    prefix = b"a" * (1 * MiB - 20)
    path.write_bytes(prefix + b" " + GITHUB_PAT.encode() + b" tail\n" + b"b\n" * 1000)
    result = scan_paths([path], RULESET, ScanOptions(jobs=1, file_limits=limits))
    assert [(f.line, f.column) for f in result.findings] == [(1, len(prefix) + 2)]


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    (tmp_path / "a" / "f.txt").write_text(f"{GITHUB_PAT}\n")
    found, skipped = run(tmp_path)
    assert found == [("a/f.txt", 1)]
    assert skipped == {"a/loop": "symbolic link (not followed)"}


def test_permission_denied_is_reported_and_the_rest_scanned(tmp_path: Path) -> None:
    """Root reads any file, so as root the scan runs without the capabilities that allow it."""
    import json
    import sys

    (tmp_path / "locked.txt").write_text("x")
    (tmp_path / "locked.txt").chmod(0)
    (tmp_path / "sealed").mkdir(mode=0o000)
    (tmp_path / "open.txt").write_text(f"{GITHUB_PAT}\n")
    command = [sys.executable, "-m", "leakward", "scan", str(tmp_path), "--format", "json"]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, check=False)
    (tmp_path / "sealed").chmod(0o700)
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    assert [f["file"] for f in report["findings"]] == ["open.txt"]
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons["locked.txt"].startswith("cannot read")
    assert reasons["sealed"].startswith("cannot list directory")
    assert report["stats"]["errors"] == 2


def test_a_file_gone_before_it_is_read_is_an_error_not_a_crash(tmp_path: Path) -> None:
    target = Target(str(tmp_path / "vanished"), "vanished", 10)
    (item,) = read_target(target, FileLimits(), ContainerLimits())
    assert isinstance(item, Skipped)
    assert item.is_error
    assert item.reason.startswith("cannot read")


def test_special_files_are_skipped_and_the_rest_scanned(tmp_path: Path) -> None:
    # A FIFO is never opened: reading one would block the scan.
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "ok.txt").write_text(f"{GITHUB_PAT}\n")
    found, skipped = run(tmp_path)
    assert found == [("ok.txt", 1)]
    assert skipped == {"pipe": "not a regular file"}


def test_deeply_nested_directories(tmp_path: Path) -> None:
    deep = tmp_path
    for depth in range(200):
        deep = deep / f"d{depth % 10}"
    deep.mkdir(parents=True)
    (deep / "leak.txt").write_text(f"{GITHUB_PAT}\n")
    found, _ = run(tmp_path)
    assert len(found) == 1
    assert found[0][0].count("/") == 200


def test_parallel_and_serial_scans_agree(tmp_path: Path) -> None:
    for index in range(300):
        token = github_token("ghp_", random_body(index))
        (tmp_path / f"f{index:03d}.py").write_text("pad = 1\n" * 5000 + f"t = '{token}'\n")
    serial = scan_paths([tmp_path], RULESET, ScanOptions(jobs=1))
    parallel = scan_paths([tmp_path], RULESET, ScanOptions(jobs=2))
    assert len(serial.findings) == 300
    key = lambda r: [(f.origin.display, f.line, f.secret.reveal()) for f in r.findings]  # noqa: E731
    assert key(serial) == key(parallel)
    assert serial.stats.files == parallel.stats.files == 300


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    from leakward.core.errors import SourceError

    with pytest.raises(SourceError, match="does not exist"):
        list(list_targets(tmp_path / "nope"))


def test_paths_are_relative_to_the_root_however_it_is_written(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "k.txt").write_text(f"{GITHUB_PAT}\n")
    for root in (tmp_path, Path(f"{tmp_path}/"), Path(f"{tmp_path}/./")):
        found, _ = run(root, no_ignore=True)
        assert found == [("sub/deeper/k.txt", 1)]
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        for root in (Path("."), Path("./"), Path("sub/..")):
            items = [t for t in list_targets(root, no_ignore=True) if isinstance(t, Target)]
            assert [t.display for t in items] == ["sub/deeper/k.txt"]
    finally:
        os.chdir(cwd)
