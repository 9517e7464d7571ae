"""The bundled examples, which the README's first command scans: the
insecure service breaks the same rules in every input kind, and its fixed
twin scans clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_guard.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# What the insecure service gets wrong: every rule that can fire on a
# Fargate service except those a Fargate service cannot break (EG102 host
# networking, EG602 privileged, EG604 host PID, EG701 EFS: not used; EG405 a
# desired count of 0) and the off-by-default EG202.
SERVICE_RULES = {
    "EG101",
    "EG201",
    "EG301",
    "EG302",
    "EG303",
    "EG401",
    "EG402",
    "EG403",
    "EG404",
    "EG406",
    "EG407",
    "EG408",
    "EG409",
    "EG410",
    "EG501",
    "EG601",
    "EG603",
    "EG702",
}
# A task definition file on its own has no service, cluster or autoscaling.
TASK_DEFINITION_RULES = {"EG201", "EG301", "EG302", "EG303", "EG402", "EG410", "EG501", "EG601", "EG603"}


def scan_json(example: str, capsys, monkeypatch) -> tuple[int, dict]:
    monkeypatch.chdir(EXAMPLES.parent)
    code = main(["scan", f"examples/{example}", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def rules_by_input(report: dict) -> dict[str, set[str]]:
    """Rule IDs found per input of the example: plan.json, snapshot, taskdef, terraform."""
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        kind = finding["file"].split("/")[2]
        found.setdefault(kind, set()).add(finding["rule_id"])
    return found


def test_the_insecure_service_breaks_the_same_rules_in_every_input_kind(capsys, monkeypatch):
    code, report = scan_json("insecure-fargate", capsys, monkeypatch)
    assert code == 1
    found = rules_by_input(report)
    assert found.pop("taskdef") == TASK_DEFINITION_RULES
    assert found == dict.fromkeys(found, SERVICE_RULES)
    assert {"plan.json", "snapshot"} <= set(found)
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
        for secret in ("Sup3r-S3cret-Passw0rd!", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"):
            assert secret not in out and secret not in err
