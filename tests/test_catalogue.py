"""The rule catalogue holds together: what RULES.md promises is what ships.

Adding a rule touches one module in rules/ and one YAML file in
fixtures/rules/; these tests enforce the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixture_cases import KINDS, RULE_FIXTURES, load_file

from ecs_guard.results import Severity
from ecs_guard.rule import DOC_SECTIONS, all_rules, section

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
# The catalogue of RULES.md v1.1: every ID with its name and default severity.
CATALOGUE = {
    "EG101": ("public-ip-assigned", Severity.HIGH),
    "EG102": ("non-awsvpc-network-mode", Severity.HIGH),
    "EG201": ("image-latest-tag", Severity.HIGH),
    "EG202": ("image-not-pinned-by-digest", Severity.INFO),
    "EG301": ("wildcard-execution-role", Severity.HIGH),
    "EG302": ("wildcard-task-role", Severity.HIGH),
    "EG303": ("shared-task-execution-role", Severity.MEDIUM),
    "EG401": ("missing-health-check", Severity.MEDIUM),
    "EG402": ("missing-logging", Severity.MEDIUM),
    "EG403": ("missing-autoscaling", Severity.MEDIUM),
    "EG404": ("single-az-placement", Severity.MEDIUM),
    "EG405": ("desired-count-zero", Severity.LOW),
    "EG406": ("single-task-service", Severity.LOW),
    "EG407": ("no-deployment-circuit-breaker", Severity.LOW),
    "EG408": ("container-insights-disabled", Severity.LOW),
    "EG409": ("outdated-fargate-platform", Severity.MEDIUM),
    "EG410": ("invalid-fargate-size", Severity.HIGH),
    "EG501": ("plaintext-secret-in-environment", Severity.CRITICAL),
    "EG601": ("container-runs-as-root", Severity.MEDIUM),
    "EG602": ("privileged-container", Severity.HIGH),
    "EG603": ("writable-root-filesystem", Severity.LOW),
    "EG604": ("host-pid-namespace", Severity.HIGH),
    "EG701": ("efs-transit-encryption-disabled", Severity.HIGH),
    "EG702": ("exec-logging-disabled", Severity.LOW),
}
RULES = all_rules()


def test_every_catalogued_rule_ships_with_its_name_and_severity():
    shipped = {r.id: (r.name, r.severity) for r in RULES}
    assert shipped == CATALOGUE


def test_only_eg202_is_off_by_default():
    assert [r.id for r in RULES if not r.enabled_by_default] == ["EG202"]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_module_is_named_after_its_id_and_name(rule):
    expected = f"ecs_guard.rules.{rule.id.lower()}_{rule.name.replace('-', '_')}"
    assert rule.module == expected
    assert (RULES_DIR / f"{expected.rsplit('.', 1)[1]}.py").is_file()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_docstring_has_every_section(rule):
    for title in DOC_SECTIONS:
        assert section(rule.doc, title), f"{rule.id} docstring lacks '## {title}'"
    assert re.search(r"https://", section(rule.doc, "References")), f"{rule.id} cites no reference"


def test_each_rule_module_registers_exactly_one_rule():
    modules = sorted(p.stem for p in RULES_DIR.glob("eg*.py"))
    assert modules == sorted(r.module.rsplit(".", 1)[1] for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_failing_and_passing_cases_in_every_input_kind(rule):
    path = RULE_FIXTURES / f"{rule.id}.yaml"
    assert path.is_file(), f"{path} missing"
    data, cases = load_file(path)
    assert data["rule"] == rule.id
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    not_applicable = data.get("not_applicable") or {}
    assert set(not_applicable) <= set(KINDS)
    for kind in KINDS:
        if kind in not_applicable:
            assert not [c for c in cases if c.kind == kind and c.expect], f"{kind} is marked not applicable"
            continue
        of_kind = [c for c in cases if c.kind == kind]
        assert any(c.expect for c in of_kind), f"{rule.id}: no failing {kind} case"
        assert any(not c.expect and not c.not_evaluated for c in of_kind), f"{rule.id}: no passing {kind} case"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_plan_cases_have_their_committed_plan(rule):
    _, cases = load_file(RULE_FIXTURES / f"{rule.id}.yaml")
    for case in cases:
        if case.kind == "plan":
            assert case.tf, f"{case.id} has no tf source"
            assert case.plan_path.is_file(), f"{case.plan_path} missing: run python tools/make_plans.py {rule.id}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_hcl_cases_are_terraform_source_with_exact_lines(rule):
    _, cases = load_file(RULE_FIXTURES / f"{rule.id}.yaml")
    hcl = [case for case in cases if case.kind == "hcl"]
    assert hcl, f"{rule.id} has no hcl case"
    for case in hcl:
        assert case.tf, f"{case.id} has no tf source (it is written as main.tf)"
        for expected in case.expect:
            assert isinstance(expected.get("line"), int) and expected["line"] > 0, f"{case.id}: {expected} has no line"
