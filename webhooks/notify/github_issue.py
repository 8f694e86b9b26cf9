"""A GitHub issue in the repository the key leaked from, labelled `leakward`.

Stage: notifiers. The issue body carries a hidden marker with the idempotency key; before
opening an issue we look for an open one with that marker, so a retried delivery never opens a
second issue. Notices with no repository are skipped (there is nowhere to open one).
Reference: docs.github.com/rest/issues/issues (create, list for a repository).
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from leakward.rotators.base import Notice
from leakward.rotators.stores.http_status import send
from leakward.webhooks.notify.message import markdown

LABEL = "leakward"
_HINT = "check the token may open issues in the repository (issues: write)"


class GitHubIssueNotifier:
    kind: ClassVar[str] = "github-issue"

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def send(self, notice: Notice, idempotency_key: str) -> None:
        if not notice.repository:
            return
        marker = f"<!-- leakward:{idempotency_key} -->"
        base = f"/repos/{notice.repository}/issues"
        if self._is_open_already(base, marker):
            return
        body = f"{markdown(notice)}\n_Owner: {notice.recipient}_\n\n{marker}\n"
        create = self.client.build_request(
            "POST", base, json={"title": notice.subject, "body": body, "labels": [LABEL]}
        )
        send(self.client, create, "GitHub issue", _HINT)

    def _is_open_already(self, base: str, marker: str) -> bool:
        """Whether an issue with `marker` exists, reading every page of the labelled issues
        (newest first, GitHub's default order, so a retry's issue is usually on the first):
        a repository with more than a page of them must not get a second issue."""
        listing = self.client.build_request(
            "GET", base, params={"labels": LABEL, "state": "all", "per_page": "100"}
        )
        while True:
            page = send(self.client, listing, "GitHub issues", _HINT)
            if any(marker in str(issue.get("body") or "") for issue in page.json()):
                return True
            following = page.links.get("next", {}).get("url")
            if not following:
                return False
            listing = self.client.build_request("GET", following)
