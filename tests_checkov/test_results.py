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


@pytest.mark.parametrize("kind, path", [("plan", PLAN), ("cloudformation", TEMPLATE)])
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


def test_terraform_source_is_unknown_never_a_pass(tmp_path):
    """The bridge does not read .tf files yet: no ecs-guard check passes or fails on them."""
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.runner import Runner

    from ecs_guard.checkov import checks_dir

    source = SCENARIOS / "fargate-web" / "terraform"
    ids = [r.id for r in select_rules()]
    report = Runner().run(
        root_folder=str(source),
        external_checks_dir=[checks_dir()],
        runner_filter=RunnerFilter(framework=["terraform"], checks=ids),
    )
    assert report.resources  # checkov read the source
    assert [r.check_id for r in report.failed_checks + report.passed_checks] == []
