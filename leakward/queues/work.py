"""What a queue runs, handed to it by the caller: the queues import none of the work itself.

Stage: application shell (workers). `Work` names the task kinds and the functions that perform
them; the org sweep hands `leakward.sweep.jobs.SWEEP_WORK` to the local pool and to Celery
workers alike. A task answers with a `TaskOutcome`: counts and names for its report, the tasks
it hands on, and whether it must be delivered again later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from leakward.settings.work import WorkSettings

FollowUp = tuple[str, dict[str, object]]


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """A task's answer: counts and names only, plus the tasks it hands on (rotations).

    `is_retry`: the task could not do its work now (its key's rotation is held by another
    worker) and must be delivered again later; it is not done.
    """

    summary: dict[str, object]
    follow_ups: tuple[FollowUp, ...] = field(default=())
    is_retry: bool = False


class RetryDelay(Protocol):
    """Seconds before delivery `attempt` + 1 of a task that asked to be retried; at most
    `limit`, or the work's own cap where the caller gives none."""

    def __call__(self, attempt: int, limit: float = ...) -> float: ...


@dataclass(frozen=True, slots=True)
class Work:
    """The tasks a queue can run.

    `perform` runs one task to its end; it must be a module-level function, since process
    pools send it to their workers by name. `retry_delay` spaces the deliveries of a task that
    asked to be retried. `prepare` readies a process whose workers are forked
    from it (imports `preload`, builds what every task would build first), and `preload` is
    what a fork server imports once.
    """

    kinds: tuple[str, ...]
    perform: Callable[[str, dict[str, object], WorkSettings], TaskOutcome]
    retry_delay: RetryDelay
    prepare: Callable[[WorkSettings, Sequence[str]], None]
    preload: tuple[str, ...] = ()
