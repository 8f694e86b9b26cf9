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

import regex
import yaml

from tests.scanner.hostile import SHAPES
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


# generic.named_key before its two lookaheads: a name tried at up to 31 lengths against the whole
# alternation wherever a word, a value or an operator starts.
_NAMED_KEY_FORMER = (
    r"(?m)(?<![A-Za-z0-9_.$-])(?P<name>[A-Za-z0-9_.-]{0,30}?(?:(?i:api[_.-]?(?:key|token|secret)"
    r"|(?:auth|access|oauth|bearer|refresh|private|session)[_.-]?token|secret[_.-]?(?:access"
    r"[_.-]?)?key(?:[_.-]?base)?|(?:client|app|consumer|webhook|signing)[_.-]?secret|master"
    r"[_.-]?key|account[_.-]?key|(?P<bare>key|token|secret))|(?<![A-Za-z0-9])(?![CX]SRF_)[A-Z]"
    r"""[A-Z0-9]{1,20}_(?:TOKEN|SECRET)))(?:_[0-9]{1,2})?(?![A-Za-z0-9_])["']?\]?[ \t]{0,3}(?:=>|"""
    r""":=|[:=])[ \t]{0,3}(?:[rbu]?["'](?P<secret>[^"'\s\\]{16,256})["']|(?P<secret>[^\s"'`#;"""
    r""":,=(){}\[\]<>]{16,256}={0,2})(?=[ \t]*(?:#[^\r\n]{0,200})?\r?$))"""
)


def _named_key() -> str:
    rules = yaml.safe_load((ROOT / "rules" / "generic_named.yaml").read_text())["rules"]
    return str(next(r["pattern"] for r in rules if r["id"] == "generic.named_key"))


def test_named_key_tries_a_name_only_where_one_can_end() -> None:
    """Its lookaheads (a name runs up to an assignment and ends in key, token, secret or base)
    leave the lazy name to the few words that can be one: 15 to 33 steps a byte before, on AWS
    pairs, real tokens and prose; about 5 now."""
    for shape in ("aws_pairs", "real_tokens", "plain"):
        subject = SHAPES[shape](400).encode()

        assert count_steps(_named_key(), subject) <= 8 * len(subject), shape
        assert count_steps(_NAMED_KEY_FORMER, subject) > 12 * len(subject), shape


def test_named_key_lookaheads_change_no_match() -> None:
    new, former = (regex.compile(pattern.encode()) for pattern in (_named_key(), _NAMED_KEY_FORMER))
    names = (
        "API_KEY",
        "x.secret_key_base",
        "slackToken",
        "SIGNING_SECRET_2",
        "my-api-token",
        "CSRF_TOKEN",
        "account.key",
        "aws_access_key_id",
        "pageToken",
        "KEY",
    )
    lines = [
        f"{name}{quote}{space}{op}{space}{value}"
        for name in names
        for quote in ("", '"', "']")
        for space in ("", " ")
        for op in ("=", ":", "=>", ":=")
        for value in ('"Zq8Wn3Rt6Yp1Lk4Hs7Df"', "Zq8Wn3Rt6Yp1Lk4Hs7Df==  # note", "short")
    ]
    subjects = [SHAPES[shape](300).encode() for shape in SHAPES] + [
        "\n".join(lines).encode(),
        " ".join(lines).encode(),
    ]

    for subject in subjects:
        found = [(m.span(), m.groups()) for m in new.finditer(subject)]
        assert found == [(m.span(), m.groups()) for m in former.finditer(subject)]
    assert sum(1 for _ in new.finditer(subjects[-2])) > 100
