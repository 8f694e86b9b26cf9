"""`leakward rotate KEY`: replace a leaked key, deliver it, revoke the old one, tell the owner.

Stage: application shell. Parses, builds the pipeline from the environment (rotator, the secret
stores the key's consumers need, the configured notifiers), calls one pipeline method, renders.
KEY is a registry entry id, a public key id or a fingerprint.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

import click

from leakward.core.errors import EXIT_FINDINGS, UsageError
from leakward.core.secret import Secret
from leakward.response.pipeline_build import build_pipeline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from leakward.registry import Registry
    from leakward.rotators.base import Rotator
    from leakward.rotators.rotation.pipeline import RunResult
    from leakward.rotators.rotation.policy import PlannedStep

# Kept here rather than imported from rotators.policy: the CLI loads rotators (boto3, hvac,
# PyNaCl) only when `rotate` runs, so `leakward scan` starts as fast as before.
POLICIES = ("reissue-first", "revoke-first")


def resolve_key(registry: Registry, text: str) -> int:
    from leakward.registry import rotations as log

    found = log.find_key(registry.engine, text)
    if found is None:
        # KEY may be the leaked value itself, pasted by mistake: never echo it whole.
        shown = text if text.isdigit() else Secret(text).redacted()
        raise UsageError(
            f"no registry entry matches {shown!r}",
            hint="pass an entry id, public key id or fingerprint (see: leakward registry list); "
            "with only the leaked value, find its entry by piping it to `leakward scan - "
            "--match`, never typing it on a command line, where shell history keeps it",
        )
    return found


def render(result: RunResult) -> None:
    from leakward.registry.rotation_state import RotationStatus

    rotation = result.rotation
    state = "busy in another worker" if result.is_busy else str(rotation.status)
    if rotation.status is RotationStatus.DONE and result.needs_human:
        state = "not complete: steps are left to a human"
    click.echo(f"rotation {rotation.id} ({rotation.policy}): {state}, last step {rotation.step}")
    for action in rotation.actions:
        click.echo(f"  - {action}")
    if rotation.status is RotationStatus.DONE and rotation.manual_steps:
        click.echo("a human must still:")
        for line in rotation.manual_steps.splitlines():
            click.echo(f"  * {line}")
    if rotation.status is RotationStatus.PENDING_APPROVAL:
        click.echo(f"approve with: leakward rotate {rotation.issued_key_id} --approve")
    if rotation.last_error:
        click.echo(f"error: {rotation.last_error}", err=True)
        click.echo(f"  hint: fix it, then run: leakward rotate {rotation.issued_key_id} --resume")


def plan(
    registry: Registry,
    entry: int,
    policy: str,
    requires_approval: bool,
    environ: Mapping[str, str],
) -> list[PlannedStep]:
    """The dry run, from the registry, the rotator's class and the environment: it builds no
    client (an AWS key's plan needs no region) and names the steps a human must do because a
    credential or a notifier is missing."""
    from leakward.registry.rotation_state import RotationStep as Step
    from leakward.rotators.base import Capability
    from leakward.rotators.providers.registry import provider
    from leakward.rotators.rotation.pipeline import RotationPipeline
    from leakward.rotators.rotation.steps import key_ref
    from leakward.webhooks.notify import configured_kinds

    key = registry.get_key(entry)
    found = provider(key.provider)
    needs_human: dict[Step, str] = {}
    rotators: dict[str, Rotator] = {}
    if found is not None:
        cls = found.rotator_class()
        # capability_for and rotates_in_place answer from the key and the class's facts, so an
        # instance that was never given clients can say them.
        rotator = object.__new__(cls)
        rotators[key.provider] = rotator
        required = found.required_for(key_ref(key).attribute("kind"))
        unset = [name for name in required if not environ.get(name)]
        capability = rotator.capability_for(key_ref(key))
        if unset and capability is Capability.FULL:
            # A revoke-only provider may revoke with the leaked value itself (GitHub, Slack).
            missing = f"{', '.join(unset)} {'is' if len(unset) == 1 else 'are'} not set"
            for step in (Step.SETTINGS_SAVED, Step.ISSUED, Step.CONTAINED, Step.OLD_REVOKED):
                needs_human[step] = missing
    if not configured_kinds(environ):
        needs_human[Step.NOTIFIED] = "no notifier is configured; tell the owner yourself"
    pipeline = RotationPipeline(registry=registry, rotators=rotators, stores={})
    return pipeline.plan(entry, policy, requires_approval, needs_human=needs_human)


def _leaked_value(from_stdin: bool) -> Secret | None:
    """The leaked value, read from stdin only when asked: never from argv or the environment."""
    return Secret(sys.stdin.readline().strip()) if from_stdin else None


@click.command()
@click.argument("key")
@click.option("--plan", "dry_run", is_flag=True, help="List the steps; change nothing.")
@click.option("--policy", type=click.Choice(POLICIES), default=POLICIES[0], show_default=True)
@click.option("--require-approval", is_flag=True, help="Stop before any change until --approve.")
@click.option("--approve", is_flag=True, help="Approve the key's waiting rotation and run it.")
@click.option("--resume", is_flag=True, help="Continue the key's unfinished or failed rotation.")
@click.option(
    "--secret-stdin",
    is_flag=True,
    help="Read the leaked value from stdin: to check liveness, and to revoke tokens that only "
    "their own value can revoke (GitHub PATs, Slack tokens); works with --resume too.",
)
@click.option("--db", metavar="URL", help="Registry database [default: $LEAKWARD_DB or SQLite].")
def rotate(
    key: str,
    dry_run: bool,
    policy: str,
    require_approval: bool,
    approve: bool,
    resume: bool,
    secret_stdin: bool,
    db: str | None,
) -> None:
    """Rotate a leaked KEY (entry id, public key id or fingerprint) from the registry.

    A key id starting with "-" goes last, after "--": leakward rotate --resume -- -8O8Sr8…
    """
    from leakward.registry import Registry
    from leakward.registry import rotations as log
    from leakward.response.rotation_actions import RotationActions
    from leakward.settings.loader import load_settings

    settings = load_settings(None, os.environ, {"registry.db": db})
    with Registry.open(settings.registry.db) as registry:
        entry = resolve_key(registry, key)
        if dry_run:
            for planned in plan(registry, entry, policy, require_approval, settings.environ):
                how = "auto  " if planned.is_automatic else "manual"
                note = f" ({planned.note})" if planned.note else ""
                click.echo(f"{how} {planned.step:<16} {planned.description}{note}")
            return
        if approve or resume:
            active = log.find_active(registry.engine, entry)
            if active is None:
                raise UsageError(
                    f"entry {entry} has no rotation to {'approve' if approve else 'resume'}",
                    hint=f"start one with: leakward rotate {entry}",
                )
            # Through the same actions as `leakward rotations approve|retry` and the dashboard,
            # so a person's word lands in the operator action log whichever way it was given.
            actions = RotationActions(registry, settings.environ)
            if approve:
                outcome = actions.approve(active.id, actor=getpass.getuser(), channel="cli")
            else:
                outcome = actions.retry(
                    active.id,
                    actor=getpass.getuser(),
                    channel="cli",
                    secret=_leaked_value(secret_stdin),
                )
            result = outcome.result
        else:
            secret = _leaked_value(secret_stdin)
            pipeline = build_pipeline(registry, entry, settings.environ)
            result = pipeline.rotate(
                entry, policy=policy, secret=secret, requires_approval=require_approval
            )
    render(result)
    if result.needs_human:
        sys.exit(EXIT_FINDINGS)
