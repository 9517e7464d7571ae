"""The bundled examples, which the README's first command scans: the
insecure service breaks the same rules in every input kind, and its fixed
twin scans clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_guard.cli import main
from ecs_guard.model import Container, TaskDefinition
from ecs_guard.rule import get_rule

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The insecure service breaks, in every input kind, every rule a Fargate
# service can break but a handful (host networking, privileged or host-PID
# containers and EFS volumes do not exist on Fargate; a desired count of 0
# would hide the single-task finding): at least this many rules.
AT_LEAST = 18
# A task definition file on its own has no service, cluster or autoscaling:
# it shows exactly the rules found elsewhere that look at task definitions only.
TASK_DEFINITION_TARGETS = {TaskDefinition, Container}


def scan_json(example: str, capsys, monkeypatch) -> tuple[int, dict]:
    monkeypatch.chdir(EXAMPLES.parent)
    code = main(["scan", f"examples/{example}", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def rules_by_input(report: dict) -> dict[str, set[str]]:
    """Rule IDs found per input of the example: plan.json, snapshot, taskdef, terraform, cloudformation."""
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        kind = finding["file"].split("/")[2]
        found.setdefault(kind, set()).add(finding["rule_id"])
    return found


def test_the_insecure_service_breaks_the_same_rules_in_every_input_kind(capsys, monkeypatch):
    code, report = scan_json("insecure-fargate", capsys, monkeypatch)
    assert code == 1
    found = rules_by_input(report)
    assert set(found) == {"plan.json", "snapshot", "taskdef", "terraform", "cloudformation"}
    service_rules = found["plan.json"]
    assert len(service_rules) >= AT_LEAST
    assert all(rules == service_rules for kind, rules in found.items() if kind != "taskdef"), found
    task_definition_rules = {
        rule_id for rule_id in service_rules if set(get_rule(rule_id).targets) <= TASK_DEFINITION_TARGETS
    }
    assert found["taskdef"] == task_definition_rules
    assert report["not_evaluated"] == [] and report["input_problems"] == [] and report["errors"] == []


def test_the_secure_twin_scans_clean(capsys, monkeypatch):
    code, report = scan_json("secure-fargate", capsys, monkeypatch)
    assert code == 0
    assert report["findings"] == [] and report["not_evaluated"] == []
    assert report["input_problems"] == [] and report["errors"] == []
    assert report["summary"]["files_scanned"] >= 11


@pytest.mark.parametrize("example", ["insecure-fargate", "secure-fargate"])
def test_the_plans_are_real_terraform_output(example):
    plan = json.loads((EXAMPLES / example / "plan.json").read_text())
    assert plan["terraform_version"].startswith("1.") and plan["format_version"].startswith("1.")
    assert "configuration" in plan and "resource_changes" in plan


def test_secrets_of_the_insecure_example_never_reach_any_output(capsys, monkeypatch):
    monkeypatch.chdir(EXAMPLES.parent)
    for fmt in ("console", "json", "sarif"):
        main(["scan", "examples/insecure-fargate", "--format", fmt, "--verbose"])
        out, err = capsys.readouterr()
        assert "EG501" in out  # the findings that hold the secrets were rendered
        for secret in ("Sup3r-S3cret-Passw0rd!", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"):
            assert secret not in out and secret not in err
