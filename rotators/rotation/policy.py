"""Which steps a rotation takes, in what order, for a policy and a provider's capability.

Stage: rotators. reissue-first (the default) keeps consumers working: a replacement is issued,
delivered and tested before the leaked key is revoked. revoke-first is for a live key in a
public place: contain and revoke straight after verification (and recording the settings a
replacement copies, while the key can still be read), then replace; consumers break in
between and the owner is told so. Steps a provider's API cannot do are skipped, and the owner's
notice carries the provider's manual steps instead.

Providers that rotate in place (GitLab rotate, Cloudflare roll) cannot revoke first: once the
leaked token is revoked nothing is left to rotate, so revoke-then-reissue would end in a dead key
and no replacement. Under either policy their rotation is the containment: the reissue kills the
leaked value at once, the replacement is delivered straight after, and the old value is then
confirmed dead (`old_revoked` only records what the rotation already did).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from leakward.registry.rotation_state import RotationStatus
from leakward.registry.rotation_state import RotationStep as Step
from leakward.rotators.base import Capability

REISSUE_FIRST = "reissue-first"
REVOKE_FIRST = "revoke-first"
POLICIES = (REISSUE_FIRST, REVOKE_FIRST)

STEPS: dict[str, tuple[Step, ...]] = {
    REISSUE_FIRST: (
        Step.VERIFIED,
        Step.SETTINGS_SAVED,
        Step.ISSUED,
        Step.DELIVERED,
        Step.TESTED,
        Step.OLD_REVOKED,
        Step.OLD_DEAD,
        Step.NOTIFIED,
    ),
    REVOKE_FIRST: (
        Step.VERIFIED,
        Step.SETTINGS_SAVED,
        Step.CONTAINED,
        Step.OLD_REVOKED,
        Step.OLD_DEAD,
        Step.ISSUED,
        Step.DELIVERED,
        Step.TESTED,
        Step.NOTIFIED,
    ),
}
# Rotate-in-place providers, whatever the policy: issuing the replacement revokes the leaked key.
IN_PLACE_STEPS: tuple[Step, ...] = STEPS[REISSUE_FIRST]
# Steps that need the replacement's value in memory: a crash before they finish loses it.
NEEDS_NEW_SECRET = (Step.DELIVERED, Step.TESTED)
# `settings_saved` reads what a replacement must copy, so it is only worth doing where one is
# issued; it comes before every step that can destroy the leaked key.
REPLACEMENT_STEPS = (Step.SETTINGS_SAVED, Step.ISSUED, Step.DELIVERED, Step.TESTED)
REVOCATION_STEPS = (Step.CONTAINED, Step.OLD_REVOKED, Step.OLD_DEAD)

DESCRIPTIONS = {
    Step.VERIFIED: "check whether the leaked key still works (read-only)",
    Step.CONTAINED: "disable the leaked key reversibly where the provider allows",
    Step.SETTINGS_SAVED: "record the leaked key's settings its replacement copies (scopes, "
    "restrictions; never a secret)",
    Step.ISSUED: "issue a replacement key (its public id is recorded, never its value)",
    Step.DELIVERED: "stage the replacement in every consumer's secret store",
    Step.TESTED: "check the replacement works, then make it current in every store",
    Step.OLD_REVOKED: "revoke the leaked key",
    Step.OLD_DEAD: "confirm the leaked key no longer works",
    Step.NOTIFIED: "tell the owner what leaked, what was done and what is left",
}


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        from leakward.core.errors import UsageError

        raise UsageError(f"unknown rotation policy {policy!r}", hint=f"use one of {POLICIES}")
    return policy


def is_automatable(step: Step, capability: Capability) -> bool:
    """Whether the provider's API can do `step`; the rest is the owner's manual work."""
    if step in REPLACEMENT_STEPS:
        return capability is Capability.FULL
    if step in REVOCATION_STEPS:
        return capability is not Capability.VERIFY_ONLY
    return True


def steps_for(policy: str, *, in_place: bool = False) -> tuple[Step, ...]:
    """The order of steps for a policy; `in_place` when the provider rotates the key in place
    (and can issue for this key), which never revokes first."""
    return IN_PLACE_STEPS if in_place else STEPS[check_policy(policy)]


def next_step(policy: str, done: Step, *, in_place: bool = False) -> Step | None:
    """The step after `done` (`detected` before the first), None when all are done."""
    steps = steps_for(policy, in_place=in_place)
    if done is Step.DETECTED:
        return steps[0]
    index = steps.index(done)
    return steps[index + 1] if index + 1 < len(steps) else None


def step_before(policy: str, step: Step, *, in_place: bool = False) -> Step:
    steps = steps_for(policy, in_place=in_place)
    index = steps.index(step)
    return steps[index - 1] if index > 0 else Step.DETECTED


@dataclass(frozen=True, slots=True)
class PlannedStep:
    step: str  # a step, or the wait for approval after `verified`
    description: str
    is_automatic: bool
    note: str = ""


def plan(
    policy: str,
    capability: Capability,
    *,
    requires_approval: bool,
    consumers: tuple[str, ...],
    in_place: bool = False,
    needs_human: Mapping[Step, str] | None = None,
) -> list[PlannedStep]:
    """The dry run: every step, whether it runs automatically, and why not where it does not.

    `needs_human` names steps the API could do but this setup cannot (a credential is not set,
    no notifier is configured), with the reason.
    """
    missing = needs_human or {}
    planned = []
    for step in steps_for(policy, in_place=in_place):
        automatic = is_automatable(step, capability)
        if step is Step.SETTINGS_SAVED and not automatic:
            continue  # no replacement is issued, so there is nothing to copy
        note = "" if automatic else f"manual: the provider is {capability.value}"
        if automatic and step in missing:
            automatic, note = False, f"manual: {missing[step]}"
            planned.append(PlannedStep(step, DESCRIPTIONS[step], automatic, note))
            continue
        if step is Step.DELIVERED and automatic:
            note = "to " + (", ".join(consumers) or "no registered consumer")
        if in_place and step is Step.ISSUED:
            note = "rotates in place: the leaked key dies as the replacement is issued"
        planned.append(PlannedStep(step, DESCRIPTIONS[step], automatic, note))
        if step is Step.VERIFIED and requires_approval:
            planned.append(
                PlannedStep(
                    RotationStatus.PENDING_APPROVAL, "wait for: leakward rotate KEY --approve", True
                )
            )
    return planned
