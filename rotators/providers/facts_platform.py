"""Facts of the platform providers added for issue #15 (Vercel, Heroku, Datadog, Docker Hub,
Fastly, Cloudflare account-owned tokens, npm); facts.py merges them into FACTS.

Stage: rotators (providers).
"""

from __future__ import annotations

from leakward.rotators.base import Capability
from leakward.rotators.providers.key_auth import KeyAuth
from leakward.rotators.providers.liveness_facts import LIVENESS
from leakward.rotators.providers.liveness_platform import PLATFORM_LIVENESS
from leakward.rotators.providers.provider_facts import ProviderFacts

PLATFORM_FACTS: dict[str, ProviderFacts] = {
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
        liveness=PLATFORM_LIVENESS["vercel"],
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
        liveness=PLATFORM_LIVENESS["heroku"],
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
        liveness=PLATFORM_LIVENESS["datadog"],
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
        liveness=PLATFORM_LIVENESS["docker"],
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
        liveness=PLATFORM_LIVENESS["fastly"],
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
        liveness=PLATFORM_LIVENESS["npm"],
    ),
}
