"""The provider registry: one entry per provider leakward can verify or rotate, as data.

Stage: rotators (providers). Each entry names its rotator by import path (resolved only when
that provider is used, so looking a provider up loads no provider module and no SDK), its facts
(facts.py), the environment variables its credentials come from, and the base URLs it is reached
at. `leakward rotate`, `scan --verify`, the pipeline builder and the provider docs all read this
one table; there is no second list that must agree with it.

Entries are frozen dataclass literals rather than a YAML or TOML file: mypy checks every field,
the comments that say why a value is what it is stay beside it, and no loader or schema has to
be kept in step with the types.

Base URLs follow one convention, `LEAKWARD_API_<NAME>` (`LEAKWARD_API_<NAME>__<PART>` for a
provider's second host, e.g. `LEAKWARD_API_TWILIO__API`), for `scan --verify` and `rotate`
alike. The names rotators read before (`GITLAB_URL`, `OPENAI_BASE_URL`, …) still work for
`rotate` as deprecated aliases, with a warning naming the new variable.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from leakward.core.import_path import resolve
from leakward.rotators.base import Capability
from leakward.rotators.providers.facts import FACTS, ProviderFacts

if TYPE_CHECKING:
    from leakward.rotators.base import Rotator

log = logging.getLogger(__name__)

API_PREFIX = "LEAKWARD_API_"


def api_variable(key: str) -> str:
    """`github` -> `LEAKWARD_API_GITHUB`; `twilio.api` -> `LEAKWARD_API_TWILIO__API`."""
    return API_PREFIX + key.upper().replace(".", "__")


def api_key(variable: str) -> str | None:
    """The inverse of `api_variable`; None for a variable outside the convention."""
    if not variable.startswith(API_PREFIX):
        return None
    return variable[len(API_PREFIX) :].lower().replace("__", ".")


@dataclass(frozen=True, slots=True)
class ApiUrl:
    """One host a provider is reached at, and the variables that point it elsewhere.

    `deprecated` names are read after `LEAKWARD_API_…`, with a warning; `platform` is a variable
    another tool sets for the same purpose (GitHub Actions' GITHUB_API_URL, the AWS SDKs'
    AWS_ENDPOINT_URL), read last and silently: leakward does not own it, so it is not deprecated.
    """

    key: str  # the provider name, or "<provider>.<part>" for a second host
    default: str
    deprecated: tuple[str, ...] = ()
    platform: str | None = None

    @property
    def variable(self) -> str:
        return api_variable(self.key)


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    rotator: str  # "module:Class", imported only when the provider is used
    facts: ProviderFacts
    credentials: tuple[str, ...]  # the managing credential first, then other settings
    urls: tuple[ApiUrl, ...]  # the base URL first
    # "module:function" taking a liveness.FoundSecret, for a found secret that needs more than
    # the rotator built on its base URL (paired ids, second hosts, key files).
    check: str | None = None
    # What a full rotation cannot do without, by the key's `kind` attribute ("" for every kind
    # not named); empty: the managing credential, `credentials[0]`, alone.
    required: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def required_for(self, kind: str | None) -> tuple[str, ...]:
        """The variables that must all be set for a key of `kind` to be rotated through the API
        (`rotate --plan` names each one that is not)."""
        if not self.required:
            return self.credentials[:1]
        by_kind = dict(self.required)
        return by_kind.get(kind or "", by_kind.get("", ()))

    @property
    def capability(self) -> Capability:
        return self.facts.capability

    @property
    def base_url(self) -> ApiUrl:
        return self.urls[0]

    def rotator_class(self) -> type[Rotator]:
        return cast("type[Rotator]", resolve(self.rotator))


def _http(
    name: str,
    module: str,
    cls: str,
    credentials: tuple[str, ...],
    *deprecated: str,
    check: str | None = None,
    more: tuple[ApiUrl, ...] = (),
    required: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> Provider:
    """An entry whose base URL defaults to its facts' and whose old variable is `deprecated`."""
    base = ApiUrl(name, FACTS[name].base_url, deprecated)
    return Provider(
        name,
        f"leakward.rotators.providers.{module}:{cls}",
        FACTS[name],
        credentials,
        (base, *more),
        check,
        required,
    )


def _check(module: str) -> str:
    return f"leakward.rotators.providers.{module}:check_found"


PROVIDERS: Mapping[str, Provider] = {
    entry.name: entry
    for entry in (
        _http(
            "anthropic",
            "anthropic",
            "AnthropicRotator",
            ("ANTHROPIC_ADMIN_KEY",),
            "ANTHROPIC_BASE_URL",
        ),
        Provider(
            "aws",
            "leakward.rotators.providers.aws:AwsRotator",
            FACTS["aws"],
            # boto3's credential chain; these are the usual variables.
            (
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_REGION",
                "LEAKWARD_AWS_REVOKE_FIRST",
            ),
            (ApiUrl("aws", "", platform="AWS_ENDPOINT_URL"),),  # "": boto3 picks the endpoint
            _check("aws"),
            (("", ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")),),
        ),
        _http(
            "cloudflare",
            "cloudflare",
            "CloudflareRotator",
            ("CLOUDFLARE_API_TOKEN",),
            "CLOUDFLARE_BASE_URL",
        ),
        _http(
            "gcp",
            "gcp",
            "GcpServiceAccountKeyRotator",
            ("GOOGLE_OAUTH_ACCESS_TOKEN",),
            "GOOGLE_IAM_URL",
            check=_check("gcp"),
            more=(
                ApiUrl(
                    "gcp.token", "https://oauth2.googleapis.com/token", ("GOOGLE_OAUTH_TOKEN_URL",)
                ),
            ),
        ),
        Provider(
            "github",
            "leakward.rotators.providers.github:GitHubRotator",
            FACTS["github"],
            ("GITHUB_TOKEN", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_ENTERPRISE_HOST"),
            # Without a URL, GITHUB_ENTERPRISE_HOST (if set) gives https://HOST/api/v3.
            (ApiUrl("github", FACTS["github"].base_url, platform="GITHUB_API_URL"),),
            required=(
                ("installation", ("GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY")),
                ("", ("GITHUB_TOKEN",)),  # deploy keys; tokens are revoked with their own value
            ),
        ),
        _http("gitlab", "gitlab", "GitLabRotator", ("GITLAB_ADMIN_TOKEN",), "GITLAB_URL"),
        _http(
            "google",
            "google",
            "GoogleApiKeyRotator",
            ("GOOGLE_OAUTH_ACCESS_TOKEN",),
            "GOOGLE_APIKEYS_URL",
            check=_check("google"),
            more=(
                ApiUrl(
                    "google.gemini",
                    "https://generativelanguage.googleapis.com",
                    ("GOOGLE_GEMINI_URL",),
                ),
            ),
        ),
        _http("huggingface", "huggingface", "HuggingFaceRotator", (), "HUGGINGFACE_BASE_URL"),
        _http(
            "openai",
            "openai",
            "OpenAIRotator",
            ("OPENAI_ADMIN_KEY", "LEAKWARD_OPENAI_SERVICE_ACCOUNTS"),
            "OPENAI_BASE_URL",
        ),
        _http("postman", "postman", "PostmanRotator", (), "POSTMAN_BASE_URL"),
        _http("pypi", "pypi", "PyPIRotator", (), "PYPI_BASE_URL"),
        _http(
            "sendgrid", "sendgrid", "SendGridRotator", ("SENDGRID_API_KEY",), "SENDGRID_BASE_URL"
        ),
        _http(
            "slack",
            "slack",
            "SlackRotator",
            ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_REFRESH_TOKEN_FILE"),
            "SLACK_BASE_URL",
            required=(
                (
                    "rotating",
                    ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_REFRESH_TOKEN_FILE"),
                ),
                ("config", ("SLACK_REFRESH_TOKEN_FILE",)),
            ),
        ),
        _http("stripe", "stripe", "StripeRotator", (), "STRIPE_BASE_URL"),
        _http(
            "twilio",
            "twilio",
            "TwilioRotator",
            ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
            "TWILIO_IAM_URL",
            check=_check("twilio"),
            more=(ApiUrl("twilio.api", "https://api.twilio.com", ("TWILIO_API_URL",)),),
            required=(("", ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")),),
        ),
        # Appended by the AI-providers scope (issue #15).
        _http(
            "openrouter",
            "openrouter",
            "OpenRouterRotator",
            ("OPENROUTER_MANAGEMENT_KEY",),
        ),
        _http(
            "xai",
            "xai",
            "XaiRotator",
            # The team is the registry entry's account; XAI_TEAM_ID is the default for all.
            ("XAI_MANAGEMENT_KEY", "XAI_TEAM_ID"),
            check=_check("xai"),
            more=(ApiUrl("xai.api", "https://api.x.ai"),),
        ),
        _http(
            "azure_ai",
            "azure_ai",
            "AzureAiRotator",
            # A service principal (client credentials) with listKeys/regenerateKey on the account.
            ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_ID"),
            more=(ApiUrl("azure_ai.login", "https://login.microsoftonline.com"),),
            required=(("", ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_ID")),),
        ),
        Provider(
            "aws_bedrock",
            "leakward.rotators.providers.aws_bedrock:BedrockApiKeyRotator",
            FACTS["aws_bedrock"],
            # boto3's credential chain for the admin IAM client, as for "aws".
            ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"),
            (ApiUrl("aws_bedrock", "", platform="AWS_ENDPOINT_URL"),),
            check=_check("aws_bedrock"),
            required=(("", ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")),),
        ),
        # --- scope ops (issue #15): platform providers ---------------------------------------
        _http("vercel", "vercel", "VercelRotator", ("VERCEL_ADMIN_TOKEN",)),
        _http("heroku", "heroku", "HerokuRotator", ("HEROKU_ADMIN_TOKEN",)),
        _http(
            "datadog",
            "datadog",
            "DatadogRotator",
            ("DATADOG_ADMIN_API_KEY", "DATADOG_ADMIN_APP_KEY", "DATADOG_SITE"),
            required=(("", ("DATADOG_ADMIN_API_KEY", "DATADOG_ADMIN_APP_KEY")),),
        ),
        _http(
            "docker",
            "dockerhub",
            "DockerHubRotator",
            ("DOCKERHUB_PASSWORD", "DOCKERHUB_USERNAME"),
            check=_check("dockerhub"),
            required=(("", ("DOCKERHUB_PASSWORD", "DOCKERHUB_USERNAME")),),
        ),
        _http("fastly", "fastly", "FastlyRotator", ("FASTLY_API_TOKEN",)),
        _http(
            "cloudflare_account",
            "cloudflare_account",
            "CloudflareAccountTokenRotator",
            ("CLOUDFLARE_API_TOKEN",),
            check=_check("cloudflare_account"),
        ),
        _http("npm", "npm", "NpmRotator", ("NPM_ADMIN_TOKEN",)),
    )
}

_URLS: Mapping[str, ApiUrl] = {url.key: url for entry in PROVIDERS.values() for url in entry.urls}


def provider(name: str) -> Provider | None:
    return PROVIDERS.get(name)


def rotator_class(name: str) -> type[Rotator] | None:
    """The rotator class for `name`, imported now; None for a provider leakward cannot drive."""
    entry = PROVIDERS.get(name)
    return entry.rotator_class() if entry is not None else None


def default_url(key: str) -> str:
    """The built-in base URL for `key` ("github", "twilio.api")."""
    return _URLS[key].default


def configured_url(environ: Mapping[str, str], key: str) -> str | None:
    """The base URL the environment sets for `key`, or None to use the default.

    `LEAKWARD_API_<NAME>` first; then a deprecated name, with a warning naming the new one; then
    the platform's own variable.
    """
    url = _URLS[key]
    if value := environ.get(url.variable):
        return value
    for old in url.deprecated:
        if value := environ.get(old):
            log.warning("%s is deprecated; set %s instead", old, url.variable)
            return value
    return (environ.get(url.platform) or None) if url.platform else None


def url_for(environ: Mapping[str, str], key: str) -> str:
    """The base URL for `key`: the environment's, else the default."""
    return configured_url(environ, key) or default_url(key)


def api_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """Every `LEAKWARD_API_…` variable that is set, by key (`twilio.api`), for `scan --verify`.

    Keys outside the table pass through: `twilio.account` names the account an SK key belongs
    to. Deprecated names are not read here: `scan --verify` never read them.
    """
    found: dict[str, str] = {}
    for name, value in environ.items():
        key = api_key(name)
        if key and value:
            found[key] = value
    return found
