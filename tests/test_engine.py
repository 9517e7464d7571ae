"""The engine: which objects a rule runs on, how results are completed, and
that a rule that raises is isolated without leaking input into the report."""

from __future__ import annotations

import pytest
from model_factory import make_container, make_service, make_task_definition, make_task_set, unknown

from ecs_guard.engine import run
from ecs_guard.model import Container, Inventory, Service, TaskSet
from ecs_guard.results import Severity
from ecs_guard.rule import Rule, select_rules, unknown_rule_codes


def make_rule(check, target=Container, rule_id="EG999", severity=Severity.MEDIUM) -> Rule:
    return Rule(id=rule_id, name="test-rule", severity=severity, target=target, check=check)


def flag_every(obj):
    yield obj.finding("flagged")


def test_container_rule_runs_on_every_container_and_names_it():
    td = make_task_definition(containers=(make_container(name="web"), make_container(name="sidecar")))
    report = run(Inventory(task_definitions=[td]), [make_rule(flag_every)])
    assert sorted(f.container for f in report.findings) == ["sidecar", "web"]
    assert {f.resource for f in report.findings} == {td.address}
    assert {f.rule_id for f in report.findings} == {"EG999"}
    assert {f.severity for f in report.findings} == {Severity.MEDIUM}


def test_unknown_container_list_is_not_evaluated_never_a_pass():
    td = make_task_definition(containers=unknown("container_definitions is unknown until apply"))
    report = run(Inventory(task_definitions=[td]), [make_rule(flag_every)])
    assert report.findings == []
    [result] = report.not_evaluated
    assert "unknown until apply" in result.reason and result.resource == td.address


def test_rule_with_several_targets_runs_on_each():
    report = run(
        Inventory(services=[make_service()], task_sets=[make_task_set()]),
        [make_rule(flag_every, target=(Service, TaskSet))],
    )
    assert len(report.findings) == 2


def test_finding_severity_override_is_kept():
    def low(obj):
        yield obj.finding("minor", severity=Severity.LOW)

    report = run(Inventory(services=[make_service()]), [make_rule(low, target=Service, severity=Severity.HIGH)])
    assert [f.severity for f in report.findings] == [Severity.LOW]


def test_raising_rule_is_an_internal_error_without_the_exception_message_and_scan_goes_on():
    secret = "hunter2-very-secret"

    def broken(obj):
        raise ValueError(f"cannot parse {secret}")
        yield  # pragma: no cover

    services = [make_service(address="svc.a"), make_service(address="svc.b")]
    report = run(
        Inventory(services=services),
        [make_rule(broken, target=Service, rule_id="EG998"), make_rule(flag_every, target=Service)],
    )
    assert [(e.rule_id, e.resource) for e in report.errors] == [("EG998", "svc.a"), ("EG998", "svc.b")]
    assert all(secret not in e.message and "ValueError" in e.message for e in report.errors)
    assert len(report.findings) == 2  # the other rule still ran on both services


def test_rule_yielding_something_else_is_reported():
    def wrong(obj):
        yield "not a result"

    report = run(Inventory(services=[make_service()]), [make_rule(wrong, target=Service)])
    assert report.findings == [] and len(report.errors) == 1


def test_select_and_ignore_by_prefix():
    ids = [r.id for r in select_rules(["EG4"], ["EG40"])]
    assert ids == ["EG410"]
    assert "EG202" not in [r.id for r in select_rules()]
    assert "EG202" in [r.id for r in select_rules(["EG2"])]
    assert unknown_rule_codes(["EG1", "EG999", "XX"]) == ["EG999", "XX"]


@pytest.mark.parametrize("threshold,expected", [(Severity.CRITICAL, False), (Severity.MEDIUM, True)])
def test_has_findings_at(threshold, expected):
    report = run(Inventory(services=[make_service()]), [make_rule(flag_every, target=Service)])
    assert report.has_findings_at(threshold) is expected
