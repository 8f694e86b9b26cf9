"""Write docs/providers/<name>.md, one page per provider, from the provider registry and facts.

Run `python docs/providers_pages.py` after changing rotators/providers/registry.py, facts.py or
a rotator's manual steps; tests/rotators/test_provider_pages.py fails while a page is stale.
Each page says how far leakward gets with the provider (full, revoke-only, verify-only), which
variables hold the credentials it needs and what those must be allowed to do, how a key's
consumers are written, and what the owner must still do by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from leakward.registry.consumers import _FORMS as CONSUMER_FORMS  # the registry's own syntax
from leakward.rotators.base import Capability, KeyRef, Liveness
from leakward.rotators.providers.provider_table import _dead_when
from leakward.rotators.providers.registry import PROVIDERS, Provider

OUT = Path(__file__).resolve().parent / "providers"

LEVELS = {
    Capability.FULL: "leakward mints the replacement, delivers it to every consumer, tests it "
    "and revokes the leaked key through the provider's API",
    Capability.REVOKE_ONLY: "leakward revokes the leaked key through the API; a human mints "
    "the replacement",
    Capability.VERIFY_ONLY: "leakward checks whether the key is live; the owner revokes and "
    "replaces it by hand",
}

# What the managing credential must be allowed to do (from each provider's reference, as cited
# in rotators/providers/facts.py and /work/shared/PROVIDERS.md).
PERMISSIONS = {
    "anthropic": "An Admin API key (`sk-ant-admin…`) of the organization: it lists keys and sets "
    "their status (inactive, archived). API keys are only created in the Console.",
    "aws": "IAM permissions on the key's user: `iam:ListAccessKeys`, `iam:CreateAccessKey`, "
    "`iam:UpdateAccessKey`, `iam:DeleteAccessKey`, and `iam:ListUserTags`, `iam:TagUser`, "
    "`iam:UntagUser` for the tag that records a rotation's intent (`iam:ListUsers` to import).",
    "cloudflare": "A user API token allowed to manage the user's API tokens (the `API Tokens "
    "Write` permission): it rolls and deletes them.",
    "gcp": "An OAuth access token of an identity with `iam.serviceAccountKeys.list`, `.create`, "
    "`.disable` and `.delete` on the service account (org policy "
    "`iam.disableServiceAccountKeyCreation` must not block creation).",
    "github": "Installation tokens: the GitHub App's id and private key (it mints them). Deploy "
    "keys: a token with write access to the repository's administration. Personal and OAuth "
    "tokens are revoked with their own value through the credential revocation API.",
    "gitlab": "A token with the `api` scope of an administrator or of the token's owner (for a "
    "project or group token, an Owner of the project or group).",
    "google": "An OAuth access token of an identity with `apikeys.keys.get`, `.list`, `.create`, "
    "`.delete`, `.getKeyString` and `.lookup` on the key's project.",
    "openai": "An Admin API key (`sk-admin-…`): it lists and deletes project keys and creates "
    "service accounts, whose keys replace leaked ones. "
    "`LEAKWARD_OPENAI_SERVICE_ACCOUNTS=1` lets a user-owned key be replaced by one.",
    "sendgrid": "An API key with the `api_keys.*` scopes (the first such key is made in the UI). "
    "An account holds at most 100 keys.",
    "slack": "The app's client id and secret, and a file holding the installation's refresh "
    "token (the app must use token rotation); each rotation replaces the token in that file.",
    "twilio": "The account SID with its Auth Token, or a Main key written `SK…:secret`: "
    "Standard and Restricted keys cannot manage keys.",
    "openrouter": "A management key (made by hand at "
    "https://openrouter.ai/settings/management-keys; it cannot call models): it lists, reads, "
    "creates, disables and deletes the account's API keys. A key outside the default workspace "
    "is found only with its workspace id as the registry entry's account.",
    "xai": "A management key (xAI Console, Settings, Management Keys; the user who makes it "
    "needs the Management Keys Read + Write permission): it lists, creates and deletes the "
    "team's API keys. The team is the registry entry's account, else `XAI_TEAM_ID`.",
    "azure_ai": "A service principal (client credentials: tenant, client id, client secret) "
    "with a role that may run `Microsoft.CognitiveServices/accounts/listKeys/action` and "
    "`…/regenerateKey/action` on the account (Cognitive Services Contributor has both). A key "
    "is registered with its account's resource id as the account and its slot, `key1` or "
    "`key2`, as the key id; it is verified against the account's keys, so `scan --verify` "
    "cannot tell without the registry.",
    "aws_bedrock": "IAM permissions for Bedrock long-term API keys (service-specific "
    "credentials): `iam:ListServiceSpecificCredentials`, `iam:CreateServiceSpecificCredential`, "
    "`iam:UpdateServiceSpecificCredential`, `iam:DeleteServiceSpecificCredential`. A user holds "
    "at most two Bedrock API keys. Verify reads the key's IAM status with these credentials.",
    # --- scope ops (issue #15): platform providers ---
    "vercel": "A full-account access token of the user who owns the leaked token (limited "
    "tokens cannot create tokens; tokens are created for the managing token's user). Only "
    "full-account tokens are replaced: a team-limited or project-scoped token is deleted and "
    "re-created by hand. Without it, a leaked token can still delete itself.",
    "heroku": "An API token of the user who owns the leaked token (authorizations are per user; "
    "`heroku authorizations:create` makes one). The replacement is a direct authorization with "
    "the leaked one's scope and remaining lifetime; a token an OAuth client obtained is only "
    "revoked. Without it, a leaked token can still revoke its own authorization.",
    "datadog": "An API key and an application key of the key's organization, the application "
    "key with the `api_keys_read` and `api_keys_write` scopes, and `DATADOG_SITE` (e.g. "
    "`datadoghq.eu`) when the organization is not on US1. API keys only: an organization holds "
    "at most 50 and keeps at least one. A leaked application key is verified as unknown and "
    "revoked by hand.",
    "docker": "The account's name and password (`DOCKERHUB_USERNAME`, `DOCKERHUB_PASSWORD`): "
    "Docker documents that an access token may not perform administrative activity, so only a "
    "password sign-in manages tokens. With SSO enforced or 2FA on, rotate by hand. A leaked "
    "token is known by its uuid (import the account's tokens); it is deactivated (reversible) "
    "on revoke-first and deleted once replaced. The replacement copies the scopes, not an "
    "expiry (the API shows none).",
    "fastly": "Revoke-only: creating a token needs the user's password (and a one-time code with "
    "2FA). `FASTLY_API_TOKEN`, a token of the leaked token's user (or a superuser's), revokes "
    "by id; without it the leaked token revokes itself.",
    "cloudflare_account": "A token allowed to edit the account's API tokens (`Account API Tokens "
    "Write`), as `CLOUDFLARE_API_TOKEN`. The leaked token is registered with its account id "
    "(`--account`): it is verified and rolled in that account (a new value, the same "
    "permissions, the old value dead at once), so consumers must get the new value at once.",
    "npm": "Revoke-only: creating a token needs the account password (and a one-time password "
    "with 2FA). `NPM_ADMIN_TOKEN`, a token of the same user, lists and revokes tokens; without "
    "it the leaked token revokes itself. An account that demands a one-time password for "
    "writes is revoked by hand (`npm token revoke --otp`).",
}
NO_CREDENTIAL = "None: only a liveness check runs, with the leaked value itself."


def _code(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "none"


def _requirements(entry: Provider) -> list[str]:
    if not entry.credentials:
        return []
    if len(entry.required) < 2:
        needed = _code(entry.required_for(None))
        return [f"Variables read: {_code(entry.credentials)}. Rotation needs {needed} set.", ""]
    lines = [f"Variables read: {_code(entry.credentials)}. Rotation needs, by the key's kind:", ""]
    for kind, names in entry.required:
        which = f"`--attribute kind={kind}`" if kind else "any other kind"
        lines.append(f"- {which}: {_code(names)}")
    return [*lines, ""]


def _manual(entry: Provider) -> str:
    # manual_steps reads class facts only, so a rotator never given clients can answer.
    rotator = object.__new__(entry.rotator_class())
    return rotator.manual_steps(KeyRef(entry.name, key_id="KEY_ID", account="ACCOUNT"))


def render(name: str) -> str:
    """The page of provider `name`."""
    entry = PROVIDERS[name]
    facts = entry.facts
    dead = [_dead_when(rule) for rule in facts.liveness if rule.verdict is Liveness.DEAD]
    lines = [
        f"# {name}",
        "",
        "<!-- Generated by `python docs/providers_pages.py` from rotators/providers/registry.py",
        "     and facts.py; do not edit. -->",
        "",
        f"**Level: {entry.capability.value}.** {LEVELS[entry.capability]}.",
        "",
        "## Credentials",
        "",
        PERMISSIONS.get(name, NO_CREDENTIAL),
        "",
        *_requirements(entry),
        f"Base URL: `{entry.base_url.variable}` (default {entry.base_url.default or 'the SDK'}).",
        "",
        "## Verify",
        "",
        "A key is called dead only when the provider answers "
        + ("; or ".join(dead) if dead else "(no answer is read as dead)")
        + "; any other answer is live or unknown, never dead.",
        "",
        "## Consumers",
        "",
        "Where the replacement goes (`leakward registry add … --consumer SPEC`):",
        "",
        *(f"- `{form}`" for form in CONSUMER_FORMS.values()),
        "",
        "## What stays manual",
        "",
        _manual(entry),
        "",
        "## References",
        "",
        *(f"- {reference}" for reference in facts.references),
    ]
    if not facts.references:
        lines.append(f"- {facts.console_url}")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """Every page, by file name."""
    return {f"{name}.md": render(name) for name in sorted(PROVIDERS)}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for stale in {p.name for p in OUT.glob("*.md")} - set(pages()):
        (OUT / stale).unlink()
    for file_name, text in pages().items():
        (OUT / file_name).write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {len(pages())} pages to {OUT}\n")


if __name__ == "__main__":
    main()
