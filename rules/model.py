"""The Rule value and the global allowlist, as loaded from `rules/*.yaml`.

Stage: data. Nothing here scans; the scanner compiles these into its engines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from leakward.rules.provider_names import NAMED_SUFFIX, ProviderNames

SEVERITIES = ("critical", "high", "medium", "low", "info")
CONFIDENCES = ("high", "medium", "low")


def severity_rank(severity: str) -> int:
    """Higher is worse: critical=4 … info=0."""
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)


def confidence_rank(confidence: str) -> int:
    """Higher is surer: high=2, medium=1, low=0."""
    return len(CONFIDENCES) - 1 - CONFIDENCES.index(confidence)


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example. `secret`, when given, is what the `secret` group must capture; `path`
    is the file name it is scanned as (for rules with `paths`)."""

    text: str
    secret: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class KeyIdLink:
    """Pairs a secret with the public key id found near it (AWS key id + secret access key).

    When `required`, the rule is only tried within `max_distance` bytes of a match of `rule`: a bare
    40-character base64 string means nothing on its own but a great deal next to an `AKIA…` id.
    """

    rule: str
    max_distance: int = 1024
    required: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    provider: str
    pattern: str
    keywords: tuple[str, ...]
    severity: str = "high"
    confidence: str = "high"
    min_entropy: float = 0.0
    validator: str | None = None
    stopwords: tuple[str, ...] = ()
    allow_patterns: tuple[str, ...] = ()
    # Shared placeholder patterns (rules/_allowlist.yaml) this rule's secrets may match: a
    # format whose real values look masked (Twitter/X bearer tokens open with a run of A's).
    not_placeholders: tuple[str, ...] = ()
    rotator: str | None = None
    references: tuple[str, ...] = ()
    enabled: bool = True
    tags: tuple[str, ...] = ()
    key_id: KeyIdLink | None = None
    # Regexes searched in the file's path: when given, the rule reports only in files one
    # matches (`.pgpass`, `config/master.key`, whose content alone says too little).
    paths: tuple[str, ...] = ()
    # Which group holds the secret: "secret" for our rules, a number for imported gitleaks rules.
    secret_group: str | int = "secret"  # noqa: S105 - a group name, not a password
    examples_match: tuple[Example, ...] = ()
    examples_no_match: tuple[Example, ...] = ()
    source: str = ""

    @property
    def is_attributed_by_name(self) -> bool:
        """Its pattern marks the setting's name (a `name` group): a finding whose name speaks of
        a provider is reported as that provider's (`trello.named`)."""
        return "(?P<name>" in self.pattern


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Values that are never secrets, whatever rule matched them (`rules/_allowlist.yaml`)."""

    example_secrets: frozenset[str] = frozenset()
    stopwords: tuple[str, ...] = ()
    placeholder_patterns: tuple[str, ...] = ()
    # A secret holding this many characters in alphabet or digit order (abcdefgh, 12345678) is
    # made up; 0 turns the check off.
    ascending_run: int = 0


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    allowlist: Allowlist = field(default_factory=Allowlist)
    # sha256 over every rule file's bytes: keys the compiled-database cache.
    digest: str = ""
    # Tokens a rule's checksum rejects are reported at low confidence (`--min-confidence low`).
    reports_failed_checksums: bool = False
    # Provider words for rules attributed by name (`rules/_provider_names.yaml`).
    provider_names: ProviderNames = field(default_factory=ProviderNames)

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def select(
        self,
        enable: Sequence[str] = (),
        disable: Sequence[str] = (),
        min_confidence: str = "low",
        failed_checksums: bool = False,
    ) -> RuleSet:
        """The rules to scan with. Off-by-default rules (test-mode keys) only when `enable` names
        their id, provider or a tag; `disable` names ids, providers or tags to leave out. Rules
        below `min_confidence` are left out too, unless `enable` names them. `failed_checksums`:
        tokens whose documented checksum fails are reported too, at low confidence (a person
        asked for them; the sweep and the receiver, which match findings to issued keys, never
        want them: no issued key fails its own checksum)."""

        def named(rule: Rule, names: Sequence[str]) -> bool:
            return rule.id in names or rule.provider in names or any(t in names for t in rule.tags)

        floor = confidence_rank(min_confidence)

        def wanted(rule: Rule) -> bool:
            if named(rule, enable):
                return True
            return rule.enabled and confidence_rank(rule.confidence) >= floor

        kept = tuple(rule for rule in self.rules if wanted(rule) and not named(rule, disable))
        # `trello` or `trello.named` in `disable` also takes Trello out of attribution by name.
        names = self.provider_names.without({name.removesuffix(NAMED_SUFFIX) for name in disable})
        selection = ",".join(rule.id for rule in kept)
        attributed = ",".join(entry.provider for entry in names.entries)
        marker = ":failed-checksums" if failed_checksums else ""
        digest = hashlib.sha256(
            f"{self.digest}:{selection}:{attributed}{marker}".encode()
        ).hexdigest()
        return RuleSet(kept, self.allowlist, digest, failed_checksums, names)
