"""Key attributes: the public identifiers a rotator needs beyond the key id.

Stage: registry. An attribute is a name and a short value such as kind=project, project_id=42,
installation_id=1234 or service_account_id=svc_abc; rotators read them to pick the endpoint for a
key (a GitLab project token, a GitHub installation token, an OpenAI service-account key). They
are stored in plain text, so a name that suggests a secret is refused before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from leakward.core.errors import UsageError

Attributes = tuple[tuple[str, str], ...]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Names a value would be a credential under; the registry never stores one.
_SECRET_WORDS = (
    "secret", "token", "password", "passwd", "pwd", "passphrase", "credential", "private",
    "apikey", "api_key",
)  # fmt: skip
# Values that begin like a credential of a known provider: a key pasted in the wrong place.
_SECRET_PREFIXES = (
    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "sk-", "sk_live_",
    "sk_test_", "rk_live_", "xoxb-", "xoxp-", "xoxe", "xapp-", "hf_", "SG.", "-----BEGIN",
)  # fmt: skip
MAX_VALUE = 200


def check_attributes(pairs: Iterable[tuple[str, str]]) -> Attributes:
    """Validated attributes, sorted by name; a name given twice keeps its last value."""
    checked: dict[str, str] = {}
    for name, value in pairs:
        name = _check_name(name)  # first: a value's message quotes the name
        checked[name] = _check_value(name, value)
    return tuple(sorted(checked.items()))


def parse_attribute(text: str) -> tuple[str, str]:
    """`KEY=VALUE` as given to `registry add --attribute` or in an inventory's attributes."""
    name, sep, value = text.partition("=")
    if not sep:
        # Not quoted back: text without "=" may be a pasted secret.
        raise UsageError(
            "an attribute has no value",
            hint="write attributes as KEY=VALUE, e.g. kind=project or project_id=42",
        )
    return name.strip(), value.strip()


def attributes_from(value: object) -> Attributes:
    """Attributes from an inventory field: a JSON object, or "k=v;k=v" text (CSV)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = [part for part in re.split(r"[;\s]+", value) if part]
        return check_attributes(parse_attribute(part) for part in parts)
    if isinstance(value, Mapping):
        pairs = []
        for name, item in value.items():
            if not isinstance(item, str | int) or isinstance(item, bool):
                raise UsageError(f"attribute {name!r} must be text or a number")
            pairs.append((str(name), str(item)))
        return check_attributes(pairs)
    raise UsageError(
        "attributes must be an object of names to values, or KEY=VALUE pairs separated by ';'"
    )


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(
            "an attribute name is not valid (not quoted here: it may be a pasted value)",
            hint="use lower-case letters, digits and _, starting with a letter (e.g. project_id)",
        )
    if any(word in name for word in _SECRET_WORDS):
        raise UsageError(
            f"attribute {name!r} looks like it would hold a secret, and attributes are stored "
            "in plain text",
            hint="attributes are public identifiers only (kind, project_id, installation_id…); "
            "register the key's value on stdin, where only its fingerprint is kept",
        )
    return name


def _check_value(name: str, value: str) -> str:
    # Only the name is quoted back: a mistyped value could be the secret itself.
    if not value:
        raise UsageError(f"attribute {name!r} has an empty value")
    if value.startswith(_SECRET_PREFIXES):
        raise UsageError(
            f"the value of attribute {name!r} looks like a credential",
            hint="attributes are stored in plain text: give public identifiers only, and "
            "register the key's value on stdin, where only its fingerprint is kept",
        )
    if len(value) > MAX_VALUE or any(c in value for c in "\r\n\t"):
        raise UsageError(
            f"attribute {name!r} must be one line of at most {MAX_VALUE} characters",
            hint="attributes are short public identifiers such as a project id",
        )
    return value
