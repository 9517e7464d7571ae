"""Results as checkov users expect them: ecs-guard's IDs and severities, the
message in `details`, skips by ID, UNKNOWN (logged; a failure on request),
and a rule or bridge that raises never stops checkov's run."""

from __future__ import annotations

import dataclasses

import pytest
from checkov.cloudformation.checks.resource.registry import cfn_registry
from checkov.terraform.checks.resource.registry import resource_registry
from checkov_run import through_checkov, through_ecs_guard
from fixture_cases import ROOT

from ecs_guard import rule as rule_module
from ecs_guard.checkov import register
from ecs_guard.checkov.verdict import FAIL_ON_UNKNOWN
from ecs_guard.rule import get_rule, select_rules

SCENARIOS = ROOT / "fixtures" / "scenarios"
PLAN = SCENARIOS / "fargate-web" / "plan.json"
TEMPLATE = SCENARIOS / "fargate-web" / "cloudformation" / "template.yaml"
UNKNOWNS = SCENARIOS / "unknowns" / "plan.json"
SOURCE = SCENARIOS / "fargate-web" / "terraform"


def test_ids_severities_and_details_are_ecs_guards():
    answers, _ = through_checkov("plan", PLAN)
    failed = [r for r in answers.records if r.check_result["result"].name == "FAILED"]
    assert failed
    findings = {(f.rule_id, f.resource): f for f in _findings(PLAN)}
    for record in failed:
        rule = get_rule(record.check_id)
        assert rule is not None
        assert record.severity.name == rule.severity.name
        finding = findings[(record.check_id, record.resource)]
        assert any(finding.message in detail for detail in record.details)


def _findings(path):
    from ecs_guard.scan import scan

    return scan([str(path)]).findings


@pytest.mark.parametrize("kind, path", [("plan", PLAN), ("cloudformation", TEMPLATE), ("hcl", SOURCE)])
def test_skip_check_by_ecs_guard_id(kind, path):
    answers, _ = through_checkov(kind, path)
    assert any(rule == "EG603" for rule, _ in answers.failed)
    skipped, _ = through_checkov(kind, path, skip=["EG603"])
    assert not any(rule == "EG603" for rule, _ in skipped.failed | skipped.passed)
    assert skipped.failed == {pair for pair in answers.failed if pair[0] != "EG603"}


def test_not_evaluated_is_unknown_and_logged():
    expected = through_ecs_guard(UNKNOWNS)
    assert expected.unknown
    answers, log = through_checkov("plan", UNKNOWNS)
    assert not expected.unknown & (answers.passed | answers.failed)
    for rule_id, _ in expected.unknown:
        assert any(line.startswith(f"ecs-guard: {rule_id} ") and "not evaluated" in line for line in log)


def test_not_evaluated_fails_on_request(monkeypatch):
    expected = through_ecs_guard(UNKNOWNS)
    monkeypatch.setenv(FAIL_ON_UNKNOWN, "1")
    answers, _ = through_checkov("plan", UNKNOWNS)
    assert answers.failed == expected.failed | expected.unknown


def test_a_rule_that_raises_is_a_logged_error(monkeypatch):
    def broken(_):
        raise RuntimeError("hunter2")

    original = get_rule("EG603")
    assert original is not None
    monkeypatch.setitem(rule_module._REGISTRY, "EG603", dataclasses.replace(original, check=broken))
    answers, log = through_checkov("plan", PLAN)
    assert not any(rule == "EG603" for rule, _ in answers.failed | answers.passed)
    assert any(rule == "EG201" for rule, _ in answers.failed)  # the other rules still answer
    assert any(line.startswith("ecs-guard: EG603 ") and "raised RuntimeError" in line for line in log)
    assert not any("hunter2" in line for line in log)  # never the exception's message


def test_a_bridge_that_raises_never_stops_checkov(monkeypatch):
    def broken(kind, path):
        raise KeyError("hunter2")

    monkeypatch.setattr(register, "estate_of", broken)
    answers, log = through_checkov("cloudformation", TEMPLATE)
    assert not answers.failed and not answers.passed
    assert any("internal error (KeyError)" in line for line in log)
    assert not any("hunter2" in line for line in log)


def test_registration_is_idempotent():
    """checkov loads the folder once per framework; every run here loads it again."""
    through_checkov("plan", PLAN)
    through_checkov("cloudformation", TEMPLATE)
    through_checkov("plan", PLAN)
    for registry in (resource_registry, cfn_registry):
        ids = {check.id for checks in registry.checks.values() for check in checks if check.id.startswith("EG")}
        assert ids == {r.id for r in select_rules()}
        for checks in registry.checks.values():  # one check per ID on each resource type
            ours = [check.id for check in checks if check.id.startswith("EG")]
            assert len(ours) == len(set(ours))


def test_an_inline_skip_names_the_ecs_guard_id(tmp_path):
    template = tmp_path / "template.yaml"
    text = TEMPLATE.read_text()
    marker = "  LegacyTaskDefinition:\n    Type: AWS::ECS::TaskDefinition\n"
    assert marker in text
    skip = (
        "    Metadata:\n      checkov:\n        skip:\n          - id: EG201\n            comment: pinned elsewhere\n"
    )
    template.write_text(text.replace(marker, marker + skip))
    answers, _ = through_checkov("cloudformation", TEMPLATE)
    assert ("EG201", "LegacyTaskDefinition") in answers.failed
    skipped, _ = through_checkov("cloudformation", template)
    assert ("EG201", "LegacyTaskDefinition") not in skipped.failed | skipped.passed
    assert skipped.failed == answers.failed - {("EG201", "LegacyTaskDefinition")}


def test_terraform_source_is_read_from_checkovs_graph():
    """The terraform (HCL) framework answers from the graph checkov hands each check."""
    source = SCENARIOS / "fargate-web" / "terraform"
    answers, _ = through_checkov("hcl", source)
    assert ("EG603", "module.api.aws_ecs_task_definition.this") in answers.failed  # a module's resource
    assert ("EG301", "aws_ecs_task_definition.legacy") in answers.passed  # a role and its policies, linked


def test_terraform_source_without_a_graph_is_unknown(monkeypatch):
    """A check that gets no graph (checkov's registry sets `check.graph`)
    answers UNKNOWN, logged once per file, never a pass."""
    from checkov.common.checks.base_check_registry import BaseCheckRegistry

    original = BaseCheckRegistry.run_check

    def without_graph(self, check, *args, **kwargs):
        self.graph = None
        return original(self, check, *args, **kwargs)

    monkeypatch.setattr(BaseCheckRegistry, "run_check", without_graph)
    register._NO_GRAPH_LOGGED.clear()
    answers, log = through_checkov("hcl", SCENARIOS / "fargate-web" / "terraform")
    assert not answers.failed and not answers.passed
    assert [line for line in log if "checkov built no graph" in line] == [
        "ecs-guard: /main.tf: every ecs-guard check is " + register.NO_GRAPH,
        "ecs-guard: /modules/service/main.tf: every ecs-guard check is " + register.NO_GRAPH,
        "ecs-guard: /modules/worker/main.tf: every ecs-guard check is " + register.NO_GRAPH,
    ]
