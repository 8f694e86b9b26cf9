"""The work of each rotation step; every handler is safe to run again after a crash or retry.

Stage: rotators (pipeline). A handler returns the change to persist when it finishes; progress
inside a step (each consumer delivered, each notifier sent) is persisted as it happens so a
repeat skips what is done. Nothing here writes a secret anywhere but a secret store. Steps see
whatever drives them (the pipeline) only through `StepDriver`, so they never import it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from leakward.core.errors import RegistryError
from leakward.core.secret import Secret
from leakward.registry import IssuedKey, NewKey, Registry
from leakward.registry import rotations as log
from leakward.registry.models import KeyStatus
from leakward.registry.rotation_state import RotationChange
from leakward.registry.rotation_state import RotationStep as Step
from leakward.registry.rotations import Rotation
from leakward.rotators.base import (
    KeyRef,
    Liveness,
    NewCredential,
    Notifier,
    PermanentError,
    Rotator,
    SecretStore,
    Settings,
    TransientError,
)
from leakward.rotators.rotation import lost_answers, notices
from leakward.rotators.rotation.manual import ManualRotator
from leakward.rotators.rotation.policy import is_automatable

NO_ID = "(no public id)"


class ReplacementLostError(Exception):
    """The replacement's value is not in memory (this process did not issue it)."""


class StepDriver(Protocol):
    """What a step needs from whatever drives the rotation (the pipeline)."""

    @property
    def registry(self) -> Registry: ...

    @property
    def rotators(self) -> Mapping[str, Rotator]: ...

    @property
    def stores(self) -> Mapping[str, SecretStore]: ...

    @property
    def notifiers(self) -> Sequence[Notifier]: ...

    def record(self, rotation_id: int, change: RotationChange) -> Rotation:
        """Persist `change` to the rotation's row, as long as this driver holds its lease."""
        ...

    def fresh(self, rotation: Rotation) -> NewCredential | None:
        """This generation's replacement, if this process issued it (memory only)."""
        ...

    def keep_fresh(self, rotation: Rotation, credential: NewCredential) -> None: ...

    def forget_fresh(self, rotation: Rotation) -> None: ...

    def leaked(self, rotation: Rotation) -> Secret | None:
        """The leaked value, if the caller handed it in (memory only)."""
        ...


@dataclass(frozen=True, slots=True)
class StepContext:
    driver: StepDriver
    rotation: Rotation
    interrupted: bool  # this step was running when the previous worker stopped

    @property
    def key(self) -> IssuedKey:
        return self.driver.registry.get_key(self.rotation.issued_key_id)

    @property
    def rotator(self) -> Rotator:
        return rotator_for(self.driver.rotators, self.key.provider)

    def progress(self, change: RotationChange) -> None:
        self.driver.record(self.rotation.id, change)


def rotator_for(rotators: Mapping[str, Rotator], provider: str) -> Rotator:
    return rotators.get(provider) or ManualRotator(provider)


def is_in_place(rotator: Rotator, key: IssuedKey) -> bool:
    """Whether issuing this key's replacement is what revokes it (see policy.IN_PLACE_STEPS)."""
    return rotator.rotates_in_place and is_automatable(
        Step.ISSUED, rotator.capability_for(key_ref(key))
    )


def key_ref(key: IssuedKey, settings: Settings | None = None) -> KeyRef:
    hint = key.hint.display if key.hint is not None else None
    return KeyRef(
        provider=key.provider,
        key_id=key.key_id,
        account=key.account,
        hint=hint,
        attributes=key.attributes,
        settings=settings,
    )


def run(step: Step, context: StepContext) -> RotationChange:
    rotator, ref = context.rotator, key_ref(context.key)
    if not is_automatable(step, rotator.capability_for(ref)):
        if step is Step.SETTINGS_SAVED:
            # No replacement is issued: nothing to copy, nothing for the owner to do.
            return RotationChange()
        manual = rotator.manual_steps(ref)
        return RotationChange(manual_steps=manual, add_action=f"{step}: left to the owner (manual)")
    return HANDLERS[step](context)


def verified(context: StepContext) -> RotationChange:
    secret = context.driver.leaked(context.rotation)
    if secret is None:
        return RotationChange(add_action="liveness not checked: the leaked value was not handed in")
    verdict = context.rotator.verify(secret, key_ref(context.key))
    who = f" ({verdict.identity})" if verdict.identity else ""
    return RotationChange(add_action=f"leaked key checked: {verdict.liveness.value}{who}")


def settings_saved(context: StepContext) -> RotationChange:
    """Record what the replacement copies while the leaked key can still be read: revoke-first
    destroys it before the replacement is issued, and a lost replacement is issued again."""
    settings = context.rotator.read_settings(key_ref(context.key))
    if settings is None:
        return RotationChange(
            add_action="the leaked key's settings could not be read (already deleted?)"
        )
    leaked = context.driver.leaked(context.rotation)
    if leaked is not None and leaked.reveal() in json.dumps(settings):
        raise PermanentError("the leaked key's settings hold its own value; they were not stored")
    if not settings:
        return RotationChange(settings={})
    names = ", ".join(sorted(settings))
    return RotationChange(
        settings=dict(settings), add_action=f"leaked key's settings recorded: {names}"
    )


def contained(context: StepContext) -> RotationChange:
    is_disabled = context.rotator.contain(key_ref(context.key))
    if is_disabled:
        return RotationChange(add_action="leaked key disabled (reversibly) at once")
    return RotationChange(add_action="no reversible disable at this provider; revoking instead")


def issued(context: StepContext) -> RotationChange:
    key, rotator, rotation = context.key, context.rotator, context.rotation
    _check_stores(context, key)
    # The snapshot `settings_saved` took: under revoke-first the leaked key is gone by now.
    ref = target = key_ref(key, rotation.settings)
    in_place = is_in_place(rotator, key)
    if context.interrupted and rotation.generation > 1:
        # The previous attempt was cut off, perhaps after the provider acted: its token names
        # what it may have issued. Rotating in place, it rotated the last lost replacement.
        last = rotation.orphan_key_ids[-1] if in_place and rotation.orphan_key_ids else None
        cut = _replacement_ref(ref, last) if last is not None else ref
        rotation = lost_answers.recover(
            context.driver,
            rotation,
            rotator,
            cut,
            _token(rotation, rotation.generation - 1),
            in_place=in_place,
        )
    if in_place and rotation.orphan_key_ids:
        # Rotating in place killed the leaked key and each earlier lost replacement; the last
        # lost one is the only live credential left, so rotating it kills its lost value and
        # yields the next. Revoking it and rotating the dead leaked key instead left nothing
        # live (GitLab refuses to rotate a revoked token; a Cloudflare delete kills the token).
        target = _replacement_ref(ref, rotation.orphan_key_ids[-1])
        context.progress(
            RotationChange(add_action=f"rotating the lost replacement {target.key_id} in place")
        )
    else:
        for orphan in rotation.orphan_key_ids:
            rotator.revoke(_replacement_ref(ref, orphan))
            context.progress(RotationChange(add_action=f"revoked the lost replacement {orphan}"))
    new = rotator.reissue(target, _token(rotation, rotation.generation))
    context.driver.keep_fresh(rotation, new)
    label = new.key_id or NO_ID
    # The expiry is written down for the day this replacement is lost in a crash: one without
    # a public id cannot be revoked then, and the row must still say how long it stays valid.
    expiry = f", expires at {new.expires_at}" if new.expires_at else ""
    return RotationChange(
        new_key_id=new.key_id,
        new_key_expires_at=new.expires_at,
        add_action=f"replacement {label} issued{expiry}",
    )


def delivered(context: StepContext) -> RotationChange:
    new = _fresh_or_lost(context)
    rotation = context.rotation
    done = set(log.get(context.driver.registry.engine, rotation.id).delivered)
    for consumer in context.key.consumers:
        if consumer.kind == "manual" or consumer.spec in done:
            continue
        store = context.driver.stores[consumer.kind]
        store.put(consumer.locator, new.secret, _token(rotation, rotation.generation))
        context.progress(RotationChange(add_delivered=consumer.spec))
    return RotationChange(add_action="replacement staged in: " + _consumer_list(context.key))


def tested(context: StepContext) -> RotationChange:
    new = _fresh_or_lost(context)
    rotation, key = context.rotation, context.key
    # The replacement's own id; its parent (a deploy key's repository …) is the leaked key's.
    verdict = context.rotator.verify(new.secret, _replacement_ref(key_ref(key), new.key_id))
    if verdict.liveness is Liveness.UNKNOWN:
        raise TransientError(
            f"could not tell whether the replacement works: {verdict.reason}", verdict.retry_after
        )
    if verdict.liveness is Liveness.DEAD:
        raise PermanentError(
            f"the replacement {new.key_id or ''} does not work ({verdict.reason}); the leaked "
            "key was left alone: check the provider, then run leakward rotate KEY --resume"
        )
    for consumer in key.consumers:
        if consumer.kind != "manual":
            store = context.driver.stores[consumer.kind]
            store.promote(consumer.locator, _token(rotation, rotation.generation))
    _register_replacement(context, key, new)
    context.driver.forget_fresh(rotation)
    return RotationChange(is_replaced=True, add_action=notices.REPLACED)


def old_revoked(context: StepContext) -> RotationChange:
    if is_in_place(context.rotator, context.key):
        # Revoking by id now would hit the replacement where the id survives the roll
        # (Cloudflare); the rotation already killed the leaked value.
        context.driver.registry.set_status(context.key.id, KeyStatus.REVOKED)
        return RotationChange(
            add_action="leaked key revoked by its rotation (the provider rotates in place)"
        )
    # The leaked value, when handed in, is passed from memory only: bearer-only tokens (GitHub,
    # Slack) can be revoked with nothing else.
    context.rotator.revoke(key_ref(context.key), context.driver.leaked(context.rotation))
    context.driver.registry.set_status(context.key.id, KeyStatus.REVOKED)
    return RotationChange(add_action="leaked key revoked")


def old_dead(context: StepContext) -> RotationChange:
    key, rotator = context.key, context.rotator
    secret = context.driver.leaked(context.rotation)
    if secret is not None:
        verdict = rotator.verify(secret, key_ref(key))
        if verdict.liveness is not Liveness.DEAD:
            raise TransientError(
                f"the leaked key still answers {verdict.liveness.value}", verdict.retry_after
            )
    elif key.key_id is not None and key.key_id == context.rotation.new_key_id:
        # Rolled in place under the same id: the listing shows the replacement, not the leak.
        return RotationChange(
            add_action="the leaked value was rolled in place; without it, not rechecked"
        )
    elif key.key_id is not None:
        listed = {k.key_id: k for k in rotator.list_keys(key.account)}
        still = listed.get(key.key_id)
        if still is not None and still.attribute("status") in (None, "active", "Active"):
            raise TransientError("the provider still lists the leaked key as active")
    else:
        return RotationChange(
            add_action="could not confirm the leaked key is dead (no value, no key id)"
        )
    leak = notices.leak_of(context.driver.registry, context.rotation, key)
    if leak is not None and leak.revoked_at is None:
        context.driver.registry.mark_revoked(leak.id)
    return RotationChange(add_action="leaked key confirmed dead")


def notified(context: StepContext) -> RotationChange:
    rotation = log.get(context.driver.registry.engine, context.rotation.id)
    notice = notices.rotation_notice(context.driver.registry, rotation, context.key)
    for notifier in context.driver.notifiers:
        mark = f"notify:{notifier.kind}"
        if mark in rotation.delivered:
            continue
        notifier.send(notice, f"{rotation.idempotency_token}-{notifier.kind}")
        context.progress(RotationChange(add_delivered=mark))
    kinds = ", ".join(n.kind for n in context.driver.notifiers)
    if kinds:
        return RotationChange(add_action=f"owner {notice.recipient} notified by {kinds}")
    return notices.nobody_told(rotation, notice.recipient)


def lost_replacement(rotation: Rotation) -> str:
    """The action recorded when this rotation's replacement is lost in a restart.

    A replacement with a public id is revoked by it before the next is issued (it becomes an
    orphan). One without (a GitHub installation token, a Slack access token) is revoked only
    with its own value, which died with the process: it stays valid until it expires, and the
    row and the owner's notice say until when, as the issue step recorded it.
    """
    if rotation.new_key_id is not None:
        return "the replacement was lost in a restart; issuing another"
    expiry = rotation.new_key_expires_at
    until = f"expires at {expiry}" if expiry else "expires (the provider did not say when)"
    return (
        "the replacement was lost in a restart; issuing another. It has no public id, so only "
        f"its own value could revoke it: it cannot be revoked and stays valid until it {until}"
    )


HANDLERS: dict[Step, Callable[[StepContext], RotationChange]] = {
    Step.VERIFIED: verified,
    Step.SETTINGS_SAVED: settings_saved,
    Step.CONTAINED: contained,
    Step.ISSUED: issued,
    Step.DELIVERED: delivered,
    Step.TESTED: tested,
    Step.OLD_REVOKED: old_revoked,
    Step.OLD_DEAD: old_dead,
    Step.NOTIFIED: notified,
}


def _token(rotation: Rotation, generation: int) -> str:
    return f"{rotation.idempotency_token}-g{generation}"


def _fresh_or_lost(context: StepContext) -> NewCredential:
    new = context.driver.fresh(context.rotation)
    if new is None:
        raise ReplacementLostError
    return new


def _replacement_ref(ref: KeyRef, key_id: str | None) -> KeyRef:
    # Same kind and parent as the leaked key (a GitLab project token's project, say).
    return KeyRef(
        provider=ref.provider,
        key_id=key_id,
        account=ref.account,
        attributes=ref.attributes,
        settings=ref.settings,
    )


def _check_stores(context: StepContext, key: IssuedKey) -> None:
    missing = sorted(
        {c.kind for c in key.consumers if c.kind != "manual"} - set(context.driver.stores)
    )
    if missing:
        raise PermanentError(
            f"no secret store is configured for {', '.join(missing)}, so a replacement could "
            "not be delivered; configure it (see leakward rotate --help) and run "
            "leakward rotate KEY --resume"
        )


def _consumer_list(key: IssuedKey) -> str:
    automatic = [c.spec for c in key.consumers if c.kind != "manual"]
    return ", ".join(automatic) or "no automatic consumer"


def _register_replacement(context: StepContext, key: IssuedKey, new: NewCredential) -> None:
    """Future leaks of the replacement match the registry too (fingerprint, never the value)."""
    registry = context.driver.registry
    for ident in (registry.fingerprint(new.secret.reveal()), new.key_id):
        if ident is not None and log.find_key(registry.engine, ident) is not None:
            return
    replacement = NewKey(
        provider=key.provider,
        owner=key.owner,
        key_id=new.key_id,
        consumers=key.consumers,
        account=key.account,
        note=f"replacement from rotation {context.rotation.id}",
        attributes=key.attributes,
    )
    try:
        registry.add_key(replacement, new.secret.reveal())
    except RegistryError:
        return  # registered meanwhile by a repeat of this step
