"""What every rotator, secret store and notifier promises the rotation pipeline.

Stage: rotators. A rotator talks to one provider: `verify` is read-only, the rest change state
and must be safe to repeat (the pipeline retries and resumes after crashes). Errors are either
transient (retry with backoff, honouring `retry_after`) or permanent (stop, tell a human).
Rotators get plain values (`KeyRef`) rather than registry rows, so they can be tested alone.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from leakward.core.secret import Secret


class Liveness(enum.Enum):
    LIVE = "live"
    DEAD = "dead"
    # Could not tell (timeout, 5xx, 429, a proxy's HTML page): never taken to mean dead.
    UNKNOWN = "unknown"


class Capability(enum.Enum):
    FULL = "full"  # verify, reissue and revoke through the provider's API
    REVOKE_ONLY = "revoke-only"  # the API can kill the key; a human mints the replacement
    VERIFY_ONLY = "verify-only"  # only liveness is automatable; a human revokes and reissues


@dataclass(frozen=True, slots=True)
class Verdict:
    liveness: Liveness
    reason: str
    # Who the key belongs to when the provider says (an ARN, a user name, a project id).
    identity: str | None = None
    # Seconds the provider asked us to wait (a 429's Retry-After) when it could not tell.
    retry_after: float | None = None


# A key's non-secret settings that its replacement must copy, as JSON values: SendGrid scopes,
# Google API restrictions, a deploy key's read_only, an OpenAI key's service account …
Settings = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A provider key as the registry knows it: public identifiers only, never the secret.

    `settings` is the snapshot of the key's settings the pipeline took (`read_settings`) before
    anything could destroy the key; None when there is none, and `reissue` reads the live key.
    """

    provider: str
    key_id: str | None = None
    account: str | None = None  # AWS user, GitLab token owner, OpenAI project, GCP project …
    hint: str | None = None
    attributes: tuple[tuple[str, str], ...] = ()
    settings: Settings | None = field(default=None, hash=False)

    def attribute(self, name: str) -> str | None:
        return dict(self.attributes).get(name)


def settings_to_copy(key: KeyRef, read: Callable[[KeyRef], Settings | None]) -> Settings | None:
    """The snapshot `key` carries, else what the live key says (`read`); None: unknown."""
    return key.settings if key.settings is not None else read(key)


@dataclass(frozen=True, slots=True)
class NewCredential:
    """A freshly issued credential. `secret` exists only in memory and in the destination store."""

    secret: Secret
    key_id: str | None = None
    expires_at: str | None = None
    extra_public: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Unrecorded:
    """What an issue attempt whose answer was lost (a crash mid-call) left at the provider.

    `keys` are the replacements found again (by the name, tag or key id the attempt set, or as
    the successor of a token rotated in place): revoked, or rotated once more in place.
    `expires_by` is set where such a credential cannot be found (it has no public id): the
    latest moment it can still be valid, as UTC ISO 8601, so the row and the owner can say so.
    """

    keys: tuple[KeyRef, ...] = ()
    expires_by: str | None = None


class RotationError(Exception):
    """Base of rotation failures. Messages never contain a secret."""


class TransientError(RotationError):
    """Worth retrying: a timeout, a 5xx, a 429. `retry_after` is the provider's hint, seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(RotationError):
    """Retrying will not help (401 on the admin credential, a quota, a policy): page a human."""


class Rotator(Protocol):
    provider: ClassVar[str]
    capability: ClassVar[Capability]
    # Reissue rotates the key in place (GitLab rotate, Cloudflare roll): the old value dies the
    # moment the replacement is issued, so the key cannot be revoked before it is reissued.
    rotates_in_place: ClassVar[bool]

    def verify(self, secret: Secret, key: KeyRef | None = None) -> Verdict:
        """Read-only liveness check with the secret itself.

        `key` is the registry's view of the credential, when the caller has it. Most providers
        answer from the secret alone and ignore it; a GitHub deploy key is checked against its
        repository's deploy keys, so without `key` its verdict is UNKNOWN.
        """
        ...

    def read_settings(self, key: KeyRef) -> Settings | None:
        """Read-only: the live key's non-secret settings its replacement must copy (scopes, API
        restrictions, read-only access, owning service account …).

        `{}` when the provider has nothing to copy (or copies it itself, rotating in place);
        None when the key can no longer be read (deleted). The pipeline stores the result before
        any step that can destroy the key and hands it to `reissue` as `key.settings`.
        """
        ...

    def reissue(self, key: KeyRef, idempotency_token: str) -> NewCredential:
        """Issue a replacement (freeing a slot first where the provider caps keys).

        Settings are copied from `key.settings` (the snapshot), else read from the live key; a
        rotator whose replacement would be broader without them refuses when both are missing.
        """
        ...

    def find_unrecorded(self, key: KeyRef, idempotency_token: str, since: datetime) -> Unrecorded:
        """Read-only: what `reissue(key, idempotency_token)` created if its answer was lost.

        Called on resume when an issue attempt was cut off. `since` is a moment before that
        attempt started (creation times before it are someone else's); `key` is what the attempt
        reissued (for rotating in place: the token it rotated).
        """
        ...

    def revoke(self, key: KeyRef, secret: Secret | None = None) -> None:
        """Kill the key for good. Revoking an already revoked key is not an error.

        `secret` is the leaked value when the caller has it in memory. Bearer-only credentials
        (GitHub personal/OAuth/installation tokens, Slack tokens) can only be revoked with it and
        raise PermanentError without it; rotators that revoke by id ignore it.
        """
        ...

    def capability_for(self, key: KeyRef) -> Capability:
        """What the API can do for this key: `capability` is the most the provider allows, but
        some kinds do less (a GitHub PAT cannot be minted, an installation token can)."""
        ...

    def contain(self, key: KeyRef) -> bool:
        """Reversibly disable the key (AWS Inactive, GCP SA key disable, Anthropic inactive);
        False where the provider has no reversible step."""
        ...

    def list_keys(self, account: str | None = None) -> Sequence[KeyRef]:
        """The keys the provider reports, for importing into the registry."""
        ...

    def manual_steps(self, key: KeyRef) -> str:
        """What the owner must do by hand (with a link) where the API cannot."""
        ...


class SecretStore(Protocol):
    """A place a key is deployed (GitHub Actions secret, AWS Secrets Manager, Vault KV)."""

    kind: ClassVar[str]

    def put(self, locator: str, value: Secret, idempotency_token: str) -> None:
        """Stage or write the new value; repeating with the same token changes nothing."""
        ...

    def promote(self, locator: str, idempotency_token: str) -> None:
        """Make the staged value current (a no-op for stores without staging)."""
        ...


@dataclass(frozen=True, slots=True)
class Notice:
    """What the owner is told. Only redacted values and fingerprints, never a secret."""

    recipient: str
    subject: str
    provider: str
    key_hint: str
    fingerprint: str
    locations: tuple[str, ...]
    exposure_seconds: float | None
    actions_taken: tuple[str, ...]
    owner_must: tuple[str, ...]
    repository: str | None = None


class Notifier(Protocol):
    """Implemented in webhooks/notify/, handed to the pipeline: rotators never import webhooks."""

    kind: ClassVar[str]

    def send(self, notice: Notice, idempotency_key: str) -> None: ...
