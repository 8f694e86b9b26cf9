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
from datetime import timedelta
from typing import Any

import boto3

from leakward.core.secret import Secret
from leakward.rotators.providers.aws import aws_credential
from leakward.rotators.providers.github_app import deploy_public_key
from tests.rotators.crash_case import Planted, ProviderCase
from tests.rotators.crash_providers_added import ADDED_CASES

GCP_ACCOUNT = "projects/p1/serviceAccounts/bot@p1.iam.gserviceaccount.com"


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
    *ADDED_CASES,
)
