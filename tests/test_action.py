"""The GitHub Action (action.yml): valid for GitHub, and its steps do what the README says.

The file is checked against SchemaStore's github-action schema (as
check-jsonschema vendors it). Then its steps run here as the runner runs a
composite action's `run:` steps: each script written to a file and run with
`bash --noprofile --norc -eo pipefail`, in the workspace, with the variables
the runner sets (GITHUB_ACTION_PATH, GITHUB_WORKSPACE, RUNNER_TEMP,
GITHUB_OUTPUT) and the step's `env:` with its `${{ }}` expressions
evaluated. The install step really installs ecs-guard from this checkout
into a new virtual environment (once for the module; pip needs the package
index or its cache for the dependencies).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from workflow_commands import ISSUE_COMMANDS, log_lines, runner_parse

pytestmark = pytest.mark.slow  # end to end: real processes (deselect with -m "not slow")

REPO = Path(__file__).resolve().parent.parent
ACTION_FILE = REPO / "action.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text())
EXAMPLE = REPO / "examples" / "insecure-fargate"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_action_yml_is_valid_for_schemastores_github_action_schema():
    done = check_jsonschema(ACTION_FILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_broken_action(tmp_path):
    broken = json.loads(json.dumps(ACTION))
    broken["runs"]["using"] = "composit"
    path = tmp_path / "action.yml"
    path.write_text(yaml.safe_dump(broken))
    assert check_jsonschema(path).returncode != 0


def test_the_action_is_composite_and_declares_what_the_readme_documents():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "format", "fail-on", "config", "baseline", "sarif-file"}
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## GitHub Actions") :]
    section = section[: section.index("\n## ", 1)]
    assert "github/codeql-action/upload-sarif@v3" in section
    for name in ACTION["inputs"]:
        assert f"`{name}`" in section, name


def test_no_input_is_expanded_inside_a_script():
    """${{ inputs.x }} in a script is pasted into the shell code before bash reads it: injection."""
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]


# ----------------------------------------------------------------- running the steps


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class Runner:
    """The variables a runner gives a composite action's steps, and the outputs they set."""

    workspace: Path
    temp: Path

    def evaluate(self, text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
        def value(match: re.Match) -> str:
            name = match.group(1)
            if name.startswith("inputs."):
                return inputs[name.removeprefix("inputs.")]
            if name == "runner.temp":
                return str(self.temp)
            if name == "github.action_path":
                return str(REPO)
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", name)
            if step:
                return steps.get(step.group(1), {}).get(step.group(2), "")
            raise AssertionError(f"action.yml uses an expression this test does not evaluate: {name}")

        return EXPRESSION.sub(value, str(text))

    def run_step(self, step: dict, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> StepRun:
        index = len(list(self.temp.glob("step-*.sh")))
        script = self.temp / f"step-{index}.sh"
        script.write_text(self.evaluate(step["run"], inputs, steps))  # as the runner does, before bash reads it
        output_file = self.temp / f"output-{index}"
        output_file.write_text("")
        env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "RUNNER_"))}
        env.update(
            {
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_ACTION_PATH": str(REPO),
                "GITHUB_WORKSPACE": str(self.workspace),
                "RUNNER_TEMP": str(self.temp),
                "GITHUB_OUTPUT": str(output_file),
                # python3 as the workflow has it: here, the Python running the tests
                "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
            }
        )
        env.update({key: self.evaluate(value, inputs, steps) for key, value in step.get("env", {}).items()})
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        return StepRun(done.returncode, done.stdout, done.stderr, outputs)

    def run_action(self, **given: str) -> tuple[StepRun, dict[str, str]]:
        """The scan steps (install is done once, by the fixture) with these inputs and the
        defaults of the others; the last step's run and the action's outputs."""
        inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        inputs.update({name.replace("_", "-"): value for name, value in given.items()})
        steps: dict[str, dict[str, str]] = {}
        last = None
        for step in ACTION["runs"]["steps"]:
            if step["name"] == "Install ecs-guard":
                continue
            last = self.run_step(step, inputs, steps)
            steps[step.get("id", step["name"])] = last.outputs
            if last.returncode != 0:
                break
        assert last is not None
        outputs = {name: self.evaluate(spec["value"], inputs, steps) for name, spec in ACTION["outputs"].items()}
        return last, outputs


@pytest.fixture(scope="module")
def runner(tmp_path_factory) -> Runner:
    """A workspace holding a copy of examples/insecure-fargate, and ecs-guard installed by the action's step."""
    workspace = tmp_path_factory.mktemp("workspace")
    shutil.copytree(EXAMPLE, workspace / "insecure-fargate")
    runner = Runner(workspace, tmp_path_factory.mktemp("runner-temp"))
    install = next(step for step in ACTION["runs"]["steps"] if step["name"] == "Install ecs-guard")
    done = runner.run_step(install, {}, {})
    if done.returncode != 0 and "No matching distribution" in done.stderr + done.stdout:
        pytest.skip(f"pip could not reach the package index: {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\d+\.\d+", done.stdout), done.stdout  # `ecs-guard --version` ran
    return runner


def test_defaults_annotate_the_findings_write_sarif_and_fail_the_step(runner):
    done, outputs = runner.run_action(paths="insecure-fargate")
    assert done.returncode == 1, done.stderr
    assert outputs == {"sarif-file": "ecs-guard.sarif", "exit-code": "1"}
    commands = [runner_parse(line) for line in log_lines(done.stdout)]
    annotations = [c for c in commands if c and c[0] in ISSUE_COMMANDS]
    assert len(annotations) >= 20
    assert {c[1]["file"].split("/")[0] for c in annotations} == {"insecure-fargate"}  # relative to the workspace
    assert any(c[1]["file"] == "insecure-fargate/taskdef/orders.json" and c[0] == "error" for c in annotations)
    sarif = json.loads((runner.workspace / "ecs-guard.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert len(results) == len([c for c in annotations if "not evaluated" not in c[1]["title"]])
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md") for rule in rules)


def test_fail_on_format_and_several_paths(runner):
    done, outputs = runner.run_action(
        paths="insecure-fargate/taskdef\ninsecure-fargate/snapshot",
        format="json",
        fail_on="none",
        sarif_file="reports/scan.sarif",
    )
    assert done.returncode == 0, done.stderr
    assert outputs == {"sarif-file": "reports/scan.sarif", "exit-code": "0"}
    assert json.loads((runner.workspace / "reports" / "scan.sarif").read_text())["runs"][0]["results"]
    report = json.loads(done.stdout)
    assert {f["file"].split("/")[1] for f in report["findings"]} == {"taskdef", "snapshot"}


def test_baseline_and_config_inputs_reach_the_scan(runner):
    ecs_guard = runner.temp / "ecs-guard-venv" / "bin" / "ecs-guard"
    made = subprocess.run(
        [str(ecs_guard), "baseline", "insecure-fargate", "--output", "baseline.json"],
        cwd=runner.workspace,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    (runner.workspace / "strict.yaml").write_text("fail-on: info\nselect: [EG201]\n")
    (runner.workspace / "ecs-guard.sarif").unlink(missing_ok=True)
    done, outputs = runner.run_action(
        paths="insecure-fargate", baseline="baseline.json", config="strict.yaml", sarif_file=""
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == {"sarif-file": "", "exit-code": "0"}
    assert not (runner.workspace / "ecs-guard.sarif").exists()
    summary = log_lines(done.stdout)[-1]
    assert summary.startswith("ecs-guard: 0 findings") and "; 5 in baseline;" in summary  # EG201 of 5 inputs
    assert summary.endswith("; 1 rules.")  # the config's select


def test_a_usage_error_fails_the_step_with_one_clear_line(runner):
    done, outputs = runner.run_action(paths="insecure-fargate", config="missing.yaml")
    assert done.returncode == 2
    assert outputs["exit-code"] == "2"
    assert "missing.yaml" in done.stderr and "Traceback" not in done.stderr


def test_inputs_cannot_inject_shell_code(runner):
    done, _ = runner.run_action(
        paths='insecure-fargate/taskdef $(touch pwned) "; touch pwned2; "',
        format="github$(touch pwned3)",
        fail_on="none",
    )
    assert not list(runner.workspace.glob("pwned*"))
    assert done.returncode == 2  # an unknown format, named
    assert "github$(touch pwned3)" in done.stderr


def test_one_scan_writes_the_sarif_file_and_the_log(runner, tmp_path):
    """The scan step runs ecs-guard once (no second scan for the SARIF file)."""
    calls = tmp_path / "calls"
    wrapped = Runner(runner.workspace, tmp_path)
    binary = tmp_path / "ecs-guard-venv" / "bin" / "ecs-guard"
    binary.parent.mkdir(parents=True)
    real = runner.temp / "ecs-guard-venv" / "bin" / "ecs-guard"
    binary.write_text(f'#!/bin/bash\necho "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    binary.chmod(0o755)
    done, outputs = wrapped.run_action(paths="insecure-fargate/taskdef", sarif_file="out/one.sarif")
    assert done.returncode == 1, done.stderr
    assert outputs == {"sarif-file": "out/one.sarif", "exit-code": "1"}
    assert len(calls.read_text().splitlines()) == 1
    assert json.loads((runner.workspace / "out" / "one.sarif").read_text())["runs"][0]["results"]
    assert log_lines(done.stdout)[-1].startswith("ecs-guard: ")  # the github format's summary
