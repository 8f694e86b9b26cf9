"""Printable string runs from executables: Mach-O (IPA apps), ELF (.so in APKs), Java classes.

Stage: sources. A compiled binary keeps string literals as plain bytes, so a hard-coded key is a
run of printable ASCII between non-text bytes. The runs are joined one per line, so a finding's
line N is the N-th run (like `strings -n 8`); the bytes around a run mean nothing to a reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped

# Shorter runs are mostly opcode bytes that happen to be printable; no credential is that short.
MIN_RUN = 8
_RUN = re.compile(rb"[\x20-\x7e\t]{%d,}" % MIN_RUN)
_MACH_O = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
# Names whose binary content is known to hold plain strings (protobuf in AABs, native libraries).
STRING_SUFFIXES = (".so", ".dylib", ".class", ".pb", ".o")


def is_executable(data: bytes) -> bool:
    """Mach-O (thin or fat), ELF, or a Java class file (which shares the fat Mach-O magic)."""
    return data[:4] in _MACH_O or data[:4] in (b"\xca\xfe\xba\xbe", b"\x7fELF")


def string_runs(data: bytes) -> bytes:
    """The printable runs of `data`, one per line."""
    return b"\n".join(match.group() for match in _RUN.finditer(data))


def strings_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    runs = string_runs(data)
    if runs:
        yield Chunk(runs, origin)
