"""Retrying provider calls: exponential backoff that honours the provider's Retry-After.

Stage: rotators. Only `TransientError` is retried; `PermanentError` and anything else propagate
at once. The sleep function is injected so tests never wait, and every failed attempt is
reported to a callback so the pipeline can persist the attempt count and redacted error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from leakward.rotators.base import PermanentError, TransientError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        backoff = self.base_delay * float(2 ** (attempt - 1))
        # A provider's Retry-After is a floor: retrying earlier only earns another 429.
        wanted = max(backoff, retry_after or 0.0)
        return min(wanted, self.max_delay)


def call_with_retry(
    action: Callable[[], T],
    policy: RetryPolicy,
    on_failure: Callable[[int, TransientError], None] | None = None,
) -> T:
    """Run `action`, retrying transient errors; after the last attempt the error is permanent."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return action()
        except TransientError as error:
            if on_failure is not None:
                on_failure(attempt, error)
            if attempt == policy.attempts:
                raise PermanentError(
                    f"gave up after {attempt} attempts: {error}; retry later with "
                    "leakward rotate KEY --resume"
                ) from error
            policy.sleep(policy.delay(attempt, error.retry_after))
    raise AssertionError("unreachable")  # pragma: no cover
