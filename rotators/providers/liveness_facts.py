"""How each provider's answer to a verify request is read, as data: the `liveness` of facts.py.

Stage: rotators (providers). One ordered list of `LivenessRule`s per provider (first match wins,
no match is UNKNOWN; liveness_rules.py reads them). Each DEAD rule names where the provider
documents that answer. The rule to hold every provider to (issue #15): only the documented answer
for an invalid key is DEAD; a refusal a valid key can also get (an IP allowlist, a region, a
missing permission, a key blocked for one API) is LIVE or UNKNOWN with its reason, so a leaked
live key is never left unrotated. OpenAI, Anthropic and Google read that way; the other
providers' 401/403 readings are still to be checked against their documentation. The readings of
providers added since live beside this table: liveness_ai.py (OpenRouter, xAI) and
liveness_platform.py (Vercel, Heroku, Datadog, Docker Hub, Fastly, npm).
"""

from __future__ import annotations

from leakward.rotators.base import Liveness
from leakward.rotators.github_rate_limit import RATE_LIMIT_WORDS
from leakward.rotators.providers.liveness_rules import (
    ANY_STATUS,
    SUCCESS,
    BodyField,
    BodyShape,
    LivenessRule,
    json_field,
)

LIVE, DEAD, UNKNOWN = Liveness.LIVE, Liveness.DEAD, Liveness.UNKNOWN
# The usual readings' words, shared so `scan --verify` says the same thing for every provider.
ACCEPTED = "the provider accepted the key ({status})"
REJECTED = "the provider rejected the key ({status})"
NOT_JSON = "the answer was not JSON"

# Where a provider's JSON answer says why: OpenAI's error code and message read as one text,
# Google's google.rpc ErrorInfo reason (else the status word).
OPENAI_ERROR = json_field("error.code", "error.message", joined=True)
GOOGLE_REASON = json_field("error.details[].reason", "error.status")
GOOGLE_MESSAGE = json_field("error.message")
# Anthropic's error type: {"type": "error", "error": {"type": "authentication_error", …}}.
ANTHROPIC_ERROR = json_field("error.type")
OPENAI_ERRORS = "https://platform.openai.com/docs/guides/error-codes"
# The 401 a key without a needed scope gets, as users report it (code null, "Missing scopes").
OPENAI_SCOPES = "https://community.openai.com/t/admin-keys-not-working-missing-scopes-despite-all-permissions/1345041"
ANTHROPIC_ERRORS = "https://docs.anthropic.com/en/api/errors"
GEMINI_ERRORS = "https://ai.google.dev/gemini-api/docs/troubleshooting"
CLOUDFLARE_VERIFY = (
    "https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/"
)
# auth.test errors that mean the token itself is dead. Not `invalid_auth`: Slack documents it as
# "either the provided token is invalid or the request originates from an IP address disallowed
# from making the request", so a live token with an IP allowlist gets it too; nor `not_authed`
# (no token reached Slack). A revoked token answers `token_revoked`.
SLACK_DEAD_ERRORS = frozenset({"token_revoked", "token_expired", "account_inactive"})
SLACK_INVALID_AUTH = (
    "Slack answered invalid_auth: the token is invalid, or this address is outside the IP "
    "ranges the token may be used from"
)
SLACK_ERRORS = "https://docs.slack.dev/reference/methods/auth.test"


# Keys checked on another endpoint than their provider's usual verify call, by prefix: Admin API
# keys may call the Admin API only, so an inference endpoint's answer says nothing about them.
# Each names a documented read-only admin endpoint (facts.py endpoint names); the provider's
# rules below read its answer (the invalid-key answer is the same on every endpoint).
VERIFY_BY_PREFIX: dict[str, tuple[tuple[str, str], ...]] = {
    # GET /v1/organization/projects: https://platform.openai.com/docs/api-reference/projects/list
    "openai": (("sk-admin-", "admin_verify"),),
    # GET /v1/organizations/me: https://platform.claude.com/docs/en/api/admin/organizations/me
    "anthropic": (("sk-ant-admin01-", "admin_verify"),),
}


def refused_not_invalid(provider: str, code: BodyField) -> LivenessRule:
    """The last reading of a provider whose docs name its invalid-key answer: any other 401 or
    403 says nothing certain about the key. `code` must hold an error code, never a message."""
    return LivenessRule(
        (401, 403),
        UNKNOWN,
        f"{provider} refused the key ({{status}}: {{code}}), which does not say it is invalid",
        field=code,
    )


LIVENESS: dict[str, tuple[LivenessRule, ...]] = {
    "gitlab": (
        # 403 is "insufficient_scope": GitLab knew the token, it just may not read this.
        LivenessRule(403, LIVE, "GitLab accepted the token (scope-limited)"),
        LivenessRule(200, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_JSON),
        LivenessRule(
            200,
            DEAD,
            "GitLab reports the token revoked or expired",
            field=json_field("revoked"),
            equals=(True,),
            reference="https://docs.gitlab.com/ee/api/personal_access_tokens.html",
        ),
        LivenessRule(
            200,
            DEAD,
            "GitLab reports the token revoked or expired",
            field=json_field("active"),
            equals=(False,),
            reference="https://docs.gitlab.com/ee/api/personal_access_tokens.html",
        ),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        LivenessRule(
            401,
            DEAD,
            REJECTED,
            reference="https://docs.gitlab.com/ee/api/rest/troubleshooting.html",
        ),
    ),
    "github": (
        # A 403 that is a rate limit says nothing about the token.
        LivenessRule(
            403,
            UNKNOWN,
            "GitHub rate limit reached; try again later",
            header="x-ratelimit-remaining",
            header_value="0",
            reference="https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        ),
        LivenessRule(
            403,
            UNKNOWN,
            "GitHub rate limit reached; try again later",
            header="retry-after",
            reference="https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        ),
        # A secondary limit may come with neither header, only its message.
        LivenessRule(
            403,
            UNKNOWN,
            "GitHub rate limit reached; try again later",
            field=json_field("message"),
            contains=RATE_LIMIT_WORDS,
            reference="https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api",
        ),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # 401 "Bad credentials" is GitHub's answer for an invalid, expired or revoked token.
        LivenessRule(
            401,
            DEAD,
            REJECTED,
            reference="https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api",
        ),
        # Any other 403 is a known token refused something (an SSO or IP allow-list policy, a
        # suspended account, a missing permission): nothing certain about the token itself.
        LivenessRule(
            403, UNKNOWN, "GitHub refused the token (403), which does not say it is invalid"
        ),
    ),
    "openai": (
        # A restricted key without the models scope: authenticated, so live.
        LivenessRule(
            403,
            LIVE,
            "OpenAI accepted the key (restricted scopes)",
            field=OPENAI_ERROR,
            contains=("insufficient permissions", "scope"),
        ),
        LivenessRule(
            429,
            LIVE,
            "OpenAI accepted the key (its quota is exhausted)",
            field=OPENAI_ERROR,
            contains=("insufficient_quota",),
            reference=OPENAI_ERRORS,
        ),
        LivenessRule(429, UNKNOWN, "OpenAI rate limit reached; try again later"),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # Only "Incorrect API key provided" (code invalid_api_key) says the key is not valid: a
        # deleted or revoked key answers it too. OpenAI refuses valid keys with other 401s and
        # 403s, so those never mean dead.
        LivenessRule(
            401,
            DEAD,
            "OpenAI does not know the key (invalid_api_key)",
            field=OPENAI_ERROR,
            contains=("invalid_api_key", "incorrect api key provided"),
            reference=OPENAI_ERRORS,
        ),
        # A restricted key (or an admin key with read-only scopes) is refused with 401 and a
        # null code when it lacks a scope; OpenAI checks scopes only after it knows the key.
        LivenessRule(
            401,
            LIVE,
            "OpenAI knows the key but it lacks a scope this request needs",
            field=OPENAI_ERROR,
            contains=("insufficient permissions", "missing scopes"),
            reference=OPENAI_SCOPES,
        ),
        LivenessRule(
            401,
            LIVE,
            "OpenAI knows the key but refuses this address (the project's IP allowlist)",
            field=OPENAI_ERROR,
            contains=("ip_not_authorized", "ip not authorized"),
            reference=OPENAI_ERRORS,
        ),
        LivenessRule(
            403,
            LIVE,
            "OpenAI knows the key but refuses requests from this country or region",
            field=OPENAI_ERROR,
            contains=("unsupported_country_region_territory", "country, region, or territory"),
            reference=OPENAI_ERRORS,
        ),
        refused_not_invalid("OpenAI", json_field("error.code")),
    ),
    "anthropic": (
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # authentication_error is Anthropic's answer to a key it does not accept; permission_error
        # is a valid key without the permission the request needs.
        LivenessRule(
            401,
            DEAD,
            "Anthropic does not accept the key (authentication_error)",
            field=ANTHROPIC_ERROR,
            equals=("authentication_error",),
            reference=ANTHROPIC_ERRORS,
        ),
        LivenessRule(
            403,
            LIVE,
            "Anthropic knows the key but it lacks this permission (permission_error)",
            field=ANTHROPIC_ERROR,
            equals=("permission_error",),
            reference=ANTHROPIC_ERRORS,
        ),
        refused_not_invalid("Anthropic", ANTHROPIC_ERROR),
    ),
    "google": (
        # Google answers 400 for a key it does not know ...
        LivenessRule(
            400,
            DEAD,
            "Google rejected the key ({code})",
            field=GOOGLE_REASON,
            equals=("API_KEY_INVALID", "INVALID_ARGUMENT"),
            reference=GEMINI_ERRORS,
        ),
        # ... and 403 with these reasons for a real key that is merely restricted or blocked
        # from the Generative Language API.
        LivenessRule(
            403,
            LIVE,
            "the key exists but is restricted ({code})",
            field=GOOGLE_REASON,
            equals=(
                "API_KEY_SERVICE_BLOCKED",
                "SERVICE_DISABLED",
                "API_KEY_HTTP_REFERRER_BLOCKED",
                "API_KEY_IP_ADDRESS_BLOCKED",
                "API_KEY_ANDROID_APP_BLOCKED",
                "API_KEY_IOS_APP_BLOCKED",
            ),
        ),
        # Gemini blocks a key reported as leaked, but the key itself still works on the other
        # Google APIs it may call: live, and exactly what must be rotated.
        LivenessRule(
            403,
            LIVE,
            "the key is valid but Google blocked it for Gemini as reported leaked",
            field=GOOGLE_MESSAGE,
            contains=("reported as leaked",),
            reference=GEMINI_ERRORS,
        ),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # Only the 400 answers above say the key is invalid; other refusals may be a project's.
        refused_not_invalid("Google", GOOGLE_REASON),
    ),
    "gcp": (
        # Verify exchanges a JWT signed with the key for a token (OAuth's JWT bearer grant).
        LivenessRule(
            (400, 401),
            DEAD,
            "Google refused the key ({status})",
            reference="https://developers.google.com/identity/protocols/oauth2/service-account",
        ),
        LivenessRule(200, LIVE, "Google issued a token for the key", identity=True),
    ),
    "twilio": (
        LivenessRule(403, LIVE, "Twilio accepted the key (not allowed to read account)"),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        LivenessRule(401, DEAD, REJECTED, reference="https://www.twilio.com/docs/errors/20003"),
    ),
    "sendgrid": (
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        LivenessRule(
            (401, 403),
            DEAD,
            REJECTED,
            reference="https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/authentication",
        ),
    ),
    "cloudflare": (
        LivenessRule(
            (400, 401, 403),
            DEAD,
            "Cloudflare rejected the token ({status})",
            reference=CLOUDFLARE_VERIFY,
        ),
        LivenessRule(200, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_JSON),
        LivenessRule(200, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_OBJECT),
        LivenessRule(
            200,
            LIVE,
            "Cloudflare reports the token active",
            field=json_field("result.status"),
            equals=("active",),
            identity=True,
        ),
        LivenessRule(
            200,
            DEAD,
            "Cloudflare reports the token {code}",  # disabled, expired
            field=json_field("result.status"),
            identity=True,
            reference=CLOUDFLARE_VERIFY,
        ),
    ),
    "slack": (
        # Slack answers 200 whatever the token; `ok` and `error` in the body say what happened.
        LivenessRule(ANY_STATUS, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_JSON),
        LivenessRule(
            ANY_STATUS, UNKNOWN, "the answer was not a JSON object", shape=BodyShape.NOT_OBJECT
        ),
        LivenessRule(
            ANY_STATUS,
            LIVE,
            "Slack accepted the token",
            field=json_field("ok"),
            equals=(True,),
            identity=True,
        ),
        LivenessRule(
            ANY_STATUS,
            DEAD,
            "Slack rejected the token ({code})",
            field=json_field("error"),
            equals=tuple(sorted(SLACK_DEAD_ERRORS)),
            reference=SLACK_ERRORS,
        ),
        LivenessRule(
            ANY_STATUS,
            UNKNOWN,
            SLACK_INVALID_AUTH,
            field=json_field("error"),
            equals=("invalid_auth",),
        ),
        LivenessRule(ANY_STATUS, UNKNOWN, "Slack answered {code}", field=json_field("error")),
    ),
    "stripe": (
        # 403 is a restricted key that is live but may not read the account.
        LivenessRule(403, LIVE, "Stripe accepted the key (a restricted key)"),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        LivenessRule(
            401, DEAD, REJECTED, reference="https://docs.stripe.com/error-codes#api-key-expired"
        ),
    ),
    "huggingface": (
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # The one invalid-token answer huggingface_hub knows; the Hub documents no 403 here.
        LivenessRule(
            401,
            DEAD,
            REJECTED,
            reference="https://huggingface.co/docs/hub/security-tokens",
        ),
    ),
    "postman": (
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # "If an API key is missing, malformed, or invalid, you will receive an HTTP 401"; a 403
        # ("This feature isn't available in your region.") comes after the key was accepted.
        LivenessRule(
            401,
            DEAD,
            REJECTED,
            reference="https://learning.postman.com/docs/developer/postman-api/authentication/",
        ),
        LivenessRule(403, LIVE, "Postman accepted the key but refused the request (403)"),
    ),
    "pypi": (
        # The upload endpoint authenticates before it validates the form (pypi.py). Its other
        # 403s (read-only mode, uploads disabled) come before the credential is even looked at.
        LivenessRule(
            403,
            DEAD,
            "PyPI rejected the token ({status})",
            field=json_field("code"),
            contains=("invalid or non-existent authentication information",),
            reference="https://pypi.org/help/#invalid-auth",
        ),
        LivenessRule(400, LIVE, "PyPI accepted the token (the empty upload was refused)"),
    ),
}
