"""CI logs: GitHub Actions log archives and GitLab traces are cleaned and located by step."""

from __future__ import annotations

from leakward.scanner.sources import ci_logs
from tests.sources.builders import GOOGLE_KEY, zip_of
from tests.sources.conftest import scan

TS = "2024-05-01T10:00:0{}.1234567Z "


def _step_log(lines: list[str]) -> bytes:
    return (
        "\ufeff" + "\n".join(TS.format(i % 10) + line for i, line in enumerate(lines)) + "\n"
    ).encode()


RUN_TESTS = _step_log(
    [
        "##[group]Run npm test",
        "\x1b[36;1mnpm test\x1b[0m",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
        "::add-mask::" + GOOGLE_KEY,
        "API key is ***",
        f"\x1b[31mERROR\x1b[0m request failed for key={GOOGLE_KEY}",
    ]
)
SETUP = _step_log(
    ["Current runner version: '2.316.0'", "##[group]Operating System", "Ubuntu", "##[endgroup]"]
)


def _archive() -> bytes:
    return zip_of(
        {
            "1_build.txt": SETUP + RUN_TESTS,
            "build/1_Set up job.txt": SETUP,
            "build/2_Run tests.txt": RUN_TESTS,
            "2_lint.txt": _step_log(["lint ok"]),
        }
    )


def test_github_log_archive_is_read_by_step_and_group():
    result = scan(_archive(), "logs_42.zip")
    assert result.skipped == []
    names = sorted(c.origin.display for c in result.chunks)
    # The whole-job copy of "build" is dropped: its steps are read one by one.
    assert "logs_42.zip!1_build.txt" not in names
    assert "logs_42.zip!2_lint.txt" in names
    (hit,) = [c for c in result.containing(GOOGLE_KEY) if b"request failed" in c.data]
    assert hit.origin.display == "logs_42.zip!build/2_Run tests.txt"
    assert hit.origin.kind == "ci-log"
    assert dict(hit.origin.extra) == {"job": "build", "step": "Run tests", "group": "Run npm test"}
    line, column = hit.position(hit.data.index(b"key=" + GOOGLE_KEY.encode()))
    assert line == 7  # the line of the downloaded log
    assert column == len("ERROR request failed for ") + 1


def test_cleaning_removes_noise_and_keeps_every_newline():
    cleaned = ci_logs.clean(RUN_TESTS)
    assert cleaned.count(b"\n") == RUN_TESTS.count(b"\n")
    assert b"\x1b" not in cleaned
    assert b"2024-05-01T" not in cleaned
    assert b"##[" not in cleaned
    assert b"::add-mask::" not in cleaned
    lines = cleaned.split(b"\n")
    assert lines[0] == b"Run npm test"
    assert lines[4] == GOOGLE_KEY.encode()  # an add-mask line shows the value in clear: a leak
    assert lines[5] == b"API key is ***"  # already masked: nothing left to find


def test_gitlab_trace_sections():
    trace = (
        b"\x1b[0KRunning with gitlab-runner 16.11.0\n"
        b"section_start:1714557600:prepare_script\r\x1b[0K\x1b[0K\x1b[36;1mPreparing\x1b[0;m\n"
        b"section_end:1714557601:prepare_script\r\x1b[0K\n"
        b"section_start:1714557602:step_script\r\x1b[0K\x1b[32;1m$ ./deploy.sh\x1b[0;m\n"
        b"deploying with " + GOOGLE_KEY.encode() + b"\n"
        b"section_end:1714557603:step_script\r\x1b[0K\n"
    )
    result = scan(trace, "job.log")
    (hit,) = result.containing(GOOGLE_KEY)
    assert dict(hit.origin.extra) == {"group": "step_script"}
    assert hit.position(hit.data.index(GOOGLE_KEY.encode())) == (5, 16)


def test_plain_text_is_not_taken_for_a_log():
    assert not ci_logs.looks_like_ci_log(b"just some\ntext with 2024-05-01T10:00:00Z inside\n")
    assert ci_logs.looks_like_ci_log(_step_log(["a", "b", "c"]))
