"""`leakward watch`: poll each provider's usage API, keep per-key history, alert, hand off.

Stage: application (usage watch). One poll, for each configured client: read from the stored
cursor less an overlap (the provider revises the bucket still filling and may report late ones)
up to now, turn the pages into records (`pages.read_page`), score them against the stored history
that precedes them (`model.detect`), and write the buckets, the alerts and the moved cursor in one
transaction. A provider that fails part-way writes nothing and keeps its cursor, so the next poll
asks for the same range again; the other providers are polled all the same. Then every open
alert at or above `CONFIDENT_SCORE` is handed to the leak response (watch_handoff.py) by the
watcher that claims it (two watchers on one registry tell its owner once), and history older
than the kept window is pruned.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection

from leakward.core.errors import LeakwardError
from leakward.registry import MatchQuery, Registry
from leakward.registry.usage import UsageBucket, save_buckets, save_cursor
from leakward.registry.usage_alerts import AlertUpdate, UsageAlert, record_alert
from leakward.rotators.base import RotationError
from leakward.usage.clients import UsageClient
from leakward.usage.model import CONFIDENT_SCORE, detect_report
from leakward.usage.pages import read_page
from leakward.usage.profile import QUARANTINE_DAYS
from leakward.usage.records import Alert, UsageRecord
from leakward.usage.watch_handoff import HandOff, hand_off
from leakward.usage.watch_policy import DAY, WatchSettings
from leakward.webhooks.metrics import Metrics

log = logging.getLogger(__name__)
# How long a watcher holds an alert it is handing off. Under `auto` the hand-off runs a whole
# rotation (with its retries); a watcher that dies holding one delays it by this much, no more.
CLAIM_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class ProviderPoll:
    """One provider's part of a poll: the range read, what came of it, or why it failed."""

    provider: str
    start: int
    end: int
    pages: int = 0
    records: int = 0
    # Results without an API key (the console's use): counted by the reader, not scored.
    skipped: int = 0
    alerts: tuple[UsageAlert, ...] = ()  # raised or extended by this poll
    new_alerts: int = 0
    # Keys not judged yet (too little history, e.g. seen for the first time), and why.
    warming_up: tuple[tuple[str, str], ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class WatchReport:
    polls: tuple[ProviderPoll, ...]
    handoffs: tuple[HandOff, ...] = ()
    pruned: int = 0

    @property
    def is_complete(self) -> bool:
        """Every provider was read; False when one failed (its range is read again next time)."""
        return all(poll.error is None for poll in self.polls)


@dataclass
class Watch:
    """The watch over one registry: its clients, settings and the environment rotations use."""

    registry: Registry
    clients: Sequence[UsageClient]
    settings: WatchSettings
    environ: Mapping[str, str]
    metrics: Metrics = field(default_factory=Metrics)
    clock: Callable[[], float] = time.time

    def poll(self) -> WatchReport:
        """Poll every provider once, then hand off confident alerts and prune old history."""
        now = int(self.clock())
        polls = tuple(self._poll_provider(client, now) for client in self.clients)
        handoffs = tuple(
            handoff
            for alert in self.registry.usage.alerts(state="open")
            if alert.score >= CONFIDENT_SCORE
            and (handoff := self._claimed_hand_off(alert, now)) is not None
        )
        pruned = self.registry.usage.prune(now - self.settings.history_seconds)
        return WatchReport(tuple(_after(poll, handoffs) for poll in polls), handoffs, pruned)

    def _claimed_hand_off(self, alert: UsageAlert, now: int) -> HandOff | None:
        """One alert's hand-off, by whichever watcher on this registry claims it first (None:
        another holds it). A failure, or an alert left open (its key unknown), is released, to be
        handed off by the next poll (its leak is an upsert and its rotation joined, so trying
        again duplicates nothing)."""
        if not self.registry.usage.claim(alert.id, now=now, lease_seconds=CLAIM_SECONDS):
            return None
        try:
            done = hand_off(self.registry, alert, self.settings.policy, self.environ, self.metrics)
        except (LeakwardError, RotationError) as error:
            log.warning("usage alert %s not handed off: %s", alert.id, error)
            done = HandOff(alert.id, alert.state, note=f"not handed off: {error}")
        if done.state == "open":
            self.registry.usage.release(alert.id)
        return done

    def run(
        self, on_report: Callable[[WatchReport], None], stop: threading.Event | None = None
    ) -> None:
        """Poll every `interval_seconds` until `stop` is set; a failed poll is reported, and
        the loop goes on (the registry unreachable included: it may come back)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                on_report(self.poll())
            except LeakwardError as error:
                log.warning("usage watch poll failed: %s", error)
            stop.wait(self.settings.interval_seconds)

    def _poll_provider(self, client: UsageClient, now: int) -> ProviderPoll:
        width = self.settings.bucket_seconds
        start, end = self._range(client.provider, now)
        try:
            pages = [
                read_page(client.provider, document, now=now)
                for document in client.pages(start, end, self.settings.bucket_width)
            ]
        except LeakwardError as error:
            # Nothing of this provider is written: its cursor stays, the range is read again.
            log.warning("usage of %s not read: %s", client.provider, error)
            return ProviderPoll(client.provider, start, end, error=str(error))
        records = [record for page in pages for record in page.records]
        history = self._history(client.provider, records, start)
        issued = self._issued(client.provider, records, history, start)
        judged = detect_report(records, history=history, issued=issued)
        alerts = judged.alerts
        with self.registry.usage.transaction() as connection:
            save_buckets(connection, records)
            updates = [_record(connection, alert) for alert in alerts]
            # Only whole buckets count as read: the one still filling is read again.
            save_cursor(connection, client.provider, now - now % width, read_from=start)
        return ProviderPoll(
            client.provider,
            start,
            end,
            pages=len(pages),
            records=len(records),
            skipped=sum(page.unattributed for page in pages),
            alerts=tuple(update.alert for update in updates),
            new_alerts=sum(update.is_new for update in updates),
            warming_up=tuple(sorted(judged.warming_up.items())),
        )

    def _range(self, provider: str, now: int) -> tuple[int, int]:
        width = self.settings.bucket_seconds
        cursor = self.registry.usage.cursor(provider)
        if cursor is None:
            start = now - self.settings.backfill_seconds
        else:
            start = cursor - self.settings.overlap_seconds
        return start - start % width, now

    def _history(
        self, provider: str, records: Iterable[UsageRecord], start: int
    ) -> list[UsageRecord]:
        """The stored buckets of these records' keys before `start`: what the new ones are
        scored against (the model takes history first, then the new records in order)."""
        key_ids = sorted({record.key_id for record in records})
        stored = self.registry.usage.history(
            provider,
            key_ids,
            since=start - self.settings.history_seconds,
            before=start,
            width=self.settings.bucket_seconds,
        )
        held = _quarantined(self.registry.usage.alerts(provider=provider))
        return [_as_record(bucket) for bucket in stored if not _is_held(bucket, held, start)]

    def _issued(
        self,
        provider: str,
        records: Iterable[UsageRecord],
        history: Sequence[UsageRecord],
        start: int,
    ) -> dict[str, int]:
        """When each registered key with no stored use was issued (epoch seconds), for those
        issued since the watch has been reading this provider: only then is the key known to
        have gone unused from its issue to its first record. The reading reaches back to the
        first poll's start where the cursor kept it, else (a cursor from before it was kept) to
        this poll's start or the oldest stored bucket of any of its keys."""
        # A key with an alert was used, though its alerted buckets are held out of `history`.
        used = {record.key_id for record in history}
        used |= {alert.key_id for alert in self.registry.usage.alerts(provider=provider)}
        unused = sorted({record.key_id for record in records} - used)
        if not unused:
            return {}
        kept = self.registry.usage.read_since(provider)
        watched_since = min([start, *(record.start for record in history)])
        if kept is not None:
            watched_since = min(watched_since, kept)
        queries = [MatchQuery("", provider=provider, key_id=key_id) for key_id in unused]
        issued: dict[str, int] = {}
        for key_id, match in zip(unused, self.registry.match(queries), strict=True):
            if match is None:
                continue
            moment = int(self.registry.get_key(match.entry_id).created_at.timestamp())
            if moment >= watched_since:
                issued[key_id] = moment
        return issued


def _record(connection: Connection, alert: Alert) -> AlertUpdate:
    return record_alert(
        connection,
        provider=alert.provider,
        key_id=alert.key_id,
        start=alert.start,
        end=alert.end,
        score=alert.score,
        reason=alert.reason,
    )


def _after(poll: ProviderPoll, handoffs: Sequence[HandOff]) -> ProviderPoll:
    """The poll's alerts as their hand-off left them."""
    done = {handed.alert_id: handed for handed in handoffs}
    alerts = tuple(
        replace(
            alert,
            state=done[alert.id].state,
            leak_id=done[alert.id].leak_id,
            rotation_id=done[alert.id].rotation_id,
        )
        if alert.id in done
        else alert
        for alert in poll.alerts
    )
    return replace(poll, alerts=alerts)


def _quarantined(alerts: Iterable[UsageAlert]) -> dict[str, list[UsageAlert]]:
    """Alerted episodes by key, dismissed ones left out: a dismissed alert was the owner."""
    held: dict[str, list[UsageAlert]] = {}
    for alert in alerts:
        if alert.state != "dismissed":
            held.setdefault(alert.key_id, []).append(alert)
    return held


def _is_held(bucket: UsageBucket, held: Mapping[str, Sequence[UsageAlert]], start: int) -> bool:
    """Whether the model would not have learned this alerted bucket yet when judging from
    `start`: it learns an alerting cell `QUARANTINE_DAYS` late, so a thief's first hours do not
    become the key's habit between two polls."""
    is_recent = bucket.start // DAY + QUARANTINE_DAYS > start // DAY
    return is_recent and any(a.start <= bucket.start < a.end for a in held.get(bucket.key_id, ()))


def _as_record(bucket: UsageBucket) -> UsageRecord:
    return UsageRecord(
        provider=bucket.provider,
        key_id=bucket.key_id,
        start=bucket.start,
        end=bucket.end,
        model=bucket.model,
        requests=bucket.requests,
        input_tokens=bucket.input_tokens,
        output_tokens=bucket.output_tokens,
        cached_input_tokens=bucket.cached_input_tokens,
    )
