"""A sweep worker builds its matcher once for all the repositories it scans, and a new one when
the rules change; threads never share one (an engine's scratch space serves one scan at a time).
"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from leakward.registry import Registry
from leakward.rules.loader import load_rules
from leakward.scanner import scan
from leakward.scanner.scan import ScanOptions, matcher_for
from leakward.settings.work import WorkSettings
from leakward.sweep.repos import scan_repository
from tests.git.repos import pat
from tests.sweep.fixtures import Origins


def test_one_matcher_per_rule_set_and_thread() -> None:
    ruleset = load_rules().select()
    options = ScanOptions(jobs=1)
    first = matcher_for(ruleset, options)
    assert matcher_for(load_rules().select(), options) is first  # equal rules, same matcher
    fewer = replace(ruleset, rules=ruleset.rules[1:])
    assert matcher_for(fewer, options) is not first  # a changed configuration takes effect
    assert matcher_for(ruleset, replace(options, decode_depth=0)) is not first
    elsewhere: list[object] = []
    thread = threading.Thread(target=lambda: elsewhere.append(matcher_for(ruleset, options)))
    thread.start()
    thread.join()
    assert elsewhere[0] is not first


def test_scanning_repositories_one_after_another_builds_the_matcher_once(
    settings: WorkSettings,
    origins: Origins,
    registry: Registry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ruleset = load_rules().select()
    built: list[int] = []
    real = scan.Matcher

    def counting(*args: object, **kwargs: object) -> scan.Matcher:
        built.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "Matcher", counting)
    monkeypatch.setattr(scan, "_BUILT", {})
    for index in range(3):
        repo = origins.add(f"repo-{index}", **{"key.env": f"TOKEN={pat(7700 + index)}\n"})
        payload: dict[str, object] = {
            "repository": f"acme/repo-{index}",
            "clone_url": str(repo.path),
        }
        outcome = scan_repository(registry, ruleset, settings, payload, f"scan-{index}")
        assert outcome.summary["findings"] == 1
    assert built == [1]
