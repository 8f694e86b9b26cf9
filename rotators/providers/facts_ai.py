"""Facts of the AI providers added for issue #15 (OpenRouter, xAI, Azure OpenAI / AI services,
Bedrock long-term API keys); facts.py merges them into FACTS.

Stage: rotators (providers).
"""

from __future__ import annotations

from leakward.rotators.base import Capability
from leakward.rotators.providers.liveness_ai import AI_LIVENESS
from leakward.rotators.providers.provider_facts import ProviderFacts

AI_FACTS: dict[str, ProviderFacts] = {
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
        liveness=AI_LIVENESS["openrouter"],
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
        liveness=AI_LIVENESS["xai"],
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
}
