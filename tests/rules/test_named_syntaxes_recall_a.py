"""Name-anchored provider rules read the name in every common syntax, on both engines.

A rule whose token has no prefix, or one too short to stand alone (LightOn, Infomaniak, Gumroad,
Disqus, Endor Labs, Fullstory, legacy Vault and Figma tokens, Drone), finds it only through the
name before it. Each rule's YAML examples show one or two syntaxes; here every such rule meets
the same invented value as a shell/.env assignment, a Python assignment, a YAML key, a JSON
member and a Go short declaration, and must report it under its own id. The same value under a
name that says nothing about the provider must not be attributed to it.
"""

from __future__ import annotations

import pytest

from leakward.rules.loader import load_rules
from leakward.rules.model import RuleSet
from leakward.scanner.engines import make_engine
from leakward.scanner.matcher import Matcher
from leakward.scanner.models import Chunk, Origin

RULESET: RuleSet = load_rules()

# rule id, the name as an upper-case environment variable, an invented value in the documented shape
NAMED = [
    ("vault.service_token.legacy", "VAULT_TOKEN", "s.VkICPKVC8msAikl6kqP5yfiU"),
    ("endorlabs.api_credential", "ENDOR_API_KEY", "endr+kU56NO93jFFbXtGh"),
    (
        "lighton.paradigm_api_key",
        "PARADIGM_API_KEY",
        "OaZUXYH5z5H_o44egF_ecjIL27Ebg-6wGEZcfNv50jg6wcXG",
    ),
    (
        "infomaniak.api_token",
        "INFOMANIAK_API_TOKEN",
        "k9AFKnDrBi2DrbzzzdXru7kPfbt9LODH7fzkZq7V93HHt8b-ZKPNww8YBwkGy1CYrc7xY2FO",
    ),
    (
        "disqus.api_secret",
        "DISQUS_SECRET_KEY",
        "4UcZx1G9ak2k5jVHBpQrJxH1plwFxoCb8AKKgRaEs07lw98RKOzIIFoca4pYmqvj",
    ),
    (
        "gumroad.access_token",
        "GUMROAD_ACCESS_TOKEN",
        "fa44deb399dd69734bc400ffc9a77a12090a8e5a2b90e717010275248f52abd0",
    ),
    ("drone.token", "DRONECI_API_TOKEN", "W9YcZEOtMG5dytVdNCyDt0YS78vE0pr8"),
    (
        "fullstory.api_key",
        "FULLSTORY_API_KEY",
        "na1.Hc66YQUMuYDv4Es1tUwAaJKnti7iEVj0WfmjJEmwxW7h3nmy204TZGMX",
    ),
    (
        "figma.personal_access_token.legacy",
        "X_FIGMA_TOKEN",
        "F9F3-5CCC242F-0622-D90D-F37A-EEB310341EC8",
    ),
]


def _camel(env_name: str) -> str:
    first, *rest = env_name.lower().split("_")
    return first + "".join(part.capitalize() for part in rest)


def _syntaxes(env_name: str, value: str) -> dict[str, str]:
    snake, camel = env_name.lower(), _camel(env_name)
    return {
        "env": f"{env_name}={value}",
        "python": f'{snake} = "{value}"',
        "yaml": f"{snake}: {value}",
        "json": f'  "{camel}": "{value}",',
        "go": f'{camel} := "{value}"',
    }


@pytest.fixture(scope="module", params=("hyperscan", "regex"))
def matcher(request: pytest.FixtureRequest) -> Matcher:
    return Matcher(RULESET, make_engine(RULESET, request.param))


def _found(matcher: Matcher, text: str) -> set[tuple[str, str]]:
    chunk = Chunk(text.encode(), Origin("file", "named.txt"))
    return {(f.rule_id, f.secret.reveal()) for f in matcher.scan_chunk(chunk)}


@pytest.mark.parametrize("syntax", ["env", "python", "yaml", "json", "go"])
@pytest.mark.parametrize(("rule_id", "env_name", "value"), NAMED, ids=[n[0] for n in NAMED])
def test_rule_reads_its_name_in_each_syntax(
    matcher: Matcher, rule_id: str, env_name: str, value: str, syntax: str
) -> None:
    text = _syntaxes(env_name, value)[syntax]
    assert (rule_id, value) in _found(matcher, text), text


@pytest.mark.parametrize(("rule_id", "env_name", "value"), NAMED, ids=[n[0] for n in NAMED])
def test_value_under_an_unrelated_name_is_not_attributed(
    matcher: Matcher, rule_id: str, env_name: str, value: str
) -> None:
    for text in _syntaxes("BUILD_CACHE_DIGEST", value).values():
        assert rule_id not in {found for found, _ in _found(matcher, text)}, text
