"""`is_plain_text`'s cheap gate answers as every format's own test does.

The gate settles most texts from their first bytes, a few bounded searches and the name's
suffix; only a text that may be a format goes through each format's test. These cases start
with each format's real header (not the gate's list of them), so a format the gate forgot, or
a marker it stopped looking for, shows as a disagreement.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leakward.scanner.sources import dispatch
from leakward.scanner.sources.limits import ContainerLimits

LIMITS = ContainerLimits()
# The first bytes of a real file of each format that is recognised by its content.
HEADERS = [
    b"Cr24\x03\x00\x00\x00",  # Chrome extension
    b"PK\x03\x04\x14\x00\x08\x00",  # zip entry
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b\x08\x00",  # gzip
    b"BZh91AY&SY",  # bzip2
    b"\xfd7zXZ\x00\x00\x04",  # xz
    b"dex\n035\x00",  # Android DEX
    b"\xca\xfe\xba\xbe\x00\x00\x00\x34",  # Java class (a NUL-free one below)
    b"\xca\xfe\xba\xbe\x01\x01\x01\x41",
    b"\x03\x00\x08\x00",  # Android binary XML
    b"\x02\x00\x0c\x00",  # Android resource table
    b"bplist00",  # binary property list
    b"\x7fELF\x02\x01\x01",  # ELF
    b"\xfe\xed\xfa\xce",  # Mach-O, both widths and byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b" \n\t{",  # Postman export, after white space
    b"{",
    b"\xef\xbb\xbf2024-05-01T10:00:00.1234567Z ",  # GitHub Actions log
    b"\r\n2024-05-01T10:00:00Z ",
    b"2024-05-01T10:00:00Z ",
    b"",
    b"<?php\n",
    b"# frozen_string_literal: true\n",
]
# Text a format's reader is claimed by, anywhere in the head.
MARKERS = [
    b"",
    b'"_postman_id": "1"',
    b"schema.getpostman.com",
    b"\n##[group]Run tests\n",
    b"\n2024-05-01T10:00:00Z ##[group]Build\n",
    b"\nsection_start:1714557600:prepare\r\n",
    b"\n\x1b[0Ksection_start:1714557600:prepare\r\n",
    b"//# sourceMappingURL=data:application/json;base64,eyJ2IjozfQ==\n",
    b"2024-05-01T10:00:01Z step\n2024-05-01T10:00:02Z step\n",
]
NAMES = [
    "src/App.php",
    "lib/a.rb",
    "web/app.JS",
    "dist/app.mjs",
    "x/app.cjs",
    "bundle.js.map",
    "page.html",
    "a/b/Index.HTM",
    "doc.xhtml",
    "libfoo.so",
    "libfoo.dylib",
    "Main.class",
    "model.pb",
    "main.o",
    "archive.tar",
    "logs.zip!build/2_Run tests.txt",
    "notes.map.txt",
]
FILLER = st.binary(max_size=300).map(lambda raw: raw.replace(b"\x00", b"."))


def _tar_header(name: bytes) -> bytes:
    """A tar header's first 263 bytes with no NUL in them (a real one pads with NULs)."""
    return name.ljust(257, b" ") + b"ustar "


def _reference(data: bytes, path: str) -> bool:
    """Every format's own test, as `is_plain_text` was before its gate."""
    return not dispatch.is_binary(data) and dispatch._is_plain_text_sniffed(
        data, dispatch._base_name(path)
    )


@settings(max_examples=1500, deadline=None)
@given(
    head=st.sampled_from(HEADERS),
    before=FILLER,
    marker=st.sampled_from(MARKERS),
    after=FILLER,
    name=st.sampled_from(NAMES),
)
def test_the_gate_agrees_with_every_format_test(
    head: bytes, before: bytes, marker: bytes, after: bytes, name: str
) -> None:
    data = head + before + marker + after
    assert dispatch.is_plain_text(data, name, LIMITS) == _reference(data, name)


@given(name=st.sampled_from(NAMES), body=FILLER)
def test_a_tar_is_never_plain_text(name: str, body: bytes) -> None:
    data = _tar_header(b"etc/passwd") + body
    assert not dispatch.is_plain_text(data, name, LIMITS)
    assert dispatch.is_plain_text(data[:200] + body, "src/App.php", LIMITS) == _reference(
        data[:200] + body, "src/App.php"
    )


def test_formats_found_past_the_gate_are_not_plain_text() -> None:
    log = b"2024-05-01T10:00:00Z one\n2024-05-01T10:00:01Z two\n"
    assert not dispatch.is_plain_text(log, "job.txt", LIMITS)
    grouped = b"prelude\n##[group]Run tests\nok\n"
    assert not dispatch.is_plain_text(grouped, "job.txt", LIMITS)
    # A marker past the head a log is recognised by does not make a log.
    assert dispatch.is_plain_text(b"x" * 5000 + grouped, "job.txt", LIMITS)
    postman = b'  {"info": {"_postman_id": "1"}}'
    assert not dispatch.is_plain_text(postman, "export.json", LIMITS)
    assert not dispatch.is_plain_text(b"{}", "bundle.js.map", LIMITS)
    assert dispatch.is_plain_text(b"{}", "bundle.js.map.txt", LIMITS)
    assert dispatch.is_plain_text(b"var a = 1;\n", "app.js", LIMITS)
    assert not dispatch.is_plain_text(b"\xca\xfe\xba\xbe\x01\x01\x01\x41", "A.txt", LIMITS)
    assert not dispatch.is_plain_text(b"text", "A.txt", ContainerLimits(max_depth=-1))
