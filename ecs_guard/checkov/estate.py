"""ecs-guard's scan of one file checkov reads, kept for every check that asks.

checkov calls each check once per resource; ecs-guard judges a whole estate
at once (a service with its task definition, roles, target groups,
autoscaling). So the first check to ask about a file reads it with
ecs-guard's own adapter (the plan adapter; the CloudFormation loader, which
re-reads the template: checkov's conf has NoEcho parameter defaults
substituted into it), runs the engine once, and every later check answers
from that report. Terraform source is the exception: ecs-guard's HCL front
end cannot run inside checkov's environment, so the estate of a Terraform
folder is read from the graph checkov parsed it into (hcl_records.py), once
per graph. Only ecs-guard modules that import the standard library and
PyYAML are used: the HCL front end is never imported here.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecs_guard.engine import targets

if TYPE_CHECKING:
    from ecs_guard.engine import Report
    from ecs_guard.model import Inventory
    from ecs_guard.results import Finding, NotEvaluated, RuleError

LOG = logging.getLogger("ecs_guard.checkov")


@dataclass
class Estate:
    """The results of one file's scan, by (rule id, resource address)."""

    findings: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    not_evaluated: dict[tuple[str, str], list[NotEvaluated]] = field(default_factory=dict)
    errors: dict[tuple[str, str], list[RuleError]] = field(default_factory=dict)
    modelled: dict[str, set[str]] = field(default_factory=dict)  # rule id -> addresses it ran on
    secrets: dict[str, list[str]] = field(default_factory=dict)  # address -> literal environment values
    problem: str | None = None  # why the file could not be read, when it could not


_CACHE: dict[tuple[str, str], Estate] = {}
_GRAPHS: dict[int, tuple[Any, Estate]] = {}  # id(graph) -> (the graph, kept so its id is not reused; its estate)


def estate_of(kind: str, path: str) -> Estate:
    """The scan of the file at `path` (`kind`: "plan" or "cloudformation"), read once."""
    key = (kind, os.path.realpath(path))
    if key not in _CACHE:
        _CACHE[key] = _scan(kind, path)
    return _CACHE[key]


def estate_of_graph(graph: Any) -> Estate:
    """The scan of the Terraform folder checkov parsed into `graph` (its
    terraform runner's graph, which checkov hands every check), read once."""
    cached = _GRAPHS.get(id(graph))
    if cached is None or cached[0] is not graph:
        cached = _GRAPHS[id(graph)] = (graph, _scan("graph", graph))
    return cached[1]


def forget() -> None:
    """Drop every cached scan (a second checkov run in the same process reads files afresh)."""
    _CACHE.clear()
    _GRAPHS.clear()


def _scan(kind: str, source: Any) -> Estate:
    from ecs_guard.engine import run
    from ecs_guard.rule import select_rules
    from ecs_guard.sensitive import redact_sensitive

    what = "checkov's Terraform graph" if kind == "graph" else source
    try:
        inventory = _load(kind, source)
    except Exception as error:  # never crash checkov's run; never str(error): it may quote a secret
        LOG.error("ecs-guard: %s: cannot be read (%s)", what, type(error).__name__)
        return Estate(
            problem=f"ecs-guard could not read the {'configuration' if kind == 'graph' else 'file'} ({type(error).__name__})"
        )
    for problem in inventory.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        LOG.warning("ecs-guard: %s: %s", where, problem.message)
    rules = select_rules()
    report = run(inventory, rules)
    estate = _index(report, inventory)  # by the addresses checkov knows, before masking renames any
    redact_sensitive(report, inventory.sensitive)  # then the messages checkov prints are masked
    for rule in rules:
        estate.modelled[rule.id] = {owner.address for t in rule.targets for _, owner in targets(inventory, t)}
    return estate


def _load(kind: str, source: Any) -> Inventory:
    if kind == "graph":
        from ecs_guard.checkov.hcl_records import read_checkov_graph

        return read_checkov_graph(source)
    return _load_plan(source) if kind == "plan" else _load_template(source)


def _load_plan(path: str) -> Inventory:
    from ecs_guard.inputs.terraform.plan.read import read_plan

    return read_plan(path, path)


def _load_template(path: str) -> Inventory:
    from ecs_guard.inputs.cloudformation.adapter import load_template_model
    from ecs_guard.inputs.cloudformation.loader import read_template
    from ecs_guard.inputs.cloudformation.template import TemplateError
    from ecs_guard.inputs.problems import InputProblem
    from ecs_guard.model import Inventory

    with open(path, "rb") as stream:
        data = stream.read()
    try:
        template = read_template(data, path)
    except TemplateError as error:
        inventory = Inventory(files=[path])
        inventory.problems.append(InputProblem(path, error.message, error.line))
        return inventory
    return load_template_model(template)


def _index(report: Report, inventory: Inventory) -> Estate:
    estate = Estate()
    for finding in report.findings:
        estate.findings.setdefault((finding.rule_id, finding.resource), []).append(finding)
    for unknown in report.not_evaluated:
        estate.not_evaluated.setdefault((unknown.rule_id, unknown.resource), []).append(unknown)
    for error in report.errors:
        estate.errors.setdefault((error.rule_id, error.resource), []).append(error)
    for definition in (d for part in inventory.every_branch() for d in part.task_definitions):
        values = [
            entry.value.value
            for container in definition.containers.value or ()
            for entry in container.environment.value or ()
            if entry.value.known and isinstance(entry.value.value, str) and entry.value.value
        ]
        known = estate.secrets.setdefault(definition.address, list(inventory.sensitive))
        known += (value for value in values if value not in known)  # a template's branches share addresses
    return estate
