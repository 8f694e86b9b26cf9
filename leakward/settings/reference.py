"""docs/configuration.md's tables, rendered from the settings catalogue.

Stage: application shell (documentation). `python -m leakward.settings.reference` prints the
tables; tests/cli/test_settings.py fails when docs/configuration.md no longer holds them.
"""

from __future__ import annotations

import sys

from leakward.settings.catalogue import HANDED_DOWN, SETTINGS


def _default(value: object) -> str:
    if value is None or value == ():
        return "(none)"
    if isinstance(value, bool):
        return "unset"
    return f"`{value}`"


def settings_table() -> str:
    rows = [
        "| setting | config key | environment | flags | default | what it does |",
        "|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        key = f"`{s.key}`" if s.key else ""
        env = f"`{s.env}`" if s.env else ""
        rows.append(
            f"| `{s.path}` | {key} | {env} | {s.flags} | {_default(s.default)} | {s.help} |"
        )
    rows.append(
        "| `sweep.schedules` | `[[schedule]]` | | | (none) | Scheduled sweeps `serve` runs: "
        "`org`, `cron` (five fields, UTC), `workers` (1–64, default 2). |"
    )
    return "\n".join(rows) + "\n"


def handed_down_table() -> str:
    rows = ["| variable | read by |", "|---|---|"]
    rows += [f"| `{name}` | {what} |" for name, what in HANDED_DOWN]
    return "\n".join(rows) + "\n"


def main() -> None:
    sys.stdout.write(settings_table() + "\n" + handed_down_table())


if __name__ == "__main__":
    main()
