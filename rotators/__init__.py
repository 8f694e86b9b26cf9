"""Provider rotators, secret stores and the durable rotation pipeline.

Stage: rotators. The built-ins are listed here by plain imports, never discovered by reflection,
and nothing is constructed at import: the shell builds instances from its settings.

To register a provider rotator, import its class below and add one line to ROTATORS:

    from .acme import AcmeRotator
    ROTATORS: dict[str, type[Rotator]] = {..., AcmeRotator.provider: AcmeRotator}

A rotator that offers `from_environment(environ: Mapping[str, str]) -> Self` (reading its admin
credential and base URL from the environment) is what `leakward rotate` can build on its own.
"""

from __future__ import annotations

from .anthropic import AnthropicRotator
from .aws import AwsRotator
from .base import Rotator, SecretStore
from .cloudflare import CloudflareRotator
from .gcp import GcpServiceAccountKeyRotator
from .github import GitHubRotator
from .gitlab import GitLabRotator
from .google import GoogleApiKeyRotator
from .huggingface import HuggingFaceRotator
from .openai import OpenAIRotator
from .postman import PostmanRotator
from .pypi import PyPIRotator
from .sendgrid import SendGridRotator
from .slack import SlackRotator
from .stores import STORES
from .stripe import StripeRotator
from .twilio import TwilioRotator

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

__all__ = ["ROTATORS", "STORES", "Rotator", "SecretStore"]
