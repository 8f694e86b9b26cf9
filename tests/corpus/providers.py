"""Invented credentials in each provider's documented shape, for the labelled detection corpus.

Stage: test data. Every value comes from a seeded `random.Random`, so it is invented and the same on
every run; none is, or was ever, a real key. Shapes follow the providers' published formats
(prefix, length, alphabet, built-in checksum) so a scanner cannot tell them from real ones offline.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from leakward.rules.checksums import base62

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"
B64 = ALNUM + "+/"


def pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def crc_token(rng: random.Random, prefix: str) -> str:
    """GitHub-style token: 30 random base62 characters then a 6-character base62 CRC32."""
    body = pick(rng, ALNUM, 30)
    return f"{prefix}{body}{base62(zlib.crc32(body.encode()), 6)}"


@dataclass(frozen=True, slots=True)
class Credential:
    """One planted secret: what a scanner must report, plus the other forms we also accept."""

    provider: str
    secret: str
    names: tuple[
        str, ...
    ]  # variable names a developer would give it; keyword-anchored rules need one
    key_id: str = ""  # the public half of a pair (AWS access key id), planted on the line above
    alternates: tuple[str, ...] = field(default=())  # other captures that are just as right
    multiline: bool = False
    text: str = ""  # how it is written when that is more than the secret (a URI around a password)

    @property
    def written(self) -> str:
        return self.text or self.secret


def aws(rng: random.Random) -> Credential:
    key_id = "AKIA" + pick(rng, B32, 16)
    return Credential(
        "aws",
        pick(rng, B64, 40),
        ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
        key_id=key_id,
    )


def github_pat(rng: random.Random) -> Credential:
    return Credential("github", crc_token(rng, "ghp_"), ("GITHUB_TOKEN", "GH_TOKEN", "github_pat"))


def github_oauth(rng: random.Random) -> Credential:
    return Credential("github", crc_token(rng, "gho_"), ("GITHUB_OAUTH_TOKEN", "access_token"))


def npm(rng: random.Random) -> Credential:
    return Credential("npm", crc_token(rng, "npm_"), ("NPM_TOKEN", "npmAuthToken"))


def openai(rng: random.Random) -> Credential:
    value = "sk-proj-" + pick(rng, URLSAFE, 74) + "T3BlbkFJ" + pick(rng, URLSAFE, 74)
    return Credential("openai", value, ("OPENAI_API_KEY", "openai_api_key", "openaiKey"))


def anthropic(rng: random.Random) -> Credential:
    value = "sk-ant-api03-" + pick(rng, URLSAFE, 93) + "AA"
    return Credential("anthropic", value, ("ANTHROPIC_API_KEY", "anthropic_key", "claudeKey"))


def google(rng: random.Random) -> Credential:
    return Credential("google", "AIza" + pick(rng, URLSAFE, 35), ("GOOGLE_API_KEY", "mapsApiKey"))


def slack(rng: random.Random) -> Credential:
    value = (
        f"xoxb-{pick(rng, '0123456789', 12)}-{pick(rng, '0123456789', 13)}-{pick(rng, ALNUM, 24)}"
    )
    return Credential("slack", value, ("SLACK_BOT_TOKEN", "slack_token"))


def slack_webhook(rng: random.Random) -> Credential:
    value = (
        "https://hooks.slack.com/services/T"
        + pick(rng, B32, 8)
        + "/B"
        + pick(rng, B32, 10)
        + "/"
        + pick(rng, ALNUM, 24)
    )
    return Credential("slack", value, ("SLACK_WEBHOOK_URL", "slack_webhook"))


def stripe(rng: random.Random) -> Credential:
    return Credential(
        "stripe", "sk_live_" + pick(rng, ALNUM, rng.choice((24, 99))), ("STRIPE_SECRET_KEY",)
    )


def twilio(rng: random.Random) -> Credential:
    return Credential("twilio", "SK" + pick(rng, HEX, 32), ("TWILIO_API_KEY", "twilioApiKey"))


def sendgrid(rng: random.Random) -> Credential:
    value = "SG." + pick(rng, URLSAFE, 22) + "." + pick(rng, URLSAFE, 43)
    return Credential("sendgrid", value, ("SENDGRID_API_KEY", "sendgrid_key"))


def pypi(rng: random.Random) -> Credential:
    # A PyPI token is "pypi-" + base64url of a v2 binary macaroon: location "pypi.org" (hence the
    # constant AgEIcHlwaS5vcmc prefix), a 32-hex identifier, one caveat, a 32-byte signature.
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    packet = (
        b"\x02\x01\x08pypi.org\x02\x20"
        + pick(rng, HEX, 32).encode()
        + b"\x00\x02"
        + bytes([len(caveat)])
        + caveat
        + b"\x00\x00\x06\x20"
        + bytes(rng.getrandbits(8) for _ in range(32))
    )
    return Credential("pypi", "pypi-" + _b64url(packet), ("PYPI_TOKEN", "TWINE_PASSWORD"))


def huggingface(rng: random.Random) -> Credential:
    value = "hf_" + pick(rng, string.ascii_letters, 34)
    return Credential("huggingface", value, ("HF_TOKEN", "HUGGINGFACE_TOKEN"))


def groq(rng: random.Random) -> Credential:
    return Credential("groq", "gsk_" + pick(rng, ALNUM, 52), ("GROQ_API_KEY",))


def xai(rng: random.Random) -> Credential:
    return Credential("xai", "xai-" + pick(rng, ALNUM, 80), ("XAI_API_KEY", "GROK_API_KEY"))


def mistral(rng: random.Random) -> Credential:
    return Credential("mistral", pick(rng, ALNUM, 32), ("MISTRAL_API_KEY", "mistral_api_key"))


def deepseek(rng: random.Random) -> Credential:
    return Credential("deepseek", "sk-" + pick(rng, HEX, 32), ("DEEPSEEK_API_KEY", "deepseek_key"))


def cohere(rng: random.Random) -> Credential:
    return Credential("cohere", pick(rng, ALNUM, 40), ("COHERE_API_KEY", "CO_API_KEY"))


def gitlab(rng: random.Random) -> Credential:
    return Credential("gitlab", "glpat-" + pick(rng, URLSAFE, 20), ("GITLAB_TOKEN", "CI_JOB_PAT"))


def private_key(rng: random.Random) -> Credential:
    kind = rng.choice(("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"))
    lead = {
        "RSA PRIVATE KEY": "MIIEpAIBAAKCAQEA",
        "PRIVATE KEY": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
    }
    body = lead.get(kind, "b3BlbnNzaC1rZXktdjEAAAAA" if "OPENSSH" in kind else "MHcCAQEEI")
    body += pick(rng, B64, 64 * rng.randint(5, 12) - len(body))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "\n".join([f"-----BEGIN {kind}-----", *lines, f"-----END {kind}-----"])
    return Credential(
        "private_key", pem, ("private_key", "PRIVATE_KEY"), alternates=(body,), multiline=True
    )


def database_uri(rng: random.Random) -> Credential:
    scheme, port = rng.choice(
        (("postgresql", 5432), ("postgres", 5432), ("mysql", 3306), ("mongodb", 27017))
    )
    user = rng.choice(("app", "svc_orders", "admin", "billing", "etl"))
    password = pick(rng, ALNUM, rng.randint(14, 24))
    host = rng.choice(("db.internal.example.com", "10.20.3.14", "orders-db.prod.example.net"))
    uri = f"{scheme}://{user}:{password}@{host}:{port}/{rng.choice(('orders', 'app', 'core'))}"
    return Credential(
        "database",
        password,
        ("DATABASE_URL", "database_url", "MONGO_URI"),
        alternates=(uri, f"{user}:{password}", uri.split("://", 1)[1].split("/", 1)[0]),
        text=uri,
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(rng: random.Random) -> Credential:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims: dict[str, str | int] = {"sub": pick(rng, "0123456789", 10)}
    claims["name"] = rng.choice(("svc-deploy", "ops-bot"))
    claims |= {"iat": rng.randint(1_600_000_000, 1_750_000_000), "role": "admin"}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    token = f"{header}.{payload}.{pick(rng, URLSAFE, 43)}"
    return Credential("jwt", token, ("AUTH_TOKEN", "jwt", "bearer_token"))


def password(rng: random.Random) -> Credential:
    value = pick(rng, ALNUM, rng.randint(10, 14)) + rng.choice("!%*.") + pick(rng, ALNUM, 5)
    return Credential("generic", value, ("password", "DB_PASSWORD", "admin_password", "smtp_pass"))


FACTORIES: dict[str, Callable[[random.Random], Credential]] = {
    f.__name__: f
    for f in (
        aws,
        github_pat,
        github_oauth,
        npm,
        openai,
        anthropic,
        google,
        slack,
        slack_webhook,
        stripe,
        twilio,
        sendgrid,
        pypi,
        huggingface,
        groq,
        xai,
        mistral,
        deepseek,
        cohere,
        gitlab,
        private_key,
        database_uri,
        jwt,
        password,
    )
}
