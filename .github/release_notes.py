"""Print the CHANGELOG.md section of VERSION, for the release workflow's release notes.

    python .github/release_notes.py 0.1.0 [CHANGELOG.md]

Exits 1 with a message when the changelog has no section for that version: a tag must not be
released without saying what it changes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def section(changelog: str, version: str) -> str | None:
    """The body under `## [VERSION]`, up to the next `## ` heading or the link list."""
    heading = re.compile(rf"^## \[{re.escape(version)}\][^\n]*\n", re.MULTILINE)
    found = heading.search(changelog)
    if found is None:
        return None
    rest = changelog[found.end() :]
    end = re.search(r"^(## |\[[^\]]+\]: )", rest, re.MULTILINE)
    return (rest[: end.start()] if end else rest).strip() or None


def main() -> None:
    version = sys.argv[1].removeprefix("v")
    path = Path(sys.argv[2] if len(sys.argv) > 2 else "CHANGELOG.md")
    notes = section(path.read_text(encoding="utf-8"), version)
    if notes is None:
        sys.exit(f"{path} has no section for {version}: add '## [{version}]' before tagging")
    sys.stdout.write(notes + "\n")


if __name__ == "__main__":
    main()
