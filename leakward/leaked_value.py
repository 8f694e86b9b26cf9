"""The leaked value of a swept leak, read again from the mirror where the sweep saw it.

Stage: worker. A rotate_key task carries registry ids only: values never travel through the
broker. Without the value the pipeline can neither check that the leaked key is live nor revoke
a credential only its own value revokes (GitHub PATs, Slack tokens). The sweep keeps a mirror of
every repository and the registry keeps where each leak was seen, so the worker re-reads that
blob, scans it, and keeps the finding whose keyed fingerprint is the leak's. The value stays in
this process's memory, as it does for `leakward rotate --secret-stdin`.
"""

from __future__ import annotations

from pathlib import Path

from leakward.errors import SourceError
from leakward.mirrors import MirrorError, mirror_path
from leakward.secret import Secret
from registry import Registry
from rules.model import RuleSet
from scanner.sources.git import Repository


def leaked_value(
    registry: Registry, ruleset: RuleSet, mirror_dir: Path, issued_key_id: int, leak_id: int
) -> Secret | None:
    """The value behind `leak_id`, or None when no recorded location still shows it."""
    leak = next(
        (x for x in registry.list_leaks(issued_key_id=issued_key_id) if x.id == leak_id), None
    )
    if leak is None:
        return None
    for location in leak.locations:
        if not (location.repository and location.commit and location.path):
            continue
        try:
            git_dir = mirror_path(mirror_dir, location.repository)
        except MirrorError:
            continue
        blob = _blob(git_dir, location.commit, location.path)
        if blob is None:
            continue
        for secret in _secrets_in(blob, location.path, ruleset):
            if registry.fingerprint(secret.reveal()) == leak.fingerprint:
                return secret
    return None


def _blob(git_dir: Path, commit: str, path: str) -> bytes | None:
    try:
        repository = Repository(git_dir)
    except SourceError:
        return None  # the mirror is gone or damaged
    blob, error = repository.run_partial("cat-file", "blob", f"{commit}:{path}")
    return blob if error is None else None


def _secrets_in(blob: bytes, path: str, ruleset: RuleSet) -> list[Secret]:
    from scanner.models import Origin
    from scanner.scan import ScanOptions, scan_chunks
    from scanner.sources.dispatch import chunks_for

    options = ScanOptions(jobs=1)
    chunks = chunks_for(blob, Origin(kind="git-blob", path=path), options.container_limits)
    return [finding.secret for finding in scan_chunks(chunks, ruleset, options).findings]
