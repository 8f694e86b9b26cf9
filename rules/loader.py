"""Loads and validates rule files: `rules/*.yaml` (built in) plus any user rule directories.

Stage: data. Every problem is a RuleError naming the file, the rule and what to change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import regex
import yaml

from leakward.core.errors import RuleError
from leakward.rules import cache
from leakward.rules.checksums import VALIDATORS
from leakward.rules.model import (
    CONFIDENCES,
    SEVERITIES,
    Allowlist,
    Example,
    KeyIdLink,
    Rule,
    RuleSet,
)
from leakward.rules.provider_names import (
    NAMED_SUFFIX,
    ProviderNames,
    is_named_rule_id,
    parse_provider_names,
)

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BUILTIN_DIR = Path(__file__).resolve().parent
ALLOWLIST_FILE = "_allowlist.yaml"
PROVIDER_NAMES_FILE = "_provider_names.yaml"
_ID = regex.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_RULE_KEYS = {
    "id",
    "name",
    "provider",
    "severity",
    "confidence",
    "keywords",
    "pattern",
    "min_entropy",
    "validator",
    "allow",
    "rotator",
    "references",
    "enabled",
    "tags",
    "key_id",
    "paths",
    "examples",
    "verify",
}


def load_rules(extra_dirs: Sequence[Path] = (), *, include_builtin: bool = True) -> RuleSet:
    """The built-in rules plus every `*.yaml` in `extra_dirs`; ids must be unique across all."""
    files: list[Path] = []
    if include_builtin:
        files += sorted(p for p in BUILTIN_DIR.glob("*.yaml") if not p.name.startswith("_"))
    for directory in extra_dirs:
        if directory.is_file():
            files.append(directory)
        elif directory.is_dir():
            files += sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
        else:
            raise RuleError(f"rule directory {directory} does not exist", "pass --rules DIR")
    raws = [(path, path.read_bytes()) for path in files]
    allow_raw = (BUILTIN_DIR / ALLOWLIST_FILE).read_bytes()
    names_raw = (BUILTIN_DIR / PROVIDER_NAMES_FILE).read_bytes()
    digest = hashlib.sha256()
    for path, raw in raws:
        digest.update(path.name.encode() + b"\0" + raw)
    digest.update(allow_raw)
    digest.update(names_raw)
    # The cache key adds the full paths: error messages name the file a rule came from.
    cached_at = cache.cache_file(
        digest.hexdigest().encode() + b"".join(str(p).encode() + b"\0" for p, _ in raws)
    )
    cached = cache.read(cached_at)
    if cached is not None and cached.digest == digest.hexdigest():
        return cached
    rules: list[Rule] = []
    for path, raw in raws:
        rules += parse_rule_file(raw, str(path))
    allowlist = load_allowlist(BUILTIN_DIR / ALLOWLIST_FILE)
    check_unique(rules)
    check_not_placeholders(rules, allowlist)
    names = load_provider_names(names_raw, str(BUILTIN_DIR / PROVIDER_NAMES_FILE))
    ruleset = RuleSet(tuple(rules), allowlist, digest.hexdigest(), provider_names=names)
    cache.write(cached_at, ruleset)
    return ruleset


def check_not_placeholders(rules: Iterable[Rule], allowlist: Allowlist) -> None:
    """Each `allow.not_placeholders` entry names a shared placeholder pattern word for word, so
    a pattern edited in the allowlist cannot leave a stale exemption behind."""
    for rule in rules:
        for pattern in rule.not_placeholders:
            if pattern not in allowlist.placeholder_patterns:
                raise RuleError(
                    f"{rule.id}: allow.not_placeholders names {pattern!r}, which is not a "
                    "placeholder pattern of rules/_allowlist.yaml",
                    "copy the pattern exactly as the allowlist writes it",
                )


def load_provider_names(raw: bytes, source: str) -> ProviderNames:
    return parse_provider_names(_load_yaml(raw, source), source)


def check_unique(rules: Iterable[Rule]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if is_named_rule_id(rule.id):
            raise RuleError(
                f"{rule.source}: rule {rule.id}: ids ending in {NAMED_SUFFIX} are reserved for "
                "findings attributed by name",
                "pick another id",
            )
        if rule.id in seen:
            raise RuleError(
                f"{rule.source}: rule {rule.id}: id already defined in {seen[rule.id]}",
                "rule ids are never reused; pick a new id",
            )
        seen[rule.id] = rule.source
    for rule in rules:
        if rule.key_id and rule.key_id.rule not in seen:
            raise RuleError(
                f"{rule.source}: rule {rule.id}: key_id.rule {rule.key_id.rule!r} is not a rule",
                "name the id of the rule that finds the public key id",
            )


def load_allowlist(path: Path) -> Allowlist:
    data = _load_yaml(path.read_bytes(), str(path)) if path.exists() else {}
    patterns = _strings(data, "placeholder_patterns", str(path))
    for pattern in patterns:
        _compile(pattern, f"{path}: placeholder pattern {pattern!r}")
    run = data.get("ascending_run", 0)
    if not isinstance(run, int) or isinstance(run, bool) or not (run == 0 or run >= 4):
        raise RuleError(
            f"{path}: `ascending_run` must be 0 (off) or a whole number of at least 4",
            "a shorter run (abc, 123) is common in real random keys",
        )
    return Allowlist(
        example_secrets=frozenset(_strings(data, "example_secrets", str(path))),
        stopwords=tuple(s.lower() for s in _strings(data, "stopwords", str(path))),
        placeholder_patterns=patterns,
        ascending_run=run,
    )


def _strings(data: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise RuleError(f"{where}: `{key}` must be a list", None)
    return tuple(str(item) for item in value)


def parse_rule_file(raw: bytes, source: str) -> list[Rule]:
    data = _load_yaml(raw, source)
    provider = data.get("provider")
    entries = data.get("rules")
    if not isinstance(provider, str) or not isinstance(entries, list):
        raise RuleError(
            f"{source}: a rule file needs `provider: NAME` and a `rules:` list",
            "see rules/README.md for the format",
        )
    return [_parse_rule(entry, provider, source, index) for index, entry in enumerate(entries)]


def _load_yaml(raw: bytes, source: str) -> Mapping[str, object]:
    try:
        # libyaml's loader where PyYAML was built with it: five times faster at start-up.
        data = yaml.load(raw, Loader=_SafeLoader)  # noqa: S506 - a safe loader either way
    except yaml.YAMLError as exc:
        raise RuleError(f"{source}: not valid YAML: {exc}", "fix the YAML syntax") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RuleError(f"{source}: expected a mapping at the top level", None)
    return data


def _parse_rule(entry: object, provider: str, source: str, index: int) -> Rule:
    if not isinstance(entry, dict):
        raise RuleError(f"{source}: rule #{index + 1}: expected a mapping", None)
    rule_id = entry.get("id")
    where = f"{source}: rule {rule_id or '#' + str(index + 1)}"
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RuleError(f"{where}: id must look like provider.kind[.variant], lowercase", None)
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}", f"known: {sorted(_RULE_KEYS)}")
    pattern = _require_str(entry, "pattern", where)
    compiled = _compile(pattern, where)
    if "secret" not in compiled.groupindex:
        raise RuleError(f"{where}: pattern has no (?P<secret>…) group", "name the secret's group")
    keywords = tuple(str(k) for k in entry.get("keywords") or ())
    paths = tuple(str(p) for p in entry.get("paths") or ())
    for path_pattern in paths:
        _compile(path_pattern, f"{where}: paths entry {path_pattern!r}")
    # A rule held to named files may go without keywords: its pattern is the gate there.
    if (not keywords and not paths) or any(not k for k in keywords):
        raise RuleError(f"{where}: needs at least one non-empty keyword", "keywords gate the rule")
    severity = str(entry.get("severity", "high"))
    confidence = str(entry.get("confidence", "high"))
    if severity not in SEVERITIES:
        raise RuleError(f"{where}: severity {severity!r} is not one of {SEVERITIES}", None)
    if confidence not in CONFIDENCES:
        raise RuleError(f"{where}: confidence {confidence!r} is not one of {CONFIDENCES}", None)
    validator = entry.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise RuleError(f"{where}: unknown validator {validator!r}", f"known: {sorted(VALIDATORS)}")
    allow = entry.get("allow") or {}
    allow_patterns = tuple(str(p) for p in allow.get("patterns", []))
    for allowed in allow_patterns:
        _compile(allowed, f"{where}: allow pattern {allowed!r}")
    examples = entry.get("examples") or {}
    return Rule(
        id=rule_id,
        name=_require_str(entry, "name", where),
        provider=str(entry.get("provider", provider)),
        pattern=pattern,
        keywords=keywords,
        severity=severity,
        confidence=confidence,
        min_entropy=float(entry.get("min_entropy", 0.0)),
        validator=validator,
        stopwords=tuple(str(s).lower() for s in allow.get("stopwords", [])),
        allow_patterns=allow_patterns,
        not_placeholders=tuple(str(p) for p in allow.get("not_placeholders", [])),
        rotator=entry.get("rotator"),
        references=tuple(str(r) for r in entry.get("references", [])),
        enabled=bool(entry.get("enabled", True)),
        tags=tuple(str(t) for t in entry.get("tags", [])),
        key_id=_parse_key_id(entry.get("key_id"), where),
        paths=paths,
        examples_match=_parse_examples(examples.get("match"), where),
        examples_no_match=_parse_examples(examples.get("no_match"), where),
        source=source,
    )


def _parse_key_id(value: object, where: str) -> KeyIdLink | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("rule"), str):
        raise RuleError(f"{where}: key_id needs `rule: ID` (and max_distance, required)", None)
    return KeyIdLink(
        rule=value["rule"],
        max_distance=int(value.get("max_distance", 1024)),
        required=bool(value.get("required", False)),
    )


def _parse_examples(value: object, where: str) -> tuple[Example, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RuleError(f"{where}: examples.match / no_match must be lists", None)
    parsed: list[Example] = []
    for item in value:
        if isinstance(item, str):
            parsed.append(Example(item))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            secret, path = item.get("secret"), item.get("path")
            parsed.append(
                Example(
                    item["text"],
                    None if secret is None else str(secret),
                    None if path is None else str(path),
                )
            )
        else:
            raise RuleError(f"{where}: an example is a string or {{text, secret, path}}", None)
    return tuple(parsed)


def _require_str(entry: Mapping[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{where}: `{key}` is required and must be text", None)
    return value


def _compile(pattern: str, where: str) -> regex.Pattern[bytes]:
    try:
        return regex.compile(pattern.encode())
    except regex.error as exc:
        raise RuleError(
            f"{where}: pattern does not compile: {exc}", "fix the regular expression"
        ) from None
