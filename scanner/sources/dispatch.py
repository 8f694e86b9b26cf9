"""Turns one file's bytes into chunks to scan: plain text as is, containers opened, junk skipped.

Stage: sources. Every source (files, git blobs, remote logs) hands raw bytes here, so a zip in a
git history is opened the same way as a zip on disk. The format is decided by magic bytes first
and by the name (the last component of `Origin.display`) second, because artifacts are often
renamed (an APK is a zip whatever it is called).

Hostile or malformed input never raises out of `chunks_for`: it becomes a `Skipped` with its
reason (is_error=True) and the siblings of the bad entry are still read. A decompression bomb
stops the whole outer file, reported once, where it was noticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import (
    android_xml,
    archives,
    binary_strings,
    ci_logs,
    class_file,
    dex,
    html,
    plist,
    postman,
    sourcemap,
)
from leakward.scanner.sources.limits import BombError, Budget, ContainerLimits

__all__ = ["ContainerLimits", "chunks_for", "is_binary", "is_plain_text", "is_read_whole"]

# Bytes sniffed to tell text from binary: NULs in the first block mean binary.
_SNIFF = 8192
# What every format told by its magic bytes starts with (a container or a binary decoder, but
# a tar, whose magic is not at the start); a loose test, each format's own decides. Checked
# against those tests by tests/sources/test_plain_text_gate.py.
_MAGIC_PREFIXES = (
    b"Cr24",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"dex\n",
    b"\xca\xfe\xba\xbe",
    b"\x03\x00\x08\x00",
    b"\x02\x00\x0c\x00",
    b"bplist00",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)
# Where a tar's magic sits (archives.is_tar).
_TAR_MAGIC_AT = 257
# First bytes of a text a reader of its own may claim: a Postman export opens a JSON object
# after white space, a CI log with a timestamp after line breaks.
_STRUCTURED_FIRST = ci_logs.TIMESTAMP_FIRST | {bytes([byte]) for byte in b" \t\n\r\x0b\x0c{"}
# Names whose reading depends on the name alone (for text, without a NUL in its first block).
_NAMED_SUFFIXES = (
    ".map",
    *html.SUFFIXES,
    *sourcemap.SCRIPT_SUFFIXES,
    *binary_strings.STRING_SUFFIXES,
)

Container = Callable[[bytes, Origin, int, Budget, archives.Recurse], Iterator[Chunk | Skipped]]
Decoder = Callable[[bytes, Origin], Iterator[Chunk | Skipped]]
# Binary formats render text from tables and trees; they spend the outer file's budget.
BinaryDecoder = Callable[[bytes, Origin, Budget], Iterator[Chunk | Skipped]]


def is_binary(data: bytes) -> bool:
    # find with bounds, not a slice: no 8 KiB copy per blob of a history.
    return data.find(b"\0", 0, _SNIFF) >= 0


def is_plain_text(data: bytes, path: str, limits: ContainerLimits) -> bool:
    """Whether `chunks_for` would give back `data` itself as its one chunk: no container, no
    binary format, no text format with a reader of its own. Decided from magic bytes and the
    name, without the generators `chunks_for` sets up: nearly every blob of a history is plain
    text, and on rails' history those generators cost more than sniffing did. `path` is what
    an `Origin` of the data would display: no Origin is made for a blob with nothing in it."""
    if limits.max_depth < 0 or data.find(b"\0", 0, _SNIFF) >= 0:
        return False
    # A few calls into C settle nearly every text, where each format's own test was a dozen
    # Python calls a blob (issue #18: 14.4 -> 7.7 us a blob on 27k of symfony's, most of the
    # rest the two bounded searches). The name's suffixes are the path's: none holds `/` or `!`.
    if (
        data.startswith(_MAGIC_PREFIXES)
        or data.startswith(b"ustar", _TAR_MAGIC_AT)
        or path.lower().endswith(_NAMED_SUFFIXES)
    ):
        return _is_plain_text_sniffed(data, _base_name(path))
    # No container, binary format or named text format can claim it now, only a Postman export
    # or a CI log: each told by its own test, not every format's (12% of symfony's blobs open
    # with white space or `{` and took them all).
    if data[:1] in _STRUCTURED_FIRST:
        return not (postman.looks_like_postman(data) or ci_logs.looks_like_ci_log(data))
    return not ci_logs.has_group_marker(data) or not ci_logs.looks_like_ci_log(data)


def _is_plain_text_sniffed(data: bytes, name: str) -> bool:
    """`is_plain_text` for text that may be a format: every format's own test, in full."""
    return (
        _container(data, name) is None
        and _binary_decoder(data, name) is None
        and not _has_text_reader(data, name)
    )


def is_read_whole(head: bytes, origin: Origin) -> bool:
    """Whether a file that starts with `head` must be read whole: a container or a binary format
    whose tables point anywhere in it. Large text is streamed in segments instead, and a large
    binary that is neither is skipped without being read."""
    name = _name(origin)
    return _container(head, name) is not None or _binary_decoder(head, name) is not None


def chunks_for(
    data: bytes,
    origin: Origin,
    limits: ContainerLimits,
    depth: int = 0,
    source: str = "auto",
) -> Iterator[Chunk | Skipped]:
    """Chunks of `data`; a binary that is no container we know is skipped with its reason.

    Memory stays bounded by `limits`: entries, total decompressed bytes and compression ratio
    are measured while inflating, and containers deeper than `max_depth` are not opened.
    `source` names the format when sniffing cannot tell (a CI log without timestamps, a Postman
    export with an unusual shape); it applies to `data` itself, not to entries inside it.
    """
    if source != "auto":
        yield from _forced(data, origin, source)
        return
    budget = Budget(limits)

    def recurse(content: bytes, inner: Origin, inner_depth: int) -> Iterator[Chunk | Skipped]:
        return _guarded(content, inner, inner_depth, budget, recurse)

    try:
        yield from recurse(data, origin, depth)
    except BombError as exc:
        yield Skipped(budget.where or origin.display, str(exc), is_error=True)


def _guarded(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: archives.Recurse
) -> Iterator[Chunk | Skipped]:
    try:
        yield from _route(data, origin, depth, budget, recurse)
    except BombError:
        raise
    except Exception as exc:  # the last guard: one bad entry must not end the scan
        # Parsers catch their own known errors; reaching here means a format case we missed.
        yield Skipped(
            origin.display,
            f"could not be decoded ({type(exc).__name__}); the rest of the scan went on. "
            "Please report the file's format to the leakward maintainers",
            is_error=True,
        )


def _plain(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    yield Chunk(data, origin)


FORCED_SOURCES: dict[str, Decoder] = {
    "ci-log": ci_logs.log_chunks,
    "postman": postman.postman_chunks,
    "sourcemap": sourcemap.sourcemap_chunks,
    "html": html.html_chunks,
    "text": _plain,
}
SOURCES = ("auto", *FORCED_SOURCES)


def _forced(data: bytes, origin: Origin, source: str) -> Iterator[Chunk | Skipped]:
    if is_binary(data):
        yield Skipped(origin.display, f"binary input, not a {source} source", is_error=True)
        return
    try:
        yield from FORCED_SOURCES[source](data, origin)
    except Exception as exc:  # the last guard, as for sniffed formats
        yield Skipped(origin.display, f"not readable as {source} ({type(exc).__name__})", True)


def _route(
    data: bytes, origin: Origin, depth: int, budget: Budget, recurse: archives.Recurse
) -> Iterator[Chunk | Skipped]:
    limits = budget.limits
    if depth > limits.max_depth:
        yield Skipped(origin.display, f"nested deeper than {limits.max_depth} (limit max_depth)")
        return
    container = _container(data, _name(origin))
    if container is not None:
        if depth >= limits.max_depth:
            yield Skipped(
                origin.display,
                f"archive nested {depth} deep; not opened (limit max_depth={limits.max_depth})",
            )
            return
        yield from container(data, origin, depth, budget, recurse)
        return
    decoder = _binary_decoder(data, _name(origin))
    if decoder is not None:
        yield from decoder(data, origin, budget)
        return
    if is_binary(data):
        yield Skipped(origin.display, "binary file")
        return
    yield from _text(data, origin)


def _container(data: bytes, name: str) -> Container | None:
    if data[:4] == b"Cr24":
        return archives.crx_chunks
    if archives.is_zip(data):
        return archives.zip_chunks
    if archives.compression_of(data) is not None:
        return archives.compressed_chunks
    if archives.is_tar(data) or (name.endswith(".tar") and is_binary(data)):
        return archives.tar_chunks
    return None


def _binary_decoder(data: bytes, name: str) -> BinaryDecoder | None:
    if dex.is_dex(data):
        return dex.dex_chunks
    if class_file.is_class_file(data, name):
        return class_file.class_chunks
    if android_xml.is_binary_xml(data):
        return android_xml.binary_xml_chunks
    if android_xml.is_resource_table(data):
        return android_xml.resource_table_chunks
    if plist.is_binary_plist(data):
        return plist.plist_chunks
    if binary_strings.is_executable(data) or name.endswith(binary_strings.STRING_SUFFIXES):
        return _string_runs
    return None


def _string_runs(data: bytes, origin: Origin, budget: Budget) -> Iterator[Chunk | Skipped]:
    # Runs are slices of the input: never more output than input, so nothing to budget.
    return binary_strings.strings_chunks(data, origin)


def _text(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    name = _name(origin)
    if sourcemap.is_source_map(data, name):
        yield from sourcemap.sourcemap_chunks(data, origin)
    elif name.endswith(html.SUFFIXES):
        yield from html.html_chunks(data, origin)
    elif postman.looks_like_postman(data):
        yield from postman.postman_chunks(data, origin)
    elif ci_logs.looks_like_ci_log(data):
        yield from ci_logs.log_chunks(data, origin)
    elif name.endswith(sourcemap.SCRIPT_SUFFIXES):
        script, unpacked = sourcemap.with_inline_maps(data, origin)
        yield Chunk(script, origin)
        yield from unpacked
    else:
        yield Chunk(data, origin)


def _has_text_reader(data: bytes, name: str) -> bool:
    """Whether `_text` reads `data` other than as one chunk of itself."""
    return (
        sourcemap.is_source_map(data, name)
        or name.endswith(html.SUFFIXES)
        or postman.looks_like_postman(data)
        or ci_logs.looks_like_ci_log(data)
        or (name.endswith(sourcemap.SCRIPT_SUFFIXES) and sourcemap.has_inline_map(data))
    )


def _name(origin: Origin) -> str:
    return _base_name(origin.display)


def _base_name(display: str) -> str:
    return display.rsplit("!", 1)[-1].rsplit("/", 1)[-1].lower()
