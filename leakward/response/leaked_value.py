"""The leaked value of a swept leak, read again from the mirror where the sweep saw it.

Stage: worker. A rotate_key task carries registry ids only: values never travel through the
broker. Without the value the pipeline can neither check that the leaked key is live nor revoke
a credential only its own value revokes (GitHub PATs, Slack tokens). The sweep keeps a mirror of
every repository and the registry keeps where each leak was seen, so the worker re-reads that
blob, scans it, and keeps the finding whose keyed fingerprint is the leak's. The value stays in
this process's memory, as it does for `leakward rotate --secret-stdin`.

A leak seen only in an Actions run log has no mirror to read: its task carries where in the log
it is (`log`: repository, run id, job, step, fingerprint), and `leaked_log_value` downloads that
run's log again through the client the log sweep uses, scans that job's step, and keeps the
finding whose keyed fingerprint is the leak's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from github import Github

from leakward.core.errors import SourceError
from leakward.core.secret import Secret
from leakward.registry import Registry
from leakward.registry.values import Leak
from leakward.rules.model import RuleSet
from leakward.scanner.models import Chunk
from leakward.scanner.sources.git import Repository
from leakward.scanning.mirrors import MirrorError, mirror_path


def leaked_value(
    registry: Registry, ruleset: RuleSet, mirror_dir: Path, issued_key_id: int, leak_id: int
) -> Secret | None:
    """The value behind `leak_id`, or None when no recorded location still shows it."""
    leak = _leak(registry, issued_key_id, leak_id)
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
        found = _matching(registry, leak.fingerprint, _secrets_in(blob, location.path, ruleset))
        if found is not None:
            return found
    return None


def leaked_log_value(
    registry: Registry,
    ruleset: RuleSet,
    github: Github,
    issued_key_id: int,
    leak_id: int,
    log: Mapping[str, object],
) -> Secret | None:
    """The value behind `leak_id`, read again from the run log `log` names; None when the log
    is gone (expired, deleted, refused) or no longer shows it."""
    from leakward.scanner.scan import ScanOptions, scan_chunks
    from leakward.scanner.sources.remote_github_actions import actions_log_chunks

    leak = _leak(registry, issued_key_id, leak_id)
    run_id = log.get("run_id")
    repository = log.get("repository")
    # The fingerprint must be the leak's own: the value goes to the key's provider.
    if leak is None or log.get("fingerprint") != leak.fingerprint:
        return None
    if not isinstance(run_id, int) or not isinstance(repository, str) or not repository:
        return None
    options = ScanOptions(jobs=1)
    items = actions_log_chunks(
        github, repository, options.container_limits, run_id=run_id, max_runs=1
    )

    def in_place() -> Iterator[Chunk]:
        wanted = {name: log.get(name) for name in ("job", "step") if log.get(name)}
        for item in items:
            if isinstance(item, Chunk) and _is_at(item, wanted):
                yield item

    findings = scan_chunks(in_place(), ruleset, options).findings
    return _matching(registry, leak.fingerprint, [finding.secret for finding in findings])


def _leak(registry: Registry, issued_key_id: int, leak_id: int) -> Leak | None:
    return next(
        (x for x in registry.list_leaks(issued_key_id=issued_key_id) if x.id == leak_id), None
    )


def _matching(registry: Registry, fingerprint: str, secrets: Iterable[Secret]) -> Secret | None:
    """The secret whose keyed fingerprint is the leak's: the one value to hand its provider."""
    return next((s for s in secrets if registry.fingerprint(s.reveal()) == fingerprint), None)


def _is_at(chunk: Chunk, wanted: Mapping[str, object]) -> bool:
    extra = dict(chunk.origin.extra)
    return all(extra.get(name) == value for name, value in wanted.items())


def _blob(git_dir: Path, commit: str, path: str) -> bytes | None:
    try:
        repository = Repository(git_dir)
    except SourceError:
        return None  # the mirror is gone or damaged
    blob, error = repository.run_partial("cat-file", "blob", f"{commit}:{path}")
    return blob if error is None else None


def _secrets_in(blob: bytes, path: str, ruleset: RuleSet) -> list[Secret]:
    from leakward.scanner.models import Origin
    from leakward.scanner.scan import ScanOptions, scan_chunks
    from leakward.scanner.sources.dispatch import chunks_for

    options = ScanOptions(jobs=1)
    chunks = chunks_for(blob, Origin(kind="git-blob", path=path), options.container_limits)
    return [finding.secret for finding in scan_chunks(chunks, ruleset, options).findings]
