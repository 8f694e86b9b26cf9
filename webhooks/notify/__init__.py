"""Outbound notifiers: Slack, a signed generic webhook, e-mail and a GitHub issue.

Stage: notifiers, the outermost layer. Each implements `leakward.rotators.base.Notifier` and is
handed to the rotation pipeline, so rotators never import this package. `notifiers_from_environment`
builds the ones configured:

    LEAKWARD_SLACK_WEBHOOK                      Slack incoming webhook URL
    LEAKWARD_WEBHOOK_URL, LEAKWARD_WEBHOOK_SECRET   signed JSON webhook
    LEAKWARD_SMTP_HOST[, _PORT, _FROM, _USER, _PASSWORD, _STARTTLS=1]   e-mail to the owner
    LEAKWARD_GITHUB_ISSUES=1 (with GITHUB_TOKEN, GITHUB_API_URL)   an issue in the leaking repo
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from leakward.rotators.base import Notifier
from leakward.rotators.stores.github_actions import github_client
from leakward.webhooks.notify.email import EmailNotifier
from leakward.webhooks.notify.github_issue import GitHubIssueNotifier
from leakward.webhooks.notify.slack import SlackNotifier
from leakward.webhooks.notify.webhook import WebhookNotifier

NOTIFIERS = {
    SlackNotifier.kind: SlackNotifier,
    WebhookNotifier.kind: WebhookNotifier,
    EmailNotifier.kind: EmailNotifier,
    GitHubIssueNotifier.kind: GitHubIssueNotifier,
}


def configured_kinds(environ: Mapping[str, str]) -> list[str]:
    """The kinds of notifier the environment turns on, without building any (`rotate --plan`)."""
    switched = {
        SlackNotifier.kind: bool(environ.get("LEAKWARD_SLACK_WEBHOOK")),
        WebhookNotifier.kind: bool(environ.get("LEAKWARD_WEBHOOK_URL")),
        EmailNotifier.kind: bool(environ.get("LEAKWARD_SMTP_HOST")),
        GitHubIssueNotifier.kind: environ.get("LEAKWARD_GITHUB_ISSUES") == "1",
    }
    return [kind for kind, is_on in switched.items() if is_on]


def notifiers_from_environment(environ: Mapping[str, str]) -> list[Notifier]:
    kinds = configured_kinds(environ)
    built: list[Notifier] = []
    client = httpx.Client(timeout=httpx.Timeout(10.0))
    if SlackNotifier.kind in kinds:
        built.append(SlackNotifier(client, environ["LEAKWARD_SLACK_WEBHOOK"]))
    if WebhookNotifier.kind in kinds:
        secret = environ.get("LEAKWARD_WEBHOOK_SECRET", "").encode()
        built.append(WebhookNotifier(client, environ["LEAKWARD_WEBHOOK_URL"], secret))
    if EmailNotifier.kind in kinds:
        built.append(
            EmailNotifier(
                environ["LEAKWARD_SMTP_HOST"],
                int(environ.get("LEAKWARD_SMTP_PORT", "25")),
                environ.get("LEAKWARD_SMTP_FROM", "leakward@localhost"),
                username=environ.get("LEAKWARD_SMTP_USER"),
                password=environ.get("LEAKWARD_SMTP_PASSWORD"),
                starttls=environ.get("LEAKWARD_SMTP_STARTTLS") == "1",
            )
        )
    if GitHubIssueNotifier.kind in kinds:
        built.append(GitHubIssueNotifier(github_client(environ)))
    return built


__all__ = ["NOTIFIERS", "configured_kinds", "notifiers_from_environment"]
