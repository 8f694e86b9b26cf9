"""The `regex` engine's decoder triggers found the cheap way decode exactly what the plain way
did: base64 literals looked for only in runs long enough to decode, the concatenation trigger
found from its `+`."""

from __future__ import annotations

import base64
import random
import re

from leakward.rules.loader import load_rules
from leakward.scanner.decoders import decode_base64
from leakward.scanner.engines.regex_engine import RegexEngine
from leakward.scanner.engines.regex_triggers import _first_concat
from leakward.scanner.triggers import TRIGGERS

RULESET = load_rules()


def test_literals_in_short_runs_are_left_out_and_long_runs_decode_the_same() -> None:
    finder = RegexEngine(RULESET)._triggers
    secret = base64.b64encode(b"api_key = 'Zx81Lq0Pmw7Rt2Yv5Bn9Kc3'").decode()
    short = base64.b64encode(b"token").decode()  # 8 characters: too short to decode
    data = f"a = '{short}'\nblob: {secret}\nb = '{short}-{short}'\n".encode()
    plain: list[int] = []
    for literal, _, end in finder._literals.find_matches_as_indexes(data, overlapping=True):  # type: ignore[union-attr]
        if finder._literal_kinds[literal] == "base64":
            plain.append(end)
    found = finder.find(data, data.lower()).get("base64", [])
    at = data.index(secret.encode())
    assert found
    assert all(at < end <= at + len(secret) for end in found)
    assert any(not at < end <= at + len(secret) for end in plain)  # short runs held some
    assert list(decode_base64(data, sorted(plain))) == list(decode_base64(data, found))


def test_the_concatenation_trigger_found_from_its_plus_ends_where_the_pattern_does() -> None:
    pattern = re.compile(TRIGGERS["concat"].encode())
    chooser = random.Random(7)
    for _ in range(20_000):
        data = bytes(chooser.choice(b" \t\n'\"`+ab") for _ in range(chooser.randint(0, 24)))
        first = pattern.search(data)
        assert _first_concat(data) == (first.end() if first else None), data
