"""Runs `action.yml`'s composite steps the way the Actions runner does, on this machine.

Each `run:` step goes to `bash --noprofile --norc -eo pipefail` with `${{ inputs.* }}`,
`${{ github.action_path }}` and `${{ steps.*.outputs.* }}` substituted, fresh `GITHUB_OUTPUT` and
`GITHUB_ENV` files per step, and what a step appends to `GITHUB_ENV` passed to the steps after.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
_EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
_HEREDOC = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)<<(.+)$")


def action() -> dict[str, object]:
    loaded = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def parse_command_file(path: Path) -> dict[str, str]:
    """`NAME=value` and `NAME<<DELIMITER ... DELIMITER` lines, as the runner reads them."""
    values: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        heredoc = _HEREDOC.match(line)
        if heredoc:
            name, delimiter = heredoc.groups()
            end = lines.index(delimiter, index + 1)
            values[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
            continue
        name, sep, value = line.partition("=")
        if sep:
            values[name] = value
        index += 1
    return values


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    outputs: dict[str, str]
    summary: str
    steps: list[StepRun] = field(default_factory=list)


class ActionRunner:
    def __init__(self, action_path: Path, runner_temp: Path) -> None:
        self.action_path = action_path
        self.runner_temp = runner_temp
        self.spec = action()

    def inputs(self, given: dict[str, str]) -> dict[str, str]:
        declared = self.spec["inputs"]
        assert isinstance(declared, dict)
        unknown = set(given) - set(declared)
        assert not unknown, f"action.yml has no inputs {unknown}"
        return {
            name: given.get(name, str(meta.get("default", ""))) for name, meta in declared.items()
        }

    def steps(self) -> list[dict[str, object]]:
        runs = self.spec["runs"]
        assert isinstance(runs, dict)
        assert runs["using"] == "composite"
        return list(runs["steps"])

    def substitute(
        self, text: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]
    ) -> str:
        def value(match: re.Match[str]) -> str:
            parts = match.group(1).split(".")
            if parts[0] == "inputs":
                return inputs[parts[1]]
            if parts[:2] == ["github", "action_path"]:
                return str(self.action_path)
            if parts[0] == "steps" and parts[2] == "outputs":
                return outputs.get(parts[1], {}).get(parts[3], "")
            raise AssertionError(f"expression the test runner does not know: {match.group(0)}")

        return _EXPRESSION.sub(value, text)

    def run(
        self,
        env: dict[str, str],
        given: dict[str, str],
        cwd: Path,
        skip: tuple[str, ...] = (),
    ) -> ActionRun:
        """The action's steps in order, stopping at the first failure, as the runner does."""
        inputs = self.inputs(given)
        step_outputs: dict[str, dict[str, str]] = {}
        env = {
            **env,
            "RUNNER_TEMP": str(self.runner_temp),
            "GITHUB_ACTION_PATH": str(self.action_path),
        }
        summary = self.runner_temp / "step_summary.md"
        summary.write_text("")
        env["GITHUB_STEP_SUMMARY"] = str(summary)
        runs: list[StepRun] = []
        stdout = ""
        for number, step in enumerate(self.steps()):
            if step.get("name") in skip:
                continue
            if "uses" in step:
                # A marketplace action (actions/cache) cannot run here; its inputs must resolve.
                for value in _mapping(step.get("with")).values():
                    self.substitute(str(value), inputs, step_outputs)
                continue
            assert step.get("shell") == "bash", "composite run steps must name their shell"
            output_file = self.runner_temp / f"output_{number}"
            env_file = self.runner_temp / f"env_{number}"
            output_file.write_text("")
            env_file.write_text("")
            step_env = {
                name: self.substitute(str(value), inputs, step_outputs)
                for name, value in _mapping(step.get("env")).items()
            }
            script = self.runner_temp / f"step_{number}.sh"
            script.write_text(self.substitute(str(step["run"]), inputs, step_outputs))
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=cwd,
                env={
                    **env,
                    **step_env,
                    "GITHUB_OUTPUT": str(output_file),
                    "GITHUB_ENV": str(env_file),
                },
                capture_output=True,
                text=True,
                check=False,
            )
            runs.append(StepRun(done.returncode, done.stdout, done.stderr))
            stdout += done.stdout
            if "id" in step:
                step_outputs[str(step["id"])] = parse_command_file(output_file)
            env.update(parse_command_file(env_file))
            if done.returncode != 0:
                break
        declared = self.spec.get("outputs") or {}
        assert isinstance(declared, dict)
        outputs = {
            name: self.substitute(str(meta["value"]), inputs, step_outputs)
            for name, meta in declared.items()
        }
        return ActionRun(runs[-1].returncode, stdout, outputs, summary.read_text(), runs)


def obeyed_commands(log: str) -> list[str]:
    """The workflow commands the runner would act on in a step's log, in order.

    As GitHub documents it: a line whose trimmed text starts with `::` is a command;
    `::stop-commands::TOKEN` makes the runner ignore every command until a line `::TOKEN::`.
    """
    obeyed: list[str] = []
    paused_until: str | None = None
    for line in log.splitlines():
        text = line.strip()
        if not text.startswith("::"):
            continue
        if paused_until is not None:
            if text == f"::{paused_until}::":
                paused_until = None
            continue
        if text.startswith("::stop-commands::"):
            paused_until = text.removeprefix("::stop-commands::")
            continue
        obeyed.append(text)
    return obeyed


def _mapping(value: object) -> dict[str, object]:
    assert value is None or isinstance(value, dict)
    return dict(value or {})
