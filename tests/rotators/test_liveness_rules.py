"""Each provider's liveness rules (facts, as data) are well formed and are what verify does.

The case table pins how every HTTP provider's verify reads an answer today, through the real
rotator against a local HTTP server; the same answer read by the provider's rules alone must
give the same verdict, so the rules in liveness_facts.py are the behaviour, not a copy of it.
Issue #15 changes some of these readings: that is an edit of the rules and of this table.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from pytest_httpserver import HTTPServer

from leakward.core.secret import Secret
from leakward.rotators.base import Liveness
from leakward.rotators.providers.facts import FACTS
from leakward.rotators.providers.http import RETRYABLE_STATUSES
from leakward.rotators.providers.liveness import verify_secret
from leakward.rotators.providers.liveness_rules import LivenessRule, read_verdict

LIVE, DEAD, UNKNOWN = Liveness.LIVE, Liveness.DEAD, Liveness.UNKNOWN
Body = object
Case = tuple[str, int, Body, dict[str, str], Liveness]

_OK = {"id": "acct_1", "name": "someone", "login": "octocat", "user": {"username": "u"}}
_NOT_JSON = b"<<not json>>"


def _standard(provider: str, forbidden: Liveness = DEAD) -> list[Case]:
    return [
        (provider, 200, _OK, {}, LIVE),
        (provider, 401, {}, {}, DEAD),
        (provider, 403, {}, {}, forbidden),
        (provider, 404, {}, {}, UNKNOWN),
        (provider, 400, {}, {}, UNKNOWN),
    ]


def _google_error(status: str, reason: str | None = None) -> dict[str, object]:
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return {"error": {"status": status, "details": details if reason else []}}


# Answers a valid key can get, which the providers document apart from the invalid-key answer.
OPENAI_INVALID = {"error": {"code": "invalid_api_key", "message": "Incorrect API key provided"}}
OPENAI_IP = {"error": {"code": "ip_not_authorized", "message": "IP not authorized"}}
OPENAI_REGION = {
    "error": {
        "code": "unsupported_country_region_territory",
        "message": "Country, region, or territory not supported",
    }
}
# Vercel's answer to a token it does not know (vercel.com/docs/rest-api/errors, plus the flag).
VERCEL_INVALID = {"error": {"code": "forbidden", "message": "Not authorized", "invalidToken": True}}
ANTHROPIC_INVALID = {
    "type": "error",
    "error": {"type": "authentication_error", "message": "invalid x-api-key"},
}
ANTHROPIC_NO_PERMISSION = {
    "type": "error",
    "error": {"type": "permission_error", "message": "Your API key does not have permission"},
}
GEMINI_LEAKED = {
    "error": {
        "code": 403,
        "message": "Your API key was reported as leaked. Please use another API key.",
        "status": "PERMISSION_DENIED",
    }
}

CASES: list[Case] = [
    ("anthropic", 200, _OK, {}, LIVE),
    ("anthropic", 401, ANTHROPIC_INVALID, {}, DEAD),
    ("anthropic", 403, ANTHROPIC_NO_PERMISSION, {}, LIVE),
    ("anthropic", 401, {}, {}, UNKNOWN),
    ("anthropic", 403, {}, {}, UNKNOWN),
    ("anthropic", 404, {}, {}, UNKNOWN),
    *_standard("sendgrid"),
    *_standard("huggingface", forbidden=UNKNOWN),  # no 403 is documented for whoami-v2
    *_standard("postman", forbidden=LIVE),  # 403: a feature refused in the key's region
    *_standard("stripe", forbidden=LIVE),
    *_standard("twilio", forbidden=LIVE),
    *_standard("github", forbidden=UNKNOWN),
    ("github", 403, {}, {"x-ratelimit-remaining": "0"}, UNKNOWN),
    ("github", 403, {}, {"x-ratelimit-remaining": "12"}, UNKNOWN),
    ("github", 403, {}, {"retry-after": "30"}, UNKNOWN),
    ("github", 403, {"message": "You have exceeded a secondary rate limit."}, {}, UNKNOWN),
    ("github", 403, {"message": "Resource not accessible by integration"}, {}, UNKNOWN),
    ("openai", 200, _OK, {}, LIVE),
    ("openai", 401, OPENAI_INVALID, {}, DEAD),
    ("openai", 401, OPENAI_IP, {}, LIVE),
    ("openai", 403, OPENAI_REGION, {}, LIVE),
    ("openai", 401, {"error": {"code": "account_deactivated"}}, {}, UNKNOWN),
    ("openai", 401, {}, {}, UNKNOWN),
    ("openai", 403, {}, {}, UNKNOWN),
    ("openai", 404, {}, {}, UNKNOWN),
    ("openai", 403, {"error": {"code": None, "message": "Missing scopes: model.read"}}, {}, LIVE),
    ("openai", 403, {"error": {"message": "You have insufficient permissions"}}, {}, LIVE),
    ("openai", 429, {"error": {"code": "insufficient_quota"}}, {}, LIVE),
    ("openai", 429, {"error": {"code": "rate_limit_exceeded"}}, {}, UNKNOWN),
    ("gitlab", 200, {"id": 1, "user_id": 2, "name": "ci", "active": True}, {}, LIVE),
    ("gitlab", 200, {"id": 1, "revoked": True}, {}, DEAD),
    ("gitlab", 200, {"id": 1, "active": False}, {}, DEAD),
    ("gitlab", 200, _NOT_JSON, {}, UNKNOWN),
    ("gitlab", 200, [], {}, LIVE),
    ("gitlab", 401, {}, {}, DEAD),
    ("gitlab", 403, {"error": "insufficient_scope"}, {}, LIVE),
    ("gitlab", 404, {}, {}, UNKNOWN),
    ("cloudflare", 200, {"result": {"id": "t1", "status": "active"}}, {}, LIVE),
    ("cloudflare", 200, {"result": {"id": "t1", "status": "disabled"}}, {}, DEAD),
    ("cloudflare", 200, {"result": None}, {}, DEAD),
    ("cloudflare", 200, _NOT_JSON, {}, UNKNOWN),
    ("cloudflare", 200, [], {}, UNKNOWN),
    ("cloudflare", 201, {"result": {"status": "active"}}, {}, UNKNOWN),
    *[("cloudflare", status, {}, {}, DEAD) for status in (400, 401, 403)],
    ("cloudflare", 404, {}, {}, UNKNOWN),
    ("slack", 200, {"ok": True, "team_id": "T1", "user_id": "U1"}, {}, LIVE),
    ("slack", 200, {"ok": "true"}, {}, UNKNOWN),
    ("slack", 200, {"ok": False, "error": "invalid_auth"}, {}, UNKNOWN),  # or an IP allowlist
    ("slack", 200, {"ok": False, "error": "token_revoked"}, {}, DEAD),
    ("slack", 200, {"ok": False, "error": "missing_scope"}, {}, UNKNOWN),
    ("slack", 200, {"ok": False}, {}, UNKNOWN),
    ("slack", 404, {"ok": False, "error": "token_expired"}, {}, DEAD),
    ("slack", 200, [], {}, UNKNOWN),
    ("slack", 200, _NOT_JSON, {}, UNKNOWN),
    ("google", 200, {"models": []}, {}, LIVE),
    ("google", 400, _google_error("INVALID_ARGUMENT", "API_KEY_INVALID"), {}, DEAD),
    ("google", 400, _google_error("INVALID_ARGUMENT"), {}, DEAD),
    ("google", 400, _google_error("INVALID_ARGUMENT", "BAD_REQUEST_BODY"), {}, UNKNOWN),
    ("google", 403, _google_error("PERMISSION_DENIED", "SERVICE_DISABLED"), {}, LIVE),
    ("google", 403, _google_error("PERMISSION_DENIED", "API_KEY_IOS_APP_BLOCKED"), {}, LIVE),
    ("google", 403, GEMINI_LEAKED, {}, LIVE),
    ("google", 403, _google_error("PERMISSION_DENIED"), {}, UNKNOWN),
    ("google", 401, {}, {}, UNKNOWN),
    ("google", 404, {}, {}, UNKNOWN),
    ("pypi", 400, {}, {}, LIVE),
    # warehouse's forklift never answers 401; only its invalid-auth 403 is about the token.
    ("pypi", 401, {}, {}, UNKNOWN),
    ("pypi", 403, {"code": "403 Invalid or non-existent authentication information."}, {}, DEAD),
    ("pypi", 403, {"code": "403 Read-only mode: Uploads are temporarily disabled."}, {}, UNKNOWN),
    ("pypi", 403, {}, {}, UNKNOWN),
    ("pypi", 200, {}, {}, UNKNOWN),
    # OpenRouter's errors guide: 401 invalid or disabled, 402 a known key without credits;
    # 403 is moderation of a prompt, which says nothing about the key.
    *_standard("openrouter", forbidden=UNKNOWN),
    ("openrouter", 402, {"error": {"code": 402, "message": "Insufficient credits"}}, {}, LIVE),
    # xAI: only "Incorrect API key provided" is dead; its own record says disabled or blocked.
    ("xai", 200, {"api_key_id": "k1", "api_key_disabled": False}, {}, LIVE),
    ("xai", 200, {"api_key_id": "k1", "api_key_disabled": True}, {}, UNKNOWN),
    ("xai", 200, {"api_key_blocked": False, "team_blocked": True}, {}, UNKNOWN),
    ("xai", 400, {"code": "invalid-argument", "error": "Incorrect API key provided."}, {}, DEAD),
    ("xai", 401, {"code": "x", "error": "Incorrect API key provided: xa***zz."}, {}, DEAD),
    ("xai", 400, {"code": "invalid-argument", "error": "Invalid request"}, {}, UNKNOWN),
    ("xai", 403, {"code": "permission-denied", "error": "API key is blocked"}, {}, UNKNOWN),
    ("xai", 200, _NOT_JSON, {}, UNKNOWN),
    # --- scope ops (issue #15): platform providers ---
    ("vercel", 200, {"token": {"id": "tok_1", "name": "ci"}}, {}, LIVE),
    ("vercel", 403, VERCEL_INVALID, {}, DEAD),
    ("vercel", 403, {"error": {"code": "forbidden", "message": "Not authorized"}}, {}, UNKNOWN),
    ("vercel", 403, {"error": {"code": "forbidden", "invalidToken": "true"}}, {}, UNKNOWN),
    ("vercel", 401, {"error": {"code": "unauthorized", "message": "Unauthorized"}}, {}, UNKNOWN),
    ("vercel", 404, {"error": {"code": "not_found", "message": "Not found"}}, {}, UNKNOWN),
    ("heroku", 200, {"id": "0a1b2c3d-0000-4000-8000-000000000001"}, {}, LIVE),
    ("heroku", 401, {"id": "unauthorized", "message": "Invalid credentials provided."}, {}, DEAD),
    ("heroku", 401, {}, {}, UNKNOWN),  # no Heroku error id: not Heroku's invalid-token answer
    *[
        ("heroku", 403, {"id": error_id, "message": "refused"}, {}, UNKNOWN)
        for error_id in ("forbidden", "suspended", "delinquent", "two_factor")
    ],
    ("heroku", 404, {"id": "not_found", "message": "Not found."}, {}, UNKNOWN),
    ("datadog", 200, {"valid": True}, {}, LIVE),
    ("datadog", 200, {"valid": False}, {}, UNKNOWN),
    ("datadog", 200, _NOT_JSON, {}, UNKNOWN),
    ("datadog", 403, {"errors": ["Forbidden"]}, {}, DEAD),
    ("datadog", 401, {"errors": ["Unauthorized"]}, {}, UNKNOWN),
    ("docker", 200, {"access_token": "eyJ.x.y"}, {}, LIVE),
    ("docker", 401, {"detail": "Incorrect authentication credentials"}, {}, DEAD),
    ("docker", 403, {"detail": "Forbidden"}, {}, UNKNOWN),
    ("fastly", 200, {"id": "t1", "user_id": "u1", "scope": "global"}, {}, LIVE),
    ("fastly", 401, {"msg": "Provided credentials are missing or invalid"}, {}, DEAD),
    ("fastly", 403, {"msg": "Forbidden", "detail": "token scope"}, {}, UNKNOWN),
    ("cloudflare_account", 200, {"result": {"id": "t1", "status": "active"}}, {}, LIVE),
    ("cloudflare_account", 200, {"result": {"id": "t1", "status": "expired"}}, {}, DEAD),
    ("cloudflare_account", 401, {"errors": [{"code": 1000}]}, {}, DEAD),
    ("npm", 200, {"username": "someone"}, {}, LIVE),
    ("npm", 401, {"error": "Unauthorized"}, {"www-authenticate": 'Bearer realm="npm"'}, DEAD),
    ("npm", 401, {"error": "OTP required"}, {"www-authenticate": "OTP"}, UNKNOWN),
    ("npm", 401, {"error": "Unauthorized"}, {}, UNKNOWN),  # no challenge: not the registry's
    ("npm", 403, {"error": "Forbidden"}, {}, UNKNOWN),
]

_SECRETS = {
    "github": "ghp_" + "a" * 36,
    "twilio": "twilio-secret",
    "datadog": "0123456789abcdef" * 2,  # an API key's shape: 32 hex characters
}
# The public half found beside the secret: Twilio's SID, the Docker account, the Cloudflare account.
_KEY_IDS = {"twilio": "SK" + "0" * 32, "docker": "moby", "cloudflare_account": "0" * 32}


def _content(body: Body) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.mark.parametrize(("provider", "status", "body", "headers", "expected"), CASES)
def test_verify_reads_the_answer_as_the_rules_say(
    httpserver: HTTPServer,
    provider: str,
    status: int,
    body: Body,
    headers: dict[str, str],
    expected: Liveness,
) -> None:
    content = _content(body)
    httpserver.expect_request(re.compile(".*")).respond_with_data(
        content, status=status, headers=headers, content_type="application/json"
    )
    base = httpserver.url_for("").rstrip("/")
    urls = dict.fromkeys((provider, "google.gemini", "twilio.api", "xai.api"), base)
    urls["twilio.account"] = "AC" + "1" * 32
    with httpx.Client() as client:
        verdict = verify_secret(
            provider,
            Secret(_SECRETS.get(provider, "key-under-test")),
            client,
            key_id=_KEY_IDS.get(provider),
            base_urls=urls,
        )
    assert verdict.liveness is expected, verdict.reason
    answer = httpx.Response(
        status, content=content, headers={**headers, "content-type": "application/json"}
    )
    by_rules = read_verdict(answer, FACTS[provider].liveness)
    assert (by_rules.liveness, by_rules.reason) == (verdict.liveness, verdict.reason)


def test_the_table_covers_every_provider_with_rules() -> None:
    with_rules = {name for name, facts in FACTS.items() if facts.liveness}
    # gcp's verify needs a signed key file; its rules are checked for form below.
    assert {case[0] for case in CASES} == with_rules - {"gcp"}


def _is_unconditional(rule: LivenessRule) -> bool:
    tests_body = rule.field is not None and bool(rule.equals or rule.contains)
    return rule.shape is None and rule.header is None and not tests_body


def _statuses(rule: LivenessRule) -> set[int]:
    return {rule.status} if isinstance(rule.status, int) else set(rule.status)


@pytest.mark.parametrize("provider", sorted(name for name in FACTS if FACTS[name].liveness))
def test_rules_are_well_formed(provider: str) -> None:
    facts = FACTS[provider]
    for index, rule in enumerate(facts.liveness):
        assert rule.reason, f"{provider} rule {index} gives no reason"
        if rule.verdict is DEAD:
            assert rule.reference.startswith("https://"), f"{provider} rule {index}: no reference"
        assert not (rule.equals and rule.contains), f"{provider} rule {index}: equals or contains"
        if rule.equals or rule.contains:
            assert rule.field is not None, f"{provider} rule {index} tests no field"
        for earlier in facts.liveness[:index]:
            shadowed = _is_unconditional(earlier) and _statuses(rule) <= _statuses(earlier)
            assert not shadowed, f"{provider} rule {index} can never match"
    for status in facts.probe_keeps:
        assert status in RETRYABLE_STATUSES, f"{provider} keeps {status}, which probe passes anyway"
        assert any(rule.covers(status) for rule in facts.liveness), f"{provider}: {status} unread"
