"""``Fn::If`` on a condition ecs-guard cannot decide: judged by verdict.

RULES.md / issue 12: a value that differs between ``Fn::If`` branches that
cannot be decided is not evaluated unless every branch gives the same
verdict. The template is modelled once per way its undecided conditions
can go (cloudformation/adapter.py) and the engine keeps what every way
agrees on (ecs_guard/alternatives.py)."""

from __future__ import annotations

import json

import pytest

from ecs_guard.cli import main
from ecs_guard.inputs.cloudformation import adapter
from ecs_guard.rule import get_rule
from ecs_guard.scan import scan

UNDECIDED = (
    "Parameters:\n  Env:\n    Type: String\n  Tls:\n    Type: String\nConditions:\n  Prod: !Equals [!Ref Env, prod]\n"
)

CLUSTER = (
    "Resources:\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n"
    "        - Name: containerInsights\n          Value: {value}\n"
)

TASK = """\
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: web
          Image: {image}
"""


def _scan(tmp_path, monkeypatch, text: str, rule: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text(text)
    return scan(["."], rules=[get_rule(rule)])


@pytest.mark.parametrize(
    ("value", "findings", "not_evaluated"),
    [
        # different values, both pass: a pass whatever Env is (by value this was "not evaluated")
        ("!If [Prod, enhanced, enabled]", [], []),
        # different values, both fail
        ("!If [Prod, disabled, 'off']", ["Cluster"], []),
        # one passes, one fails: depends on the condition
        ("!If [Prod, enabled, disabled]", [], ["Cluster"]),
        # the same value in both branches
        ("!If [Prod, enabled, enabled]", [], []),
    ],
)
def test_undecided_branches_are_judged_by_verdict(tmp_path, monkeypatch, value, findings, not_evaluated):
    report = _scan(tmp_path, monkeypatch, UNDECIDED + CLUSTER.format(value=value), "EG408")
    assert [f.resource for f in report.findings] == findings
    assert [n.resource for n in report.not_evaluated] == not_evaluated


def test_a_verdict_that_depends_on_the_condition_says_which_way_fails_and_why(tmp_path, monkeypatch):
    report = _scan(tmp_path, monkeypatch, UNDECIDED + CLUSTER.format(value="!If [Prod, enabled, disabled]"), "EG408")
    [unknown] = report.not_evaluated
    assert "condition Prod" in unknown.reason and "parameter Env" in unknown.reason
    assert "passes when Prod is true" in unknown.reason and "fails when Prod is false" in unknown.reason
    assert unknown.location.line == 14  # the line of the Fn::If (`Value: !If [...]`)


def test_a_finding_in_every_branch_keeps_its_line_and_message(tmp_path, monkeypatch):
    text = UNDECIDED + TASK.format(image="!If [Prod, 'nginx:latest', 'nginx']")
    report = _scan(tmp_path, monkeypatch, text, "EG201")
    [finding] = report.findings
    assert (
        finding.resource == "Task"
        and finding.location.line
        == text.splitlines().index("          Image: " + "!If [Prod, 'nginx:latest', 'nginx']") + 1
    )
    assert report.not_evaluated == []


def test_a_branch_that_is_not_evaluated_and_one_that_fails_are_not_evaluated(tmp_path, monkeypatch):
    text = UNDECIDED + TASK.format(image="!If [Prod, 'nginx:latest', !Ref Tls]")
    report = _scan(tmp_path, monkeypatch, text, "EG201")
    assert report.findings == []
    [unknown] = report.not_evaluated
    assert "fails when Prod is true" in unknown.reason and "is not evaluated when Prod is false" in unknown.reason


def test_a_condition_defined_from_another_adds_no_impossible_branch(tmp_path, monkeypatch):
    """IsDev is !Not Prod: two branches (Prod true, Prod false), never
    Prod and IsDev both true; in each, one Fn::If picks `enabled`."""
    text = UNDECIDED.replace("Conditions:\n", "Conditions:\n  IsDev: !Not [!Condition Prod]\n") + CLUSTER.format(
        value="!If [Prod, enabled, !If [IsDev, enhanced, disabled]]"
    )
    report = _scan(tmp_path, monkeypatch, text, "EG408")
    assert report.findings == [] and report.not_evaluated == []
    monkeypatch.chdir(tmp_path)
    from ecs_guard.inputs import load

    [group] = load(["."]).alternatives
    assert [branch.assumed for branch in group.branches] == [{"Prod": True}, {"Prod": False}]


def test_a_resource_that_exists_only_under_the_condition_is_judged_where_it_exists(tmp_path, monkeypatch):
    text = UNDECIDED + CLUSTER.format(value="!If [Prod, enabled, disabled]").replace(
        "Type: AWS::ECS::Cluster\n", "Type: AWS::ECS::Cluster\n    Condition: Prod\n"
    )
    report = _scan(tmp_path, monkeypatch, text, "EG408")
    assert report.findings == [] and report.not_evaluated == []  # when it exists, Prod is true: enabled


def test_too_many_undecided_conditions_fall_back_to_comparing_values(tmp_path, monkeypatch):
    names = [f"C{n}" for n in range(5)]  # 32 ways > MAX_BRANCHES
    conditions = "".join(f"  {name}: !Equals [!Ref Env, {name}]\n" for name in names)
    items = "".join(
        f"        - Name: containerInsights\n          Value: !If [{name}, enhanced, enabled]\n" for name in names
    )
    text = (
        UNDECIDED.replace("  Prod: !Equals [!Ref Env, prod]\n", conditions)
        + "Resources:\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n"
        + items
    )
    assert 2 ** len(names) > adapter.MAX_BRANCHES
    report = _scan(tmp_path, monkeypatch, text, "EG408")
    assert report.findings == []
    [unknown] = report.not_evaluated
    assert "branches differ" in unknown.reason


def test_other_rules_and_resources_of_the_template_are_judged_once(tmp_path, monkeypatch, capsys):
    """Resources that do not depend on the condition give one answer, not one per branch."""
    text = (
        UNDECIDED
        + CLUSTER.format(value="!If [Prod, enabled, disabled]")
        + TASK.format(image="'nginx:latest'").removeprefix("Resources:\n")
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text(text)
    code = main(["scan", ".", "--format", "json", "--select", "EG201,EG408"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["rule_id"], f["resource"]) for f in out["findings"]] == [("EG201", "Task")]
    assert [(n["rule_id"], n["resource"]) for n in out["not_evaluated"]] == [("EG408", "Cluster")]


def test_conditions_defined_from_each_other_in_a_cycle_stay_not_evaluated(tmp_path, monkeypatch):
    text = "Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\n" + CLUSTER.format(
        value="!If [A, enabled, disabled]"
    )
    report = _scan(tmp_path, monkeypatch, text, "EG408")
    assert report.findings == []
    assert [n.resource for n in report.not_evaluated] == ["Cluster"]


def test_junit_lists_a_resource_that_passes_in_every_branch(tmp_path, monkeypatch, capsys):
    """JUnit has a test case per (rule, resource) judged, passes included: a
    template's resources that exist only in its branches are among them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text(UNDECIDED + CLUSTER.format(value="!If [Prod, enhanced, enabled]"))
    assert main(["scan", ".", "--format", "junit", "--select", "EG408"]) == 0
    out = capsys.readouterr().out
    assert out.count("<testcase ") == 1 and 'name="Cluster' in out
