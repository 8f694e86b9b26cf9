"""The crash matrix's providers added for issue #15: the AI providers (OpenRouter, xAI, Azure
OpenAI, Bedrock API keys) and the platform providers (Vercel, Heroku, Datadog, Docker Hub,
Cloudflare account tokens), planted and read back as crash_providers.py does.

Stage: tests (rotators).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.azure_ai import ACCOUNT as AZURE_ACCOUNT
from tests.fakes.azure_ai import CLIENT_ID as AZURE_CLIENT_ID
from tests.fakes.azure_ai import TENANT as AZURE_TENANT
from tests.rotators.crash_case import Planted, ProviderCase

CLOUDFLARE_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"  # tests/fakes/cloudflare_account.py


OPENROUTER_LIMITS = {"limit": 25.0, "limit_reset": "monthly"}


def _openrouter_plant(fake: Any) -> Planted:
    key = fake.add_key("prod", **OPENROUTER_LIMITS)
    env = {"LEAKWARD_API_OPENROUTER": fake.url, "OPENROUTER_MANAGEMENT_KEY": fake.management_key}
    return Planted(key.value, key.hash, env, account=key.workspace_id, settings=OPENROUTER_LIMITS)


def _openrouter_settings(fake: Any, value: str) -> object:
    key = next(k for k in fake.live() if k.value == value)
    return {"limit": key.limit, "limit_reset": key.limit_reset}


XAI_SETTINGS = {"acls": ["api-key:model:grok-4", "api-key:endpoint:chat"], "qps": 5}


def _xai_plant(fake: Any) -> Planted:
    key = fake.add_key("prod", **XAI_SETTINGS)
    env = {
        "LEAKWARD_API_XAI": fake.url,
        "LEAKWARD_API_XAI__API": fake.url,
        "XAI_MANAGEMENT_KEY": fake.management_key,
    }
    return Planted(key.value, key.id, env, account=key.team, settings=XAI_SETTINGS)


def _xai_settings(fake: Any, value: str) -> object:
    key = next(k for k in fake.live() if k.value == value)
    return {"acls": key.acls, "qps": key.qps}


def _azure_plant(fake: Any) -> Planted:
    keys = fake.add_account()
    env = {
        "LEAKWARD_API_AZURE_AI": fake.url,
        "LEAKWARD_API_AZURE_AI__LOGIN": fake.url,
        "AZURE_TENANT_ID": AZURE_TENANT,
        "AZURE_CLIENT_ID": AZURE_CLIENT_ID,
        "AZURE_CLIENT_SECRET": fake.client_secret,
    }
    return Planted(keys["key1"], "key1", env, account=AZURE_ACCOUNT)


def _azure_live(fake: Any) -> set[str]:
    # An account always holds two keys. Rotating key1 regenerates key2 for the consumers, then
    # key1, whose fresh value never leaves Azure (Microsoft's procedure): the family's key in
    # use is key2, and the leaked key1 value must be dead (checked by verify).
    return {keys["key2"] for keys in fake.accounts.values()}


def _bedrock_plant(fake: Any) -> Planted:
    leaked = fake.add_key("BedrockAPIKey-ab12", age_days=30)
    env = {
        "LEAKWARD_API_AWS_BEDROCK": fake.url,
        "AWS_ACCESS_KEY_ID": "admin-testing",
        "AWS_SECRET_ACCESS_KEY": "admin-testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    settings = {"credential_age_days": 30}
    return Planted(leaked.value, leaked.id, env, account=leaked.user, settings=settings)


def _bedrock_settings(fake: Any, value: str) -> object:
    key = next(c for c in fake.live() if c.value == value)
    return {"credential_age_days": (key.expires - key.created).days}


# --- scope ops (issue #15): platform providers ------------------------------------------------
def _vercel_plant(fake: Any) -> Planted:
    token = fake.add_token("ci-deploy")
    env = {"LEAKWARD_API_VERCEL": fake.url, "VERCEL_ADMIN_TOKEN": fake.admin_token}
    reach = {"full_account": True, "teams": [], "expires_at": None}
    return Planted(token.value, token.id, env, settings=reach)


def _vercel_live(fake: Any) -> set[str]:
    return {t.value for t in fake.live() if t.value != fake.admin_token}


def _vercel_settings(fake: Any, value: str) -> object:
    token = next(t for t in fake.live() if t.value == value)
    reach = {"full_account": not token.teams, "teams": list(token.teams)}
    return {**reach, "expires_at": token.expires_at}


def _heroku_plant(fake: Any) -> Planted:
    leaked = fake.add_authorization("deploy bot", ["read", "write"])
    env = {"LEAKWARD_API_HEROKU": fake.url, "HEROKU_ADMIN_TOKEN": fake.admin_token}
    settings = {"scope": ["read", "write"], "expires_in": None, "client": None}
    return Planted(leaked.token, leaked.id, env, settings=settings)


def _heroku_live(fake: Any) -> set[str]:
    return fake.live_tokens() - {fake.admin_token}


def _heroku_settings(fake: Any, value: str) -> object:
    made = next(a for a in fake.authorizations.values() if a.token == value)
    return {"scope": made.scope, "expires_in": made.expires_in, "client": made.client}


def _datadog_plant(fake: Any) -> Planted:
    key_id, value = fake.add_key("agent", remote_config=True)
    env = {
        "LEAKWARD_API_DATADOG": fake.url,
        "DATADOG_ADMIN_API_KEY": fake.admin_key,
        "DATADOG_ADMIN_APP_KEY": fake.app_key,
    }
    return Planted(value, key_id, env, settings={"remote_config_read_enabled": True})


def _datadog_live(fake: Any) -> set[str]:
    return fake.values() - {fake.admin_key}


def _datadog_settings(fake: Any, value: str) -> object:
    made = next(k for k in fake.keys.values() if k["key"] == value)
    return {"remote_config_read_enabled": made["remote_config_read_enabled"]}


def _dockerhub_plant(fake: Any) -> Planted:
    leaked = fake.add_pat("ci push", ["repo:write"])
    env = {
        "LEAKWARD_API_DOCKER": fake.url,
        "DOCKERHUB_USERNAME": fake.ACCOUNT,
        "DOCKERHUB_PASSWORD": fake.password,
    }
    settings = {"scopes": ["repo:write"]}
    return Planted(leaked.value, leaked.uuid, env, account=fake.ACCOUNT, settings=settings)


def _dockerhub_settings(fake: Any, value: str) -> object:
    return {"scopes": next(p.scopes for p in fake.pats.values() if p.value == value)}


def _cloudflare_account_plant(fake: Any) -> Planted:
    token_id, value = fake.add_token("dns-edit")
    env = {"LEAKWARD_API_CLOUDFLARE_ACCOUNT": fake.url, "CLOUDFLARE_API_TOKEN": fake.admin_token}
    return Planted(value, token_id, env, account=CLOUDFLARE_ACCOUNT)


ADDED_CASES = (
    ProviderCase(
        "openrouter",
        "openrouter",
        "fake_openrouter",
        _openrouter_plant,
        lambda fake: {k.value for k in fake.live()},
        settings_of=_openrouter_settings,
    ),
    ProviderCase(
        "xai",
        "xai",
        "fake_xai",
        _xai_plant,
        lambda fake: {k.value for k in fake.live()},
        settings_of=_xai_settings,
    ),
    ProviderCase("azure-ai", "azure_ai", "fake_azure", _azure_plant, _azure_live),
    ProviderCase(
        "aws-bedrock",
        "aws_bedrock",
        "fake_bedrock_iam",
        _bedrock_plant,
        lambda fake: {c.value for c in fake.live()},
        settings_of=_bedrock_settings,
    ),
    # --- scope ops (issue #15): platform providers ---
    ProviderCase(
        "vercel",
        "vercel",
        "fake_vercel",
        _vercel_plant,
        _vercel_live,
        settings_of=_vercel_settings,
    ),
    ProviderCase(
        "heroku",
        "heroku",
        "fake_heroku",
        _heroku_plant,
        _heroku_live,
        settings_of=_heroku_settings,
    ),
    ProviderCase(
        "datadog",
        "datadog",
        "fake_datadog",
        _datadog_plant,
        _datadog_live,
        settings_of=_datadog_settings,
    ),
    ProviderCase(
        "dockerhub",
        "docker",
        "fake_dockerhub",
        _dockerhub_plant,
        lambda fake: fake.live_values(),
        settings_of=_dockerhub_settings,
    ),
    ProviderCase(
        "cloudflare-account-token",
        "cloudflare_account",
        "fake_cloudflare_account",
        _cloudflare_account_plant,
        lambda fake: fake.live_values() - {fake.admin_token},
    ),
)
