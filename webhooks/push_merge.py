"""Shedding work, not events: the next push to a branch joins the job of the last one.

Stage: inbound webhooks. When pushes to one branch arrive faster than the jobs run (a flood, a
slow scan ahead of them), each one queued its own scan of its own range. A push whose `before`
is where a pending, untaken job of the same branch ends (its `after`) continues that job's
range, so the job is extended to end at the new `after` instead (registry/webhook_deliveries.py
does it in the delivery's transaction). `before_1..after_n` is then exactly the commits the n
pushes added: each later push was a fast-forward, so every earlier tip is an ancestor of the last.

A forced push is never merged into a pending job: the tip it replaced may not be an ancestor of
its own, and a merged range would skip the replaced commits, which were public meanwhile. It is a
job of its own, and later pushes may join it. A job takes at most `MAX_PUSHES` pushes, so one
job's scan stays far inside its time budget.
"""

from __future__ import annotations

from leakward.registry.webhook_deliveries import Merge

MAX_PUSHES = 50


def push_merge(key: str, payload: dict[str, object], *, is_forced: bool) -> Merge:
    """How a push job with `payload` joins a pending job of branch `key` (a forced push joins
    none, but later pushes may join its job)."""

    def extend(pending: dict[str, object]) -> dict[str, object] | None:
        pushes = pending.get("pushes", 1)
        if is_forced or pending.get("after") != payload["before"] or not isinstance(pushes, int):
            return None
        if pushes >= MAX_PUSHES:
            return None
        return {
            **pending,
            "after": payload["after"],
            "clone_url": payload["clone_url"],
            # Public once is public: the milder policy must not come back with a later push.
            "is_public": pending.get("is_public") is True or payload.get("is_public") is True,
            # The exposure began with the first push; a later date would shorten its window.
            "pushed_at": pending.get("pushed_at") or payload.get("pushed_at"),
            "pushes": pushes + 1,
        }

    return Merge(key, extend)
