"""Every rule's pattern costs work in proportion to its input, even input built to hurt it (#16).

`generic.env_secret` read `'TOKEN=' * N + '#'` once from every `TOKEN`, so its work grew with the
square of the input. The audit feeds each rule's shortest keyword with separators, repeated,
to its pattern on the `regex` engine (which must finish) and counts the steps a plain
backtracker takes on the same pattern (tests/scanner/regex_steps.py): doubling the input may not
more than double the steps, and no rule may take more than a fixed number of steps per byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.scanner.regex_steps import count_steps, hostile_subjects

ROOT = Path(__file__).resolve().parents[2]
# Doubling the input may add a little over double: the tail of each subject is fixed.
GROWTH = 2.2
STEPS_PER_BYTE = 64


def test_every_rule_costs_linear_steps_on_hostile_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.scanner.regex_steps", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    audit: dict[str, dict[str, list[int]]] = json.loads(done.stdout)

    superlinear = {
        (rule, subject): (small_steps, large_steps)
        for rule, rows in audit.items()
        for subject, (_, small_steps, _, large_steps) in rows.items()
        if large_steps > GROWTH * small_steps
    }
    costly = {
        (rule, subject): large_steps // size
        for rule, rows in audit.items()
        for subject, (_, _, size, large_steps) in rows.items()
        if large_steps > STEPS_PER_BYTE * size
    }
    assert len(audit) > 100  # every rule file was read
    assert superlinear == {}
    assert costly == {}


def test_the_step_counter_sees_the_env_secret_blow_up() -> None:
    """The counter is not vacuous: the rule's former pattern is caught, its steps quadruple."""
    former = (
        r"(?<![a-z0-9])(?:PASS(?:WORD|WD|PHRASE)?|PWD|SECRET|TOKEN|API_KEY|APIKEY|AUTH|CREDENTIAL)"
        r"[A-Z0-9_]{0,20}=(?P<secret>[^\s\"'#$]{10,})(?=\s|$)"
    )
    small, large = (dict(hostile_subjects("TOKEN", n))["TOKEN="] for n in (60, 120))

    assert count_steps(former, large) > 3.5 * count_steps(former, small)


def test_env_secret_now_reads_each_value_once() -> None:
    rules = yaml.safe_load((ROOT / "rules" / "generic.yaml").read_text())["rules"]
    pattern = next(r["pattern"] for r in rules if r["id"] == "generic.env_secret")
    small, large = (b"TOKEN=" * n + b"#" for n in (500, 1000))

    assert count_steps(pattern, large) <= GROWTH * count_steps(pattern, small)


def test_env_secret_gives_no_byte_of_a_value_back() -> None:
    """A value is ended by white space or the text's end; a run that stops at `#` cannot match
    by giving bytes back, so the value is possessive: three steps a byte, where giving each
    byte back made seven (0.02 s for a 1 MB value, ten times a plain-text scan)."""
    rules = yaml.safe_load((ROOT / "rules" / "generic.yaml").read_text())["rules"]
    pattern = next(r["pattern"] for r in rules if r["id"] == "generic.env_secret")
    subject = b"TOKEN=" * 2000 + b"#"

    assert count_steps(pattern, subject) <= 4 * len(subject)
