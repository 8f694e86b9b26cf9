"""The providers of the crash matrix: how to plant a leaked key in each fake, and how to read back
which of the key's credentials are still alive there.

Stage: tests (rotators). A case plants one leaked key in its fake provider (with the attributes
its rotator needs), names the environment its rotator's `from_environment` reads, and reports
the live credentials of the leaked key's family (every key the rotation could have issued) as
identifiers, together with the identifier of any value a consumer holds. "Exactly one live
replacement" and "no orphans" are then one comparison: the live family is exactly the value
every consumer holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3

from leakward.core.secret import Secret
from leakward.rotators.providers.aws import aws_credential
from leakward.rotators.providers.github_app import deploy_public_key
from tests.fakes.azure_ai import ACCOUNT as AZURE_ACCOUNT
from tests.fakes.azure_ai import CLIENT_ID as AZURE_CLIENT_ID
from tests.fakes.azure_ai import TENANT as AZURE_TENANT

GCP_ACCOUNT = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"
CLOUDFLARE_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"  # tests/fakes/cloudflare_account.py


@dataclass(frozen=True, slots=True)
class Planted:
    """A leaked key in a fake: its value, how the registry knows it, what its rotator reads."""

    value: str
    key_id: str | None
    env: dict[str, str]
    account: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    # (variable, content): written to a file in the state directory, the variable naming it.
    files: tuple[tuple[str, str], ...] = ()
    # The leaked key's settings its replacement must carry (scopes, restrictions, a policy).
    settings: object = None

    def environment(self, state: Path) -> dict[str, str]:
        """The rotator's environment, its files written: the killed and the resuming process
        share them (a Slack refresh token is replaced in its file by each rotation)."""
        state.mkdir(parents=True, exist_ok=True)
        env = dict(self.env)
        for variable, content in self.files:
            path = state / variable.lower()
            if not path.exists():
                path.write_text(content)
            env[variable] = str(path)
        return env


@dataclass(frozen=True, slots=True)
class ProviderCase:
    name: str
    provider: str
    fixture: str  # the fake's pytest fixture
    plant: Callable[[Any], Planted]
    live: Callable[[Any], set[str]]  # identifiers of the family's live credentials
    ident: Callable[[str], str] = field(default=lambda value: value)
    # None: a replacement lost in a crash is revoked by its id. Otherwise it has no id and only
    # its own value (lost with the process) revokes it: it stays valid at most this long.
    lost_lifetime: timedelta | None = None
    # The settings the fake holds for the credential with this value, compared with
    # `Planted.settings`; None where the provider's keys have none to copy.
    settings_of: Callable[[Any, str], object] | None = None


def _iam(url: str) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="admin-testing",
        aws_secret_access_key="admin-testing",
    )


def _aws_plant(url: str) -> Planted:
    iam = _iam(url)
    iam.create_user(UserName="deployer")
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    value = aws_credential(key["AccessKeyId"], Secret(key["SecretAccessKey"])).reveal()
    env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "admin-testing",
        "AWS_SECRET_ACCESS_KEY": "admin-testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    return Planted(value, key["AccessKeyId"], env, account="deployer")


def _aws_live(url: str) -> set[str]:
    # An Inactive key is not revoked (it can be switched back on): it counts as alive.
    listed = _iam(url).list_access_keys(UserName="deployer")["AccessKeyMetadata"]
    return {k["AccessKeyId"] for k in listed}


def _gitlab_plant(fake: Any) -> Planted:
    token_id, value = fake.add_token("deployer", kind="project", parent="42")
    env = {"LEAKWARD_API_GITLAB": fake.url, "GITLAB_ADMIN_TOKEN": fake.admin_token}
    attributes = (("kind", "project"), ("project_id", "42"))
    return Planted(value, str(token_id), env, attributes=attributes)


def _gitlab_personal_plant(fake: Any) -> Planted:
    # A user's own token, rotated by an administrator: a lost rotate answer is found again
    # through the administrator's listing of that user's tokens (`user_id`).
    token_id, value = fake.add_token("deployer", user_id=7)
    env = {"LEAKWARD_API_GITLAB": fake.url, "GITLAB_ADMIN_TOKEN": fake.admin_token}
    return Planted(value, str(token_id), env, attributes=(("kind", "personal"),))


def _gitlab_live(fake: Any) -> set[str]:
    return {t.value for t in fake.live_tokens("deployer")}


def _openai_plant(fake: Any) -> Planted:
    leaked = fake.add_key(owner="service_account")
    env = {"LEAKWARD_API_OPENAI": fake.url, "OPENAI_ADMIN_KEY": fake.admin_key}
    attributes = (("project_id", "proj_1"), ("service_account_id", leaked.owner_id))
    return Planted(leaked.value, leaked.id, env, account="proj_1", attributes=attributes)


def _google_env(fake: Any) -> dict[str, str]:
    return {
        "GOOGLE_OAUTH_ACCESS_TOKEN": fake.admin_token,
        "LEAKWARD_API_GOOGLE": fake.url,
        "LEAKWARD_API_GOOGLE__GEMINI": fake.url,
        "LEAKWARD_API_GCP": fake.url,
        "LEAKWARD_API_GCP__TOKEN": fake.url + "/token",
    }


GOOGLE_RESTRICTIONS = {
    "apiTargets": [{"service": "generativelanguage.googleapis.com"}],
    "serverKeyRestrictions": {"allowedIps": ["203.0.113.7"]},
}


def _google_plant(fake: Any) -> Planted:
    old = fake.add_api_key()
    old.restrictions = GOOGLE_RESTRICTIONS
    env = _google_env(fake)
    return Planted(old.value, old.name, env, account="123", settings=GOOGLE_RESTRICTIONS)


def _google_settings(fake: Any, value: str) -> object:
    return next(k.restrictions for k in fake.live_api_keys() if k.value == value)


def _gcp_plant(fake: Any) -> Planted:
    old = fake.add_sa_key(GCP_ACCOUNT)
    return Planted(json.dumps(old.key_file()), old.id, _google_env(fake), account=GCP_ACCOUNT)


def _gcp_live(fake: Any) -> set[str]:
    # A disabled key can be enabled again: only a deleted one is revoked.
    return {k.id for k in fake.sa_keys.values() if k.account == GCP_ACCOUNT}


TWILIO_POLICY = {"allow": ["/twilio/messaging/messages/create"]}


def _twilio_plant(fake: Any) -> Planted:
    sid, secret = fake.add_key("app", policy=TWILIO_POLICY)
    env = {
        "TWILIO_ACCOUNT_SID": fake.ACCOUNT,
        "TWILIO_AUTH_TOKEN": fake.auth_token,
        "LEAKWARD_API_TWILIO": fake.url,
        "LEAKWARD_API_TWILIO__API": fake.url,
    }
    return Planted(f"{sid}:{secret}", sid, env, settings=TWILIO_POLICY)


def _twilio_settings(fake: Any, value: str) -> object:
    return fake.keys[value.split(":")[0]]["policy"]


def _sendgrid_plant(fake: Any) -> Planted:
    scopes = ["mail.send", "stats.read"]
    key_id, value = fake.add_key("newsletter", list(scopes))
    env = {"LEAKWARD_API_SENDGRID": fake.url, "SENDGRID_API_KEY": fake.admin_key}
    return Planted(value, key_id, env, settings=scopes)


def _sendgrid_settings(fake: Any, value: str) -> object:
    return next(k["scopes"] for k in fake.keys.values() if k["value"] == value)


def _sendgrid_live(fake: Any) -> set[str]:
    return {str(k["value"]) for k in fake.keys.values() if k["value"] != fake.admin_key}


def _cloudflare_plant(fake: Any) -> Planted:
    token_id, value = fake.add_token("dns-edit")
    env = {"LEAKWARD_API_CLOUDFLARE": fake.url, "CLOUDFLARE_API_TOKEN": fake.admin_token}
    return Planted(value, token_id, env)


def _cloudflare_live(fake: Any) -> set[str]:
    return {
        t["value"]
        for t in fake.tokens.values()
        if t["status"] == "active" and t["value"] != fake.admin_token
    }


def _deploy_key_plant(fake: Any) -> Planted:
    key_id, private = fake.add_deploy_keypair("acme/app", "ci")
    env = {"GITHUB_API_URL": fake.url, "GITHUB_TOKEN": fake.admin_token}
    attributes = (("kind", "deploy_key"),)
    return Planted(private, str(key_id), env, account="acme/app", attributes=attributes)


def _deploy_key_ident(value: str) -> str:
    # A private key is known to GitHub by its public half, the line the repository lists.
    return deploy_public_key(Secret(value)) or "(unreadable private key)"


def _installation_plant(fake: Any) -> Planted:
    value = fake.add_token("installation", installation="77")
    env = {
        "GITHUB_API_URL": fake.url,
        "GITHUB_APP_ID": fake.APP_ID,
        "GITHUB_APP_PRIVATE_KEY": fake.app_private_key_pem(),
    }
    return Planted(value, None, env, account="77", attributes=(("kind", "installation"),))


def _installation_live(fake: Any) -> set[str]:
    return {t.value for t in fake.live("installation") if t.installation_id == "77"}


def _slack_plant(fake: Any) -> Planted:
    value = fake.add_token("xoxe.xoxb-")
    env = {
        "LEAKWARD_API_SLACK": fake.url + "/api",
        "SLACK_CLIENT_ID": fake.CLIENT_ID,
        "SLACK_CLIENT_SECRET": fake.client_secret,
    }
    files = (("SLACK_REFRESH_TOKEN_FILE", fake.add_refresh_token()),)
    return Planted(value, None, env, attributes=(("kind", "rotating"),), files=files)


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


CASES = (
    ProviderCase("aws", "aws", "moto_url", _aws_plant, _aws_live, lambda v: v.split(":")[0]),
    ProviderCase("gitlab-project", "gitlab", "fake_gitlab", _gitlab_plant, _gitlab_live),
    ProviderCase("gitlab-personal", "gitlab", "fake_gitlab", _gitlab_personal_plant, _gitlab_live),
    ProviderCase(
        "openai-service-account",
        "openai",
        "fake_openai",
        _openai_plant,
        lambda fake: {k.value for k in fake.live("proj_1")},
    ),
    ProviderCase(
        "google-api-key",
        "google",
        "fake_google",
        _google_plant,
        lambda fake: {k.value for k in fake.live_api_keys()},
        settings_of=_google_settings,
    ),
    ProviderCase(
        "gcp-service-account",
        "gcp",
        "fake_google",
        _gcp_plant,
        _gcp_live,
        lambda v: str(json.loads(v)["private_key_id"]),
    ),
    ProviderCase(
        "twilio",
        "twilio",
        "fake_twilio",
        _twilio_plant,
        lambda fake: set(fake.keys),
        lambda v: v.split(":")[0],
        settings_of=_twilio_settings,
    ),
    ProviderCase(
        "sendgrid",
        "sendgrid",
        "fake_sendgrid",
        _sendgrid_plant,
        _sendgrid_live,
        settings_of=_sendgrid_settings,
    ),
    ProviderCase(
        "cloudflare", "cloudflare", "fake_cloudflare", _cloudflare_plant, _cloudflare_live
    ),
    ProviderCase(
        "github-deploy-key",
        "github",
        "fake_github",
        _deploy_key_plant,
        lambda fake: fake.public_keys("acme/app"),
        _deploy_key_ident,
    ),
    ProviderCase(
        "github-installation-token",
        "github",
        "fake_github",
        _installation_plant,
        _installation_live,
        lost_lifetime=timedelta(hours=1),
    ),
    ProviderCase(
        "slack-rotating-token",
        "slack",
        "fake_slack",
        _slack_plant,
        lambda fake: set(fake.live_tokens),
        lost_lifetime=timedelta(hours=12),
    ),
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
