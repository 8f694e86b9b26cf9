"""What `leakward watch` does with a confident alert, and how far back and how often it reads.

Stage: application (usage watch). A usage alert is a suspicion, not a found value: by default
the owner is told and the rotation waits for a person's approval (`approve`); `notify` only
records and tells; `auto` rotates at once. The policy comes from `--policy`, else
`$LEAKWARD_WATCH_POLICY`, else `approve`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from leakward.core.errors import ConfigError

POLICY_VARIABLE = "LEAKWARD_WATCH_POLICY"
INTERVAL_VARIABLE = "LEAKWARD_WATCH_INTERVAL"
DEFAULT_INTERVAL = 300.0  # seconds between polls
MIN_INTERVAL = 10.0  # both APIs rate-limit their admin endpoints; faster gains nothing
DAY = 86_400
BUCKET_SECONDS: Mapping[str, int] = {"1m": 60, "1h": 3_600, "1d": DAY}


class WatchPolicy(StrEnum):
    APPROVE = "approve"  # record, tell the owner, rotation waits for approval
    NOTIFY = "notify"  # record and tell the owner only
    AUTO = "auto"  # rotate at once


POLICIES = tuple(policy.value for policy in WatchPolicy)


@dataclass(frozen=True, slots=True)
class WatchSettings:
    policy: WatchPolicy = WatchPolicy.APPROVE
    bucket_width: str = "1h"
    # Buckets read again before the cursor: a provider revises the bucket still filling and
    # may report late ones; the stored copies are replaced, alerts extended, not duplicated.
    overlap_buckets: int = 3
    # The first poll of a provider reads this far back, so keys have a history to judge by.
    backfill_seconds: int = 28 * DAY
    # History kept per key; older buckets are pruned after each poll.
    history_seconds: int = 90 * DAY
    interval_seconds: float = DEFAULT_INTERVAL

    @property
    def bucket_seconds(self) -> int:
        return BUCKET_SECONDS[self.bucket_width]

    @property
    def overlap_seconds(self) -> int:
        return self.overlap_buckets * self.bucket_seconds


def policy_from(environ: Mapping[str, str], flag: str | None = None) -> WatchPolicy:
    """The flag's policy, else the environment's, else `approve`; a wrong name says the right
    ones."""
    name = flag or environ.get(POLICY_VARIABLE) or WatchPolicy.APPROVE.value
    try:
        return WatchPolicy(name.strip().lower())
    except ValueError:
        source = "--policy" if flag else f"${POLICY_VARIABLE}"
        raise ConfigError(
            f"{source}: unknown watch policy {name!r}",
            f"use one of {', '.join(POLICIES)} (approve is the default)",
        ) from None


def interval_from(environ: Mapping[str, str], flag: float | None = None) -> float:
    """Seconds between polls: the flag's, else `$LEAKWARD_WATCH_INTERVAL`, else 300."""
    if flag is not None:
        return flag
    text = environ.get(INTERVAL_VARIABLE, "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= MIN_INTERVAL:
        raise ConfigError(
            f"${INTERVAL_VARIABLE}: {text!r} is not a number of seconds from {MIN_INTERVAL:g}",
            "300 polls every five minutes",
        )
    return seconds
