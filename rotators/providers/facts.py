"""Provider facts as data: base URLs, endpoints, key caps, consoles, how a key is sent, how a
verify answer is read, and where each fact came from.

Stage: rotators. Each rotator reads its entry here instead of scattering URLs through code, so a
changed endpoint is a one-line edit with its reference beside it. Paths are templates filled with
`str.format`; base URLs are only defaults (every rotator takes its own, so tests point at fakes).
`key_auth` says how the key being verified is sent (key_auth.py); `liveness` lists, in order, how
the provider's answer to that verify request is read (the rules are in liveness_facts.py, the
model in liveness_rules.py: first match wins, no match is UNKNOWN); `probe_keeps` lists retryable
statuses the rules read themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from leakward.core.secret import Secret
from leakward.rotators.base import Capability
from leakward.rotators.providers.key_auth import BEARER, AuthScheme, KeyAuth
from leakward.rotators.providers.liveness_facts import LIVENESS, VERIFY_BY_PREFIX
from leakward.rotators.providers.liveness_rules import LivenessRule


@dataclass(frozen=True, slots=True)
class ProviderFacts:
    name: str
    capability: Capability
    base_url: str
    console_url: str  # where a human mints or revokes by hand
    endpoints: dict[str, str] = field(default_factory=dict, hash=False)
    key_cap: int | None = None
    references: tuple[str, ...] = ()
    key_auth: KeyAuth = BEARER
    liveness: tuple[LivenessRule, ...] = ()
    probe_keeps: tuple[int, ...] = ()
    verify_by_prefix: tuple[tuple[str, str], ...] = ()  # (key prefix, endpoint name)

    def verify_endpoint(self, secret: Secret, usual: str) -> str:
        """The endpoint a key is verified on: the first `verify_by_prefix` entry whose prefix
        the key starts with (admin keys go to an admin endpoint), else `usual`."""
        value = secret.reveal()
        return next(
            (name for prefix, name in self.verify_by_prefix if value.startswith(prefix)), usual
        )

    def url(self, base: str, endpoint: str, /, *, keep: str = "", **parts: str) -> str:
        """`base` + the named endpoint, its `{placeholders}` filled with quoted `parts`.

        Parts are quoted whole, so an id can never add a path segment; `keep` lists characters
        left as they are (Google resource names carry their own slashes). The leading arguments
        are positional-only: parts may be called `name` (Google's resource names) or `base`.
        """
        quoted = {key: quote(value, safe=keep) for key, value in parts.items()}
        return base + self.endpoints[endpoint].format(**quoted)


FACTS: dict[str, ProviderFacts] = {
    "aws": ProviderFacts(
        "aws",
        Capability.FULL,
        "",  # boto3 resolves the endpoint; AWS_ENDPOINT_URL overrides it
        "https://console.aws.amazon.com/iam/home#/users",
        key_cap=2,  # AccessKeysPerUser quota; the third CreateAccessKey fails LimitExceeded
        references=(
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
            "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
        ),
    ),
    "gitlab": ProviderFacts(
        "gitlab",
        Capability.FULL,
        "https://gitlab.com",
        "https://gitlab.com/-/user_settings/personal_access_tokens",
        endpoints={
            "self": "/api/v4/personal_access_tokens/self",
            "personal_rotate": "/api/v4/personal_access_tokens/{token_id}/rotate",
            "personal_revoke": "/api/v4/personal_access_tokens/{token_id}",
            "personal_list": "/api/v4/personal_access_tokens",
            # Project and group tokens have no `self` alias (gitlab issue 462419).
            "project_rotate": "/api/v4/projects/{parent}/access_tokens/{token_id}/rotate",
            "project_revoke": "/api/v4/projects/{parent}/access_tokens/{token_id}",
            "group_rotate": "/api/v4/groups/{parent}/access_tokens/{token_id}/rotate",
            "group_revoke": "/api/v4/groups/{parent}/access_tokens/{token_id}",
        },
        references=(
            "https://docs.gitlab.com/ee/api/personal_access_tokens.html",
            "https://docs.gitlab.com/ee/api/project_access_tokens.html",
            "https://docs.gitlab.com/ee/api/group_access_tokens.html",
            "https://gitlab.com/gitlab-org/gitlab/-/issues/462419",
        ),
        key_auth=KeyAuth(name="PRIVATE-TOKEN", value="{secret}"),
        liveness=LIVENESS["gitlab"],
    ),
    "github": ProviderFacts(
        "github",
        Capability.FULL,
        "https://api.github.com",  # GHES: https://HOST/api/v3
        "https://github.com/settings/tokens",
        endpoints={
            "user": "/user",
            "installation_token": "/installation/token",
            "mint_installation": "/app/installations/{installation_id}/access_tokens",
            "installation_repos": "/installation/repositories",
            "credentials_revoke": "/credentials/revoke",
            "deploy_keys": "/repos/{repo}/keys",
            "deploy_key": "/repos/{repo}/keys/{key_id}",
        },
        references=(
            "https://docs.github.com/en/rest/apps/apps#revoke-an-installation-access-token",
            "https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app",
            "https://docs.github.com/en/rest/credentials/revoke",
            "https://docs.github.com/en/rest/deploy-keys/deploy-keys",
        ),
        key_auth=KeyAuth(
            fixed_headers=(
                ("Accept", "application/vnd.github+json"),
                ("X-GitHub-Api-Version", "2022-11-28"),
            )
        ),
        liveness=LIVENESS["github"],
    ),
    "openai": ProviderFacts(
        "openai",
        Capability.FULL,
        "https://api.openai.com",
        "https://platform.openai.com/api-keys",
        endpoints={
            "models": "/v1/models",
            "admin_verify": "/v1/organization/projects?limit=1",
            "project_keys": "/v1/organization/projects/{project}/api_keys",
            "project_key": "/v1/organization/projects/{project}/api_keys/{key_id}",
            "service_accounts": "/v1/organization/projects/{project}/service_accounts",
            "service_account": "/v1/organization/projects/{project}/service_accounts/{account}",
        },
        references=(
            "https://platform.openai.com/docs/api-reference/project-api-keys",
            "https://platform.openai.com/docs/api-reference/project-service-accounts/create",
        ),
        key_auth=KeyAuth(identity_header="openai-organization"),
        probe_keeps=(429,),  # a 429 may mean "quota exhausted", which only a live key hears
        liveness=LIVENESS["openai"],
        verify_by_prefix=VERIFY_BY_PREFIX["openai"],
    ),
    "anthropic": ProviderFacts(
        "anthropic",
        Capability.REVOKE_ONLY,
        "https://api.anthropic.com",
        "https://console.anthropic.com/settings/keys",
        endpoints={
            "models": "/v1/models",
            "admin_verify": "/v1/organizations/me",
            "keys": "/v1/organizations/api_keys",
            "key": "/v1/organizations/api_keys/{key_id}",
        },
        references=(
            "https://platform.claude.com/docs/en/api/admin/api_keys/update",
            "https://docs.anthropic.com/en/api/admin-api/apikeys/list-api-keys",
        ),
        key_auth=KeyAuth(
            name="x-api-key", value="{secret}", fixed_headers=(("anthropic-version", "2023-06-01"),)
        ),
        liveness=LIVENESS["anthropic"],
        verify_by_prefix=VERIFY_BY_PREFIX["anthropic"],
    ),
    "google": ProviderFacts(
        "google",
        Capability.FULL,
        "https://apikeys.googleapis.com",
        "https://console.cloud.google.com/apis/credentials",
        endpoints={
            "models": "/v1beta/models",  # on generativelanguage.googleapis.com
            "lookup": "/v2/keys:lookupKey",
            "keys": "/v2/projects/{project}/locations/global/keys",
            "key": "/v2/{name}",
            "key_string": "/v2/{name}/keyString",
            "operation": "/v2/{operation}",
        },
        references=(
            "https://cloud.google.com/api-keys/docs/reference/rest/v2/projects.locations.keys",
            "https://cloud.google.com/api-keys/docs/reference/rest/v2/keys/lookupKey",
        ),
        # The key rides in the query string, which is why no URL ever enters a message.
        key_auth=KeyAuth(AuthScheme.QUERY, name="key"),
        liveness=LIVENESS["google"],
    ),
    "gcp": ProviderFacts(
        "gcp",
        Capability.FULL,
        "https://iam.googleapis.com",
        "https://console.cloud.google.com/apis/credentials",
        endpoints={
            "sa_keys": "/v1/projects/{project}/serviceAccounts/{account}/keys",
            "sa_key": "/v1/projects/{project}/serviceAccounts/{account}/keys/{key_id}",
            "sa_disable": "/v1/projects/{project}/serviceAccounts/{account}/keys/{key_id}:disable",
        },
        key_cap=10,  # user-managed keys per service account (commonly cited; unverified)
        references=(
            "https://cloud.google.com/iam/docs/keys-disable-enable",
            "https://cloud.google.com/iam/docs/keys-create-delete",
        ),
        liveness=LIVENESS["gcp"],
    ),
    "twilio": ProviderFacts(
        "twilio",
        Capability.FULL,
        "https://iam.twilio.com",
        "https://console.twilio.com/us1/account/keys-credentials/api-keys",
        endpoints={
            # On api.twilio.com; 401 (error 20003) means bad credentials, 403 a key that is
            # valid but not allowed to read the account resource.
            "account": "/2010-04-01/Accounts/{account}.json",
            "keys": "/v1/Keys",
            "key": "/v1/Keys/{key_id}",
        },
        references=(
            "https://www.twilio.com/docs/iam/api-keys/key-resource-v1",
            "https://www.twilio.com/docs/iam/api/account",
        ),
        # Verify sends "SKSID:SECRET" as HTTP Basic user and password.
        key_auth=KeyAuth(AuthScheme.BASIC, name=""),
        liveness=LIVENESS["twilio"],
    ),
    "sendgrid": ProviderFacts(
        "sendgrid",
        Capability.FULL,
        "https://api.sendgrid.com",
        "https://app.sendgrid.com/settings/api_keys",
        endpoints={
            "scopes": "/v3/scopes",
            "keys": "/v3/api_keys",
            "key": "/v3/api_keys/{key_id}",
        },
        key_cap=100,  # a 101st key is refused with 403
        references=(
            "https://www.twilio.com/docs/sendgrid/api-reference/api-keys/create-api-keys",
            "https://www.twilio.com/docs/sendgrid/api-reference/api-keys/delete-api-keys",
        ),
        liveness=LIVENESS["sendgrid"],
    ),
    "cloudflare": ProviderFacts(
        "cloudflare",
        Capability.FULL,
        "https://api.cloudflare.com/client/v4",
        "https://dash.cloudflare.com/profile/api-tokens",
        endpoints={
            "verify": "/user/tokens/verify",
            "tokens": "/user/tokens",
            "token": "/user/tokens/{token_id}",
            # The roll is PUT …/value with {}; POST …/roll does not exist.
            "roll": "/user/tokens/{token_id}/value",
        },
        references=(
            "https://developers.cloudflare.com/api/resources/user/subresources/tokens/subresources/value/methods/update/",
            "https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/",
        ),
        liveness=LIVENESS["cloudflare"],
    ),
    "slack": ProviderFacts(
        "slack",
        Capability.REVOKE_ONLY,  # FULL only for apps with token rotation enabled
        "https://slack.com/api",
        "https://api.slack.com/apps",
        endpoints={
            "test": "/auth.test",
            "revoke": "/auth.revoke",
            "refresh": "/oauth.v2.access",
            "config_rotate": "/tooling.tokens.rotate",
        },
        references=(
            "https://api.slack.com/methods/auth.test",
            "https://api.slack.com/methods/auth.revoke",
            "https://docs.slack.dev/authentication/using-token-rotation",
            "https://api.slack.com/methods/tooling.tokens.rotate",
        ),
        liveness=LIVENESS["slack"],
    ),
    "stripe": ProviderFacts(
        "stripe",
        Capability.VERIFY_ONLY,
        "https://api.stripe.com",
        "https://dashboard.stripe.com/apikeys",
        endpoints={"account": "/v1/account"},
        references=("https://docs.stripe.com/keys", "https://docs.stripe.com/keys-best-practices"),
        liveness=LIVENESS["stripe"],
    ),
    "huggingface": ProviderFacts(
        "huggingface",
        Capability.VERIFY_ONLY,
        "https://huggingface.co",
        "https://huggingface.co/settings/tokens",
        endpoints={"whoami": "/api/whoami-v2"},
        references=("https://huggingface.co/docs/hub/security-tokens",),
        liveness=LIVENESS["huggingface"],
    ),
    "postman": ProviderFacts(
        "postman",
        Capability.VERIFY_ONLY,
        "https://api.getpostman.com",
        "https://go.postman.co/settings/me/api-keys",
        endpoints={"me": "/me"},
        references=("https://learning.postman.com/docs/administration/managing-api-keys/",),
        key_auth=KeyAuth(name="X-Api-Key", value="{secret}"),
        liveness=LIVENESS["postman"],
    ),
    "pypi": ProviderFacts(
        "pypi",
        Capability.VERIFY_ONLY,
        "https://upload.pypi.org",
        "https://pypi.org/manage/account/token/",
        endpoints={"upload": "/legacy/"},
        references=(
            "https://pypi.org/help/#apitoken",
            "https://docs.pypi.org/trusted-publishers/",
        ),
        key_auth=KeyAuth(
            AuthScheme.BASIC, name="__token__", fixed_headers=(("Accept", "application/json"),)
        ),
        liveness=LIVENESS["pypi"],
    ),
    "openrouter": ProviderFacts(
        "openrouter",
        Capability.FULL,
        "https://openrouter.ai",
        "https://openrouter.ai/settings/keys",
        endpoints={
            # The calling key's own record; management keys may call it too.
            "current": "/api/v1/key",
            "keys": "/api/v1/keys",
            "key": "/api/v1/keys/{key_hash}",
        },
        key_cap=None,  # no documented cap on API keys per account
        references=(
            "https://openrouter.ai/docs/guides/overview/auth/management-api-keys",
            "https://openrouter.ai/docs/errors",
            # The OpenAPI document behind the SDKs: /key, /keys and /keys/{hash}.
            "https://github.com/OpenRouterTeam/typescript-sdk/blob/main/.speakeasy/in.openapi.yaml",
        ),
        liveness=LIVENESS["openrouter"],
    ),
    "xai": ProviderFacts(
        "xai",
        Capability.FULL,
        "https://management-api.x.ai",  # the management API; verify goes to api.x.ai
        "https://console.x.ai",
        endpoints={
            # On api.x.ai, with the key itself: its id, team, ACLs and disabled/blocked flags.
            "api_key": "/v1/api-key",
            # On management-api.x.ai, with a management key. The reference documents create
            # (with its ApiKey fields); the list and delete paths are as clients of the API
            # call them (devlooped/xAI management.http, 2026-01), not read in the reference.
            "keys": "/auth/teams/{team}/api-keys",
            "key": "/auth/api-keys/{key_id}",
        },
        references=(
            "https://docs.x.ai/developers/rest-api-reference/management/auth",
            "https://docs.x.ai/developers/management-api-guide",
            "https://docs.x.ai/docs/api-reference#api-key",
        ),
        liveness=LIVENESS["xai"],
    ),
    "azure_ai": ProviderFacts(
        "azure_ai",
        Capability.FULL,
        "https://management.azure.com",
        "https://portal.azure.com/#browse/Microsoft.CognitiveServices%2Faccounts",
        endpoints={
            # {account} is the account's resource id, /subscriptions/…/accounts/NAME (kept whole).
            "list_keys": "{account}/listKeys",
            "regenerate": "{account}/regenerateKey",
        },
        key_cap=2,  # key1 and key2; regenerating one is what revokes it
        references=(
            "https://learn.microsoft.com/rest/api/aiservices/accountmanagement/accounts/list-keys",
            "https://learn.microsoft.com/rest/api/aiservices/accountmanagement/accounts/regenerate-key",
            "https://learn.microsoft.com/azure/ai-services/rotate-keys",
            "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
            # ARM's Accounts_ListKeys and Accounts_RegenerateKey, 2024-10-01:
            "https://github.com/Azure/azure-rest-api-specs/tree/main/specification/"
            "cognitiveservices/resource-manager",
        ),
    ),
    "aws_bedrock": ProviderFacts(
        "aws_bedrock",
        Capability.FULL,
        "",  # boto3 resolves IAM's endpoint; LEAKWARD_API_AWS_BEDROCK overrides it
        "https://console.aws.amazon.com/iam/home#/users",
        key_cap=2,  # "a maximum of two sets of service-specific credentials" per service per user
        references=(
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceSpecificCredential.html",
            "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ServiceSpecificCredential.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_bedrock.html",
            "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
        ),
    ),
    # --- scope ops (issue #15): platform providers -------------------------------------------
    "vercel": ProviderFacts(
        "vercel",
        Capability.FULL,
        "https://api.vercel.com",
        "https://vercel.com/account/tokens",
        endpoints={
            # "current" is the documented alias for the token the request carries.
            "current": "/v5/user/tokens/current",
            "tokens": "/v6/user/tokens",  # list; paged with `until` = pagination.next
            "create": "/v3/user/tokens",
            "token": "/v3/user/tokens/{token_id}",  # delete
            "token_metadata": "/v5/user/tokens/{token_id}",
        },
        references=(
            "https://vercel.com/docs/rest-api/authentication/create-an-auth-token",
            "https://vercel.com/docs/rest-api/authentication/delete-an-authentication-token",
            "https://vercel.com/docs/rest-api/authentication/get-auth-token-metadata",
            "https://vercel.com/docs/rest-api/authentication/list-auth-tokens",
            "https://vercel.com/docs/rest-api/errors",
            "https://vercel.com/docs/accounts/access-tokens",
        ),
        liveness=LIVENESS["vercel"],
    ),
    "heroku": ProviderFacts(
        "heroku",
        Capability.FULL,
        "https://api.heroku.com",
        "https://dashboard.heroku.com/account/applications",
        endpoints={
            "account": "/account",
            "authorizations": "/oauth/authorizations",  # list (Range-paged), create
            "authorization": "/oauth/authorizations/{authorization_id}",  # info, delete
        },
        references=(
            "https://devcenter.heroku.com/articles/platform-api-reference#oauth-authorization",
            "https://devcenter.heroku.com/articles/platform-api-reference#error-responses",
            "https://devcenter.heroku.com/articles/platform-api-reference#ranges",
            "https://devcenter.heroku.com/articles/oauth#direct-authorization",
            "https://github.com/heroku/platform-api/blob/main/schema.json",
        ),
        # Every request names the API version in Accept; without it Heroku answers 400.
        key_auth=KeyAuth(fixed_headers=(("Accept", "application/vnd.heroku+json; version=3"),)),
        liveness=LIVENESS["heroku"],
    ),
    "datadog": ProviderFacts(
        "datadog",
        Capability.FULL,
        "https://api.datadoghq.com",  # US1; other sites: DATADOG_SITES (datadog.py)
        "https://app.datadoghq.com/organization-settings/api-keys",
        endpoints={
            "validate": "/api/v1/validate",  # DD-API-KEY only; 403 when the key is invalid
            "api_keys": "/api/v2/api_keys",
            "api_key": "/api/v2/api_keys/{key_id}",
        },
        key_cap=50,  # API keys per organization
        references=(
            "https://docs.datadoghq.com/api/latest/authentication/#validate-api-key",
            "https://docs.datadoghq.com/api/latest/key-management/",
            "https://docs.datadoghq.com/account_management/api-app-keys/",
            "https://docs.datadoghq.com/getting_started/site/",
        ),
        key_auth=KeyAuth(name="DD-API-KEY", value="{secret}"),
        liveness=LIVENESS["datadog"],
    ),
    "docker": ProviderFacts(
        "docker",
        Capability.FULL,  # with the account's password; a PAT may not manage tokens
        "https://hub.docker.com",
        "https://app.docker.com/settings/personal-access-tokens",
        endpoints={
            "auth": "/v2/auth/token",  # {identifier, secret} -> a 10-minute JWT
            "tokens": "/v2/access-tokens",  # list (page, page_size), create
            "token": "/v2/access-tokens/{uuid}",  # get, patch (is_active), delete
        },
        references=(
            "https://docs.docker.com/reference/api/hub/latest/#tag/access-tokens",
            "https://docs.docker.com/reference/api/hub/latest/operations/AuthCreateAccessToken/",
            "https://docs.docker.com/security/for-developers/access-tokens/",
            "https://github.com/docker/docs/blob/main/content/reference/api/hub/latest.yaml",
        ),
        liveness=LIVENESS["docker"],
    ),
    "fastly": ProviderFacts(
        "fastly",
        # Creating a token needs the user's password (and a one-time code with 2FA): a human.
        Capability.REVOKE_ONLY,
        "https://api.fastly.com",
        "https://manage.fastly.com/account/personal/tokens",
        endpoints={
            "self": "/tokens/self",  # get or revoke the token the request carries
            "tokens": "/tokens",  # the authenticated user's tokens
            "token": "/tokens/{token_id}",  # get, revoke
        },
        references=(
            "https://www.fastly.com/documentation/reference/api/auth-tokens/user/",
            "https://www.fastly.com/documentation/reference/api/#authentication",
            "https://www.fastly.com/documentation/reference/cli/auth-token/create/",
        ),
        key_auth=KeyAuth(name="Fastly-Key", value="{secret}"),
        liveness=LIVENESS["fastly"],
    ),
    "cloudflare_account": ProviderFacts(
        "cloudflare_account",
        # Issue #15 listed these as revoke-only, but the API rolls them as it rolls user tokens.
        Capability.FULL,
        "https://api.cloudflare.com/client/v4",
        "https://dash.cloudflare.com/?to=/:account/api-tokens",
        endpoints={
            "verify": "/accounts/{account_id}/tokens/verify",
            "token": "/accounts/{account_id}/tokens/{token_id}",  # delete
            "roll": "/accounts/{account_id}/tokens/{token_id}/value",  # PUT {}: a new value
        },
        references=(
            "https://developers.cloudflare.com/api/resources/accounts/subresources/tokens/methods/verify/",
            "https://developers.cloudflare.com/api/resources/accounts/subresources/tokens/methods/delete/",
            "https://developers.cloudflare.com/api/resources/accounts/subresources/tokens/subresources/value/methods/update/",
            "https://developers.cloudflare.com/fundamentals/api/get-started/account-owned-tokens/",
        ),
        # Verify answers as the user-token verify does: the same rules read it.
        liveness=LIVENESS["cloudflare"],
    ),
    "npm": ProviderFacts(
        "npm",
        # Creating a token needs the account password and, with 2FA, a one-time password.
        Capability.REVOKE_ONLY,
        "https://registry.npmjs.org",
        "https://www.npmjs.com/settings/~/tokens",
        endpoints={
            "whoami": "/-/whoami",
            "tokens": "/-/npm/v1/tokens",  # paged: `objects`, `urls.next`
            "token": "/-/npm/v1/tokens/token/{key}",  # DELETE by key (or by the value itself)
        },
        references=(
            "https://docs.npmjs.com/cli/v11/commands/npm-token",
            "https://docs.npmjs.com/revoking-access-tokens",
            "https://github.com/npm/cli/blob/latest/lib/commands/token.js",
            "https://github.com/npm/npm-profile/blob/main/lib/index.js",
        ),
        liveness=LIVENESS["npm"],
    ),
}
