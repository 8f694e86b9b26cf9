"""Registry fingerprints and provider-style hints: the only forms in which the registry knows a key.

Stage: registry. A fingerprint is HMAC-SHA256 keyed by the registry pepper (see `pepper.py`); it is
separate from the report fingerprints of `scanner/fingerprint.py`, which use a well-known default
key. A hint is what providers themselves print (type prefix and last four characters): enough to
say "probably this key" when only the provider's listing is known, never enough to use it.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from leakward.core.errors import UsageError

# Longest first, so "sk-ant-api03-" wins over "sk-". The body of a key may itself contain "-" or
# "_", so a known prefix is safer than cutting at the last separator.
KNOWN_PREFIXES = tuple(
    sorted(
        (
            "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-", "sk-proj-", "sk-svcacct-",
            "sk-admin-", "sk-None-", "sk-", "github_pat_", "ghp_", "gho_", "ghu_", "ghs_",
            "ghr_", "glpat-", "gldt-", "glrt-", "glptt-", "xoxb-", "xoxp-", "xoxa-", "xapp-",
            "AKIA", "ASIA", "ABIA", "ACCA", "sk_live_", "sk_test_", "rk_live_", "rk_test_",
            "AIza", "hf_", "npm_", "pypi-", "SG.", "dop_v1_", "shpat_", "shpss_",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
# A key with a provider's prefix is long and random past it: its last four are public there.
# A value without one shows its last four only when it is as long as a random API key.
_MIN_PREFIXED = 16
_MIN_UNPREFIXED = 32
# How providers mask the middle of a key:
# OpenAI "sk-proj-****abcd", Anthropic "sk-ant-api03-R2D...igAA".
_MASK = re.compile(r"\*+|\.{3}|…")
_SUFFIX_LENGTH = 4


def fingerprint(secret: str, pepper: bytes) -> str:
    """64 hex characters of HMAC-SHA256(pepper, secret)."""
    return hmac.new(pepper, secret.encode("utf-8", "surrogateescape"), "sha256").hexdigest()


@dataclass(frozen=True, slots=True)
class Hint:
    """A provider-style hint: the key's type prefix and its last four characters."""

    prefix: str
    last4: str

    @property
    def display(self) -> str:
        return f"{self.prefix}…{self.last4}"


def type_prefix(value: str) -> str:
    """The provider's type prefix of a key (`sk-proj-`, `AKIA`, `ghp_`), or "" if none is known.

    Only prefixes a provider defines count: a word before a dash (`backup-` of a 12-character
    password) is part of the secret, not a public type.
    """
    for prefix in KNOWN_PREFIXES:
        if value.startswith(prefix):
            return prefix
    return ""


def hint_of(secret: str) -> Hint:
    """The hint of a whole key: what a provider would show of it, and nothing for a value no
    provider shows (a password, a short generic secret), whose last characters would narrow a
    guess."""
    prefix = type_prefix(secret)
    long_enough = len(secret) >= (_MIN_PREFIXED if prefix else _MIN_UNPREFIXED)
    if not long_enough:
        return Hint(prefix="", last4="")
    return Hint(prefix=prefix, last4=secret[-_SUFFIX_LENGTH:])


def parse_hint(text: str) -> Hint:
    """Turn a provider's masked key (`redacted_value`, `partial_key_hint`) into a `Hint`."""
    masks = list(_MASK.finditer(text))
    if not masks:
        raise UsageError(
            # The text is not echoed: a whole key pasted by mistake must not reach the terminal.
            "cannot read the key hint: it has no masked middle (****, ... or …)",
            hint='write it the way the provider shows it, e.g. "sk-proj-****abcd"',
        )
    head, tail = text[: masks[0].start()], text[masks[-1].end() :]
    if len(tail) < _SUFFIX_LENGTH:
        raise UsageError(
            f"the key hint shows fewer than {_SUFFIX_LENGTH} characters after its masked middle",
            hint="copy the hint exactly as the provider prints it",
        )
    return Hint(prefix=type_prefix(head), last4=tail[-_SUFFIX_LENGTH:])
