"""A scan in a thread, where no signal reaches, still keeps each file's time budget (#16).

The sweep scans repositories in threads of one process, and the receiver runs push jobs in
threads; SIGALRM serves only a main thread. A file whose chunks run away one after another must
become a reported reason there too, and the other files must still be scanned.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.models import Chunk, Origin, ScanResult, Skipped
from leakward.scanner.scan import ScanOptions, scan_paths
from leakward.scanner.sources import dispatch
from leakward.scanner.time_budget import TimeBudgetError, check_deadline, time_budget
from tests.sources.builders import GOOGLE_KEY

RUN_AWAY = b"chunks-without-end"


def test_a_threads_budget_runs_out_at_the_next_check() -> None:
    raised: list[BaseException] = []

    def spin() -> None:
        try:
            with time_budget(0.05):
                for _ in itertools.count():
                    check_deadline()
        except TimeBudgetError as exc:
            raised.append(exc)

    thread = threading.Thread(target=spin)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(raised) == 1
    check_deadline()  # the budget ended with its block, and never applied to this thread


def test_a_runaway_file_scanned_in_a_thread_is_reported_and_the_rest_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = dispatch._text

    def endless(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
        if RUN_AWAY not in data:
            yield from text(data, origin)
            return
        while True:  # a decoder that never stops yielding
            yield Chunk(b"nothing here\n", origin)

    monkeypatch.setattr(dispatch, "_text", endless)
    # HTML, which `_text` reads with a reader of its own: plain text goes past `_text` to the
    # engine, located with other files in one call.
    (tmp_path / "a-runaway.html").write_bytes(RUN_AWAY)
    (tmp_path / "b-key.txt").write_bytes(b'google_api_key = "' + GOOGLE_KEY.encode() + b'"\n')
    results: list[ScanResult] = []
    options = ScanOptions(jobs=1, file_seconds=0.2)
    thread = threading.Thread(
        target=lambda: results.append(scan_paths([tmp_path], load_rules().select(), options)),
        daemon=True,  # if the budget failed, the test fails below instead of hanging
    )
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the runaway file was never stopped"
    (result,) = results
    assert [f.origin.path for f in result.findings] == ["b-key.txt"]
    (skipped,) = result.skipped
    assert skipped.path == "a-runaway.html"
    assert "0.2 s time budget" in skipped.reason
