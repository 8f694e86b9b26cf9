"""Imports a team's existing gitleaks TOML rules, so switching tools needs no rule rewrite.

Stage: data. Each `[[rules]]` entry becomes a Rule: `regex` (RE2 syntax, which the `regex` module
reads), `secretGroup` (else the only capture group, else the whole match), `entropy`, `keywords`,
and the rule's and file's allowlist `regexes` and `stopwords`. `[extend]` is accepted and ignored:
leakward's own rules are always there underneath.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import regex

from leakward.core.errors import RuleError
from leakward.rules.model import Rule

_ALLOWED_LEVELS = {"secret", "match", ""}


def _allowlists(entry: dict[str, object]) -> list[dict[str, object]]:
    lists: list[dict[str, object]] = []
    single = entry.get("allowlist")
    if isinstance(single, dict):
        lists.append(single)
    many = entry.get("allowlists")
    if isinstance(many, list):
        lists += [item for item in many if isinstance(item, dict)]
    return lists


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def load_gitleaks_rules(path: Path) -> list[Rule]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: not a readable gitleaks TOML file: {exc}", None) from None
    global_allow = _allowlists(data)
    rules = []
    for index, entry in enumerate(data.get("rules", [])):
        rule_id = str(entry.get("id") or f"rule{index + 1}")
        where = f"{path}: gitleaks rule {rule_id}"
        pattern = entry.get("regex")
        if not isinstance(pattern, str):
            continue  # path-only rules flag files, not secrets: nothing for the matcher
        try:
            compiled = regex.compile(pattern.encode())
        except regex.error as exc:
            raise RuleError(
                f"{where}: regex does not compile: {exc}", "fix or drop the rule"
            ) from None
        group = entry.get("secretGroup")
        secret_group: int = (
            int(group) if isinstance(group, int) and group > 0 else int(compiled.groups == 1)
        )
        stopwords: list[str] = []
        patterns: list[str] = []
        for allow in _allowlists(entry) + global_allow:
            if str(allow.get("regexTarget", "")) in _ALLOWED_LEVELS:
                patterns += _strings(allow.get("regexes"))
            stopwords += _strings(allow.get("stopwords"))
        keywords = tuple(k for k in _strings(entry.get("keywords")) if k)
        rules.append(
            Rule(
                id="gitleaks." + regex.sub(r"[^a-z0-9_]+", "_", rule_id.lower()).strip("_"),
                name=str(entry.get("description") or rule_id),
                provider=rule_id.split("-")[0].lower(),
                pattern=pattern,
                keywords=keywords,
                severity="high",
                confidence="medium",
                min_entropy=float(entry.get("entropy", 0.0)),
                stopwords=tuple(s.lower() for s in stopwords),
                allow_patterns=tuple(patterns),
                tags=("gitleaks", *_strings(entry.get("tags"))),
                secret_group=secret_group,
                source=str(path),
            )
        )
    return rules
