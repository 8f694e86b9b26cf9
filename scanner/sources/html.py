"""HTML pages: scanned whole, plus the source maps their inline scripts carry as data: URLs.

Stage: sources. Inline `<script>` bodies are part of the page's text, so scanning the page once
already reports a secret in them at its true line and column in the page; yielding the scripts
again would report it twice. What scanning the text cannot see is an inline source map
(`//# sourceMappingURL=data:...;base64,...`), whose embedded sources we unpack.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.models import Chunk, Origin, Skipped
from scanner.sources import sourcemap

SUFFIXES = (".html", ".htm", ".xhtml")


def html_chunks(data: bytes, origin: Origin) -> Iterator[Chunk | Skipped]:
    yield Chunk(data, origin)
    yield from sourcemap.inline_map_chunks(data, origin)
