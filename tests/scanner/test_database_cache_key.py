"""The cached Hyperscan database is keyed by the code that builds it, so a scan never loads a
database that the translation before a change built."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from leakward.rules.loader import load_rules
from leakward.scanner.engines import hyperscan_compile, pattern_shape, translate
from leakward.scanner.engines.hyperscan_compile import cache_path, triggers_of


@pytest.mark.parametrize("module", [translate, pattern_shape, hyperscan_compile])
def test_an_edit_to_the_code_that_builds_the_database_changes_its_cache_file(
    module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = load_rules()
    triggers = triggers_of(ruleset)
    before = cache_path(ruleset, triggers)
    # Unchanged code reads the same key: the cache is still found from one scan to the next.
    assert hyperscan_compile._builders_digest() == hyperscan_compile._BUILDERS_DIGEST

    # A copy of the module with one more line stands for an edited translation.
    edited = tmp_path / Path(str(module.__file__)).name
    edited.write_bytes(Path(str(module.__file__)).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(module, "__file__", str(edited))
    monkeypatch.setattr(hyperscan_compile, "_BUILDERS_DIGEST", hyperscan_compile._builders_digest())

    assert cache_path(ruleset, triggers) != before
