"""The base64 trigger literals are written as `\\xHH` escapes in C, not a pattern a byte: the same
pattern, byte for byte, and every one still matches its literal in Hyperscan's syntax."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_compile import hyperscan_literal, triggers_of
from leakward.scanner.triggers import hyperscan_escaped


@given(st.binary(max_size=64))
def test_each_byte_becomes_one_lowercase_hex_escape(literal: bytes) -> None:
    assert hyperscan_escaped(literal) == "".join(f"\\x{byte:02x}" for byte in literal)
    assert re.fullmatch(hyperscan_escaped(literal).encode(), literal)
    keyword = literal.decode("latin-1")
    assert hyperscan_literal(keyword) == b"".join(b"\\x%02x" % byte for byte in keyword.encode())


def test_every_base64_trigger_of_the_rules_is_an_escaped_literal() -> None:
    triggers = [p for kind, p in triggers_of(load_rules()) if kind == "base64"]
    literals = [p for p in triggers if p.startswith("\\x")]
    assert len(literals) > 1000  # the rules' keywords give thousands: the check is not vacuous
    assert all(re.fullmatch(r"(?:\\x[0-9a-f]{2})+", p) for p in literals)
