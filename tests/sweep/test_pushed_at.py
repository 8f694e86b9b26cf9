"""Re-sweeps that skip the fetch of a repository GitHub says nobody pushed to since its last one.

Real origins, mirrors and registries; the fake API lists `pushed_at` as the time the origin's
refs last changed. Whether git ran for a repository is read off its mirror: `git clone --mirror`
writes no FETCH_HEAD and every `git fetch` writes it, so its absence or unchanged time after a
sweep means no fetch happened.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from leakward.registry import Registry, sweep_state
from leakward.settings.work import WorkSettings
from leakward.sweep.jobs import perform
from leakward.sweep.org import SweepReport, run_local_sweep
from leakward.sweep.repos import parse_pushed_at
from tests.git.repos import pat
from tests.sweep.fake_org import FakeOrgGitHub
from tests.sweep.fixtures import Origins, fetch_moved_back

AN_HOUR_AGO = timedelta(hours=1)


def _sweep(settings: WorkSettings) -> dict[str, dict[str, object]]:
    report: SweepReport = run_local_sweep("acme", settings, workers=2, processes=False)
    assert report.failed == []
    return {t.subject: t.summary for t in report.tasks if t.kind == "scan_repo"}


def _fetch_head(settings: WorkSettings, name: str) -> int | None:
    """The mtime of the mirror's FETCH_HEAD in ns, None if no fetch ever ran in it."""
    path = settings.mirror_dir / "acme" / f"{name}.git" / "FETCH_HEAD"
    return path.stat().st_mtime_ns if path.exists() else None


def _leaked_paths(settings: WorkSettings) -> set[str]:
    with Registry.open(settings.db_url) as registry:
        return {place.path for leak in registry.list_leaks() for place in leak.locations}


def _last_pushed_an_hour_ago(origins: Origins, *names: str) -> None:
    for name in names:
        origins.set_pushed_at(name, datetime.now(UTC) - AN_HOUR_AGO)


def test_an_unchanged_repository_is_not_fetched_and_a_pushed_one_is_scanned(
    both_databases: WorkSettings, origins: Origins
) -> None:
    settings = both_databases
    origins.add("quiet")
    busy = origins.add("busy")
    _last_pushed_an_hour_ago(origins, "quiet", "busy")
    first = _sweep(settings)
    assert {name: s["fetched"] for name, s in first.items()} == {
        "acme/quiet": True,  # never fetched before: cloned whatever pushed_at says
        "acme/busy": True,
    }
    with Registry.open(settings.db_url) as registry:
        began = sweep_state.fetch_began(registry.engine, "acme/quiet")
    assert _fetch_head(settings, "quiet") is None  # a clone, not a fetch

    busy.commit("add a key", **{"deploy.env": f"TOKEN={pat(7301)}\n"})
    second = _sweep(settings)

    assert second["acme/quiet"] == {
        "repository": "acme/quiet",
        "state": "unchanged",
        "fetched": False,
        "new_tips": 0,
        "findings": 0,
    }
    assert _fetch_head(settings, "quiet") is None  # still no git fetch in its mirror
    with Registry.open(settings.db_url) as registry:
        assert sweep_state.fetch_began(registry.engine, "acme/quiet") == began
    # The pushed repository was fetched (FETCH_HEAD proves the observation above can see one)
    # and only its new commit scanned.
    assert (second["acme/busy"]["state"], second["acme/busy"]["fetched"]) == ("scanned", True)
    assert second["acme/busy"]["findings"] == 1
    assert _fetch_head(settings, "busy") is not None
    assert _leaked_paths(settings) == {"deploy.env"}


@pytest.mark.parametrize(
    "stamped", [timedelta(0), timedelta(seconds=-1)], ids=["same-second", "a-second-early"]
)
def test_a_push_stamped_at_the_moment_the_last_fetch_began_is_not_lost(
    settings: WorkSettings, origins: Origins, registry: Registry, stamped: timedelta
) -> None:
    """A push that reached the origin just after our fetch began (so it is not in the mirror),
    yet whose whole-second `pushed_at` is at or even a second before that moment."""
    app = origins.add("app")
    _last_pushed_an_hour_ago(origins, "app")
    _sweep(settings)
    began = sweep_state.fetch_began(registry.engine, "acme/app")
    assert began is not None

    app.commit("add a key", **{"late.env": f"TOKEN={pat(7302)}\n"})
    origins.set_pushed_at("app", began + stamped)
    assert origins.fake.find("acme/app").json()["pushed_at"] <= began.strftime("%Y-%m-%dT%H:%M:%SZ")
    second = _sweep(settings)
    assert (second["acme/app"]["fetched"], second["acme/app"]["findings"]) == (True, 1)
    assert _leaked_paths(settings) == {"late.env"}


def test_a_push_right_after_the_listing_is_fetched_by_the_next_sweep(
    settings: WorkSettings, origins: Origins, fake_org: FakeOrgGitHub
) -> None:
    app = origins.add("app")
    _last_pushed_an_hour_ago(origins, "app")
    _sweep(settings)

    def push_after_listing(page: int) -> None:
        app.commit("add a key", **{"racing.env": f"TOKEN={pat(7303)}\n"})
        fake_org.after_page = None

    fake_org.after_page = push_after_listing
    second = _sweep(settings)
    # The listing still showed the old pushed_at, so this sweep may skip the fetch, but it must
    # not count the push as fetched: the next listing shows it and that sweep scans it.
    assert second["acme/app"]["findings"] == 0
    third = _sweep(settings)
    assert (third["acme/app"]["fetched"], third["acme/app"]["findings"]) == (True, 1)
    assert _leaked_paths(settings) == {"racing.env"}


def test_a_missing_mirror_is_cloned_again_whatever_pushed_at_says(
    settings: WorkSettings, origins: Origins
) -> None:
    origins.add("app")
    _last_pushed_an_hour_ago(origins, "app")
    _sweep(settings)
    shutil.rmtree(settings.mirror_dir)  # e.g. a new --mirrors directory
    again = _sweep(settings)
    assert (again["acme/app"]["state"], again["acme/app"]["fetched"]) == ("unchanged", True)
    assert (settings.mirror_dir / "acme" / "app.git" / "HEAD").is_file()


def test_a_webhook_push_is_fetched_whatever_its_commit_date(
    settings: WorkSettings, origins: Origins
) -> None:
    """A push job's `pushed_at` is the head commit's date, which can be any age: never a reason
    to skip the fetch."""
    app = origins.add("app")
    _last_pushed_an_hour_ago(origins, "app")
    _sweep(settings)
    head = app.commit("add a key", **{"pushed.env": f"TOKEN={pat(7304)}\n"})
    push: dict[str, object] = {
        "repository": "acme/app",
        "clone_url": str(app.path),
        "ref": "refs/heads/main",
        "before": "0" * 40,
        "after": head,
        "pushed_at": "2024-01-01T00:00:00Z",
    }
    outcome = perform("push", push, settings)
    assert (outcome.summary["fetched"], outcome.summary["findings"]) == (True, 1)


def test_a_mirror_fetched_over_a_day_ago_is_fetched_whatever_pushed_at_says(
    both_databases: WorkSettings, origins: Origins
) -> None:
    """A fork's pull request adds refs/pull/1/head to the base repository without moving its
    `pushed_at`: a re-sweep within a day of the last fetch misses it, the first one after
    fetches everything and scans the pull request's commit."""
    settings = both_databases
    app = origins.add("app")
    _last_pushed_an_hour_ago(origins, "app")
    _sweep(settings)
    pull = app.commit("a fork's change", **{"pr.env": f"TOKEN={pat(7305)}\n"})
    app.git("update-ref", "refs/pull/1/head", pull)
    app.git("reset", "-q", "--hard", "HEAD~1")  # main as it was: only the pull ref is new
    _last_pushed_an_hour_ago(origins, "app")  # GitHub did not move pushed_at

    within_a_day = _sweep(settings)
    assert (within_a_day["acme/app"]["fetched"], within_a_day["acme/app"]["findings"]) == (
        False,
        0,
    )

    with Registry.open(settings.db_url) as registry:
        fetch_moved_back(registry, "acme/app", timedelta(hours=24, seconds=1))
    after_a_day = _sweep(settings)
    assert after_a_day["acme/app"]["fetched"] is True
    assert (after_a_day["acme/app"]["state"], after_a_day["acme/app"]["findings"]) == ("scanned", 1)
    assert _leaked_paths(settings) == {"pr.env"}
    # That fetch starts a new day: the next re-sweep skips the fetch again.
    again = _sweep(settings)
    assert (again["acme/app"]["fetched"], again["acme/app"]["findings"]) == (False, 0)


def test_the_max_fetch_age_is_a_setting(settings: WorkSettings, origins: Origins) -> None:
    origins.add("app")
    origins.set_pushed_at("app", datetime.now(UTC) - timedelta(hours=3))
    _sweep(settings)
    with Registry.open(settings.db_url) as registry:
        fetch_moved_back(registry, "acme/app", timedelta(hours=2))
    # Fetched two hours ago, pushed an hour before that: a day's maximum skips the fetch...
    assert _sweep(settings)["acme/app"]["fetched"] is False
    # ...an hour's does not.
    hourly = replace(settings, max_fetch_age_hours=1.0)
    assert _sweep(hourly)["acme/app"]["fetched"] is True
    assert WorkSettings.from_json(hourly.to_json()).max_fetch_age == timedelta(hours=1)
    with pytest.raises(ValueError, match="max_fetch_age_hours must be above 0"):
        replace(settings, max_fetch_age_hours=0.0)


def test_pushed_at_is_read_as_github_writes_it() -> None:
    assert parse_pushed_at("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_pushed_at(None) is None  # a repository never pushed to
    assert parse_pushed_at("2024-05-01T10:00:00") is None  # no zone: not comparable
    assert parse_pushed_at("yesterday") is None
