"""Decoys for the labelled corpus: strings that look like secrets but must not be reported.

Stage: test data. Each decoy is a (kind, variable name, value) a scanner meets in real code:
placeholders, documented example keys, tokens whose checksum fails, hashes and ids, npm integrity
strings, inline images, publishable keys and references to variables defined elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from leakward.rules.checksums import base62
from tests.corpus.providers import ALNUM, HEX, pick


@dataclass(frozen=True, slots=True)
class Decoy:
    kind: str
    name: str
    value: str


def placeholder(rng: random.Random) -> Decoy:
    name, value = rng.choice(
        (
            ("OPENAI_API_KEY", "<YOUR_OPENAI_API_KEY>"),
            ("STRIPE_SECRET_KEY", "sk_live_" + "x" * 24),
            ("GITHUB_TOKEN", "ghp_" + "X" * 36),
            ("api_key", "your-api-key-here"),
            ("password", "changeme"),
            ("DB_PASSWORD", "********"),
            ("AWS_SECRET_ACCESS_KEY", "<aws-secret-access-key>"),
            ("ANTHROPIC_API_KEY", "sk-ant-api03-" + "x" * 93 + "AA"),
            ("password", "REPLACE_ME"),
            ("SENDGRID_API_KEY", "SG." + "x" * 22 + "." + "x" * 43),
            ("secret", "TODO"),
        )
    )
    return Decoy("placeholder", name, value)


def template_ref(rng: random.Random) -> Decoy:
    name = rng.choice(("OPENAI_API_KEY", "password", "GITHUB_TOKEN", "SLACK_BOT_TOKEN", "api_key"))
    upper, lower = name.upper(), name.lower()
    value = rng.choice(
        (
            f"${{{upper}}}",
            f"{{{{ {lower} }}}}",
            f"$({upper})",
            f"{{{{ secrets.{upper} }}}}",
            f"%({lower})s",
        )
    )
    return Decoy("template", name, value)


def documented_example(rng: random.Random) -> Decoy:
    # The key pair from AWS's own documentation, the classic false positive.
    return rng.choice(
        (
            Decoy("documented-example", "aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
            Decoy(
                "documented-example",
                "aws_secret_access_key",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
        )
    )


def bad_checksum(rng: random.Random) -> Decoy:
    prefix, name = rng.choice(
        (("ghp_", "GITHUB_TOKEN"), ("gho_", "access_token"), ("npm_", "NPM_TOKEN"))
    )
    body = pick(rng, ALNUM, 30)
    good = base62(zlib.crc32(body.encode()), 6)
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    return Decoy("bad-checksum", name, prefix + body + wrong)


def uuid_value(rng: random.Random) -> Decoy:
    value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return Decoy("uuid", rng.choice(("request_id", "tenant_id", "client_id", "id")), value)


def git_sha(rng: random.Random) -> Decoy:
    return Decoy("git-sha", rng.choice(("commit", "revision", "GIT_SHA")), pick(rng, HEX, 40))


def sha256_hash(rng: random.Random) -> Decoy:
    digest = hashlib.sha256(pick(rng, ALNUM, 20).encode()).hexdigest()
    return Decoy("sha256", rng.choice(("checksum", "sha256", "digest")), digest)


def npm_integrity(rng: random.Random) -> Decoy:
    digest = base64.b64encode(hashlib.sha512(pick(rng, ALNUM, 20).encode()).digest()).decode()
    return Decoy("integrity", "integrity", "sha512-" + digest)


def inline_image(rng: random.Random) -> Decoy:
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(90))
    return Decoy("image", "logo", "data:image/png;base64," + base64.b64encode(png).decode())


def publishable_key(rng: random.Random) -> Decoy:
    # Stripe's publishable keys are meant for browsers. Test-mode secret keys used to be decoys
    # here; they are a sandbox's real credentials, which leakward reports (issue #17).
    return rng.choice(
        (
            Decoy("publishable", "STRIPE_PUBLISHABLE_KEY", "pk_live_" + pick(rng, ALNUM, 24)),
            Decoy("publishable", "stripePublishableKey", "pk_test_" + pick(rng, ALNUM, 24)),
        )
    )


FACTORIES: dict[str, Callable[[random.Random], Decoy]] = {
    f.__name__: f
    for f in (
        placeholder,
        template_ref,
        documented_example,
        bad_checksum,
        uuid_value,
        git_sha,
        sha256_hash,
        npm_integrity,
        inline_image,
        publishable_key,
    )
}
