"""Patterns that tell the decoders where encoded text may be.

Stage: engine/decoders boundary. Engines report where each match ENDS (Hyperscan is much faster
without start-of-match tracking); that offset lies inside or just after the encoded token, and
each decoder expands from it to the whole token. Each pattern matches once per token (a fixed
body after a delimiter), so a long run costs one hit, not one per byte.
"""

from __future__ import annotations

# kind -> pattern (Hyperscan- and `re`-compatible, no lookarounds).
TRIGGERS: dict[str, str] = {
    # A run whose first digit comes within its first 24 characters, then 16 more: encoded text
    # almost always has one there, long identifiers and paths (most runs in code) rarely.
    # The digit is the run's first, so each run matches once. `=` ends a run (padding) and
    # also starts one (`KEY=base64`), so it counts as a delimiter.
    "base64": r"(?:^|[^A-Za-z0-9+/_\-])[A-Za-z+/_\-]{0,23}[0-9][A-Za-z0-9+/_\-]{16}",
    "hex": r"(?:^|[^0-9A-Fa-f])[0-9A-Fa-f]{32}",
    "url": r"%[0-9A-Fa-f]{2}",
    # `\"` only where an escaped key is assigned an escaped string (`\"KEY\"] = \"…`,
    # `{\"token\": \"…`): JSON-escaped source hides assignments there, while escaped quotes
    # elsewhere (HTML attributes in JSON docs, quotes in strings) are noise.
    "escape": r"\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|/)|\\\"\]?[ \t]{0,3}[=:][ \t]{0,3}\\\"",
    "concat": r"[\"'`][ \t\r\n]{0,8}\+[ \t\r\n]{0,8}[\"'`]",
}
