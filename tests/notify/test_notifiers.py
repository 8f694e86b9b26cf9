"""Notifiers against real local receivers: HTTP for Slack, webhook and GitHub; aiosmtpd for SMTP."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from leakward.rotators.base import Notice, PermanentError, TransientError
from leakward.rotators.stores.github_actions import github_client
from leakward.webhooks.notify import notifiers_from_environment
from leakward.webhooks.notify.email import EmailNotifier
from leakward.webhooks.notify.github_issue import GitHubIssueNotifier
from leakward.webhooks.notify.slack import SlackNotifier
from leakward.webhooks.notify.webhook import WebhookNotifier, verify_signature
from tests.fakes import github_actions
from tests.fakes.server import FakeRequest, FakeServer, Reply

SECRET_VALUE = "acme_live_NEVERshowTHIS0123456789"
NOTICE = Notice(
    recipient="owner@example.test",
    subject="Leaked acme key acme_l…6789 rotated",
    provider="acme",
    key_hint="acme_l…6789",
    fingerprint="0f1e2d3c4b5a6978",
    locations=("octo/app aaaaaaaaaaaa config/settings.py:12",),
    exposure_seconds=3725.0,
    actions_taken=("replacement key-2 issued", "leaked key revoked"),
    owner_must=("remove the leaked value from git history",),
    repository="octo/app",
)


class Receiver(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.route("POST", r"/hook", lambda request, match: Reply(200, "ok"))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(2.0)) as opened:
        yield opened


def only_post(receiver: Receiver) -> FakeRequest:
    (request,) = [r for r in receiver.requests if r.method == "POST"]
    return request


def test_webhook_is_signed_and_verifiable(receiver: Receiver, client: httpx.Client) -> None:
    key = b"shared-webhook-secret"
    WebhookNotifier(client, f"{receiver.url}/hook", key, clock=lambda: 1_800_000_000).send(
        NOTICE, "rot-1-webhook"
    )
    request = only_post(receiver)
    stamp = request.headers["x-leakward-timestamp"]
    signed = request.headers["x-leakward-signature"]
    assert request.headers["x-leakward-delivery"] == "rot-1-webhook"
    assert verify_signature(key, request.body, stamp, signed, now=1_800_000_010)
    assert not verify_signature(key, request.body + b" ", stamp, signed, now=1_800_000_010)
    assert not verify_signature(b"other", request.body, stamp, signed, now=1_800_000_010)
    assert not verify_signature(key, request.body, stamp, signed, now=1_800_000_000 + 3600)
    body = json.loads(request.body)
    assert body["key_hint"] == "acme_l…6789"
    assert body["exposure_seconds"] == 3725.0


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (429, "12")])
def test_webhook_overload_is_transient(
    receiver: Receiver, client: httpx.Client, status: int, retry_after: str | None
) -> None:
    receiver.fail_next("/hook", status=status, retry_after=retry_after)
    notifier = WebhookNotifier(client, f"{receiver.url}/hook", b"k")
    with pytest.raises(TransientError) as caught:
        notifier.send(NOTICE, "k1")
    assert caught.value.retry_after == (12.0 if retry_after else None)
    notifier.send(NOTICE, "k1")


def test_webhook_rejection_is_permanent(receiver: Receiver, client: httpx.Client) -> None:
    with pytest.raises(PermanentError, match="webhook URL"):
        WebhookNotifier(client, f"{receiver.url}/missing", b"k").send(NOTICE, "k1")


def test_slack_gets_block_kit_sections(receiver: Receiver, client: httpx.Client) -> None:
    SlackNotifier(client, f"{receiver.url}/hook").send(NOTICE, "rot-1-slack")
    payload: dict[str, Any] = json.loads(only_post(receiver).body)
    kinds = [block["type"] for block in payload["blocks"]]
    assert kinds[0] == "header"
    assert kinds.count("section") == 5
    text = json.dumps(payload, ensure_ascii=False)
    assert "1h 2m 5s" in text
    assert "remove the leaked value" in text
    assert "octo/app" in text


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_email_reaches_the_owner_with_a_stable_message_id(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    notifier = EmailNotifier("127.0.0.1", port, "leakward@example.test")
    notifier.send(NOTICE, "rot-1-email")
    notifier.send(NOTICE, "rot-1-email")
    assert len(inbox.messages) == 2
    ids = set()
    for sender, recipients, raw in inbox.messages:
        assert sender == "leakward@example.test"
        assert recipients == ["owner@example.test"]
        message = message_from_bytes(raw)
        assert message["Subject"].startswith("[leakward] Leaked acme key")
        ids.add(message["Message-ID"])
        body = message.get_payload(decode=True)
        assert isinstance(body, bytes)
        assert "What you must still do" in body.decode()
    assert len(ids) == 1  # a retried delivery folds into the first one


def test_email_relay_down_is_transient() -> None:
    with pytest.raises(TransientError, match="relay"):
        EmailNotifier("127.0.0.1", free_port(), "l@example.test", timeout=1).send(NOTICE, "k")


def test_github_issue_opens_once_per_notice() -> None:
    with github_actions.FakeGitHubActions() as github:
        env = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_actions.TOKEN}
        with github_client(env) as gh:
            notifier = GitHubIssueNotifier(gh)
            notifier.send(NOTICE, "rot-1-github-issue")
            notifier.send(NOTICE, "rot-1-github-issue")  # a retry: no second issue
            (issue,) = github.issues
            assert issue["repo"] == "octo/app"
            assert issue["labels"] == ["leakward"]
            assert "acme_l…6789" in str(issue["body"])
            notifier.send(dataclasses.replace(NOTICE, repository=None), "other")
            assert len(github.issues) == 1  # nowhere to open one: skipped
            notifier.send(NOTICE, "rot-2-github-issue")
            assert len(github.issues) == 2


def test_github_issue_is_found_again_past_the_first_page_of_issues() -> None:
    with github_actions.FakeGitHubActions() as github:
        env = {"GITHUB_API_URL": github.url, "GITHUB_TOKEN": github_actions.TOKEN}
        with github_client(env) as gh:
            notifier = GitHubIssueNotifier(gh)
            notifier.send(NOTICE, "rot-first")
            for n in range(150):  # later notices push the first one to the second page
                notifier.send(NOTICE, f"rot-later-{n}")
            notifier.send(NOTICE, "rot-first")  # a retry of the first notice
            assert len(github.issues) == 151


def test_no_notifier_ever_sends_a_secret_value(receiver: Receiver, client: httpx.Client) -> None:
    WebhookNotifier(client, f"{receiver.url}/hook", b"k").send(NOTICE, "k")
    SlackNotifier(client, f"{receiver.url}/hook").send(NOTICE, "k")
    for request in receiver.requests:
        assert SECRET_VALUE.encode() not in request.body
        assert re.search(rb"acme_live_[A-Za-z0-9]{8,}", request.body) is None


def test_notifiers_are_built_only_when_configured(receiver: Receiver) -> None:
    assert notifiers_from_environment({}) == []
    built = notifiers_from_environment(
        {
            "LEAKWARD_SLACK_WEBHOOK": f"{receiver.url}/hook",
            "LEAKWARD_WEBHOOK_URL": f"{receiver.url}/hook",
            "LEAKWARD_WEBHOOK_SECRET": "s",
            "LEAKWARD_SMTP_HOST": "127.0.0.1",
        }
    )
    assert sorted(n.kind for n in built) == ["email", "slack", "webhook"]
