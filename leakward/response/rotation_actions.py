"""A person's actions on a rotation: retry it, approve it; each one recorded with who and when.

Stage: application shell (leak response). `leakward rotations retry|approve` and the dashboard in
`leakward serve` both call these, so both build the same pipeline for the key
(pipeline_build.py), refuse the same things, and write the same record to the registry's
operator action log (registry/operator_actions.py), refusals included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from leakward.core.errors import LeakwardError, UsageError
from leakward.core.secret import Secret
from leakward.registry import rotations as log
from leakward.registry.operator_actions import record_action
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.views.rotations import RotationView, show_rotation
from leakward.response.pipeline_build import build_pipeline

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from leakward.registry import Registry
    from leakward.rotators.rotation.pipeline import RunResult

logger = logging.getLogger(__name__)
RETRY, APPROVE = "retry", "approve"
_Run = Callable[[], "RunResult"]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: str
    rotation: RotationView
    result: RunResult  # what the pipeline did, for a caller that renders it step by step

    @property
    def is_busy(self) -> bool:
        """Another worker holds the rotation: nothing was done, try again later."""
        return self.result.is_busy

    @property
    def needs_human(self) -> bool:
        """It failed again, or finished with steps left to a person."""
        return self.result.needs_human

    @property
    def summary(self) -> str:
        if self.is_busy:
            return f"rotation {self.rotation.id} is busy in another worker; try again later"
        return f"rotation {self.rotation.id} is now {self.rotation.status}"


@dataclass(frozen=True, slots=True)
class RotationActions:
    """Retry and approve for one registry, with the environment the pipeline is built from."""

    registry: Registry
    environ: Mapping[str, str]

    def retry(
        self, rotation_id: int, *, actor: str, channel: str, secret: Secret | None = None
    ) -> ActionOutcome:
        """Resume a failed or stalled rotation from its last finished step."""
        return self._recorded(
            RETRY, rotation_id, actor, channel, lambda: self._retry(rotation_id, secret)
        )

    def approve(self, rotation_id: int, *, actor: str, channel: str) -> ActionOutcome:
        """Approve a rotation waiting for it (the key's owner asked for a person's word)."""
        return self._recorded(
            APPROVE, rotation_id, actor, channel, lambda: self._approve(rotation_id, actor)
        )

    def _retry(self, rotation_id: int, secret: Secret | None) -> RunResult:
        rotation = log.get(self.registry.engine, rotation_id)
        if rotation.status is RotationStatus.DONE:
            raise UsageError(
                f"rotation {rotation_id} is done: there is nothing to retry",
                hint=f"start a new one with: leakward rotate {rotation.issued_key_id}",
            )
        if rotation.status is RotationStatus.PENDING_APPROVAL:
            raise UsageError(
                f"rotation {rotation_id} is waiting for approval, not stopped",
                hint=f"approve it with: leakward rotations approve {rotation_id}",
            )
        pipeline = build_pipeline(self.registry, rotation.issued_key_id, self.environ)
        return pipeline.resume(rotation_id, secret=secret)

    def _approve(self, rotation_id: int, actor: str) -> RunResult:
        rotation = log.get(self.registry.engine, rotation_id)
        if rotation.status is not RotationStatus.PENDING_APPROVAL:
            raise UsageError(
                f"rotation {rotation_id} is {rotation.status}, not waiting for approval",
                hint=f"see it with: leakward rotations show {rotation_id}",
            )
        pipeline = build_pipeline(self.registry, rotation.issued_key_id, self.environ)
        return pipeline.approve(rotation_id, actor)

    def _recorded(
        self, action: str, rotation_id: int, actor: str, channel: str, run: _Run
    ) -> ActionOutcome:
        try:
            result = run()
        except LeakwardError as error:
            self._record(action, rotation_id, actor, channel, f"refused: {_first_line(error)}")
            raise
        except Exception as error:
            # A bug's message may quote anything; its type is enough for the record.
            self._record(action, rotation_id, actor, channel, f"failed: {type(error).__name__}")
            raise
        outcome = ActionOutcome(action, show_rotation(self.registry, rotation_id), result)
        self._record(action, rotation_id, actor, channel, outcome.summary)
        return outcome

    def _record(self, action: str, rotation_id: int, actor: str, channel: str, text: str) -> None:
        record_action(
            self.registry.engine,
            actor=actor,
            channel=channel,
            action=action,
            rotation_id=rotation_id,
            outcome=text,
        )


def _first_line(error: LeakwardError) -> str:
    return str(error).splitlines()[0]


def dashboard_for(
    registry: Registry, environ: Mapping[str, str], trusted_header: str | None
) -> Starlette:
    """The dashboard app for `leakward serve`, its actions wired to this registry's pipeline."""
    from leakward.webhooks.dashboard.access import access_from
    from leakward.webhooks.dashboard.app import create_dashboard

    access = access_from(environ, trusted_header)
    if not access.is_on:
        logger.info("the dashboard at / is off: set LEAKWARD_DASHBOARD_TOKEN to turn it on")
    return create_dashboard(registry, access, RotationActions(registry, environ))
