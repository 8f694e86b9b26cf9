"""Proves rules by their own examples: every `match` example must be found, every `no_match`
example must not, on every installed engine. `leakward rules check` and the test suite share it.

Stage: rule tooling on top of the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from leakward.rules.model import Example, Rule, RuleSet
from leakward.rules.provider_names import is_named_rule_id
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule_id: str
    engine: str
    kind: str  # "match" or "no_match"
    example: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rule_id} [{self.engine}] {self.kind} example {self.example!r}: {self.reason}"


def example_findings(matcher: Matcher, example: Example) -> list[tuple[str, str]]:
    """(rule id, secret) for every finding in an example scanned as a small file of its own."""
    chunk = Chunk(example.text.encode(), Origin(kind="file", path=example.path or "example"))
    return [(f.rule_id, f.secret.reveal()) for f in matcher.scan_chunk(chunk)]


def is_reported_by(rule: Rule, rule_id: str) -> bool:
    """A finding's id is the rule's own, or for a rule attributed by name the provider's
    (`trello.named`)."""
    return rule_id == rule.id or (rule.is_attributed_by_name and is_named_rule_id(rule_id))


def check_rule(matcher: Matcher, rule: Rule, engine: str) -> list[ExampleFailure]:
    failures = []
    for example in rule.examples_match:
        found = example_findings(matcher, example)
        secrets = [secret for rule_id, secret in found if is_reported_by(rule, rule_id)]
        if not secrets:
            others = sorted({rule_id for rule_id, _ in found})
            failures.append(
                ExampleFailure(
                    rule.id,
                    engine,
                    "match",
                    example.text,
                    f"not found (found instead: {others or 'nothing'})",
                )
            )
        elif example.secret is not None and example.secret not in secrets:
            failures.append(
                ExampleFailure(
                    rule.id,
                    engine,
                    "match",
                    example.text,
                    "found, but the secret group captured something else",
                )
            )
        lowered = example.text.lower()
        if rule.keywords and not any(keyword.lower() in lowered for keyword in rule.keywords):
            failures.append(
                ExampleFailure(
                    rule.id,
                    engine,
                    "match",
                    example.text,
                    "none of the rule's keywords occurs in it",
                )
            )
    for example in rule.examples_no_match:
        found = example_findings(matcher, example)
        if any(is_reported_by(rule, rule_id) for rule_id, _ in found):
            failures.append(
                ExampleFailure(
                    rule.id, engine, "no_match", example.text, "reported, but must not be"
                )
            )
    return failures


def check_rules(ruleset: RuleSet, engines: tuple[str, ...]) -> list[ExampleFailure]:
    """Every example of every rule (off-by-default ones included) on each named engine."""
    failures: list[ExampleFailure] = []
    for engine in engines:
        matcher = Matcher(ruleset, make_engine(ruleset, engine))
        for rule in ruleset.rules:
            failures += check_rule(matcher, rule, engine)
    return failures
