"""Decoders find token and literal bounds in C with the answers of the byte loops they replace,
and decode a run of escaped tokens as one span (#16)."""

from __future__ import annotations

import contextlib
import itertools
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakward.scanner import concat_chains, escape_skip, url_runs
from leakward.scanner.concat_chains import _LINK, LITERAL, decode_concat, literal_end
from leakward.scanner.decoders import (
    _ESCAPE,
    _escape_piece,
    _escape_runs,
    _string_bounds,
    _UnclosedLine,
    decode_escapes,
    decode_url,
    unescape,
)
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


@contextlib.contextmanager
def _without_hyperscan() -> Iterator[None]:
    """The decoders' checks as they run where Hyperscan is not installed (C passes of bytes)."""
    saved = url_runs.first_ends, escape_skip.first_ends
    url_runs.first_ends = escape_skip.first_ends = lambda _patterns: None  # type: ignore[assignment]
    try:
        yield
    finally:
        url_runs.first_ends, escape_skip.first_ends = saved


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40))
def test_percent_runs_decode_as_the_standard_library_does(raw: bytes) -> None:
    """Decoded in C as quoted-printable, or through the `unicode_escape` codec where that
    reads otherwise: backslashes, `=`, line breaks, lone `%` (before a break, another `%` or
    at the end), bytes past ASCII and escapes of either case come out as `unquote_to_bytes`
    makes them."""
    alphabet = b"%%%4aF0=3D\\x\xff\xc3 n\n\r_"
    data = bytes(alphabet[byte % len(alphabet)] for byte in raw)

    assert unquote(data) == urllib.parse.unquote_to_bytes(data)
    with _without_hyperscan():
        assert unquote(data) == urllib.parse.unquote_to_bytes(data)


@settings(max_examples=800, deadline=None)
@given(st.binary(max_size=40))
def test_escape_runs_decode_as_one_escape_at_a_time_does(raw: bytes) -> None:
    """Through the `unicode_escape` codec when every escape means the same to it, else split:
    either way each escape reads as the escape decoder's own table says."""
    alphabet = b"\\\\u00e47AFx/n'\"q\xff a"
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


# One line: the decoder reads a chain from the line of its first link on, the reference anywhere.
CHAIN_PIECES = [b"'", b'"', b"`", b"+", b" + ", b"a", b"\\", b" ", b",", b"'x'", b'"y"']


# Bytes that cannot be the last or first byte of a secret split by a link.
_NOT_JOINABLE = b"\"'`+ \t\r\n"


def _is_joinable(texts: list[bytes]) -> bool:
    """Whether a link of the chain has a byte other than a quote, `+` or white space on one
    side at least: its left literal's last byte or its right literal's first."""
    return any(
        (left[-1:] and left[-1] not in _NOT_JOINABLE)
        or (right[:1] and right[0] not in _NOT_JOINABLE)
        for left, right in itertools.pairwise(texts)
    )


def _chain_by_chain(data: bytes) -> list[bytes]:
    """What each chain whose links join something joins to, read one chain and one literal at a
    time (the decoder once made a Python step of each)."""
    chain = re.compile(
        rb"(?s)(?:%s)(?:%s(?:%s))+" % (LITERAL.pattern[4:], _LINK, LITERAL.pattern[4:])
    )
    joined = []
    for found in chain.finditer(data):
        texts = [m.group()[1:-1] for m in LITERAL.finditer(data, *found.span())]
        if _is_joinable(texts):
            joined.append(
                data[found.start() : found.start() + 1]
                + b"".join(texts)
                + data[found.end() - 1 : found.end()]
            )
    return joined


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(CHAIN_PIECES), min_size=1, max_size=30))
def test_chains_join_as_one_chain_at_a_time_does(pieces: list[bytes]) -> None:
    """A run of chains is joined by one substitution in C; each chain comes out as reading it
    literal by literal made it, and each joined byte maps back to the same byte."""
    data = b"".join(pieces)
    links = [m.end() for m in re.finditer(rb"[\"'`][ \t\r\n]{0,8}\+[ \t\r\n]{0,8}[\"'`]", data)]
    spans = list(decode_concat(data, links[:1]))
    joined = [span.data for span in spans]

    expected = _chain_by_chain(data)
    for span in spans:
        parents = [span.to_parent(offset) for offset in range(len(span.data))]
        assert bytes(data[parent] for parent in parents) == span.data
        assert parents == sorted(parents)
    for part in expected:
        assert any(part in whole for whole in joined)


def test_a_line_of_chains_is_joined_by_a_call_per_run_not_per_chain() -> None:
    """`'a'+"b"` 2,000 times is 2,000 chains one after another: one run, one substitution (a
    `findall` per chain was most of the cost, 0.47 s per MB)."""
    data = b"'a'+\"b\"" * 2000
    calls: list[int] = []
    real = concat_chains._JOINER

    class Counting:
        def sub(self, template: bytes, text: bytes) -> bytes:
            calls.append(len(text))
            return real.sub(template, text)

        def finditer(self, text: bytes) -> object:
            return real.finditer(text)

    concat_chains._JOINER = Counting()  # type: ignore[assignment]
    try:
        spans = list(decode_concat(data, [3]))
    finally:
        concat_chains._JOINER = real
    assert len(spans) == 1
    assert len(calls) == 1
    # Each chain joins to its first and last quotes and its texts: 7 bytes to 4.
    assert spans[0].data == b"'ab\"" * 2000


def test_links_between_quotes_alone_are_not_joined() -> None:
    """`'+"` repeated is all links, each between two quotes: joined, it is quotes and `+`, no
    secret, and the joining was a regex step per literal (0.2 s per MB, plain text 0.002 s).
    The line is passed over without a regex reading it."""
    data = b"'+\"" * 4000
    reads: list[int] = []
    real = concat_chains._CHAINS

    class Counting:
        def finditer(self, text: bytes, start: int, end: int) -> object:
            reads.append(end - start)
            return real.finditer(text, start, end)

        def match(self, text: bytes, start: int) -> object:
            reads.append(len(text) - start)
            return real.match(text, start)

    concat_chains._CHAINS = Counting()  # type: ignore[assignment]
    try:
        spans = list(decode_concat(data, [3]))
    finally:
        concat_chains._CHAINS = real
    assert spans == []
    assert reads == []


def test_a_split_secret_among_links_between_quotes_is_still_joined() -> None:
    """On a line of `'+"`, the one chain whose link joins text is joined."""
    data = b"'+\"" * 4000 + b'; k = "ghp_abc" + "def";'

    spans = [span.data for span in decode_concat(data, [3])]

    assert any(b'"ghp_abcdef"' in span for span in spans)


def _runs_by_regex(data: bytes, first: int) -> list[tuple[int, int]]:
    """`url_runs` as it was: the run regex reads every escape."""
    runs = []
    escape = url_runs._PERCENT.search(data, max(first - 3, 0))
    while escape is not None:
        start, end = url_runs._run_start(data, escape.start())
        run = url_runs._RUN_REST.match(data, end)
        end = run.end() if run is not None else end
        runs.append((start, end))
        escape = url_runs._PERCENT.search(data, end)
    return runs


# Mostly escapes, so that stretches are skipped; lone `%`, cut escapes and wide gaps end them;
# `%4h` and `%hh` look like escapes to a table that took the letter h for a hex digit.
DENSE_PIECES = [b"%41"] * 20 + [b"%2F", b" "] * 10
DENSE_PIECES += [b"\n", b"%4", b"%zz", b"%", b"a", b" " * 126, b"%4h", b"%hh", b"h"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DENSE_PIECES), min_size=200, max_size=900))
def test_dense_percent_runs_skipped_in_bulk_end_where_the_regex_ends_them(
    pieces: list[bytes],
) -> None:
    """Escapes more than 64 to a token's next 4 KB are skipped over by C passes; the runs are
    the ones the regex finds reading every escape, lone `%` and wide gaps included."""
    data = b"".join(pieces)
    escape = url_runs._PERCENT.search(data)
    if escape is None:
        return

    runs = _runs_by_regex(data, escape.end())
    assert list(url_runs.url_runs(data, escape.end())) == runs
    with _without_hyperscan():
        assert list(url_runs.url_runs(data, escape.end())) == runs


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DENSE_PIECES), min_size=200, max_size=900))
def test_percent_spans_found_taking_every_percent_for_an_escape_are_the_regexs(
    pieces: list[bytes],
) -> None:
    """The decoder finds runs first as if every `%` started an escape, and again checking when
    a run holds one that does not: either way its spans are the regex's runs, decoded."""
    data = b"".join(pieces)
    escape = url_runs._PERCENT.search(data)
    if escape is None:
        return

    spans = [(s.start, s.end, s.data) for s in url_runs.decode_url(data, [escape.end()])]

    runs = _runs_by_regex(data, escape.end())
    assert spans == [(start, end, unquote(data[start:end])) for start, end in runs]


def test_the_regex_reads_only_the_tail_of_a_long_run_of_escapes() -> None:
    """`'%41 ' * 50000` is one run; the regex took each of its escapes in turn (11 ms per MB,
    plain text 1 ms). Skipped in bulk, it is left the last escape's token and nothing more."""
    data = b"%41 " * 50000
    _, first_end = url_runs._run_start(data, 0)

    reached = url_runs._reached(data, first_end)

    assert reached == len(data) - 1  # the last `%41`'s token ends at the final space
    assert list(url_runs.url_runs(data, 3)) == [(0, len(data) - 1)] == _runs_by_regex(data, 3)


def _escape_runs_of(data: bytes, dense: int) -> list[tuple[int, int]]:
    unclosed = _UnclosedLine()
    first = ESCAPE_ENDS.search(data)
    assert first is not None
    skip = escape_skip.DENSE
    escape_skip.DENSE = dense
    try:
        runs = _escape_runs(data, [first.end()], 0, lambda a: _string_bounds(data, a, unclosed))
        return [(start, end) for start, end, _ in runs]
    finally:
        escape_skip.DENSE = skip


ESCAPED = [b"\\u0041 ", b"\\u007a\n", b"\\u0041", b'"', b"a", b" ", b'\\u0020"', b"'"]
RARE = [b" " * 118, b"b" * 121, b"\\", b"\\\\u0041", b"\\u0011", b"\\x41", b'\\"', b"\\u00"]
# Escapes the skip must not take for printable ones, and raw bytes outside printable ASCII.
RARE += [b"\\u00e9", b"\\u004G", b"\xc3\xa9", b"\x01", b"\\/", b"\\q"]


@settings(max_examples=200, deadline=None)
@given(
    # Mostly escapes, so that many a 4 KB stretch holds nothing else and is skipped.
    st.lists(st.sampled_from(ESCAPED * 600 + RARE), min_size=300, max_size=1200).filter(
        lambda parts: ESCAPE_ENDS.search(b"".join(parts)) is not None
    )
)
def test_dense_escape_runs_skipped_in_bulk_end_where_the_regex_ends_them(
    parts: list[bytes],
) -> None:
    """Printable `\\u00XX` escapes more than 64 to 4 KB are skipped over in C; the runs are
    the ones the regex finds reading every escape (wide gaps, other escapes and backslash runs
    make the skip stop and leave the regex to read them)."""
    data = b"".join(parts)

    assert _escape_runs_of(data, 64) == _escape_runs_of(data, 10**9)
    # What the skip read is not counted again; the runs decode as escape by escape all the same.
    first = ESCAPE_ENDS.search(data)
    assert first is not None
    for span in decode_escapes(data, [first.end()]):
        raw = data[span.start : span.end]
        assert span.data == _ESCAPE.sub(lambda m: _escape_piece(m.group(1)), raw)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(ESCAPED * 60 + RARE), min_size=1, max_size=400),
    # What the window ends with: a cut escape or backslash is looked for apart.
    st.sampled_from([b"", *ESCAPED, *RARE]),
)
def test_the_bulk_skip_reads_a_window_as_its_c_passes_did(parts: list[bytes], end: bytes) -> None:
    """Hyperscan's one pass (`first_ends`) finds the same last escape, or none, as the counts,
    decoding and translations that read the window where Hyperscan is not installed."""
    window = b"".join(parts) + end
    with _without_hyperscan():
        by_c_passes = escape_skip._last_escape(window)

    assert escape_skip._last_escape(window) == by_c_passes


def test_the_regex_reads_only_the_tail_of_a_long_run_of_json_escapes() -> None:
    """`'\\u0041\\n' * 30000` is one run; skipped in bulk, the regex is left the last escape
    and its token, where it took each of 30,000 escapes in turn (14 ms per MB)."""
    data = b"\\u0041\n" * 30000

    assert escape_skip.reached(data, 6) == (len(data) - 1, len(data) - 1)
    assert _escape_runs_of(data, 64) == [(0, len(data) - 1)] == _escape_runs_of(data, 10**9)


@pytest.mark.parametrize("other", [b"\\/", b"\\q", b'\\"', b"\\x41", b"\\\\u0041", b"\\u00e9"])
def test_escapes_after_what_the_skip_read_are_still_looked_at(other: bytes) -> None:
    """The stretch the skip read holds only printable escapes and is not counted again; an
    escape of another kind after it sends the run to the slower reading, as before."""
    data = b"\\u0041 " * 1000 + other + b" \\u0042" * 10
    first = ESCAPE_ENDS.search(data)
    assert first is not None

    [span] = decode_escapes(data, [first.end()])

    assert span.data == _ESCAPE.sub(lambda m: _escape_piece(m.group(1)), data[span.start :])


def test_the_bulk_skip_takes_only_printable_json_escapes() -> None:
    """Raw bytes of any kind may sit between them; an escape of a control character, of a
    byte past ASCII, one without its digits or any other escape stops the skip."""
    assert escape_skip._all_printable_escapes(b"\\u0041 \\u007a\n\x01\xc3 \\u0020")
    for other in (b"\\u0011", b"\\u00e9", b"\\u004G", b"\\x41", b"\\\\u0041", b"\\u00"):
        assert not escape_skip._all_printable_escapes(b"\\u0041 " + other + b" \\u0042")


def test_a_run_of_words_of_escapes_is_checked_whole_by_the_skip() -> None:
    """The token of a window's last escape runs past the window in `'\\u0041\\u0042 '`: its
    tail holds only printable escapes, so the stretch read goes on (it stopped after the first
    window, and `unescape` counted the other 2 MB again, 1.6 ms per MB)."""
    data = b"\\u0041\\u0042 " * 30000

    skipped, checked = escape_skip.reached(data, 12)

    assert skipped == checked == len(data) - 1


@pytest.mark.parametrize("other", [b"\\/", b"\\a", b"\\101", b"\\u00e9"])
def test_another_escape_in_the_tail_of_a_cut_token_is_still_decoded(other: bytes) -> None:
    """An escape of another kind in the tail of a token that a window cuts is not taken into
    the stretch read: wherever it sits, the run decodes as escape by escape does (the codec
    `unescape` reads a checked stretch with reads `\\/`, `\\a` and octal otherwise)."""
    word = b"\\u0041\\u0042\\u0043 "
    # At each byte of the tokens around the first window's end, 4 KB on, in turn.
    for at in range(210 * len(word), 225 * len(word)):
        data = word * 400
        data = data[:at] + other + data[at:]
        for hyperscan in (True, False):
            with contextlib.nullcontext() if hyperscan else _without_hyperscan():
                [span] = decode_escapes(data, [6])
            raw = data[span.start : span.end]
            assert span.data == _ESCAPE.sub(lambda m: _escape_piece(m.group(1)), raw)
