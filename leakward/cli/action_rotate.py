"""The GitHub Action's `rotate: true`: hand what a push leaked to the registry and rotate it.

Stage: application shell, called by leakward.cli.action after its scan. The registry comes from
`LEAKWARD_DB` and its pepper from `LEAKWARD_PEPPER` (both from the workflow's secrets, in the
step's `env`); each provider's credentials, secret stores and notifiers from the variables their
pages name, the same way `leakward rotate` reads them. Every finding is recorded as a leak; each
active key it matches is rotated under the exposure's policy (a public repository's key is
revoked at once). Nothing here prints a value: rotations are named by id and status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TextIO

from leakward.core.errors import UsageError
from leakward.scanner.models import Finding

DB_VARIABLE = "LEAKWARD_DB"


def is_public(payload: Mapping[str, object]) -> bool:
    """Whether the event's repository is public; unknown counts as public (revoke first)."""
    repository = payload.get("repository")
    if not isinstance(repository, Mapping):
        return True
    return repository.get("private") is not True


def rotate_found(
    findings: Sequence[Finding],
    repository: str,
    payload: Mapping[str, object],
    env: Mapping[str, str],
    out: TextIO,
) -> bool:
    """Record and rotate; returns whether every matched key's rotation finished."""
    if not env.get(DB_VARIABLE):
        raise UsageError(
            "rotate: true needs the registry, and LEAKWARD_DB is not set",
            "pass LEAKWARD_DB and LEAKWARD_PEPPER from secrets in the step's env:, with the "
            "credentials of the providers to rotate",
        )
    from leakward.registry.rotation_state import RotationStatus
    from leakward.response.leaks import Exposure, ResponsePolicy, respond
    from leakward.response.registry_match import open_registry
    from leakward.webhooks.metrics import Metrics

    busy: list[int] = []
    with open_registry(env[DB_VARIABLE]) as registry:
        report = respond(
            registry,
            findings,
            Exposure("git", repository, is_public(payload)),
            ResponsePolicy(),
            env,
            Metrics(),
            # The step ends with this process: another worker holding the key finishes it.
            on_busy=lambda key, leak, rotation: busy.append(rotation),
        )
    out.write(f"leakward: {report.leaks} leaks recorded, {len(report.rotations)} keys matched\n")
    for rotation in report.rotations:
        state = "held by another worker" if rotation.is_busy else rotation.status
        out.write(
            f"leakward: rotation {rotation.rotation_id} of registry entry "
            f"{rotation.issued_key_id}: {state}\n"
        )
    done = str(RotationStatus.DONE)
    return all(r.status == done or r.is_busy for r in report.rotations)
