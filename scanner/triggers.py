"""Patterns that tell the decoders where encoded text may start.

Stage: engine/decoders boundary. Each pattern matches once per place (a fixed-length body after a
delimiter), so Hyperscan reports one hit per encoded run rather than one per byte of it.
"""

from __future__ import annotations

# kind -> pattern (Hyperscan- and `re`-compatible, no lookarounds).
TRIGGERS: dict[str, str] = {
    # `=` ends a run (padding) and also starts one (`KEY=base64`), so it counts as a delimiter.
    "base64": r"(?:^|[^A-Za-z0-9+/_\-])[A-Za-z0-9+/_\-]{24}",
    "hex": r"(?:^|[^0-9A-Fa-f])[0-9A-Fa-f]{32}",
    "url": r"%[0-9A-Fa-f]{2}",
    # `\"` too: JSON-escaped source (notebook cells, embedded configs) hides assignments.
    "escape": r"\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[/\"])",
    "concat": r"[\"'`][ \t\r\n]{0,8}\+[ \t\r\n]{0,8}[\"'`]",
}
