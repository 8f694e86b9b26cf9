"""Provider facts as data: base URLs, endpoints, key caps, consoles, how a key is sent, how a
verify answer is read, and where each fact came from.

The type is provider_facts.py; providers added for issue #15 keep their entries in facts_ai.py
and facts_platform.py, merged here into the one table.

Stage: rotators. Each rotator reads its entry here instead of scattering URLs through code, so a
changed endpoint is a one-line edit with its reference beside it. Paths are templates filled with
`str.format`; base URLs are only defaults (every rotator takes its own, so tests point at fakes).
`key_auth` says how the key being verified is sent (key_auth.py); `liveness` lists, in order, how
the provider's answer to that verify request is read (the rules are in liveness_facts.py, the
model in liveness_rules.py: first match wins, no match is UNKNOWN); `probe_keeps` lists retryable
statuses the rules read themselves.
"""

from __future__ import annotations

from leakward.rotators.base import Capability
from leakward.rotators.providers.facts_ai import AI_FACTS
from leakward.rotators.providers.facts_platform import PLATFORM_FACTS
from leakward.rotators.providers.key_auth import AuthScheme, KeyAuth
from leakward.rotators.providers.liveness_facts import LIVENESS, VERIFY_BY_PREFIX
from leakward.rotators.providers.provider_facts import ProviderFacts

__all__ = ["FACTS", "ProviderFacts"]

_FIRST: dict[str, ProviderFacts] = {
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
}
# One table for every reader; the providers added later keep their facts in their own modules.
FACTS: dict[str, ProviderFacts] = {**_FIRST, **AI_FACTS, **PLATFORM_FACTS}
