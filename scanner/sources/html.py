"""HTML pages: scanned whole, plus the source maps their inline scripts carry as data: URLs.

Stage: sources. Inline `<script>` bodies are part of the page's text, so scanning the page once
already reports a secret in them at its true line and column in the page; yielding the scripts
again would report it twice. What scanning the text cannot see is an inline source map
(`//# sourceMappingURL=data:...;base64,...`), whose embedded sources we unpack; the page keeps
the map's payload blanked, so the decoders do not report those sources again at the map's line.
"""

from __future__ import annotations

from collections.abc import Iterator

from leakward.scanner.models import Chunk, Origin, Skipped
from leakward.scanner.sources import sourcemap

SUFFIXES = (".html", ".htm", ".xhtml")


def html_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    page, unpacked = sourcemap.with_inline_maps(data, origin)
    yield Chunk(page, origin)
    yield from unpacked
