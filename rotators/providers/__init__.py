"""The provider rotators leakward ships, one module per provider.

Stage: rotators (providers). The built-ins are listed here by plain imports, never discovered by
reflection, and nothing is constructed at import: the shell builds instances from its settings.

To register a provider rotator, import its class below and add one line to ROTATORS:

    from leakward.rotators.providers.acme import AcmeRotator
    ROTATORS: dict[str, type[Rotator]] = {..., AcmeRotator.provider: AcmeRotator}

A rotator that offers `from_environment(environ: Mapping[str, str]) -> Self` (reading its admin
credential and base URL from the environment) is what `leakward rotate` can build on its own.
"""

from __future__ import annotations

from leakward.rotators.base import Rotator
from leakward.rotators.providers.anthropic import AnthropicRotator
from leakward.rotators.providers.aws import AwsRotator
from leakward.rotators.providers.cloudflare import CloudflareRotator
from leakward.rotators.providers.gcp import GcpServiceAccountKeyRotator
from leakward.rotators.providers.github import GitHubRotator
from leakward.rotators.providers.gitlab import GitLabRotator
from leakward.rotators.providers.google import GoogleApiKeyRotator
from leakward.rotators.providers.huggingface import HuggingFaceRotator
from leakward.rotators.providers.openai import OpenAIRotator
from leakward.rotators.providers.postman import PostmanRotator
from leakward.rotators.providers.pypi import PyPIRotator
from leakward.rotators.providers.sendgrid import SendGridRotator
from leakward.rotators.providers.slack import SlackRotator
from leakward.rotators.providers.stripe import StripeRotator
from leakward.rotators.providers.twilio import TwilioRotator

ROTATORS: dict[str, type[Rotator]] = {
    AnthropicRotator.provider: AnthropicRotator,
    AwsRotator.provider: AwsRotator,
    CloudflareRotator.provider: CloudflareRotator,
    GcpServiceAccountKeyRotator.provider: GcpServiceAccountKeyRotator,
    GitHubRotator.provider: GitHubRotator,
    GitLabRotator.provider: GitLabRotator,
    GoogleApiKeyRotator.provider: GoogleApiKeyRotator,
    HuggingFaceRotator.provider: HuggingFaceRotator,
    OpenAIRotator.provider: OpenAIRotator,
    PostmanRotator.provider: PostmanRotator,
    PyPIRotator.provider: PyPIRotator,
    SendGridRotator.provider: SendGridRotator,
    SlackRotator.provider: SlackRotator,
    StripeRotator.provider: StripeRotator,
    TwilioRotator.provider: TwilioRotator,
}

__all__ = ["ROTATORS"]
