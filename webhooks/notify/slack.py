"""Slack incoming webhook: the notice as Block Kit sections.

Stage: notifiers. Incoming webhooks answer 200 "ok"; 429 carries Retry-After. They cannot
deduplicate, so a retried delivery may post twice; the pipeline only retries on failure.
Reference: api.slack.com/messaging/webhooks, api.slack.com/block-kit.
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from leakward.rotators.base import Notice
from leakward.rotators.stores.http_status import send
from leakward.webhooks.notify.message import plain_text, sections

_MAX_TEXT = 2900  # a section's text may hold 3000 characters


def blocks(notice: Notice) -> list[dict[str, object]]:
    built: list[dict[str, object]] = [
        {"type": "header", "text": {"type": "plain_text", "text": notice.subject[:150]}}
    ]
    for heading, items in sections(notice):
        text = f"*{heading}*\n" + "\n".join(f"• {item}" for item in items)
        built.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:_MAX_TEXT]}})
    built.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"Owner: {notice.recipient}"}],
        }
    )
    return built


class SlackNotifier:
    kind: ClassVar[str] = "slack"

    def __init__(self, client: httpx.Client, webhook_url: str) -> None:
        self.client = client
        self.webhook_url = webhook_url

    def send(self, notice: Notice, idempotency_key: str) -> None:
        # `text` is the fallback for notifications and clients without Block Kit.
        payload = {"text": plain_text(notice)[:_MAX_TEXT], "blocks": blocks(notice)}
        request = self.client.build_request("POST", self.webhook_url, json=payload)
        send(self.client, request, "Slack notice", "check the incoming webhook URL is still valid")
