"""When to try again a rotation that another worker holds.

Stage: application shell (leak response). A rotation is driven by one worker at a time; work
that finds its key's rotation held comes back later instead of being dropped, after a delay that
doubles from BUSY_FIRST_DELAY up to a limit (BUSY_MAX_DELAY unless the caller's transport needs
less), until the holder finishes or its lease runs out.
"""

from __future__ import annotations

BUSY_FIRST_DELAY = 0.5
BUSY_MAX_DELAY = 30.0


def retry_delay(attempt: int, limit: float = BUSY_MAX_DELAY) -> float:
    """Seconds before delivery number `attempt` + 1 of work that asked to be retried."""
    return min(BUSY_FIRST_DELAY * 2.0 ** min(attempt, 16), limit)
