"""How the AI providers added for issue #15 answer a verify request, as data (see liveness_facts.py
for the model and the rule every reading follows: only the documented invalid-key answer is DEAD).

Stage: rotators (providers).
"""

from __future__ import annotations

from leakward.rotators.providers.liveness_facts import (
    ACCEPTED,
    DEAD,
    LIVE,
    NOT_JSON,
    UNKNOWN,
    refused_not_invalid,
)
from leakward.rotators.providers.liveness_rules import SUCCESS, BodyShape, LivenessRule, json_field

OPENROUTER_ERRORS = "https://openrouter.ai/docs/errors"
XAI_API_KEY = "https://docs.x.ai/docs/api-reference#api-key"

AI_LIVENESS: dict[str, tuple[LivenessRule, ...]] = {
    # GET /api/v1/key answers the calling key's own record (management keys included).
    "openrouter": (
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # The errors guide: "401: Invalid credentials (OAuth session expired, disabled/invalid
        # API key)". A disabled key does not authenticate until its owner enables it again, so
        # it is dead for now; revoke still deletes it by its hash.
        LivenessRule(
            401,
            DEAD,
            "OpenRouter rejected the key (401: invalid, deleted or disabled)",
            reference=OPENROUTER_ERRORS,
        ),
        # "402: Your account or API key has insufficient credits": only a known key hears it.
        LivenessRule(
            402,
            LIVE,
            "OpenRouter knows the key but its credits are exhausted (402)",
            reference=OPENROUTER_ERRORS,
        ),
    ),
    # GET https://api.x.ai/v1/api-key with the key: its own record, or the invalid-key answer.
    "xai": (
        LivenessRule(200, UNKNOWN, NOT_JSON, shape=BodyShape.NOT_JSON),
        # A disabled key is refused until its owner enables it again, so it is not dead; a
        # blocked key or team is xAI's doing. Neither says the key is gone.
        LivenessRule(
            200,
            UNKNOWN,
            "xAI reports the key disabled; it works again once enabled, so delete it",
            field=json_field("api_key_disabled"),
            equals=(True,),
        ),
        *(
            LivenessRule(
                200,
                UNKNOWN,
                f"xAI reports the {what} blocked",
                field=json_field(flag),
                equals=(True,),
            )
            for what, flag in (("key", "api_key_blocked"), ("key's team", "team_blocked"))
        ),
        LivenessRule(SUCCESS, LIVE, ACCEPTED, identity=True),
        # "400: Bad request. The request is invalid or an invalid API key is provided." (xAI's
        # OpenAPI document); the body says which: "Incorrect API key provided …". Some answers
        # carry it with 401, so both statuses are read, and only for that text.
        LivenessRule(
            (400, 401),
            DEAD,
            "xAI does not know the key (Incorrect API key provided)",
            field=json_field("error"),
            contains=("incorrect api key provided",),
            reference=XAI_API_KEY,
        ),
        refused_not_invalid("xAI", json_field("code")),
    ),
}
