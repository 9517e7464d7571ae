"""Run ecs-guard's checks through checkov's own runners, in this process, and
ecs-guard's own scan of the same file: the two answers the tests compare.

Terraform source is the exception on ecs-guard's side: its HCL front end
needs python-hcl2, which checkov's environment cannot import, so
`through_main_ecs_guard` asks the main environment's Python (ECS_GUARD_PYTHON,
set by noxfile.py's checkov session) to scan, with ecs_guard_answers.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from checkov.cloudformation.runner import Runner as CloudFormationRunner
from checkov.runner_filter import RunnerFilter
from checkov.terraform.plan_runner import Runner as PlanRunner
from checkov.terraform.runner import Runner as TerraformRunner

from ecs_guard.checkov import checks_dir
from ecs_guard.checkov.estate import forget
from ecs_guard.rule import select_rules

RUNNERS = {
    "plan": (PlanRunner, "terraform_plan"),
    "cloudformation": (CloudFormationRunner, "cloudformation"),
    "hcl": (TerraformRunner, "terraform"),  # a folder of Terraform source
}
MAIN_PYTHON = "ECS_GUARD_PYTHON"
HERE = Path(__file__).resolve().parent
Pair = tuple[str, str]  # (rule id, resource address)


@dataclass
class Answers:
    failed: set[Pair] = field(default_factory=set)
    passed: set[Pair] = field(default_factory=set)
    unknown: set[Pair] = field(default_factory=set)
    records: list = field(default_factory=list)  # checkov's failed and passed records
    secrets: list[str] = field(default_factory=list)  # what EG501 flags (ecs-guard's answers only)


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
    where = {"root_folder": str(path)} if kind == "hcl" else {"root_folder": None, "files": [str(path)]}
    try:
        report = runner_class().run(
            **where,
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
    """`ecs-guard scan`'s answers, in this process (plans and templates: no
    HCL front end needed): failed where there is a finding, unknown where a
    result was not evaluated (and nothing failed), passed on every other
    resource a rule ran on. Compared before sensitive texts are masked: a plan
    marks a whole container_definitions sensitive when one value in it is, and
    ecs-guard then masks every string of it in its own reports (names in
    addresses included), while checkov names resources by their addresses."""
    from ecs_guard_answers import answers

    found = answers(str(path))
    return Answers(
        failed={tuple(pair) for pair in found["failed"]},  # type: ignore[misc]
        passed={tuple(pair) for pair in found["passed"]},  # type: ignore[misc]
        unknown={tuple(pair) for pair in found["unknown"]},  # type: ignore[misc]
        secrets=list(found["secrets"]),
    )


def through_main_ecs_guard(paths: list[Path]) -> dict[Path, Answers]:
    """`ecs-guard scan`'s answers for each path, computed by the main
    environment's Python (one process for all of them)."""
    python = os.environ.get(MAIN_PYTHON)
    if not python:
        raise RuntimeError(
            f"{MAIN_PYTHON} is not set: it names the Python of an environment where ecs-guard reads "
            "Terraform source (nox -s checkov sets it)"
        )
    run = subprocess.run(
        [python, str(HERE / "ecs_guard_answers.py"), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if run.returncode != 0:
        raise RuntimeError(f"ecs_guard_answers.py failed: {run.stderr[-3000:]}")
    found = {}
    for path, answers in json.loads(run.stdout).items():
        found[Path(path)] = Answers(
            failed={tuple(pair) for pair in answers["failed"]},
            passed={tuple(pair) for pair in answers["passed"]},
            unknown={tuple(pair) for pair in answers["unknown"]},
            secrets=answers["secrets"],
        )
    return found
