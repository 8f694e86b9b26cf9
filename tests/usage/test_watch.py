"""`leakward watch`, one poll at a time, against the fake usage APIs, the real model and registry.

A key with four weeks of steady habits is planted in the fake OpenAI usage API, then a theft in
the last three hours (another model, a flood, at hours it never worked). Each test runs on SQLite
and PostgreSQL (tests/registry/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from leakward.core.secret import Secret
from leakward.registry import NewKey, Owner, Registry
from leakward.registry.rotation_state import RotationStatus
from leakward.registry.rotations import list_rotations
from leakward.registry.usage import save_buckets
from leakward.usage.clients import AnthropicUsageClient, OpenAIUsageClient, UsageClient
from leakward.usage.model import CONFIDENT_SCORE
from leakward.usage.records import UsageRecord
from leakward.usage.watch import CLAIM_SECONDS, Watch
from leakward.usage.watch_policy import WatchPolicy, WatchSettings
from tests.fakes.anthropic_usage import FakeAnthropicUsage
from tests.fakes.openai import FakeOpenAI
from tests.fakes.openai_usage import PATH as OPENAI_USAGE_PATH
from tests.fakes.openai_usage import FakeOpenAIUsage
from tests.fakes.server import FakeServer, Reply
from tests.registry.conftest import _isolated_environment, db_url, postgres_url
from tests.usage.watch_world import DAY, HOUR, habit, theft, theft_start

__all__ = ["_isolated_environment", "db_url", "postgres_url"]

PEPPER = b"watch-test-pepper-0123456789abcdef"
NOW = 1_796_000_000 + 25 * 60  # a fixed moment, 25 minutes into an hour
KEY = "key_Thief0victim1"
OWNER = "owner@example.com"


class Inbox(FakeServer):
    """The owner's webhook endpoint (LEAKWARD_WEBHOOK_URL): keeps each notice."""

    def __init__(self) -> None:
        super().__init__()
        self.route("POST", r"/hook", lambda request, match: Reply(200, "ok"))

    def notices(self) -> list[dict[str, object]]:
        with self.lock:
            return [json.loads(r.body) for r in self.requests if r.method == "POST"]


@pytest.fixture
def registry(db_url: str) -> Iterator[Registry]:
    with Registry.open(db_url, pepper=PEPPER) as opened:
        yield opened


@pytest.fixture
def usage() -> Iterator[FakeOpenAIUsage]:
    with FakeOpenAIUsage(clock=lambda: NOW) as server:
        yield server


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with Inbox() as server:
        yield server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


def openai_client(http: httpx.Client, usage: FakeOpenAIUsage) -> OpenAIUsageClient:
    return OpenAIUsageClient(http, Secret(usage.admin_key), usage.url)


def environment(usage: FakeServer, admin_key: str, inbox: Inbox) -> dict[str, str]:
    return {
        "LEAKWARD_API_OPENAI": usage.url,
        "OPENAI_ADMIN_KEY": admin_key,
        "LEAKWARD_WEBHOOK_URL": f"{inbox.url}/hook",
    }


def register(registry: Registry, key_id: str = KEY, **extra: object) -> int:
    new = NewKey(provider="openai", owner=Owner(email=OWNER), key_id=key_id, **extra)  # type: ignore[arg-type]
    return registry.add_key(new)


def watch(
    registry: Registry,
    clients: list[UsageClient],
    env: dict[str, str],
    policy: WatchPolicy = WatchPolicy.APPROVE,
    now: int = NOW,
) -> Watch:
    settings = WatchSettings(policy=policy)
    return Watch(registry, clients, settings, env, clock=lambda: now)


def test_a_theft_raises_one_alert_and_a_rotation_waiting_for_approval(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    entry = register(registry)
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env).poll()

    (poll,) = report.polls
    assert poll.error is None
    (alert,) = poll.alerts
    assert (alert.key_id, alert.start) == (KEY, theft_start(NOW))
    assert alert.state == "handed-off"
    (leak,) = registry.list_leaks()
    assert leak.source_kind == "suspected-use"
    assert leak.leaked_at == datetime.fromtimestamp(theft_start(NOW), UTC)
    assert leak.issued_key_id == entry
    (rotation,) = list_rotations(registry.engine)
    assert rotation.status is RotationStatus.PENDING_APPROVAL
    assert rotation.requires_approval
    assert (rotation.leak_id, rotation.id) == (leak.id, alert.rotation_id)
    (notice,) = inbox.notices()
    assert "approve" in json.dumps(notice)
    assert KEY in json.dumps(notice)


def test_a_second_poll_extends_nothing_twice(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)
    watch(registry, [openai_client(http, usage)], env).poll()

    again = watch(registry, [openai_client(http, usage)], env, now=NOW + 600).poll()

    assert again.polls[0].new_alerts == 0
    assert again.handoffs == ()
    assert len(registry.usage.alerts()) == 1
    assert len(registry.list_leaks()) == 1
    assert len(list_rotations(registry.engine)) == 1
    assert len(inbox.notices()) == 1
    # The second poll read from the cursor less the overlap, not the whole backfill again.
    assert again.polls[0].start == NOW - NOW % HOUR - 3 * HOUR


def test_notify_records_and_tells_the_owner_without_rotating(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env, WatchPolicy.NOTIFY).poll()

    (handed,) = report.handoffs
    assert (handed.state, handed.rotation_id) == ("handed-off", None)
    assert len(registry.list_leaks()) == 1
    assert list_rotations(registry.engine) == []
    assert len(inbox.notices()) == 1


def test_a_key_the_registry_does_not_know_is_reported_not_rotated(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env, WatchPolicy.AUTO).poll()

    (alert,) = report.polls[0].alerts
    assert alert.state == "open"
    assert "not in the registry" in report.handoffs[0].note
    assert registry.list_leaks() == []
    assert list_rotations(registry.engine) == []
    assert inbox.notices() == []


def test_an_alert_another_watcher_is_handing_off_is_left_to_it(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    # `leakward watch` beside `leakward serve`'s job: both see the same open alert; the one
    # holding it tells the owner, the other stays out until that watcher's lease runs out.
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)
    watch(registry, [openai_client(http, usage)], env).poll()  # key unknown: the alert stays open
    register(registry)
    (alert,) = registry.usage.alerts(state="open")
    assert registry.usage.claim(alert.id, now=NOW + 60, lease_seconds=CLAIM_SECONDS)

    meanwhile = watch(registry, [openai_client(http, usage)], env, now=NOW + 120).poll()
    after_lease = watch(
        registry, [openai_client(http, usage)], env, now=NOW + 60 + CLAIM_SECONDS
    ).poll()

    assert meanwhile.handoffs == ()
    (handed,) = after_lease.handoffs
    assert handed.state == "handed-off"
    assert len(inbox.notices()) == 1
    assert len(list_rotations(registry.engine)) == 1


def test_a_key_seen_for_the_first_time_raises_no_alert(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    usage.plant(*theft(KEY, NOW))  # no past at all: the flood is all it has ever done
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env).poll()

    (poll,) = report.polls
    assert poll.alerts == ()
    assert poll.records == 3
    assert KEY in dict(poll.warming_up)
    assert registry.usage.count() == 3  # stored all the same: it is the key's history now


def test_an_outage_mid_poll_loses_nothing_and_the_other_provider_is_read(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    usage.plant(*habit(KEY, NOW), *theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)
    # Four weeks of hours are several pages: the second one fails.
    usage.fail_next(OPENAI_USAGE_PATH, status=503, skip=1)
    with FakeAnthropicUsage(clock=lambda: NOW) as anthropic:
        anthropic.plant(*habit("apikey_other", NOW, provider="anthropic", model="claude-x"))
        clients: list[UsageClient] = [
            openai_client(http, usage),
            AnthropicUsageClient(http, Secret(anthropic.admin_key), anthropic.url),
        ]

        failed = watch(registry, clients, env).poll()

        assert not failed.is_complete
        openai, other = failed.polls
        assert openai.error is not None
        assert "openai" in openai.error
        assert "503" in openai.error
        assert registry.usage.cursor("openai") is None
        assert registry.usage.count("openai") == 0
        assert other.error is None
        assert registry.usage.count("anthropic") == other.records > 0

        recovered = watch(registry, clients[:1], env, now=NOW + 300).poll()

    assert recovered.is_complete
    assert [a.start for a in recovered.polls[0].alerts] == [theft_start(NOW)]
    assert len(registry.list_leaks()) == 1


def test_auto_rotates_the_openai_key_at_the_provider(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    with FakeOpenAI() as provider:
        leaked = provider.add_key(owner="service_account")
        register(
            registry,
            leaked.id,
            account="proj_1",
            attributes=(("project_id", "proj_1"), ("service_account_id", leaked.owner_id)),
        )
        usage.plant(*habit(leaked.id, NOW), *theft(leaked.id, NOW))
        # The rotator reads the provider fake; the watch reads usage from the usage fake.
        env = environment(provider, provider.admin_key, inbox)

        report = watch(registry, [openai_client(http, usage)], env, WatchPolicy.AUTO).poll()

        (handed,) = report.handoffs
        assert handed.rotation_status == RotationStatus.DONE.value
        assert leaked.id not in {key.id for key in provider.live()}
        assert len(provider.live()) == 1  # the replacement
    (leak,) = registry.list_leaks()
    assert leak.leaked_at == datetime.fromtimestamp(theft_start(NOW), UTC)
    assert leak.revoked_at is not None
    (window,) = registry.exposure_windows(issued_key_id=leak.issued_key_id)
    assert window.leaked_at == datetime.fromtimestamp(theft_start(NOW), UTC)


def test_a_theft_lasting_past_the_overlap_stays_one_episode(
    registry: Registry, inbox: Inbox, http: httpx.Client
) -> None:
    """Polls six hours apart: the theft's early hours are stored history by the second poll,
    held out of the key's habits, so its later hours still alert, and extend the one alert."""
    register(registry)
    clock = [NOW + 2 * HOUR]
    first = theft_start(NOW)
    later = [
        UsageRecord(
            "openai",
            KEY,
            first + h * HOUR,
            first + (h + 1) * HOUR,
            "gpt-4o",
            600,
            2_400_000,
            900_000,
        )
        for h in range(3, 9)
    ]
    with FakeOpenAIUsage(clock=lambda: clock[0]) as usage:
        usage.plant(*habit(KEY, NOW), *theft(KEY, NOW), *later)
        env = environment(usage, usage.admin_key, inbox)
        watch(registry, [openai_client(http, usage)], env, now=clock[0]).poll()
        clock[0] = NOW + 8 * HOUR

        second = watch(registry, [openai_client(http, usage)], env, now=clock[0]).poll()

    assert second.polls[0].start > first  # the theft's first hours were history by then
    (alert,) = registry.usage.alerts()
    assert (alert.start, alert.end) == (first, first + 9 * HOUR)
    assert second.polls[0].new_alerts == 0
    assert len(list_rotations(registry.engine)) == 1


def test_a_thief_back_each_night_is_not_learned_as_a_habit_between_polls(
    registry: Registry, inbox: Inbox, http: httpx.Client
) -> None:
    """A modest thief (the key's own model, three times its hourly volume) at 01:00-05:00 three
    nights running, polled every six hours: the first nights are stored history by the later
    polls, and are held out of the key's habits as the model holds out what alerted."""
    midnight = NOW - NOW % DAY
    nights = [
        UsageRecord("openai", KEY, start, start + HOUR, "gpt-4o-mini", 120, 96_000, 24_000)
        for night in range(3)
        for start in range(midnight + night * DAY + HOUR, midnight + night * DAY + 5 * HOUR, HOUR)
    ]
    register(registry)
    clock = [midnight + 5 * HOUR + 1500]
    with FakeOpenAIUsage(clock=lambda: clock[0]) as usage:
        usage.plant(*habit(KEY, NOW), *nights)
        env = environment(usage, usage.admin_key, inbox)
        while clock[0] < midnight + 3 * DAY:
            watch(registry, [openai_client(http, usage)], env, WatchPolicy.NOTIFY, clock[0]).poll()
            clock[0] += 6 * HOUR

    alerts = registry.usage.alerts()
    assert [(a.start - midnight) // HOUR for a in alerts] == [1, 25, 49]
    assert all(a.score >= CONFIDENT_SCORE for a in alerts)


def test_history_older_than_the_kept_window_is_pruned_by_a_poll(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    usage.plant(*habit(KEY, NOW))
    old = habit(KEY, NOW - 40 * DAY, days=3)  # stored by an earlier run, 41 to 43 days ago
    with registry.usage.transaction() as connection:
        save_buckets(connection, old)
    settings = WatchSettings(history_seconds=35 * DAY)
    env = environment(usage, usage.admin_key, inbox)

    report = Watch(registry, [openai_client(http, usage)], settings, env, clock=lambda: NOW).poll()

    assert report.pruned == len(old)
    assert registry.usage.count() == report.polls[0].records


class OtherFormat(FakeServer):
    """Answers OpenAI's usage path with a page of Anthropic's format (a misrouted base URL)."""

    def __init__(self) -> None:
        super().__init__()
        page = {
            "data": [{"starting_at": "2026-12-01T00:00:00Z", "ending_at": "2026-12-01T01:00:00Z"}],
            "has_more": False,
            "next_page": None,
        }
        self.route("GET", OPENAI_USAGE_PATH, lambda request, match: Reply(200, page))


def test_a_page_of_another_format_is_refused_and_nothing_moves(
    registry: Registry, inbox: Inbox, http: httpx.Client
) -> None:
    with OtherFormat() as other:
        client = OpenAIUsageClient(http, Secret("sk-admin-x"), other.url)
        report = watch(registry, [client], environment(other, "sk-admin-x", inbox)).poll()

    (poll,) = report.polls
    assert poll.error is not None
    assert "expected an OpenAI page" in poll.error
    assert registry.usage.cursor("openai") is None
    assert registry.usage.count() == 0


class AheadOfUs(FakeServer):
    """An OpenAI usage API whose clock runs two hours ahead: it reports a bucket that has not
    begun on this machine."""

    def __init__(self) -> None:
        super().__init__()
        start = NOW - NOW % HOUR + 2 * HOUR
        result = {
            "object": "organization.usage.completions.result",
            "input_tokens": 5000,
            "output_tokens": 900,
            "input_cached_tokens": 0,
            "input_audio_tokens": 0,
            "output_audio_tokens": 0,
            "num_model_requests": 4,
            "project_id": None,
            "user_id": None,
            "api_key_id": KEY,
            "model": "gpt-4o",
            "batch": None,
        }
        bucket = {"object": "bucket", "start_time": start, "end_time": start + HOUR}
        page = {
            "object": "page",
            "data": [{**bucket, "results": [result]}],
            "has_more": False,
            "next_page": None,
        }
        self.route("GET", OPENAI_USAGE_PATH, lambda request, match: Reply(200, page))


def test_usage_from_this_machines_future_is_clock_skew_not_a_theft(
    registry: Registry, inbox: Inbox, http: httpx.Client
) -> None:
    register(registry)
    with AheadOfUs() as ahead:
        client = OpenAIUsageClient(http, Secret("sk-admin-x"), ahead.url)
        report = watch(registry, [client], environment(ahead, "sk-admin-x", inbox)).poll()

    (poll,) = report.polls
    assert poll.error is not None
    assert "after this machine's clock" in poll.error
    assert registry.usage.count() == 0
    assert registry.usage.cursor("openai") is None


def test_an_anthropic_theft_is_handed_off_the_same_way(
    registry: Registry, inbox: Inbox, http: httpx.Client
) -> None:
    key = "apikey_01Victim"
    entry = registry.add_key(NewKey(provider="anthropic", owner=Owner(email=OWNER), key_id=key))
    with FakeAnthropicUsage(clock=lambda: NOW) as anthropic:
        model = "claude-3-5-haiku-20241022"
        anthropic.plant(*habit(key, NOW, provider="anthropic", model=model))
        anthropic.plant(*theft(key, NOW, provider="anthropic", model="claude-opus-4-20250514"))
        client = AnthropicUsageClient(http, Secret(anthropic.admin_key), anthropic.url)
        env = {
            "LEAKWARD_API_ANTHROPIC": anthropic.url,
            "ANTHROPIC_ADMIN_KEY": anthropic.admin_key,
            "LEAKWARD_WEBHOOK_URL": f"{inbox.url}/hook",
        }

        report = watch(registry, [client], env).poll()

    (alert,) = report.polls[0].alerts
    assert (alert.provider, alert.key_id, alert.start) == ("anthropic", key, theft_start(NOW))
    (leak,) = registry.list_leaks()
    assert (leak.issued_key_id, leak.source_kind) == (entry, "suspected-use")
    (rotation,) = list_rotations(registry.engine)
    assert rotation.status is RotationStatus.PENDING_APPROVAL


def test_a_key_first_used_weeks_after_its_issue_raises_a_dormant_alert(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    # Issued 20 days ago, inside the first poll's backfill, and never used until the last hours.
    register(registry, created_at=datetime.fromtimestamp(NOW - 20 * DAY, UTC))
    usage.plant(*theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env).poll()

    (poll,) = report.polls
    (alert,) = poll.alerts
    assert (alert.key_id, alert.start) == (KEY, theft_start(NOW))
    assert "never used since issue" in alert.reason


def test_a_key_issued_before_the_watch_could_see_is_not_judged_from_its_issue(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    # Issued before the first poll's backfill: it may have been used before the watch began.
    settings = WatchSettings(policy=WatchPolicy.APPROVE)
    register(
        registry, created_at=datetime.fromtimestamp(NOW - settings.backfill_seconds - DAY, UTC)
    )
    usage.plant(*theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)

    report = watch(registry, [openai_client(http, usage)], env).poll()

    (poll,) = report.polls
    assert poll.alerts == ()
    assert KEY in dict(poll.warming_up)


def test_a_key_issued_after_the_watch_began_is_judged_from_its_issue_past_the_kept_history(
    registry: Registry, usage: FakeOpenAIUsage, inbox: Inbox, http: httpx.Client
) -> None:
    # The watch first read this provider 60 days ago and has polled since; the key was issued
    # 40 days ago, before the kept history and this poll's overlap reach, and first used now.
    register(registry, created_at=datetime.fromtimestamp(NOW - 40 * DAY, UTC))
    usage.plant(*theft(KEY, NOW))
    env = environment(usage, usage.admin_key, inbox)
    client = openai_client(http, usage)
    for then in (NOW - 60 * DAY, theft_start(NOW) - HOUR):
        assert watch(registry, [client], env, now=then).poll().polls[0].alerts == ()

    report = watch(registry, [client], env).poll()

    (alert,) = report.polls[0].alerts
    assert (alert.key_id, alert.start) == (KEY, theft_start(NOW))
    assert "never used since issue" in alert.reason
