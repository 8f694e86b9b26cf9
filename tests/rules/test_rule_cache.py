"""The validated-rules cache: the same rule set as a fresh parse, and any edit misses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from leakward.rules import cache
from leakward.rules.loader import load_rules

CUSTOM = """provider: acme
rules:
  - id: acme.key
    name: Acme key
    keywords: [acme_]
    pattern: '(?P<secret>acme_[a-z0-9]{20})'
    key_id: {rule: acme.key, max_distance: 10}
    examples:
      match: [{text: 'k = acme_q3v9xt2mkp7lwr4sz8bn', secret: acme_q3v9xt2mkp7lwr4sz8bn}]
      no_match: ['acme_short']
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_cached_rules_equal_a_fresh_parse(tmp_path: Path, private_cache: Path) -> None:
    custom = tmp_path / "rules"
    custom.mkdir()
    (custom / "acme.yaml").write_text(CUSTOM)
    fresh = load_rules([custom])
    assert list(private_cache.rglob("rules-*.json")), "the first load writes the cache"
    again = load_rules([custom])
    assert again == fresh
    assert again.by_id()["acme.key"].key_id is not None


def test_an_edit_misses_the_cache(tmp_path: Path) -> None:
    custom = tmp_path / "rules"
    custom.mkdir()
    (custom / "acme.yaml").write_text(CUSTOM)
    load_rules([custom])
    (custom / "acme.yaml").write_text(CUSTOM.replace("Acme key", "Acme API key"))
    assert load_rules([custom]).by_id()["acme.key"].name == "Acme API key"


def test_a_corrupt_cache_file_only_costs_a_parse(private_cache: Path) -> None:
    fresh = load_rules()
    for path in private_cache.rglob("rules-*.json"):
        path.write_text("{not json")
    assert load_rules() == fresh
    assert cache.read(next(private_cache.rglob("rules-*.json"))) is not None  # rewritten
