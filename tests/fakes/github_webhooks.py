"""GitHub's side of a webhook: push payloads built from a real repository, signed and delivered.

Stage: tests (webhook end to end). Follows docs.github.com/webhooks: headers `X-GitHub-Event`,
`X-GitHub-Delivery` (a GUID, kept on redelivery), `X-Hub-Signature-256` (HMAC-SHA256 of the
body), JSON body with `ref`, `before`, `after`, `repository` (full_name, clone_url, private,
visibility) and `head_commit.timestamp`. Deliveries are kept like GitHub's "recent deliveries"
list, with the status each got, so `redeliver` can send one again unchanged.
Also a catch-all inbox for outbound notices (a Slack incoming webhook's URL).
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from leakward.webhooks.signature import signature_of
from tests.fakes.server import FakeRequest, FakeServer, Reply


@dataclass
class Delivery:
    id: str
    event: str
    body: bytes
    status: int = 0


class WebhookSender:
    def __init__(self, secret: bytes, receiver_url: str) -> None:
        self.secret = secret
        self.receiver_url = receiver_url
        self.deliveries: list[Delivery] = []

    def push_payload(
        self, work_tree: Path, repository: str, clone_url: str, before: str, *, public: bool
    ) -> dict[str, object]:
        """The payload GitHub sends after `git push` moved main from `before` to HEAD."""

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "-C", str(work_tree), *args], capture_output=True, text=True, check=True
            ).stdout.strip()

        after = git("rev-parse", "HEAD")
        return {
            "ref": "refs/heads/main",
            "before": before,
            "after": after,
            "created": set(before) == {"0"},
            "deleted": False,
            "forced": False,
            "repository": {
                "full_name": repository,
                "name": repository.split("/")[1],
                "clone_url": clone_url,
                "private": not public,
                "visibility": "public" if public else "private",
            },
            "head_commit": {"id": after, "timestamp": git("log", "-1", "--format=%cI")},
            "pusher": {"name": "dev", "email": "dev@example.test"},
        }

    def deliver(self, event: str, payload: dict[str, object]) -> Delivery:
        delivery = Delivery(str(uuid.uuid4()), event, json.dumps(payload).encode())
        self.deliveries.append(delivery)
        return self._send(delivery)

    def redeliver(self, delivery: Delivery) -> Delivery:
        again = Delivery(delivery.id, delivery.event, delivery.body)
        self.deliveries.append(again)
        return self._send(again)

    def _send(self, delivery: Delivery) -> Delivery:
        response = httpx.post(
            self.receiver_url,
            content=delivery.body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "GitHub-Hookshot/fake",
                "X-GitHub-Event": delivery.event,
                "X-GitHub-Delivery": delivery.id,
                "X-Hub-Signature-256": signature_of(self.secret, delivery.body),
            },
            timeout=10.0,  # GitHub's own limit
        )
        delivery.status = response.status_code
        return delivery


class NoticeInbox(FakeServer):
    """Accepts any POST (a Slack incoming webhook answers `ok`) and keeps the bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[bytes] = []
        self.route("POST", r"/.*", self._post)

    def _post(self, request: FakeRequest, match: re.Match[str]) -> Reply:
        self.received.append(request.body)
        return Reply(200, "ok")
