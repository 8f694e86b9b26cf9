"""Decoders find token and literal bounds in C with the answers of the byte loops they replace,
and decode a run of escaped tokens as one span (#16)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from leakward.scanner.decoders import _literal_after, decode_escapes, decode_url
from leakward.scanner.triggers import ESCAPE_ENDS

LIMIT = 4096
ALPHABET = b"ab\"'`\\\n +%4"
TEXT = st.binary(min_size=1, max_size=60).map(
    lambda raw: bytes(ALPHABET[byte % len(ALPHABET)] for byte in raw)
)


def reference_literal_after(data: bytes, open_: int) -> int | None:
    """The byte loop the decoder used before."""
    quote = data[open_]
    index = open_ + 1
    while index < len(data) and index - open_ < LIMIT:
        char = data[index]
        if char == 0x5C:
            index += 2
            continue
        if char == quote:
            return index
        if char == 0x0A and quote != 0x60:
            return None
        index += 1
    return None


@settings(max_examples=400, deadline=None)
@given(body=TEXT, quote=st.sampled_from([b'"', b"'", b"`"]))
def test_literal_ends_where_the_byte_loop_said(body: bytes, quote: bytes) -> None:
    data = quote + body
    assert _literal_after(data, 0) == reference_literal_after(data, 0)


def test_a_literal_longer_than_the_limit_has_no_end() -> None:
    assert _literal_after(b'"' + b"a" * (LIMIT - 2) + b'"', 0) == LIMIT - 1
    assert _literal_after(b'"' + b"a" * (LIMIT - 1) + b'"', 0) is None


def test_a_line_of_percent_tokens_is_one_span_mapped_back_byte_for_byte() -> None:
    data = b"x = " + b"%41 " * 500 + b"\nnext %42%43"
    anchors = [i + 3 for i in range(len(data)) if data.startswith(b"%", i)]

    spans = list(decode_url(data, anchors))

    assert [(s.start, s.end) for s in spans] == [
        (4, 4 + 4 * 500 - 1),
        (data.index(b"%42"), len(data)),
    ]
    assert spans[0].data == b"A " * 499 + b"A"
    assert [spans[0].to_parent(i) for i in (0, 1, 2, 998)] == [4, 7, 8, 4 + 4 * 499]
    assert spans[1].data == b"BC"


def test_escapes_in_one_line_decode_as_one_span() -> None:
    data = b"\\u0041 " * 300 + b"\n\\u0042"
    anchors = [i + 6 for i in range(len(data)) if data.startswith(b"\\u", i)]

    spans = list(decode_escapes(data, anchors))

    assert len(spans) == 2
    assert spans[0].data == b"A " * 299 + b"A"
    assert spans[1].data == b"B"


def test_the_first_percent_escape_leads_to_every_run_after_it() -> None:
    """The engines report only the first `%XX`; the decoder finds the other runs itself, and
    leaves out escapes that end inside a view's raw context (`floor`)."""
    data = b"a %41%42 b\nc %43 " + b" " * 200 + b"%44\n%45"
    first = data.index(b"%41") + 3

    spans = list(decode_url(data, [first]))
    past_context = list(decode_url(data, [first], floor=data.index(b"%43")))

    assert [span.data for span in spans] == [b"AB", b"C", b"D", b"E"]
    assert [span.data for span in past_context] == [b"C", b"D", b"E"]


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_escape_ends_found_in_c_are_the_triggers(raw: bytes) -> None:
    alphabet = b"\\\\\\u0041x4/ a"
    data = bytes(alphabet[byte % len(alphabet)] for byte in raw)
    reference = []
    for match in re.finditer(rb"(?=\\(u00[2-7][0-9A-Fa-f]|x[2-7][0-9A-Fa-f]|/))", data):
        run = match.start()
        while run and data[run - 1] == ord("\\"):
            run -= 1
        if (match.start() - run) % 2 == 0:
            reference.append(match.start() + 1 + len(match.group(1)))

    assert [match.end() for match in ESCAPE_ENDS.finditer(data)] == reference


def test_the_first_escape_leads_to_the_spans_every_escape_does() -> None:
    """The engines report only the first escape; the decoder finds the others itself and makes
    the spans it made when handed every one."""
    data = b'a "\\u0041\\x42" b\n\\\\u0043 c \\u0044 ' + b" " * 200 + b"\\/\n\\u0045"
    every = [match.end() for match in ESCAPE_ENDS.finditer(data)]
    context = data.index(b"\\u0044")

    def spans(anchors: list[int], floor: int = 0) -> list[tuple[int, int, bytes]]:
        return [(s.start, s.end, s.data) for s in decode_escapes(data, anchors, floor)]

    assert len(spans(every)) >= 3
    assert spans(every[:1]) == spans(every)
    assert spans(every[:1], floor=context) == spans([e for e in every if e > context])
