"""Who to tell about a leak: the registry's owner, else CODEOWNERS, else the commit's author.

Stage: notifiers. CODEOWNERS follows GitHub's rules closely enough for routing: the files
`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` (first found), gitignore-style patterns,
and the last matching line wins.
Reference: docs.github.com "About code owners".
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str  # an e-mail address, @user or @org/team
    source: str  # "registry", "codeowners" or "commit-author"


def resolve_recipient(
    owner: str | None,
    repository_root: Path | None = None,
    path: str | None = None,
    commit_author: str | None = None,
) -> Recipient | None:
    if owner:
        return Recipient(owner, "registry")
    if repository_root is not None and path is not None:
        owners = codeowners_for(repository_root, path)
        if owners:
            return Recipient(owners[0], "codeowners")
    if commit_author:
        return Recipient(commit_author, "commit-author")
    return None


def codeowners_for(repository_root: Path, path: str) -> tuple[str, ...]:
    for location in LOCATIONS:
        candidate = repository_root / location
        if candidate.is_file():
            return owners_in(candidate.read_text(encoding="utf-8", errors="replace"), path)
    return ()


def owners_in(codeowners: str, path: str) -> tuple[str, ...]:
    """The owners of `path` (repository-relative, "/" separated): the last matching rule wins."""
    found: tuple[str, ...] = ()
    for line in codeowners.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pattern, *owners = line.split()
        if _matches(pattern, path.lstrip("/")):
            found = tuple(owners)
    return found


def _matches(pattern: str, path: str) -> bool:
    anchored = pattern.startswith("/")
    pattern = pattern.strip("/") if pattern != "/" else ""
    if pattern in ("", "*", "**"):
        return True
    if pattern.endswith("/**"):
        pattern = pattern[:-3]
    candidates = [path] if anchored or "/" in pattern else [path, *_suffixes(path)]
    for candidate in candidates:
        if fnmatch.fnmatchcase(candidate, pattern):
            return True
        # A directory pattern owns everything beneath it.
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in _prefixes(candidate)):
            return True
    return False


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _suffixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(1, len(parts))]
