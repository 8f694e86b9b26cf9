"""The GitHub Action against real repositories, for each event a workflow can run it on.

The repositories stand in for what actions/checkout (fetch-depth: 0) leaves in the workspace:
a clone with the pushed commits and every branch and tag. GITHUB_EVENT_PATH holds the payload
GitHub sends; no token is set, as for a pull request from a fork.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import pytest

from leakward.scanner.sources.git_ids import ZERO_OID
from tests.action.conftest import INSTALL_STEPS, base_env
from tests.action.runner import PROJECT, ActionRun, ActionRunner, obeyed_commands
from tests.git.repos import GitRepo, aws_lines, aws_pair, pat

SARIF_SCHEMA = PROJECT / "tests" / "report" / "data" / "sarif-schema-2.1.0.json"


class World:
    """An origin repository, a workspace cloned from it, and the runner's files."""

    def __init__(self, tmp_path: Path, action_path: Path, installed: dict[str, str]) -> None:
        self.tmp = tmp_path
        self.origin = GitRepo(tmp_path / "origin")
        self.action_path = action_path
        self.installed = installed

    def checkout(self, rev: str | None = None) -> GitRepo:
        workspace = GitRepo(self.tmp / "workspace")
        workspace.git("fetch", "-q", str(self.origin.path), "+refs/heads/*:refs/remotes/origin/*")
        workspace.git("fetch", "-q", "--tags", str(self.origin.path))
        workspace.git("checkout", "-q", "--detach", rev or self.origin.head())
        return workspace

    def run(
        self,
        workspace: GitRepo,
        event: str,
        payload: Mapping[str, object],
        env: Mapping[str, str] | None = None,
        **inputs: str,
    ) -> ActionRun:
        event_file = self.tmp / "event.json"
        event_file.write_text(json.dumps(payload))
        temp = self.tmp / "runner-temp"
        temp.mkdir(exist_ok=True)
        env = {
            **base_env(),
            **self.installed,
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_file),
            "GITHUB_WORKSPACE": str(workspace.path),
            "GITHUB_SHA": workspace.head(),
            "GITHUB_REPOSITORY": "octo/app",
            **(env or {}),
        }
        runner = ActionRunner(self.action_path, temp)
        return runner.run(env, inputs, workspace.path, skip=INSTALL_STEPS)


@pytest.fixture
def world(tmp_path: Path, action_path: Path, installed: dict[str, str]) -> World:
    return World(tmp_path, action_path, installed)


def error_lines(run: ActionRun) -> list[str]:
    return [line for line in run.stdout.splitlines() if line.startswith("::error ")]


def sarif_results(run: ActionRun) -> list[dict[str, object]]:
    document = json.loads(Path(run.outputs["sarif"]).read_text())
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))
    return list(document["runs"][0]["results"])


def test_push_scans_only_the_pushed_commits(world: World) -> None:
    world.origin.commit("old", **{"old.txt": f"{pat(90)}\n"})
    before = world.origin.head()
    world.origin.commit("clean", **{"README.md": "hi\n"})
    after = world.origin.commit("leak", **{"src/config.py": f"x = 1\nTOKEN = '{pat(91)}'\n"})
    workspace = world.checkout()
    payload = {"ref": "refs/heads/main", "before": before, "after": after, "forced": False}
    run = world.run(workspace, "push", payload)
    assert run.returncode == 1, run.steps[-1].stderr
    assert run.outputs["findings"] == "1"
    (annotation,) = error_lines(run)
    assert annotation.startswith("::error file=src/config.py,line=2,col=10,")
    assert "github.pat.classic" in annotation
    assert pat(91) not in run.stdout + run.summary
    assert pat(90) not in run.stdout
    (result,) = sarif_results(run)
    assert result["ruleId"] == "github.pat.classic"
    assert "| critical | `github.pat.classic` | `src/config.py` | 2 |" in run.summary
    assert after[:10] in run.summary


def test_push_of_a_new_branch_scans_what_no_other_branch_has(world: World) -> None:
    world.origin.commit("main", **{"main.ini": aws_lines(92)})
    world.origin.git("checkout", "-q", "-b", "topic")
    tip = world.origin.commit("topic", **{"topic.ini": aws_lines(93)})
    workspace = world.checkout(tip)
    payload = {"ref": "refs/heads/topic", "before": ZERO_OID, "after": tip, "created": True}
    run = world.run(workspace, "push", payload)
    assert run.returncode == 1
    assert run.outputs["findings"] == "1"
    (annotation,) = error_lines(run)
    assert "file=topic.ini,line=2" in annotation
    assert aws_pair(93)[1] not in run.stdout + run.summary


def test_force_push_whose_old_tip_the_clone_never_had(world: World) -> None:
    world.origin.commit("main", **{"main.txt": f"{pat(94)}\n"})
    world.origin.git("checkout", "-q", "-b", "topic")
    tip = world.origin.commit("rewritten", **{"topic.txt": f"{pat(95)}\n"})
    workspace = world.checkout(tip)
    gone = "abcdef1" * 5 + "abcde"
    payload = {"ref": "refs/heads/topic", "before": gone, "after": tip, "forced": True}
    run = world.run(workspace, "push", payload)
    assert run.outputs["findings"] == "1"
    assert "file=topic.txt" in error_lines(run)[0]


def test_a_depth_1_checkout_scans_the_tips_tree_and_says_it_is_shallow(
    world: World, tmp_path: Path
) -> None:
    world.origin.commit("old", **{"old.txt": f"{pat(87)}\n"})
    before = world.origin.head()
    after = world.origin.commit("leak", **{"new.txt": f"{pat(88)}\n"})
    # What actions/checkout does by default (fetch-depth: 1): the tip alone, `before` beyond it.
    workspace = GitRepo(tmp_path / "workspace")
    origin_url = world.origin.path.as_uri()
    workspace.git(
        "fetch", "-q", "--depth=1", origin_url, "+refs/heads/main:refs/remotes/origin/main"
    )
    workspace.git("checkout", "-q", "--detach", "origin/main")
    payload = {"ref": "refs/heads/main", "before": before, "after": after, "forced": False}
    run = world.run(workspace, "push", payload)
    assert run.returncode == 1, run.steps[-1].stderr
    assert f"shallow checkout without {before[:10]}" in run.stdout
    assert "force-pushed" not in run.stdout
    files = {line.split("file=")[1].split(",")[0] for line in error_lines(run)}
    assert files == {"old.txt", "new.txt"}  # the tip's whole tree: a superset of the push


def test_pull_request_from_a_fork_needs_no_token(world: World, tmp_path: Path) -> None:
    base = world.origin.commit("base", **{"base.txt": f"{pat(96)}\n"})
    fork = GitRepo(tmp_path / "fork")
    fork.git("fetch", "-q", str(world.origin.path), "main")
    fork.git("checkout", "-q", "-b", "patch", "FETCH_HEAD")
    head = fork.commit("contribution", **{"contrib.py": f"KEY = '{pat(97)}'\n"})
    workspace = world.checkout()
    # actions/checkout of a pull request: the merge GitHub made of head into base, detached.
    workspace.git("fetch", "-q", str(fork.path), "patch:refs/remotes/pull/7/head")
    workspace.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "refs/remotes/pull/7/head"
    )
    payload = {
        "number": 7,
        "pull_request": {
            "base": {"sha": base, "ref": "main", "repo": {"full_name": "octo/app"}},
            "head": {
                "sha": head,
                "ref": "patch",
                "repo": {"full_name": "someone/app", "fork": True},
            },
        },
    }
    run = world.run(workspace, "pull_request", payload, format="json")
    assert run.returncode == 1
    assert run.outputs["findings"] == "1"
    assert "file=contrib.py,line=1" in error_lines(run)[0]
    report = json.loads(run.stdout[run.stdout.index("{") : run.stdout.rindex("}") + 1])
    assert [f["commit"] for f in report["findings"]] == [head]


@pytest.mark.parametrize("event", ["schedule", "workflow_dispatch"])
def test_scheduled_and_manual_runs_scan_the_whole_history(world: World, event: str) -> None:
    world.origin.commit("a", **{"deleted.txt": f"{pat(98)}\n"})
    world.origin.git("rm", "-q", "deleted.txt")
    world.origin.commit("rm")
    world.origin.git("checkout", "-q", "-b", "side")
    world.origin.commit("side", **{"side.txt": f"{pat(99)}\n"})
    world.origin.git("checkout", "-q", "main")
    workspace = world.checkout()
    run = world.run(workspace, event, {}, **{"fail-on": "critical"})
    assert run.returncode == 1
    assert run.outputs["findings"] == "2"
    assert {r["ruleId"] for r in sarif_results(run)} == {"github.pat.classic"}
    assert "the whole history" in run.stdout


def test_clean_push_passes_and_says_so(world: World) -> None:
    before = world.origin.commit("init", **{"README.md": "hi\n"})
    after = world.origin.commit("docs", **{"docs.md": "nothing secret\n"})
    workspace = world.checkout()
    run = world.run(workspace, "push", {"ref": "refs/heads/main", "before": before, "after": after})
    assert run.returncode == 0, run.stdout + run.steps[-1].stderr
    assert run.outputs["findings"] == "0"
    assert sarif_results(run) == []
    assert "No secrets found" in run.summary


def test_fail_on_ignore_file_and_rotate_inputs(world: World) -> None:
    before = world.origin.commit("init", **{"README.md": "hi\n"})
    after = world.origin.commit(
        "leak",
        **{
            "a.txt": f"{pat(100)}\n",
            "fixtures/b.txt": f"{pat(101)}\n",
            ".leakwardignore": "fixtures/*\n",
        },
    )
    workspace = world.checkout()
    payload = {"ref": "refs/heads/main", "before": before, "after": after}
    run = world.run(workspace, "push", payload)
    assert run.returncode == 1
    assert run.outputs["findings"] == "1"
    # rotate: true with no registry to rotate from is a usage error that says what to pass.
    unconfigured = world.run(workspace, "push", payload, rotate="true")
    assert unconfigured.returncode == 2
    assert "rotate: true needs the registry, and LEAKWARD_DB is not set" in unconfigured.stdout
    bad = world.run(workspace, "push", payload, **{"fail-on": "severe"})
    assert bad.returncode == 2
    assert "::error title=leakward::input fail-on must be one of" in bad.stdout


def test_a_file_named_like_a_workflow_command_is_printed_never_obeyed(world: World) -> None:
    """A pushed file named `::stop-commands::x` would mute every later annotation if the log
    printed its name at the start of a line: the runner must still act on both findings."""
    before = world.origin.commit("init", **{"README.md": "hi\n"})
    after = world.origin.commit(
        "leak", **{"::stop-commands::x": f"{pat(110)}\n", "z.txt": f"{pat(111)}\n"}
    )
    workspace = world.checkout()
    run = world.run(workspace, "push", {"ref": "refs/heads/main", "before": before, "after": after})
    assert run.returncode == 1
    annotations = [c for c in obeyed_commands(run.stdout) if c.startswith("::error ")]
    assert len(annotations) == 2, run.stdout
    assert any("file=%3A%3Astop-commands%3A%3Ax" in line for line in annotations)
    assert not any(c.startswith("::stop-commands::x") for c in obeyed_commands(run.stdout))


def pull_request_run(
    world: World, base_files: dict[str, str], pr_files: dict[str, str]
) -> ActionRun:
    """A same-repository pull request: base on main, the change on a branch, and the
    workspace on the merge commit GitHub makes, as actions/checkout leaves it."""
    base = world.origin.commit("base", **{"README.md": "hi\n", **base_files})
    world.origin.git("checkout", "-q", "-b", "change")
    head = world.origin.commit("change", **pr_files)
    world.origin.git("checkout", "-q", "main")
    workspace = world.checkout(base)
    workspace.git("merge", "-q", "--no-ff", "-m", "Merge pull request #8", "origin/change")
    payload = {"number": 8, "pull_request": {"base": {"sha": base}, "head": {"sha": head}}}
    return world.run(workspace, "pull_request", payload)


def warnings(run: ActionRun) -> list[str]:
    return [c for c in obeyed_commands(run.stdout) if c.startswith("::warning ")]


def test_a_pull_request_cannot_disable_the_rule_that_catches_its_own_token(world: World) -> None:
    run = pull_request_run(
        world, {}, {"app.py": f"KEY = '{pat(120)}'\n", "leakward.toml": 'disable = ["github"]\n'}
    )
    assert run.returncode == 1, run.stdout
    assert run.outputs["findings"] == "1"
    assert any("leakward.toml is changed by this pull request" in w for w in warnings(run))


def test_a_pull_request_cannot_ignore_its_own_token(world: World) -> None:
    run = pull_request_run(
        world, {}, {"app.py": f"KEY = '{pat(121)}'\n", ".leakwardignore": "app.py\n"}
    )
    assert run.returncode == 1, run.stdout
    assert any(".leakwardignore is changed by this pull request" in w for w in warnings(run))


def test_a_pull_request_cannot_switch_off_the_check_in_pyproject(world: World) -> None:
    pyproject = '[project]\nname = "app"\n\n[tool.leakward]\ndisable = ["github"]\n'
    run = pull_request_run(
        world, {}, {"app.py": f"KEY = '{pat(122)}'\n", "pyproject.toml": pyproject}
    )
    assert run.returncode == 1, run.stdout
    assert any("pyproject.toml is changed" in w for w in warnings(run))


def test_the_base_commits_ignore_file_and_settings_still_apply(world: World) -> None:
    """What the base branch already allows stays allowed; a pyproject change that leaves the
    leakward table alone is not reported."""
    run = pull_request_run(
        world,
        {
            ".leakwardignore": "fixtures/*\n",
            "pyproject.toml": '[project]\nname = "app"\n\n[tool.leakward]\nfail_on = "low"\n',
        },
        {
            "fixtures/sample.txt": f"{pat(123)}\n",
            "pyproject.toml": '[project]\nname = "app2"\n\n[tool.leakward]\nfail_on = "low"\n',
        },
    )
    assert run.returncode == 0, run.stdout
    assert run.outputs["findings"] == "0"
    assert warnings(run) == []
