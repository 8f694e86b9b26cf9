"""A cache of validated rule sets, so start-up does not re-parse and re-validate the YAML.

Stage: data. Validating means compiling every pattern, which was most of a small scan's
start-up (a pre-commit hook pays it on every commit). The cache is JSON, not pickle, so a
file in the cache directory can never run code; it is keyed by the bytes and paths of every
rule file, so any edit misses it. Any trouble reading or writing it only costs a re-parse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from leakward.core.cache_files import user_cache, write_cache
from leakward.rules.model import Allowlist, Example, KeyIdLink, Rule, RuleSet
from leakward.rules.provider_names import ProviderName, ProviderNames

# Bumped whenever `Rule` or `Allowlist` gains a field: an older cache file then misses it.
FORMAT = "5"


def cache_file(key_material: bytes) -> Path:
    key = hashlib.sha256(FORMAT.encode() + b"\0" + key_material).hexdigest()[:24]
    return user_cache(f"rules-{key}.json")


def read(path: Path) -> RuleSet | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RuleSet(
            tuple(_rule(entry) for entry in data["rules"]),
            _allowlist(data["allowlist"]),
            str(data["digest"]),
            provider_names=_provider_names(data["provider_names"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(path: Path, ruleset: RuleSet) -> None:
    allow = ruleset.allowlist
    data = {
        "rules": [asdict(rule) for rule in ruleset.rules],
        "allowlist": {
            "example_secrets": sorted(allow.example_secrets),
            "stopwords": list(allow.stopwords),
            "placeholder_patterns": list(allow.placeholder_patterns),
            "ascending_run": allow.ascending_run,
        },
        "digest": ruleset.digest,
        "provider_names": asdict(ruleset.provider_names),
    }
    write_cache(path, json.dumps(data).encode())


def _examples(items: list[Mapping[str, object]]) -> tuple[Example, ...]:
    return tuple(
        Example(
            str(e["text"]),
            None if e["secret"] is None else str(e["secret"]),
            None if e.get("path") is None else str(e["path"]),
        )
        for e in items
    )


def _rule(entry: dict[str, object]) -> Rule:
    link = entry.pop("key_id")
    tuples = (
        "keywords",
        "stopwords",
        "allow_patterns",
        "not_placeholders",
        "references",
        "tags",
        "paths",
    )
    fields: dict[str, object] = {
        name: tuple(value) if name in tuples and isinstance(value, list) else value
        for name, value in entry.items()
    }
    fields["examples_match"] = _examples(entry["examples_match"])  # type: ignore[arg-type]
    fields["examples_no_match"] = _examples(entry["examples_no_match"])  # type: ignore[arg-type]
    fields["key_id"] = KeyIdLink(**link) if isinstance(link, dict) else None
    return Rule(**fields)  # type: ignore[arg-type]


def _allowlist(data: Mapping[str, Any]) -> Allowlist:
    return Allowlist(
        frozenset(data["example_secrets"]),
        tuple(data["stopwords"]),
        tuple(data["placeholder_patterns"]),
        int(data["ascending_run"]),
    )


def _provider_names(data: Mapping[str, Any]) -> ProviderNames:
    return ProviderNames(
        tuple(
            ProviderName(
                str(e["provider"]), tuple(tuple(w) for w in e["words"]), bool(e["is_glued"])
            )
            for e in data["entries"]
        ),
        str(data["secret_word"]),
        tuple(data["excluded"]),
    )
