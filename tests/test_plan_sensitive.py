"""A value a Terraform plan marks sensitive is written nowhere by ecs-guard
(issue 10, item 8), as for Terraform source (tests/test_no_secret_written.py).

fixtures/hcl/sensitive/plan.json is the real plan of that folder: a container
named by ``sensitive("...")`` (so terraform marks the whole container_definitions
string), an environment value from a ``sensitive = true`` variable with a
default, a log group from a sensitive module output, a family from
``sensitive()``, and a root output declared sensitive. The plan holds all of
them in clear; every report format must mask them, and still report the
findings about the containers they name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.plan.adapter import load_plan

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hcl" / "sensitive"
FORMATS = ("console", "json", "sarif", "github", "junit")
NAME = "plan-canary-name-4b7c"  # sensitive(): the container's name
VARIABLE = "plan-canary-variable-9d2e"  # a sensitive = true variable's default: an environment value, an output
OUTPUT = "plan-canary-output-a5d3"  # a module output declared sensitive: the log group
FAMILY = "plan-canary-family-e1f0"  # sensitive(): a task definition's family
SECRET = "Zq8-plan-canary-secret-Xk"  # EG501's secret, inside the sensitive container_definitions
CANARIES = (NAME, VARIABLE, OUTPUT, FAMILY, SECRET)


def ecs_guard(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ecs_guard", *argv],
        cwd=cwd,
        env=dict(os.environ, XDG_CACHE_HOME=str(cwd / "cache")),
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def plan_alone(tmp_path: Path) -> Path:
    """The plan without its source: only the plan's own marks can hide the values."""
    (tmp_path / "plan.json").write_bytes((FIXTURE / "plan.json").read_bytes())
    return tmp_path


def test_the_fixture_plan_holds_every_canary_in_clear():
    text = (FIXTURE / "plan.json").read_text()
    assert [canary for canary in CANARIES if canary not in text] == []


def test_the_plan_adapter_collects_every_text_marked_sensitive():
    inventory = load_plan(str(FIXTURE / "plan.json"), "plan.json")
    assert set(CANARIES) <= set(inventory.sensitive)
    # the whole container_definitions of the app is marked: every string in its JSON, the
    # worker's is not (only its family is): its container name stays readable
    assert {"DB_PASSWORD", "nginx:1.27", "awslogs"} <= set(inventory.sensitive)
    assert "worker" not in inventory.sensitive
    assert "busybox:1.36" not in inventory.sensitive
    assert "FARGATE" not in inventory.sensitive


def test_sensitive_variables_and_outputs_are_collected_without_any_resource(tmp_path: Path):
    """A root variable declared sensitive, and an output marked sensitive, are
    masked even when no resource uses them (nor marks them)."""
    plan = json.loads((FIXTURE / "plan.json").read_text())
    plan["planned_values"]["root_module"]["resources"] = []
    plan["resource_changes"] = []
    plan["variables"]["region_tag"]["value"] = "variable-value-from-tfvars"
    plan["output_changes"]["extra"] = {"after": {"k": "output-value-xyz"}, "after_sensitive": {"k": True}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    sensitive = set(load_plan(str(tmp_path / "plan.json"), "plan.json").sensitive)
    assert {"variable-value-from-tfvars", VARIABLE, "output-value-xyz"} <= sensitive
    assert "k" not in sensitive


def test_marks_on_resources_ecs_guard_does_not_read_mask_nothing(tmp_path: Path):
    """An SSM parameter's value is sensitive by the provider's schema; it is no
    attribute ecs-guard reads, so its text ("worker", the worker's container
    name here) is not masked, as the Terraform source scan does not either."""
    plan = json.loads((FIXTURE / "plan.json").read_text())
    parameter = {"address": "aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p"}
    plan["planned_values"]["root_module"]["resources"].append(
        {**parameter, "values": {"value": "worker"}, "sensitive_values": {"value": True}}
    )
    change = {"actions": ["create"], "after": {"value": "worker"}, "after_sensitive": {"value": True}}
    plan["resource_changes"].append({**parameter, "change": change})
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    sensitive = load_plan(str(tmp_path / "plan.json"), "plan.json").sensitive
    assert "worker" not in sensitive
    assert NAME in sensitive


@pytest.mark.parametrize("where", ["plan alone", "plan beside its source"])
def test_no_canary_is_written_in_any_format(where: str, plan_alone: Path, tmp_path: Path):
    if where == "plan alone":
        workdir, target = plan_alone, "plan.json"
    else:
        workdir = tmp_path / "beside"
        shutil.copytree(FIXTURE, workdir / "infra")
        target = "infra/plan.json"
    reports = workdir / "reports"
    reports.mkdir()
    found = {}
    for output_format in FORMATS:
        report = reports / f"report.{output_format}"
        result = ecs_guard("scan", "--format", output_format, "-v", "-o", str(report), target, cwd=workdir)
        assert result.returncode == 1, result.stderr
        for name, data in (("stdout", result.stdout), ("stderr", result.stderr), ("file", report.read_bytes())):
            found[f"{output_format} {name}"] = [c for c in CANARIES if c.encode() in data]
    assert {where: canaries for where, canaries in found.items() if canaries} == {}


def test_the_findings_on_sensitive_values_are_still_reported(plan_alone: Path):
    result = ecs_guard("scan", "--format", "json", "plan.json", cwd=plan_alone)
    findings = json.loads(result.stdout)["findings"]
    by_rule: dict[str, list[dict]] = {}
    for finding in findings:
        by_rule.setdefault(finding["rule_id"], []).append(finding)
    assert [f["resource"] for f in by_rule["EG501"]] == ["aws_ecs_task_definition.app"]  # the secret is found
    # the app's container (sensitive name) and the worker's are both reported as running as root
    messages = sorted(f["message"] for f in by_rule["EG601"])
    assert messages[0].startswith("container '****' sets no user")
    assert messages[1].startswith("container 'worker' sets no user")
    # the app has a log configuration (from the sensitive output): no EG402 for it
    assert [f["resource"] for f in by_rule["EG402"]] == ["aws_ecs_task_definition.worker"]
