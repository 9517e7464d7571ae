"""The same stack scanned as Terraform source and as its real plan gives the
same results.

For every plan case of fixtures/rules/*.yaml (its `tf` and `files`, and the
plan terraform made from them) and every fixtures/scenarios/*/ (terraform/
and plan.json), with every rule (EG202 too):

- the HCL adapter and the plan adapter give the same findings and the same
  not-evaluated results, as (rule, resource, container), except in the
  cases listed in EXCEPTIONS, whose difference must be of the kind the
  reason states;
- the plan scanned inside its Terraform root (plan.json next to main.tf)
  gives exactly what the source alone gives, lines included: the plan's
  findings are reported at the .tf lines, the root is not reported a
  second time, and what the plan does not know but the source writes
  literally is taken from the source.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from fixture_cases import ROOT, all_cases

from ecs_guard.rule import all_rules
from ecs_guard.scan import scan

RULES = all_rules()
SCENARIOS = ROOT / "fixtures" / "scenarios"
PLAN_CASES = [case for case in all_cases() if case.kind == "plan"]

# Where the source knows more than the plan, the HCL adapter decides what
# the plan adapter cannot: each exception says why, and which of the plan's
# not-evaluated reasons the source settles (every result only the plan has
# must be one of those; every result only the source has must be on one of
# their resources).
#
# The plan holds container_definitions as one JSON string. When any part of
# it is unknown until apply (an image from a repository the same apply
# creates, an environment value that is a role's ARN), the whole string is
# unknown, and every container rule is not evaluated on that task definition
# (nor EG401 on its services). The source still knows the other parts, so the
# HCL adapter evaluates the containers on what is known: the parts that
# depend on the unknown value are not evaluated, the rest is checked.
CONTAINERS_PARTLY_KNOWN = "container_definitions is unknown until apply"
# A plan's configuration does not show locals, so a link written through a
# local (task_role_arn = local.task_role_arn) cannot be followed in a plan;
# the source evaluates the local and knows which resource it comes from.
LINK_THROUGH_A_LOCAL = (
    "task_role_arn is unknown until apply",
    "resource_id of scalable target aws_appautoscaling_target.orphan is unknown until apply",
)
EXCEPTIONS = {
    "EG201-plan-image-unknown-until-apply": (CONTAINERS_PARTLY_KNOWN,),
    "EG402-plan-container-definitions-unknown": (CONTAINERS_PARTLY_KNOWN,),
    "EG501-plan-container-definitions-unknown-until-apply": (CONTAINERS_PARTLY_KNOWN,),
    "EG601-plan-container-definitions-unknown-until-apply": (CONTAINERS_PARTLY_KNOWN,),
    "EG602-plan-container-definitions-unknown-until-apply": (CONTAINERS_PARTLY_KNOWN,),
    "EG603-plan-container-definitions-unknown-until-apply": (CONTAINERS_PARTLY_KNOWN,),
    "scenario-unknowns": (CONTAINERS_PARTLY_KNOWN, *LINK_THROUGH_A_LOCAL),
}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(autouse=True)
def _results_before_masking(monkeypatch):
    """Compare what the adapters found, before sensitive texts are masked: a
    plan marks a whole container_definitions sensitive when one part is (so a
    plan scan masks every string in it), the source only the part itself.
    Masking is checked in tests/test_no_secret_written.py and test_plan_sensitive.py."""
    monkeypatch.setattr("ecs_guard.sensitive.redact_sensitive", lambda report, texts: None)


def _results(report, lines: bool = False) -> Counter:
    """Every finding and not-evaluated result, as a multiset (a resource
    reported twice counts twice)."""

    def key(kind, result):
        where = (result.location.path, result.location.line) if lines else ()
        return (kind, result.rule_id, result.resource, result.container, *where)

    return Counter(
        [key("finding", f) for f in report.findings] + [key("not evaluated", n) for n in report.not_evaluated]
    )


def _scan(path: Path):
    report = scan([str(path)], rules=RULES)
    assert not report.errors, report.errors
    assert not report.unreadable, report.unreadable
    return report


def _layout(case, folder: Path) -> tuple[Path, Path]:
    """(the case's Terraform root, its plan file outside the root)."""
    source = folder / "terraform"
    source.mkdir()
    (source / "main.tf").write_text(case.tf)
    for name, text in case.files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    plan = folder / "plan" / "plan.json"
    plan.parent.mkdir()
    plan.write_bytes(case.plan_path.read_bytes())
    return source, plan


def _scenario_layout(name: str, folder: Path) -> tuple[Path, Path]:
    source = folder / "terraform"
    shutil.copytree(SCENARIOS / name / "terraform", source)
    plan = folder / "plan" / "plan.json"
    plan.parent.mkdir()
    shutil.copy(SCENARIOS / name / "plan.json", plan)
    return source, plan


def _check_same_as_plan(case_id: str, source: Path, plan: Path) -> None:
    from_source, from_plan = _scan(source), _scan(plan)
    assert [p for p in from_source.problems if p.kind == "unreadable"] == []
    mine, theirs = _results(from_source), _results(from_plan)
    if case_id not in EXCEPTIONS:
        assert mine == theirs
        return
    assert mine != theirs, f"{case_id} no longer differs: take it out of EXCEPTIONS"
    only_plan = theirs - mine
    reasons = {(n.rule_id, n.resource, n.container): n.reason for n in from_plan.not_evaluated}
    for kind, rule_id, resource, container in only_plan:
        assert kind == "not evaluated"
        reason = reasons[(rule_id, resource, container)]
        assert any(settled in reason for settled in EXCEPTIONS[case_id]), (rule_id, resource, reason)
    undecided = {resource for _, _, resource, _ in only_plan}
    assert {resource for _, _, resource, _ in mine - theirs} <= undecided


def _check_plan_in_its_root(source: Path, plan: Path) -> None:
    """The plan moved into the root gives what the root alone gives, lines included."""
    from_source = _results(_scan(source), lines=True)
    shutil.move(str(plan), str(source / "plan.json"))
    together = _scan(source)
    assert _results(together, lines=True) == from_source
    assert "terraform/plan.json" in together.files


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_rule_case_as_hcl_gives_what_its_plan_gives(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _layout(case, tmp_path)
    _check_same_as_plan(case.id, Path("terraform"), Path("plan/plan.json"))


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_rule_case_plan_inside_its_root_is_reported_at_the_source(case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _layout(case, tmp_path)
    _check_plan_in_its_root(Path("terraform"), Path("plan/plan.json"))


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.iterdir() if (p / "terraform").is_dir()))
def test_scenario_as_hcl_gives_what_its_plan_gives(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _scenario_layout(name, tmp_path)
    _check_same_as_plan(f"scenario-{name}", Path("terraform"), Path("plan/plan.json"))


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.iterdir() if (p / "terraform").is_dir()))
def test_scenario_plan_inside_its_root_is_reported_at_the_source(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _scenario_layout(name, tmp_path)
    _check_plan_in_its_root(Path("terraform"), Path("plan/plan.json"))


def test_every_exception_names_a_case_that_exists():
    known = {case.id for case in PLAN_CASES} | {f"scenario-{p.name}" for p in SCENARIOS.iterdir()}
    assert set(EXCEPTIONS) <= known
