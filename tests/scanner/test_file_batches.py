"""Directory scans locate a task's plain-text files together (#18): what each file reports must
be what it reports scanned alone, and a batch past its time budget must still name the one file
that ran away (#16).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from unittest import mock

from leakward.rules.loader import load_rules
from leakward.rules.model import Rule, RuleSet
from leakward.scanner.models import Finding, Skipped
from leakward.scanner.scan import ScanOptions, scan_chunks, scan_paths
from leakward.scanner.sources import files
from leakward.scanner.sources.dispatch import ContainerLimits
from leakward.scanner.sources.files import FileLimits, MiB, list_targets, read_target
from tests.scanner.tokens import GITHUB_PAT
from tests.sources.builders import AWS_KEY, GOOGLE_KEY, zip_of

RULESET = load_rules().select()
Seen = tuple[str, str, int, int, int, int, str]


def _seen(findings: tuple[Finding, ...]) -> list[Seen]:
    return sorted(
        (f.rule_id, f.origin.display, f.line, f.column, f.end_line, f.end_column, f.secret.reveal())
        for f in findings
    )


def _tree(root: Path) -> None:
    google = f'google_api_key = "{GOOGLE_KEY}"\n'.encode()
    url = "".join(f"%{byte:02X}" for byte in GITHUB_PAT.encode()).encode()  # every byte escaped
    aws = b'aws_access_key_id = "' + AWS_KEY.encode() + b'"\n'
    files = {
        "a-plain.py": b"# nothing here\n" * 40 + aws,
        "b-empty.txt": b"",
        # Two files whose secret only a first-only trigger (URL escapes) leads to: a pass over
        # the files joined would report the trigger in the first of them only.
        "c-url.txt": b"link=" + url + b"\n",
        "d-url.txt": b"\n\nsee " + url + b"\n",
        "e-base64.yaml": b"data:\n  key: " + base64.b64encode(google) + b"\n",
        "f-page.html": b"<p>" + google + b"</p>\n",
        "g-archive.zip": zip_of({"inner.txt": google}),
        "h-binary.bin": b"\0\1\2" + google,
        "i-plain.txt": b"x = 1\n" + google + google,
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    (root / "sub").mkdir()
    (root / "sub" / "j-deeper.env").write_bytes(b"GITHUB_TOKEN=" + GITHUB_PAT.encode() + b"\n")


def test_files_located_together_report_what_each_reports_alone(tmp_path: Path) -> None:
    _tree(tmp_path)
    together = scan_paths([tmp_path], RULESET, ScanOptions(jobs=1))
    alone: list[Seen] = []
    for item in list_targets(tmp_path):
        assert not isinstance(item, Skipped)
        chunks = read_target(item, FileLimits(), ContainerLimits())  # the way of special formats
        alone += _seen(scan_chunks(chunks, RULESET, ScanOptions()).findings)
    assert _seen(together.findings) == sorted(alone)
    files = {f.origin.path.split("!")[0] for f in together.findings}
    assert {"a-plain.py", "c-url.txt", "d-url.txt", "e-base64.yaml", "i-plain.txt"} <= files
    assert {"f-page.html", "g-archive.zip", "sub/j-deeper.env"} <= files
    assert together.stats.files == 10
    assert [s.path for s in together.skipped] == ["h-binary.bin"]


SLOW = Rule(
    id="test.backtracking",
    name="A pattern that backtracks on a run of a's with no y after it",
    provider="test",
    pattern=r"(?P<secret>zq(?:a|aa)+y)",
    keywords=("zq",),
)
FAST = Rule(
    id="test.token",
    name="A plain token",
    provider="test",
    pattern=r"\b(?P<secret>tok_[a-z0-9]{16})\b",
    keywords=("tok_",),
)


def test_a_batch_past_its_budget_names_the_file_and_scans_the_rest(tmp_path: Path) -> None:
    # Confirming the slow rule on the first file takes seconds (about 1.6^36 steps); alone, the
    # second file takes microseconds. Both are plain text, so they share one engine call.
    (tmp_path / "a-slow.txt").write_bytes(b"zq" + b"a" * 36 + b"z zqaay\n")
    (tmp_path / "b-key.txt").write_bytes(b"tok_0123456789abcdef\n")
    rules = RuleSet((SLOW, FAST), digest="test-file-batches")
    result = scan_paths([tmp_path], rules, ScanOptions(jobs=1, file_seconds=0.3))
    assert [(f.rule_id, f.origin.path) for f in result.findings] == [("test.token", "b-key.txt")]
    (skipped,) = result.skipped
    assert skipped.path == "a-slow.txt"
    assert "0.3 s time budget" in skipped.reason
    assert result.stats.files == 2


def test_a_small_file_past_the_size_limit_is_skipped_not_located(tmp_path: Path) -> None:
    # Under the segment size, so small enough to be located with others, but over the limit.
    (tmp_path / "big.txt").write_bytes(b"x" * MiB + f' key = "{GOOGLE_KEY}"\n'.encode())
    (tmp_path / "small.txt").write_bytes(f'google_api_key = "{GOOGLE_KEY}"\n'.encode())
    options = ScanOptions(jobs=1, file_limits=FileLimits(max_file_size=MiB))
    result = scan_paths([tmp_path], RULESET, options)
    assert [f.origin.path for f in result.findings] == ["small.txt"]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("big.txt", "larger than the 1 MiB limit (raise --max-file-size)")
    ]


def test_a_short_read_is_not_scanned_as_the_whole_file(tmp_path: Path) -> None:
    # One `read` call may return less than asked (a signal, a network file system); the key
    # lies past what the first call returns, so scanning that part alone would miss it.
    (tmp_path / "late.txt").write_bytes(b"# padding\n" * 200 + f'key = "{GOOGLE_KEY}"\n'.encode())
    real_read = os.read

    def short_read(fd: int, size: int) -> bytes:
        return real_read(fd, min(size, 1000))

    with mock.patch.object(files.os, "read", short_read):
        result = scan_paths([tmp_path], RULESET, ScanOptions(jobs=1))
    assert [f.origin.path for f in result.findings] == ["late.txt"]
