"""Decoders find token and literal bounds in C with the answers of the byte loops they replace,
and decode a run of escaped tokens as one span (#16)."""

from __future__ import annotations

import re
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from leakward.scanner.concat_chains import decode_concat, literal_end
from leakward.scanner.decoders import _ESCAPE, _escape_piece, decode_escapes, decode_url, unescape
from leakward.scanner.triggers import ESCAPE_ENDS
from leakward.scanner.url_runs import unquote

LIMIT = 4096
ALPHABET = b"ab\"'`\\\n +%4"
TEXT = st.binary(min_size=1, max_size=60).map(
    lambda raw: bytes(ALPHABET[byte % len(ALPHABET)] for byte in raw)
)


def referenceliteral_end(data: bytes, open_: int) -> int | None:
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
    assert literal_end(data, 0) == referenceliteral_end(data, 0)


def test_a_literal_longer_than_the_limit_has_no_end() -> None:
    assert literal_end(b'"' + b"a" * (LIMIT - 2) + b'"', 0) == LIMIT - 1
    assert literal_end(b'"' + b"a" * (LIMIT - 1) + b'"', 0) is None


def test_nearby_percent_tokens_are_one_span_mapped_back_byte_for_byte() -> None:
    """A run goes on across lines while the next escape is near; a far one starts a new run."""
    data = b"x = " + b"%41 " * 500 + b"\nnext %42%43" + b" " * 200 + b"%44"
    anchors = [i + 3 for i in range(len(data)) if data.startswith(b"%", i)]

    spans = list(decode_url(data, anchors))

    assert [(s.start, s.end) for s in spans] == [
        (4, data.index(b"%43") + 3),
        (data.index(b"%44"), len(data)),
    ]
    assert spans[0].data == b"A " * 500 + b"\nnext BC"
    assert [spans[0].to_parent(i) for i in (0, 1, 2, 998)] == [4, 7, 8, 4 + 4 * 499]
    assert spans[1].data == b"D"


def test_escapes_on_nearby_lines_decode_as_one_span() -> None:
    data = b"\\u0041 " * 300 + b"\n\\u0042" + b" " * 200 + b"\\u0043"
    anchors = [i + 6 for i in range(len(data)) if data.startswith(b"\\u", i)]

    spans = list(decode_escapes(data, anchors))

    assert [span.data for span in spans] == [b"A " * 300 + b"\nB", b"C"]
    assert spans[0].to_parent(len(spans[0].data) - 1) == data.index(b"\\u0042")


def test_one_escape_per_line_is_one_span_found_by_one_match() -> None:
    """`'%41\\n' * n` and `'\\\\u0041\\n' * n` were a span per line, each a view and an engine
    call; the whole block is one span now, however many lines it has."""
    for line, kind in ((b"%41\n", decode_url), (b"\\u0041\n", decode_escapes)):
        data = line * 5000
        spans = list(kind(data, [len(line) - 1]))
        assert [(s.start, s.data) for s in spans] == [(0, b"A\n" * 4999 + b"A")]


def test_the_first_percent_escape_leads_to_every_run_after_it() -> None:
    """The engines report only the first `%XX`; the decoder finds the other runs itself, and
    leaves out escapes that end inside a view's raw context (`floor`)."""
    data = b"a %41%42 b\nc %43 " + b" " * 200 + b"%44\n%45"
    first = data.index(b"%41") + 3

    spans = list(decode_url(data, [first]))
    past_context = list(decode_url(data, [first], floor=data.index(b"%43")))

    assert [span.data for span in spans] == [b"AB b\nc C", b"D\nE"]
    assert [span.data for span in past_context] == [b"C", b"D\nE"]


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

    assert len(spans(every)) == 2
    assert spans(every[:1]) == spans(every)
    assert spans(every[:1], floor=context) == spans([e for e in every if e > context])


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40))
def test_percent_runs_decode_as_the_standard_library_does(raw: bytes) -> None:
    """Decoded in C through the `unicode_escape` codec: backslashes, lone `%`, bytes past
    ASCII and escapes of either case come out as `unquote_to_bytes` makes them."""
    alphabet = b"%%4aF0\\x\xff\xc3 n"
    data = bytes(alphabet[byte % len(alphabet)] for byte in raw)

    assert unquote(data) == urllib.parse.unquote_to_bytes(data)


@settings(max_examples=800, deadline=None)
@given(st.binary(max_size=40))
def test_escape_runs_decode_as_one_escape_at_a_time_does(raw: bytes) -> None:
    """Through the `unicode_escape` codec when every escape means the same to it, else split:
    either way each escape reads as the escape decoder's own table says."""
    alphabet = b"\\\\u00e4Fx/n'\"q\xff a"
    data = bytes(alphabet[byte % len(alphabet)] for byte in raw)

    assert unescape(data) == _ESCAPE.sub(lambda m: _escape_piece(m.group(1)), data)


def test_a_chain_over_several_lines_is_read_whole_from_its_first_link() -> None:
    """Chains are read on the lines that hold a link, a line past it, and a chain that goes on
    further (more links, a template literal left open) is read again whole."""
    data = (
        b"x = 1  # it's\n"
        + b'k = "ab" +\n  "cd" +\n  `e\nf` + "gh";\n'
        + b"y = 'no link here'\n" * 300
        + b"z = 'ij' + 'kl'\n"
    )
    first = data.index(b'" +') + 4

    spans = [(data[s.start : s.end], s.data) for s in decode_concat(data, [first])]

    assert spans == [
        (b'"ab" +\n  "cd" +\n  `e\nf` + "gh"', b'"abcde\nfgh"'),
        (b"'ij' + 'kl'", b"'ijkl'"),
    ]
