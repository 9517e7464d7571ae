"""Run ecs-guard's checks through checkov's own runners, in this process, and
ecs-guard's own scan of the same file: the two answers the tests compare."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from checkov.cloudformation.runner import Runner as CloudFormationRunner
from checkov.runner_filter import RunnerFilter
from checkov.terraform.plan_runner import Runner as PlanRunner

from ecs_guard.checkov import checks_dir
from ecs_guard.checkov.estate import forget
from ecs_guard.engine import targets
from ecs_guard.rule import select_rules
from ecs_guard.scan import scan

RUNNERS = {"plan": (PlanRunner, "terraform_plan"), "cloudformation": (CloudFormationRunner, "cloudformation")}
Pair = tuple[str, str]  # (rule id, resource address)


@dataclass
class Answers:
    failed: set[Pair] = field(default_factory=set)
    passed: set[Pair] = field(default_factory=set)
    unknown: set[Pair] = field(default_factory=set)
    records: list = field(default_factory=list)  # checkov's failed and passed records


class UnknownLog(logging.Handler):
    """The not-evaluated lines the bridge logs (checkov drops UNKNOWN from its reports)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def resource_name(kind: str, resource: str) -> str:
    """checkov names a CloudFormation resource `AWS::ECS::Service.Logical`; ecs-guard by its logical id."""
    return resource.split(".", 1)[1] if kind == "cloudformation" else resource


def through_checkov(kind: str, path: Path, skip: list[str] | None = None) -> tuple[Answers, list[str]]:
    forget()
    runner_class, framework = RUNNERS[kind]
    ids = [rule.id for rule in select_rules()]
    log = UnknownLog()
    logger = logging.getLogger("ecs_guard.checkov")
    logger.addHandler(log)
    try:
        report = runner_class().run(
            root_folder=None,
            files=[str(path)],
            external_checks_dir=[checks_dir()],
            runner_filter=RunnerFilter(framework=[framework], checks=ids, skip_checks=skip or []),
        )
    finally:
        logger.removeHandler(log)
    answers = Answers(records=report.failed_checks + report.passed_checks)
    answers.failed = {(r.check_id, resource_name(kind, r.resource)) for r in report.failed_checks}
    answers.passed = {(r.check_id, resource_name(kind, r.resource)) for r in report.passed_checks}
    return answers, log.lines


def through_ecs_guard(path: Path) -> Answers:
    """`ecs-guard scan`'s answers: failed where there is a finding, unknown where
    a result was not evaluated (and nothing failed), passed on every other
    resource a rule ran on. Compared before sensitive texts are masked: a plan
    marks a whole container_definitions sensitive when one value in it is, and
    ecs-guard then masks every string of it in its own reports (names in
    addresses included), while checkov names resources by their addresses."""
    from unittest import mock

    with mock.patch("ecs_guard.sensitive.redact_sensitive", lambda report, texts: None):
        report = scan([str(path)])
    answers = Answers()
    answers.failed = {(f.rule_id, f.resource) for f in report.findings}
    answers.unknown = {(u.rule_id, u.resource) for u in report.not_evaluated} - answers.failed
    assert report.inventory is not None
    ran = {
        (rule.id, owner.address)
        for rule in report.rules
        for target in rule.targets
        for _, owner in targets(report.inventory, target)
    }
    answers.passed = ran - answers.failed - answers.unknown
    return answers
