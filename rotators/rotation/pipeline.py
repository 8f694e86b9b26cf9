"""The durable rotation state machine: one registry row per rotation, resumable at any step.

Stage: rotators (pipeline). For each step the row records "running X" before the step and
"finished X" after it, in separate transactions, so a crash leaves the exact resume point;
every step is safe to repeat. Transient provider errors are retried with backoff (honouring
Retry-After); a permanent error stops the rotation, keeps the key locked to it, and alerts the
owner. The per-key lock is the unique `active_key_id` of the rotation row, and a worker lease on
the row keeps two workers from driving one rotation at once.

A replacement's value exists only in this process's memory and in the destination stores. If a
crash loses it before it is delivered and tested, the replacement (whose public id was recorded
when issued) becomes an orphan: it is revoked and a fresh one issued. A replacement without a
public id (bearer tokens only their own value revokes) cannot be revoked once lost: the row
records that, with the expiry the provider gave when it was issued. A crash inside the issue
call itself (the provider created the replacement, its answer never arrived) is recovered from
the attempt's generation, stored before the call: see lost_answers.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from leakward.core.errors import RegistryError
from leakward.core.secret import Secret
from leakward.registry import Registry
from leakward.registry import rotations as log
from leakward.registry.rotation_state import RotationChange, RotationStatus, RotationStep
from leakward.registry.rotations import Rotation
from leakward.rotators.base import (
    NewCredential,
    Notifier,
    PermanentError,
    Rotator,
    SecretStore,
    TransientError,
)
from leakward.rotators.rotation import notices, steps
from leakward.rotators.rotation import policy as policies
from leakward.rotators.rotation.locks import is_stale, worker_name
from leakward.rotators.rotation.retry import RetryPolicy, call_with_retry

LEASE = timedelta(minutes=10)

# Called with ("before", step) right after a step is marked running and ("after", step) right
# after it is persisted as finished: the crash-safety tests kill the process there to prove a
# restart resumes from any step boundary. Production pipelines have none.
Fault = Callable[[str, RotationStep], None]


@dataclass(frozen=True, slots=True)
class RunResult:
    """Where a rotation stands after a run; `is_busy` when another live worker holds it."""

    rotation: Rotation
    is_new: bool = False
    is_busy: bool = False

    @property
    def needs_human(self) -> bool:
        """Finished what the APIs allow, but a step was left to a person (or it failed)."""
        if self.rotation.status is RotationStatus.FAILED:
            return True
        return self.rotation.status is RotationStatus.DONE and bool(self.rotation.manual_steps)


@dataclass
class RotationPipeline:
    """Drives rotations of registry keys through rotators, secret stores and notifiers."""

    registry: Registry
    rotators: Mapping[str, Rotator]
    stores: Mapping[str, SecretStore]
    notifiers: Sequence[Notifier] = ()
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    worker: str = field(default_factory=worker_name)
    fault: Fault | None = None
    # Replacement values of this process, keyed by (rotation id, generation): memory only.
    _fresh: dict[tuple[int, int], NewCredential] = field(default_factory=dict, repr=False)
    # Leaked values handed in by the caller, keyed by rotation id: memory only.
    _leaked: dict[int, Secret] = field(default_factory=dict, repr=False)

    def rotate(
        self,
        issued_key_id: int,
        *,
        policy: str = policies.REISSUE_FIRST,
        leak_id: int | None = None,
        secret: Secret | None = None,
        requires_approval: bool = False,
    ) -> RunResult:
        """Start (or join) the key's rotation and run it as far as it can go."""
        rotation, is_new = log.start(
            self.registry.engine,
            issued_key_id,
            policy=policies.check_policy(policy),
            leak_id=leak_id,
            requires_approval=requires_approval,
        )
        if is_new:
            log.mark_key_rotating(self.registry.engine, rotation.id)
        if secret is not None:
            self._leaked[rotation.id] = secret
        if rotation.status is RotationStatus.FAILED:
            return RunResult(rotation)  # a human must look first: `--resume` restarts it
        result = self._run(rotation.id)
        return RunResult(result.rotation, is_new=is_new, is_busy=result.is_busy)

    def approve(self, rotation_id: int, approved_by: str) -> RunResult:
        rotation = log.get(self.registry.engine, rotation_id)
        if rotation.status is not RotationStatus.PENDING_APPROVAL:
            raise RegistryError(
                f"rotation {rotation_id} is {rotation.status}, not waiting for approval",
                hint="see its state with: leakward rotate KEY --resume",
            )
        if not self._claim(rotation_id):
            return RunResult(rotation, is_busy=True)
        self.record(
            rotation_id, RotationChange(approved_by=approved_by, status=RotationStatus.RUNNING)
        )
        return self._run(rotation_id)

    def resume(self, rotation_id: int, secret: Secret | None = None) -> RunResult:
        """Continue a running or failed rotation from its last finished step.

        `secret`, the leaked value handed in again, lets a resumed rotation revoke tokens that
        only their own value can revoke (GitHub PATs, Slack tokens); it stays in memory.
        """
        rotation = log.get(self.registry.engine, rotation_id)
        if secret is not None:
            self._leaked[rotation_id] = secret
        if rotation.status is RotationStatus.FAILED:
            if not self._claim(rotation_id):
                return RunResult(rotation, is_busy=True)
            # The key is marked `rotating` again in the same write (registry/rotations.py).
            self.record(rotation_id, RotationChange(status=RotationStatus.RUNNING, attempts=0))
        return self._run(rotation_id)

    def resume_all(self) -> list[RunResult]:
        """Resume every running rotation (after a crash or restart); others are left alone."""
        unfinished = log.list_rotations(self.registry.engine, unfinished=True)
        return [self._run(r.id) for r in unfinished if r.status is RotationStatus.RUNNING]

    def plan(
        self,
        issued_key_id: int,
        policy: str,
        requires_approval: bool = False,
        needs_human: Mapping[RotationStep, str] | None = None,
    ) -> list[policies.PlannedStep]:
        """The steps a rotation would take; reads the registry and the rotator's class facts
        (capability, rotating in place) only, so it calls no provider."""
        key = self.registry.get_key(issued_key_id)
        rotator = steps.rotator_for(self.rotators, key.provider)
        consumers = tuple(c.spec for c in key.consumers)
        capability = rotator.capability_for(steps.key_ref(key))
        return policies.plan(
            policy,
            capability,
            requires_approval=requires_approval,
            consumers=consumers,
            in_place=steps.is_in_place(rotator, key),
            needs_human=needs_human,
        )

    # -- the loop -------------------------------------------------------------------------

    def _claim(self, rotation_id: int) -> bool:
        return log.claim(
            self.registry.engine, rotation_id, self.worker, lease=LEASE, is_stale=is_stale
        )

    def record(self, rotation_id: int, change: RotationChange) -> Rotation:
        """Persist `change` to the rotation's row; fails once another worker took it over."""
        return log.update(self.registry.engine, rotation_id, self.worker, change, lease=LEASE)

    def _run(self, rotation_id: int) -> RunResult:
        if not self._claim(rotation_id):
            return RunResult(log.get(self.registry.engine, rotation_id), is_busy=True)
        try:
            rotation = log.get(self.registry.engine, rotation_id)
            while rotation.status is RotationStatus.RUNNING:
                rotation = self._advance(rotation)
        except PermanentError as error:
            rotation = self._fail(rotation_id, error)
        finally:
            log.release(self.registry.engine, rotation_id, self.worker)
        return RunResult(rotation)

    def _in_place(self, rotation: Rotation) -> bool:
        key = self.registry.get_key(rotation.issued_key_id)
        return steps.is_in_place(steps.rotator_for(self.rotators, key.provider), key)

    def _advance(self, rotation: Rotation) -> Rotation:
        step = policies.next_step(rotation.policy, rotation.step, in_place=self._in_place(rotation))
        if step is None:
            return self._finish(rotation)
        needs_approval = rotation.requires_approval and rotation.approved_by is None
        if needs_approval and rotation.step is RotationStep.VERIFIED:
            return self.record(rotation.id, RotationChange(status=RotationStatus.PENDING_APPROVAL))
        interrupted = rotation.running_step is step
        if step is RotationStep.ISSUED:
            # A new generation per issue attempt: its token names this attempt's replacement.
            start = RotationChange(running_step=step, generation=rotation.generation + 1)
        else:
            start = RotationChange(running_step=step)
        rotation = self.record(rotation.id, start)
        self._boundary("before", step)
        context = steps.StepContext(self, rotation, interrupted=interrupted)

        def record_retry(attempt: int, error: TransientError) -> None:
            retried = RotationChange(attempts=rotation.attempts + attempt, last_error=str(error))
            self.record(rotation.id, retried)

        try:
            change = call_with_retry(lambda: steps.run(step, context), self.retry, record_retry)
        except steps.ReplacementLostError:
            return self._orphan_replacement(rotation)
        rotation = self.record(rotation.id, replace(change, finished_step=step))
        self._boundary("after", step)
        return rotation

    def _boundary(self, phase: str, step: RotationStep) -> None:
        if self.fault is not None:
            self.fault(phase, step)

    def _orphan_replacement(self, rotation: Rotation) -> Rotation:
        """The replacement's value is gone (a crash): mark it for revocation and issue anew."""
        rewound = policies.step_before(
            rotation.policy, RotationStep.ISSUED, in_place=self._in_place(rotation)
        )
        change = RotationChange(
            step=rewound,
            running_step=None,
            new_key_id=None,
            new_key_expires_at=None,
            is_delivery_reset=True,
            add_orphan=rotation.new_key_id,
            add_action=steps.lost_replacement(rotation),
        )
        return self.record(rotation.id, change)

    def _finish(self, rotation: Rotation) -> Rotation:
        # A key nothing revoked (a verify-only provider) goes back to `active` in the same
        # write (registry/rotations.py); the owner's notice says what to do.
        return self.record(rotation.id, RotationChange(status=RotationStatus.DONE, last_error=None))

    def _fail(self, rotation_id: int, error: PermanentError) -> Rotation:
        message = str(error)
        try:
            self._claim(rotation_id)
            failed = RotationChange(status=RotationStatus.FAILED, last_error=message)
            rotation = self.record(rotation_id, failed)
        except RegistryError:
            return log.get(self.registry.engine, rotation_id)
        # The same write set the key back to `active`: nothing is under way until a human
        # resumes it, and the failed row says what stopped.
        notices.alert_failure(self.registry, self.notifiers, rotation, message)
        return rotation

    # -- memory-only values, for steps ----------------------------------------------------

    def fresh(self, rotation: Rotation) -> NewCredential | None:
        return self._fresh.get((rotation.id, rotation.generation))

    def keep_fresh(self, rotation: Rotation, credential: NewCredential) -> None:
        self._fresh[(rotation.id, rotation.generation)] = credential

    def forget_fresh(self, rotation: Rotation) -> None:
        self._fresh.pop((rotation.id, rotation.generation), None)

    def leaked(self, rotation: Rotation) -> Secret | None:
        return self._leaked.get(rotation.id)
