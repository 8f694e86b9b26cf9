"""Hyperscan calls into Python once per match event: a pattern that hits at every byte of common
text costs a call per byte, however little the matcher then does with it (#16)."""

from __future__ import annotations

from leakward.rules.loader import load_rules
from leakward.scanner.engines.hyperscan_engine import HyperscanEngine
from leakward.scanner.engines.translate import for_hyperscan, open_tail
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin
from tests.scanner.hostile import SHAPES
from tests.scanner.tokens import random_body

RULESET = load_rules()


def test_a_leading_lookbehind_is_matched_as_text() -> None:
    pattern = r"(?<=cloudinary://[0-9]{15}:)(?P<secret>[A-Za-z0-9_-]{27}(?=@[a-z]+))"

    assert for_hyperscan(pattern) == r"(?:cloudinary://[0-9]{15}:)([A-Za-z0-9_-]{27})"
    assert for_hyperscan(r"(?i)(?<=a(?=b))c") == "(?i)(?:a)c"


def test_a_lookbehind_after_the_start_is_still_dropped() -> None:
    assert for_hyperscan(r"ab(?<=b)c(?<!x)") == "abc"


def test_long_words_raise_one_event_per_token_not_one_per_byte() -> None:
    """`cloudinary.url` without its lookbehind was `[A-Za-z0-9_-]{27}`: 14 events per token."""
    engine = HyperscanEngine(RULESET)
    data = SHAPES["real_tokens"](200).encode()

    engine.scan(data)

    assert engine.events <= 200 + 5


def test_an_open_tail_is_cut_to_its_least_and_its_class_kept() -> None:
    assert open_tail(r"TOKEN=([^\s#]{10,})") == (r"TOKEN=([^\s#]{10})", r"[^\s#]*")
    assert open_tail(r"(a|b[x\]]+?)") == (r"(a|b[x\]])", r"[x\]]*")
    assert open_tail(r"key=\S+") == (r"key=\S", r"\S*")


def test_a_bounded_tail_is_cut_and_read_on_no_further_than_its_bound() -> None:
    assert open_tail(r"a[xy]{3,5}") == (r"a[xy]{3}", r"[xy]{0,2}")
    # An optional atom after the range is dropped from the cut and read on in the tail.
    assert open_tail(r"k=([^\s]{16,256}={0,2})") == (r"k=([^\s]{16})", r"[^\s]{0,240}={0,2}")
    assert open_tail(r"k=[a-z]{4,}[0-9]?") == (r"k=[a-z]{4}", r"[a-z]*[0-9]?")


def test_what_a_cut_cannot_keep_is_left_alone() -> None:
    for expression in (
        r"a\)+",
        r"(?:ab)+",
        r"x[[:alpha:]]+",
        r"(?x) a+ ",
        r"a[xy]{3}",
        r"a[xy]{0,5}",
        r"a(?:b)?",
        r"a[xy]{3,5}\=?",
    ):
        assert open_tail(expression) is None


def test_a_long_value_raises_one_event_and_is_found_whole() -> None:
    """`TOKEN=` then a 4,000-byte value hit once per byte of it before the cut."""
    value = random_body(7, 4000)
    engine = HyperscanEngine(RULESET)
    matcher = Matcher(RULESET, engine)

    found = matcher.scan_chunk(Chunk(f"TOKEN={value}\n".encode(), Origin("file", ".env")))

    assert engine.events <= 5
    assert [(f.rule_id, len(f.secret.reveal())) for f in found] == [
        ("generic.env_secret", len(value))
    ]


def test_a_run_of_names_raises_one_event_not_one_per_name() -> None:
    """`generic.env_secret` starts after white space, a quote, `#` or `$` (or at the start):
    with that lookbehind dropped, `TOKEN=TOKEN=…` hit at every name."""
    engine = HyperscanEngine(RULESET)

    engine.scan(SHAPES["env_tokens"](2000).encode())

    assert engine.events <= 5


def test_a_negated_class_lookbehind_that_opens_a_pattern_is_matched_as_text() -> None:
    assert for_hyperscan(r"(?<![^\s#])TOKEN=(?P<s>x)") == r"(?:^|[\s#])TOKEN=(x)"
    # A class without the newline would not match at the start of a piece after the first of
    # `scan_many` (joined by newlines): dropped, as any other lookbehind.
    assert for_hyperscan(r"(?<![^a-z])TOKEN") == "TOKEN"
    assert for_hyperscan(r"(?<![a-z])TOKEN") == "TOKEN"
    # A match's own shape leaves it out: the class may be a newline, the match may not.
    assert for_hyperscan(r"(?<![^\s#])TOKEN", negated_opening=False) == "TOKEN"


def test_a_one_character_lookahead_that_ends_a_pattern_is_matched_as_text() -> None:
    assert for_hyperscan(r"=(?P<s>[^\s#]{10,})(?=\s|$)") == r"=([^\s#]{10,})(?:\s|$)"
    assert for_hyperscan(r"(a@(?=[a-z.]))") == r"(a@(?:[a-z.]))"
    # Wider, negative, or followed by more pattern: dropped, as any other lookaround.
    assert for_hyperscan(r"(a(?=@[a-z]+))") == "(a)"
    assert for_hyperscan(r"a(?=bc)") == "a"
    assert for_hyperscan(r"a(?![a-z])") == "a"
    assert for_hyperscan(r"a(?=b)c") == "ac"


def test_a_value_that_cannot_end_where_the_pattern_needs_wakes_no_confirmation() -> None:
    """`'TOKEN=' * N + '#'`: `generic.env_secret`'s value must end at white space or the end.
    Without that in the database the value ran to the `#`, the one hit made the whole input a
    window, and the confirmation searched all of it (most of that shape's cost)."""
    engine = HyperscanEngine(RULESET)
    matcher = Matcher(RULESET, engine)

    matcher.scan_chunk(Chunk(SHAPES["env_tokens"](20000).encode(), Origin("file", "f")))

    assert engine.events == 0
    assert matcher.work.confirmed == 0


def test_a_possessive_repeat_is_a_plain_one_to_hyperscan() -> None:
    """Hyperscan has no possessive repeats; it finds every end anyway, so the plain repeat ends
    where the possessive one does, and the confirmation keeps the possessive pattern."""
    assert for_hyperscan(r"=(?P<s>[^\s#]{10,}+)(?=\s)") == r"=([^\s#]{10,})(?:\s)"
    assert for_hyperscan(r"a++b?+c*+d{2}+") == "a+b?c*d{2}"
    # Lazy repeats stay; a `+` after an escaped `+` or `{` repeats it, it is no modifier.
    assert for_hyperscan(r"a+?\++\{2}+") == r"a+?\++\{2}+"
    assert for_hyperscan(r"[+]++(?:x)++") == "[+]+(?:x)+"


def test_each_piece_of_a_joined_scan_starts_a_name() -> None:
    value = random_body(3, 24)
    engine = HyperscanEngine(RULESET)
    matcher = Matcher(RULESET, engine)
    chunks = [Chunk(text.encode(), Origin("file", ".env")) for text in ("a=1", f"TOKEN={value}")]

    found = matcher.scan_chunks_spans(chunks)

    assert [[f.rule_id for f, _, _ in each] for each in found] == [[], ["generic.env_secret"]]


def test_a_first_only_trigger_skipped_for_want_of_its_byte_loses_no_hit() -> None:
    """A first-only trigger's database reads only pieces holding its byte: each piece's hits
    are those of reading every database."""
    engine = HyperscanEngine(RULESET)
    lines = [b"x = 'ab' + 'cd'", b"path = a%2Fb", b"s = '\\x41'", b"100% of it", b"a\\/b"]
    pieces = [a + b"\n" + b for a in lines for b in lines] + [b""]
    every = HyperscanEngine(RULESET)
    every._apart = [(database, scratch, None) for database, scratch, _ in every._apart]

    assert engine.scan_many(pieces) == every.scan_many(pieces)
    hits = engine.scan(lines[0] + lines[1] + lines[2])
    assert set(hits.triggers) >= {"concat", "url", "escape"}
    assert len(engine._apart) == 3
    assert all(needed is not None for _, _, needed in engine._apart)
