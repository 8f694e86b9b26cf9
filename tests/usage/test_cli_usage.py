"""`leakward usage analyze`, run as a user runs it: saved pages in, alerts out, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from leakward.usage.records import UsageRecord
from tests.usage.habits import ANTHROPIC_OFFICE, Habit, at, thief, usage

OFFICE = Habit()
DAYS = range(28)
FIELDS = {"key_id", "start", "end", "score", "reason", "provider"}


def leakward(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leakward", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def write_pages(folder: Path, records: list[UsageRecord], per_page: int = 24 * 7) -> list[Path]:
    """`records` as the provider's hourly usage pages, one JSON file a page, as the API pages."""
    by_hour: dict[int, list[UsageRecord]] = defaultdict(list)
    for record in records:
        by_hour[record.start].append(record)
    hours = sorted(by_hour)
    chunks = [hours[i : i + per_page] for i in range(0, len(hours), per_page)]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        page = _page(records[0].provider, [(h, by_hour[h]) for h in chunk], last, number)
        path = folder / f"page-{number:03d}.json"
        path.write_text(json.dumps(page))
        paths.append(path)
    return paths


def _page(
    provider: str, buckets: list[tuple[int, list[UsageRecord]]], last: bool, number: int
) -> dict[str, Any]:
    cursor = None if last else f"page_{number + 1}"
    if provider == "openai":
        data = [
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + 3600,
                "results": [
                    {
                        "object": "organization.usage.completions.result",
                        "input_tokens": r.input_tokens + r.cached_input_tokens,
                        "input_cached_tokens": r.cached_input_tokens,
                        "output_tokens": r.output_tokens,
                        "num_model_requests": r.requests,
                        "api_key_id": r.key_id,
                        "model": r.model,
                    }
                    for r in rows
                ],
            }
            for start, rows in buckets
        ]
        return {"object": "page", "data": data, "has_more": not last, "next_page": cursor}
    data = [
        {
            "starting_at": _iso(start),
            "ending_at": _iso(start + 3600),
            "results": [
                {
                    "uncached_input_tokens": r.input_tokens,
                    "cache_creation": {
                        "ephemeral_1h_input_tokens": 0,
                        "ephemeral_5m_input_tokens": 0,
                    },
                    "cache_read_input_tokens": r.cached_input_tokens,
                    "output_tokens": r.output_tokens,
                    "api_key_id": r.key_id,
                    "model": r.model,
                }
                for r in rows
            ],
        }
        for start, rows in buckets
    ]
    return {"data": data, "has_more": not last, "next_page": cursor}


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def stolen(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    night = thief(at(24, 2), 3, model=OFFICE.model, requests=150)
    return write_pages(tmp_path_factory.mktemp("stolen"), usage(OFFICE, DAYS, extra=night))


def test_clean_pages_exit_0_with_no_alerts(tmp_path: Path) -> None:
    done = leakward(
        "usage", "analyze", "--provider", "openai", *write_pages(tmp_path, usage(OFFICE, DAYS))
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"alerts": [], "not_judged": {}, "unattributed_results": 0}


def test_a_theft_exits_1_with_the_alert_in_the_documented_shape(stolen: list[Path]) -> None:
    done = leakward("usage", "analyze", "--provider", "openai", *stolen)
    assert done.returncode == 1, done.stderr
    (alert,) = json.loads(done.stdout)["alerts"]
    assert set(alert) == FIELDS
    assert (alert["key_id"], alert["provider"]) == (OFFICE.key_id, "openai")
    assert (alert["start"], alert["end"]) == (at(24, 2), at(24, 5))  # epoch seconds, as OpenAI
    assert "02:00 UTC" in alert["reason"]
    assert alert["score"] >= 1.0


def test_anthropic_alerts_write_times_as_anthropic_does(tmp_path: Path) -> None:
    night = thief(at(24, 2), 3, model=ANTHROPIC_OFFICE.model, requests=150)
    pages = write_pages(tmp_path, usage(ANTHROPIC_OFFICE, DAYS, extra=night))
    done = leakward("usage", "analyze", "--provider", "anthropic", *pages)
    assert done.returncode == 1, done.stderr
    (alert,) = json.loads(done.stdout)["alerts"]
    assert (alert["start"], alert["end"]) == (_iso(at(24, 2)), _iso(at(24, 5)))
    assert alert["key_id"] == ANTHROPIC_OFFICE.key_id


def test_text_format_and_output_file(stolen: list[Path], tmp_path: Path) -> None:
    report = tmp_path / "alerts.txt"
    done = leakward(
        "usage", "analyze", "--provider", "openai", "--format", "text", "--output", report, *stolen
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = report.read_text().splitlines()
    assert lines[0].startswith(f"{OFFICE.key_id}  {at(24, 2)} .. {at(24, 5)}  score ")
    assert lines[-1] == "1 alerts, 1 keys judged"


def test_a_key_seen_for_the_first_time_is_reported_as_not_judged(tmp_path: Path) -> None:
    pages = write_pages(tmp_path, usage(OFFICE, range(2)))
    done = leakward("usage", "analyze", "--provider", "openai", *pages)
    assert done.returncode == 0, done.stderr
    assert "days of use seen" in json.loads(done.stdout)["not_judged"][OFFICE.key_id]


def test_a_page_of_the_other_provider_exits_2_naming_the_file(stolen: list[Path]) -> None:
    done = leakward("usage", "analyze", "--provider", "anthropic", stolen[0])
    assert done.returncode == 2
    assert done.stdout == ""
    assert str(stolen[0]) in done.stderr
    assert "is an OpenAI usage page" in done.stderr
    assert "hint: pass --provider" in done.stderr


def test_broken_json_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "page.json"
    broken.write_text('{"object": "page", "data": [')
    done = leakward("usage", "analyze", "--provider", "openai", broken)
    assert done.returncode == 2
    assert "not JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_key_never_used_since_its_issue_date_is_flagged_when_told_it(tmp_path: Path) -> None:
    first_use = usage(
        Habit(requests=0.0),
        [30],
        seed=2,
        extra=thief(at(30, 3), 4, model=OFFICE.model, requests=20),
    )
    pages = write_pages(tmp_path, first_use)
    issued = datetime.fromtimestamp(at(0, 9), UTC).date().isoformat()

    untold = leakward("usage", "analyze", "--provider", "openai", *pages)
    told = leakward(
        "usage", "analyze", "--provider", "openai", "--issued", f"{OFFICE.key_id}={issued}", *pages
    )

    assert untold.returncode == 0, untold.stderr
    assert told.returncode == 1, told.stderr
    (alert,) = json.loads(told.stdout)["alerts"]
    assert "never used since issue" in alert["reason"]


def test_an_issued_value_without_a_date_exits_2_saying_how(stolen: list[Path]) -> None:
    done = leakward("usage", "analyze", "--provider", "openai", "--issued", "key_x", *stolen)
    assert done.returncode == 2
    assert "KEY_ID=DATE" in done.stderr
