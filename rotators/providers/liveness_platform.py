"""How the platform providers added for issue #15 answer a verify request, as data (see
liveness_facts.py for the model and the rule every reading follows: only the documented invalid-key
answer is DEAD).

Stage: rotators (providers).
"""

from __future__ import annotations

from leakward.rotators.providers.liveness_facts import (
    DEAD,
    LIVE,
    NOT_JSON,
    UNKNOWN,
    refused_not_invalid,
)
from leakward.rotators.providers.liveness_rules import SUCCESS, BodyShape, LivenessRule, json_field

PLATFORM_LIVENESS: dict[str, tuple[LivenessRule, ...]] = {
    "vercel": (
        LivenessRule(SUCCESS, LIVE, "Vercel accepted the token", identity=True),
        # Vercel's errors page gives one answer for a request without a valid token: 403
        # `forbidden` "Not authorized"; the body of a token Vercel does not know (deleted,
        # expired, never issued) also carries `invalidToken: true`, which is what its CLI reads
        # as "the specified token is not valid". A 403 without it is a known token refused this
        # resource (a project-scoped token on a user endpoint): nothing certain about the token.
        LivenessRule(
            403,
            DEAD,
            "Vercel does not know the token (invalidToken)",
            field=json_field("error.invalidToken"),
            equals=(True,),
            reference="https://vercel.com/docs/rest-api/errors",
        ),
        refused_not_invalid("Vercel", json_field("error.code")),
    ),
    "heroku": (
        LivenessRule(SUCCESS, LIVE, "Heroku accepted the token", identity=True),
        # Heroku's error ids: `unauthorized` is "request not authenticated, API token is
        # missing, invalid or expired"; a known token refused (`forbidden`, `suspended`,
        # `delinquent`, `two_factor`, …) says nothing certain about the token.
        LivenessRule(
            401,
            DEAD,
            "Heroku does not accept the token (unauthorized)",
            field=json_field("id"),
            equals=("unauthorized",),
            reference="https://devcenter.heroku.com/articles/platform-api-reference#error-responses",
        ),
        refused_not_invalid("Heroku", json_field("id")),
    ),
    "datadog": (
        # GET /api/v1/validate: "Check if the API key (not the APP key) is valid. If invalid, a
        # 403 is returned." (Datadog's v1 OpenAPI document). A key of another site is invalid
        # on this one, so datadog.py asks every site before the answer means dead.
        LivenessRule(200, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_JSON),
        LivenessRule(
            200, LIVE, "Datadog accepted the API key", field=json_field("valid"), equals=(True,)
        ),
        LivenessRule(
            403,
            DEAD,
            "Datadog does not accept the API key (403)",
            reference="https://docs.datadoghq.com/api/latest/authentication/#validate-api-key",
        ),
    ),
    "docker": (
        # POST /v2/auth/token with the account name and the token: 200 with a JWT, or 401
        # "Authentication failed" (Docker Hub's OpenAPI document). Asked with the account the
        # registry recorded for the token, a refusal means the token does not authenticate it.
        LivenessRule(200, LIVE, "Docker Hub accepted the token", identity=True),
        LivenessRule(
            401,
            DEAD,
            "Docker Hub refused the token for its account (401)",
            reference="https://docs.docker.com/reference/api/hub/latest/operations/AuthCreateAccessToken/",
        ),
    ),
    "fastly": (
        LivenessRule(SUCCESS, LIVE, "Fastly accepted the token", identity=True),
        # A token Fastly does not accept (missing, invalid, expired or revoked) gets 401; a known
        # token refused this call (a scope, an IP allowlist) gets 403, which is not invalid.
        LivenessRule(
            401,
            DEAD,
            "Fastly does not accept the token (401)",
            reference="https://www.fastly.com/documentation/reference/api/#authentication",
        ),
    ),
    "npm": (
        LivenessRule(SUCCESS, LIVE, "the npm registry accepted the token", identity=True),
        # The npm CLI reads a 401 with a Bearer challenge as "your authentication token seems to
        # be invalid" (lib/utils/error-message.js), and a 401 asking for a one-time password
        # (www-authenticate: OTP) as a request that needs one: that token is known.
        LivenessRule(
            401,
            UNKNOWN,
            "the npm registry asks for a one-time password",
            header="www-authenticate",
            header_value="OTP",
        ),
        LivenessRule(
            401,
            DEAD,
            "the npm registry does not accept the token (401)",
            header="www-authenticate",
            reference="https://github.com/npm/cli/blob/latest/lib/utils/error-message.js",
        ),
    ),
}
