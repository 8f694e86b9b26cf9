"""Runs of escapes too short to hide a secret are not decoded, and every secret that an escape
run can hide is still found (#16)."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leakward.rules.loader import load_rules
from leakward.scanner import short_tokens
from leakward.scanner.decoders import unescape
from leakward.scanner.engines import make_engine
from leakward.scanner.engines.translate import STDLIB_PARSER
from leakward.scanner.first_ends import first_ends
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from leakward.scanner.short_tokens import (
    ESCAPES,
    LONG_STRETCH,
    SHORTEST_SECRET,
    decoded_window,
    has_long_decoded_searched,
    has_long_decoded_stretch,
    has_long_stretch,
    has_long_translated,
    has_long_unicode_escaped,
)
from tests.git.repos import aws_pair
from tests.scanner.tokens import GITHUB_PAT

RULESET = load_rules()
# Rules whose secret may be shorter than SHORTEST_SECRET, and why a run of short stretches still
# cannot hold one of their secrets with a decoded byte in it.
SHORT_SECRETS = {
    # The whole match holds no white space and is at least 9 bytes: one long stretch.
    "postgres.pgpass": "host:port:db:user:secret takes no white space",
    "database.amqp_uri": "scheme://user:secret@ takes no white space",
    "database.mysql_uri": "scheme://user:secret@ takes no white space",
    "database.redis_uri": "scheme://user:secret@ takes no white space",
    "database.mongodb_uri": "scheme://user:secret@ takes no white space",
    "database.postgres_uri": "scheme://user:secret@ takes no white space",
    "generic.url_credentials": "scheme://user:secret@ takes no white space",
    # The secret and what must touch it are one stretch of at least LONG_STRETCH - 1 bytes.
    "filezilla.password": "the secret is followed by </Pass> without white space",
    "generic.password_call": "the secret sits between quotes: 4 bytes and two quotes",
    # A lookahead asks for 24 characters, which the width of the pattern does not count.
    "generic.named_value_loose": "its lookahead asks for 24 characters",
    # Any stretch after `password`: the raw stretch is the same place's raw secret, found in the
    # raw text, and a raw sighting wins over a decoded one at the same place.
    "netrc.password": "the raw stretch after `password` is itself its secret",
}


def _secret_width(items: Any, group: int) -> int | None:
    """The shortest match of capture group `group` inside `items`, or None if it is not there."""
    widths = []
    for op, av in items:
        name = str(op)
        if name == "SUBPATTERN":
            if av[0] == group:
                return int(av[3].getwidth()[0])
            widths.append(_secret_width(av[3], group))
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            widths.append(_secret_width(av[2], group))
        elif name == "BRANCH":
            widths += [_secret_width(branch, group) for branch in av[1]]
        elif name == "ATOMIC_GROUP":
            widths.append(_secret_width(av, group))
    found = [width for width in widths if width is not None]
    return min(found) if found else None


def _shortest_secret(pattern: str) -> int:
    """The shortest secret `pattern` can capture (the first `secret` group: the `regex` module
    allows the name again in another branch, the standard parser does not)."""
    seen = 0

    def renamed(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen == 1 else f"(?P<secret_{seen}>"

    parsed = STDLIB_PARSER.parse(re.sub(r"\(\?P<secret>", renamed, pattern))
    group = parsed.state.groupdict["secret"]
    width = _secret_width(parsed, group)
    assert width is not None
    return width


def test_only_the_reviewed_rules_have_secrets_shorter_than_a_short_run_can_hold() -> None:
    """A rule whose secret may be shorter than SHORTEST_SECRET must be reviewed before runs of
    short stretches are left undecoded: its secret might come of one (short_tokens)."""
    short = {rule.id for rule in RULESET.rules if _shortest_secret(rule.pattern) < SHORTEST_SECRET}
    assert short == set(SHORT_SECRETS)


def _reference(data: bytes, start: int, end: int) -> bool:
    """Some maximal stretch without white space of LONG_STRETCH bytes or more meets
    `data[start:end]`."""
    return any(
        match.end() - match.start() >= LONG_STRETCH and match.start() < end and match.end() > start
        for match in re.finditer(rb"[^ \t\r\n]+", data)
    )


@settings(max_examples=500, deadline=None)
@given(
    data=st.binary(max_size=40).map(lambda raw: bytes(b"ab% \n\t\\"[b % 7] for b in raw)),
    bounds=st.tuples(st.integers(0, 40), st.integers(1, 20)),
)
def test_a_long_stretch_is_found_where_the_stretches_say(
    data: bytes, bounds: tuple[int, int]
) -> None:
    start = min(bounds[0], len(data))
    end = min(start + bounds[1], len(data))
    if end <= start:
        return
    expected = _reference(data, start, end)
    assert has_long_stretch(data, start, end) == expected
    window = data[max(0, start - LONG_STRETCH + 1) : end + LONG_STRETCH - 1]
    assert has_long_translated(window) == expected


def _decodes_long(stretch: bytes) -> bool:
    """`stretch` decodes (`%XX` to one byte each, as `unquote` reads them) to SHORTEST_SECRET
    bytes or more, or holds a `%` that starts no escape."""
    decoded = len(stretch) - 2 * len(re.findall(rb"%[0-9A-Fa-f]{2}", stretch))
    return decoded >= SHORTEST_SECRET or re.search(rb"%(?![0-9A-Fa-f]{2})", stretch) is not None


def _decoded_reference(data: bytes, start: int, end: int) -> bool:
    """Some maximal stretch without white space meeting `data[start:end]` is long in raw bytes
    and decodes long."""
    return any(
        match.end() - match.start() >= LONG_STRETCH and _decodes_long(match.group())
        for match in re.finditer(rb"[^ \t\r\n]+", data)
        if match.start() < end and match.end() > start
    )


@settings(max_examples=500, deadline=None)
@given(
    data=st.binary(max_size=60).map(lambda raw: bytes(b"a4F%% \nG%"[b % 9] for b in raw)),
    bounds=st.tuples(st.integers(0, 60), st.integers(1, 30)),
)
def test_a_long_decoded_stretch_is_found_where_the_stretches_say(
    data: bytes, bounds: tuple[int, int]
) -> None:
    """Never short where a stretch meeting the run is long raw and decoded: a secret could be cut
    off. Over the whole text the answer is exact (some stretch long raw, some decoding long);
    inside it, a window cut in an escape counts its tail as bytes of their own and may say long
    where it is not (decoding then as before)."""
    start = min(bounds[0], len(data))
    end = min(start + bounds[1], len(data))
    if end <= start:
        return
    found = has_long_decoded_stretch(data, start, end)
    if _decoded_reference(data, start, end):
        assert found
    if has_long_stretch(data, start, end):
        assert has_long_decoded_searched(decoded_window(data, start, end)) == found
    stretches = re.findall(rb"[^ \t\r\n]+", data)
    whole = _reference(data, 0, len(data)) and any(map(_decodes_long, stretches))
    assert has_long_decoded_stretch(data, 0, len(data)) == whole


def test_a_stretch_of_short_decoded_words_is_short() -> None:
    """`'%41%42%43 '` decodes to three bytes a word: not long, though each word takes nine raw
    bytes; six escapes in a row, or one more plain byte beside five, are."""
    words = b"%41%42%43 " * 100
    assert not has_long_decoded_stretch(words, 0, len(words))
    assert not has_long_decoded_stretch(words, 305, 325)
    assert has_long_decoded_stretch(words + b"%41" * 6, 0, len(words))
    assert not has_long_decoded_stretch(b"x %41bcde y", 0, 11)
    assert has_long_decoded_stretch(b"x %41bcdef y", 0, 12)


_JSON_ESCAPE = re.compile(rb"\\u00[0-7][0-9A-Fa-f]")


def _escapes_long(stretch: bytes) -> bool:
    """`stretch`, read from its start, holds SHORTEST_SECRET units (a `\\u00XX` below
    `\\u0080`, or a byte but a backslash) before a backslash that starts no such escape, or
    holds such a backslash."""
    units, at = 0, 0
    while at < len(stretch):
        if stretch[at : at + 1] == b"\\":
            if _JSON_ESCAPE.match(stretch, at) is None:
                return True
            at += 6
        else:
            at += 1
        units += 1
    return units >= SHORTEST_SECRET


def _unescapes_long(stretch: bytes) -> bool:
    """What `unescape` makes of `stretch` holds SHORTEST_SECRET bytes without white space in a
    row: a secret the decoded view could show."""
    return re.search(rb"[^ \t\r\n]{%d}" % SHORTEST_SECRET, unescape(stretch)) is not None


def _pieces_meeting(data: bytes, first: int, last: int, start: int, end: int) -> list[bytes]:
    """The pieces of the stretch `data[first:last]` between escaped spaces that meet
    `data[start:end]`: in the decoded view a secret without white space lies in one."""
    cuts = [first]
    for space in re.finditer(rb"\\u0020", data[first:last]):
        cuts += [first + space.start(), first + space.end()]
    cuts.append(last)
    pairs = zip(cuts[::2], cuts[1::2], strict=True)
    return [data[low:high] for low, high in pairs if low < end and high > start]


@settings(max_examples=500, deadline=None)
@given(
    data=st.lists(
        st.sampled_from(
            [b"\\u0041", b"\\u0080", b"\\u0020", b"\\u00", b"\\", b"u", b"0", b"a", b" ", b"\n"]
        ),
        max_size=20,
    ).map(b"".join),
    bounds=st.tuples(st.integers(0, 80), st.integers(1, 40)),
)
# Ten letters, then an escaped space, and the run in the last escape: the window cut the
# letters to five, and no piece that meets the run decodes long.
@example(data=b"\\u0041" * 10 + b"\\u0020\\u0041", bounds=(66, 1))
def test_a_long_escaped_stretch_is_found_where_the_stretches_say(
    data: bytes, bounds: tuple[int, int]
) -> None:
    """Never short where a stretch meeting the run is long raw and decodes to a secret's bytes
    in a row between escaped spaces: a secret could be cut off. The pattern that counts units
    (where the codec cannot read a window) says the same in Hyperscan and `re`, exactly over
    the whole text."""
    start = min(bounds[0], len(data))
    end = min(start + bounds[1], len(data))
    if end <= start:
        return
    if any(
        match.end() - match.start() >= LONG_STRETCH and _unescapes_long(piece)
        for match in re.finditer(rb"[^ \t\r\n]+", data)
        if match.start() < end and match.end() > start
        for piece in _pieces_meeting(data, match.start(), match.end(), start, end)
    ):
        assert has_long_decoded_stretch(data, start, end, ESCAPES)
    stretches = re.findall(rb"[^ \t\r\n]+", data)
    counted = has_long_decoded_searched(data, ESCAPES)
    assert counted == any(map(_escapes_long, stretches))
    scan = first_ends((ESCAPES.stretch,))
    if scan is not None:
        assert (scan(data)[0] is not None) == counted


@pytest.fixture(params=["hyperscan", "no hyperscan"])
def search(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the codec gives is searched with Hyperscan, or without it where it is not installed
    (a translation and a `find`)."""
    if request.param == "no hyperscan":
        monkeypatch.setattr(short_tokens, "first_ends", lambda _patterns: None)


@pytest.mark.usefixtures("search")
def test_the_codec_reads_escapes_as_the_decoded_view_would_show_them() -> None:
    """Stretches as `raw_unicode_escape` decodes them: an escaped space ends one, as in the
    decoded view; other escapes are kept whole (never shorter than `unescape` makes them); and
    where the codec reads otherwise than JSON, it does not tell."""
    assert has_long_unicode_escaped(b"\\u0041\\u0042 " * 100) is False
    assert has_long_unicode_escaped(b"\\u0041bcdef") is True
    assert has_long_unicode_escaped(b"\\u0041bc\\u0020def") is False
    assert has_long_unicode_escaped(b"a\\\\u0041") is True
    assert has_long_unicode_escaped(b"\\n\\x41\\/") is True
    for unread in (b"\\U00000041", b"\\u00e9", b"\\u4e2d", b"\\u00"):
        assert has_long_unicode_escaped(b"\\u0041 " + unread) is None


@pytest.mark.usefixtures("search")
def test_the_codec_reads_a_long_window_in_blocks_that_miss_no_stretch() -> None:
    """Blocks overlap: six letters that a block's end cuts, or that come blocks later, are read
    whole; five are not long wherever they are."""
    words = b"\\u0041\\u0042 " * 3000
    assert has_long_unicode_escaped(words + b"\\u0041" * 6) is True
    assert has_long_unicode_escaped(words + b"\\u0041" * 5) is False
    for offset in range(4050, 4100):
        assert has_long_unicode_escaped(b" " * offset + b"\\u0041" * 6) is True
        assert has_long_unicode_escaped(b" " * offset + b"a\\u0041bc\\u0041d") is True
        assert has_long_unicode_escaped(b" " * offset + b"\\u0041" * 5 + b" a") is False


def test_a_stretch_of_short_escaped_words_is_short() -> None:
    """`'\\u0041\\u0042 '` decodes to two bytes a word: not long, though each word takes twelve
    raw bytes; six escapes in a row, one more plain byte beside five, or another escape, are."""
    words = b"\\u0041\\u0042 " * 100
    assert not has_long_decoded_stretch(words, 0, len(words), ESCAPES)
    assert not has_long_decoded_stretch(words, 305, 325, ESCAPES)
    assert has_long_decoded_stretch(words + b"\\u0041" * 6, 0, len(words), ESCAPES)
    assert not has_long_decoded_stretch(b"x \\u0041bcde y", 0, 14, ESCAPES)
    assert has_long_decoded_stretch(b"x \\u0041bcdef y", 0, 15, ESCAPES)
    assert has_long_decoded_stretch(b"x \\u0041\\u00e9 y", 0, 16, ESCAPES)
    assert has_long_decoded_stretch(b"x \\\\u0041 y", 0, 13, ESCAPES)


@pytest.fixture(scope="module", params=["hyperscan", "regex"])
def matcher(request: pytest.FixtureRequest) -> Matcher:
    return Matcher(RULESET, make_engine(RULESET, request.param))


def _found(matcher: Matcher, text: str) -> list[tuple[str, int, tuple[str, ...] | None]]:
    chunk = Chunk(text.encode(), Origin("file", "f.txt"))
    return [(f.secret.reveal(), f.line, f.decoded_from) for f in matcher.scan_chunk(chunk)]


def _percent(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)


@pytest.mark.parametrize(
    ("unit", "encode", "kind"),
    [
        ("%41\n", _percent, "url"),
        ("%41 ", _percent, "url"),
        ("\\u0041\n", _escaped, "escape"),
        ("\\u0041 ", _escaped, "escape"),
        ("\\u0041\\u0042 ", _escaped, "escape"),
        ("\\u0041\\u0042\n", _escaped, "escape"),
    ],
)
def test_a_secret_encoded_whole_among_thousands_of_short_escapes_is_found(
    matcher: Matcher, unit: str, encode: object, kind: str
) -> None:
    assert callable(encode)
    hostile = unit * 3000
    text = f"{hostile}\ntoken = {encode(GITHUB_PAT)}\n{hostile}"
    line = hostile.count("\n") + 2
    assert (GITHUB_PAT, line, (kind,)) in _found(matcher, text)


@pytest.mark.parametrize("unit", ["%41\n", "%41 "])
def test_a_base64_secret_with_one_plus_encoded_among_short_escapes_is_found(
    matcher: Matcher, unit: str
) -> None:
    key_id, secret = aws_pair(0)
    assert "+" in secret
    hostile = unit * 3000
    text = (
        f"{hostile}\naws_access_key_id = {key_id}\n"
        f"aws_secret_access_key = {urllib.parse.quote(secret, safe='/')}\n{hostile}"
    )
    assert secret in [found for found, _, _ in _found(matcher, text)]


@pytest.mark.parametrize(
    "unit",
    [
        "%41 ",
        "%41\n",
        "%41%42%43 ",
        "%41%42%43\n",
        "\\u0041 ",
        "\\u0041\n",
        "\\u0041\\u0042 ",
        "\\u0041\\u0042\n",
        "\\/ab ",
    ],
)
def test_a_run_of_short_stretches_is_not_decoded(matcher: Matcher, unit: str) -> None:
    before = matcher.work.views
    assert _found(matcher, unit * 3000) == []
    assert matcher.work.views == before


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("x %41bcde y", "x %41bcdef y"),
        ("x \\u0041bcde y", "x \\u0041bcdef y"),
        ("x a\\/bcd y", "x a\\/bcde y"),
    ],
)
def test_a_run_is_decoded_from_a_stretch_of_seven_raw_bytes(
    matcher: Matcher, short: str, long: str
) -> None:
    """Six raw bytes with an escape decode to five at most: shorter than any secret but the
    reviewed rules'; seven may decode to six. A `%XX` or `\\u00XX` is counted as the one byte it
    decodes to (short_tokens): with one, five more raw bytes are short, six long."""
    before = matcher.work.views
    _found(matcher, short)
    assert matcher.work.views == before
    _found(matcher, long)
    assert matcher.work.views == before + 1
