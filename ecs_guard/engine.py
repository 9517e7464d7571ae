"""Runs the rules over an Inventory and builds the Report.

The engine is the only place that knows which model objects a target type
means, fills each result with its rule and resource, and isolates a rule
that raises (sqlfluff-style: reported as an internal error for that rule
and resource, the scan goes on).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_guard import alternatives
from ecs_guard.model import Branch, Cluster, Container, Inventory, Resource, Service, TaskDefinition, TaskSet
from ecs_guard.results import Finding, NotEvaluated, RuleError, Severity
from ecs_guard.rule import Rule

if TYPE_CHECKING:
    from ecs_guard.inputs.problems import InputProblem
    from ecs_guard.suppress import Notice, Suppressed

# The kind of InputProblem that is a note about evaluation (ecs_guard.inputs.problems
# names it too; the core does not import the adapters' package).
EVALUATION_NOTE = "evaluation-note"


@dataclass
class Report:
    """The outcome of one scan, which every reporter renders."""

    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    # Notes about how the input was evaluated (InputProblem kind
    # "evaluation-note": count not known, a pinned provider version): kept
    # apart from `problems`, so they are never "not understood", never a
    # SARIF warning and never part of the exit code (listed with --verbose).
    evaluation_notes: list[InputProblem] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # folders (ending in '/') and files the walk left out
    # Findings taken out of `findings` after the run (ecs_guard.suppress,
    # ecs_guard.baseline): shown as such, never counted toward the exit code.
    suppressed: list[Suppressed] = field(default_factory=list)
    baselined: list[Finding] = field(default_factory=list)
    baseline_file: str | None = None  # the baseline compared against, as given
    notices: list[Notice] = field(default_factory=list)  # expired ignores, suppressions without a reason
    # The model the rules ran on. Kept with the report so that the command
    # line can exit without freeing either (ecs_guard.cli.entry).
    inventory: Inventory | None = field(default=None, repr=False, compare=False)

    @property
    def all_findings(self) -> list[Finding]:
        """Every finding of the scan, whether reported, suppressed or in the
        baseline: what fingerprints are numbered over (ecs_guard.fingerprint)."""
        return self.findings + [s.finding for s in self.suppressed] + self.baselined

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def count_by_severity(self) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for f in self.findings:
            assert f.severity is not None  # the engine sets it on every reported finding
            counts[f.severity] += 1
        return counts

    def has_findings_at(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.findings if f.severity is not None)

    @property
    def unreadable(self) -> list[InputProblem]:
        return [p for p in self.problems if p.kind == "unreadable"]


def targets(inventory: Inventory, target: type) -> list[tuple[Resource | None, Resource]]:
    """(object checked, resource its results belong to) for every model
    object a rule with this target type runs on. A container's results
    belong to its task definition; (None, task definition) stands for
    containers that are not known, which the engine reports not evaluated."""
    if target is Container:
        pairs: list[tuple[Resource | None, Resource]] = []
        for td in inventory.task_definitions:
            if td.containers.known:
                pairs += ((container, td) for container in td.containers.value or ())
            else:
                pairs.append((None, td))
        return pairs
    resources: dict[type, Sequence[Resource]] = {
        Cluster: inventory.clusters,
        Service: inventory.services,
        TaskSet: inventory.task_sets,
        TaskDefinition: inventory.task_definitions,
    }
    return [(resource, resource) for resource in resources[target]]


def run(inventory: Inventory, rules: list[Rule]) -> Report:
    report = Report(
        rules=list(rules),
        files=list(inventory.files),
        problems=[p for p in inventory.problems if p.kind != EVALUATION_NOTE],
        evaluation_notes=[p for p in inventory.problems if p.kind == EVALUATION_NOTE],
        skipped=list(inventory.skipped),
        inventory=inventory,
    )
    _judge(report, inventory, rules)
    for group in inventory.alternatives:
        findings, not_evaluated, errors = alternatives.merge(group, [_judge_branch(b, rules) for b in group.branches])
        report.findings += findings
        report.not_evaluated += not_evaluated
        report.errors += errors
    report.findings.sort(key=document_order)
    report.not_evaluated.sort(key=document_order)
    return report


def _judge(report: Report, inventory: Inventory, rules: list[Rule]) -> dict[type, list]:
    """Run every rule on the inventory's objects; the objects of each target type."""
    subjects: dict[type, list] = {}  # made once per target type, not once per rule
    for rule in rules:
        for target in rule.targets:
            if target not in subjects:
                subjects[target] = targets(inventory, target)
            _run_rule(report, rule, subjects[target])
    return subjects


def _judge_branch(branch: Branch, rules: list[Rule]) -> alternatives.Judged:
    """The rules' results on one branch of an input's undecided conditions."""
    part = Report()
    subjects = _judge(part, branch.inventory, rules)
    judged = {(rule.id, owner.address) for rule in rules for target in rule.targets for _, owner in subjects[target]}
    return alternatives.Judged(branch, judged, part.findings, part.not_evaluated, part.errors)


def _run_rule(report: Report, rule: Rule, subjects: list[tuple[Resource | None, Resource]]) -> None:
    """Run one rule on each (object, owner) pair; most checks pass and add nothing."""
    check = rule.check
    for checked, owner in subjects:
        if checked is None:
            assert isinstance(owner, TaskDefinition)  # targets() pairs None only with a task definition
            _add(
                report,
                rule,
                owner,
                [owner.containers.not_evaluated(f"container definitions not known: {owner.containers.reason}")],
            )
            continue
        try:
            results = check(checked)
            if results is None:
                continue
            results = list(results)
        except Exception as error:  # a broken rule must not stop the scan
            report.errors.append(RuleError(rule.id, owner.address, checked.location, _describe(error)))
            continue
        if results:
            # a container's results go to its task definition, with the container's name
            container = checked.name.value if isinstance(checked, Container) else None
            _add(report, rule, owner, results, container)


def _describe(error: Exception) -> str:
    """The exception's type and where it was raised, never its message: a
    message may quote a value from the input, and that value may be a secret."""
    import traceback  # here: rules rarely fail, and the module costs milliseconds of every start

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"


def _add(report: Report, rule: Rule, owner: Resource, results: list, container: str | None = None) -> None:
    for result in results:
        if not isinstance(result, (Finding, NotEvaluated)):
            report.errors.append(
                RuleError(
                    rule.id,
                    owner.address,
                    owner.location,
                    f"rule yielded {type(result).__name__}, not a Finding or NotEvaluated",
                )
            )
            continue
        # built field by field, not with dataclasses.replace: a large estate has tens of thousands
        if isinstance(result, Finding):
            report.findings.append(
                Finding(
                    result.message,
                    result.location,
                    result.container or container,
                    result.severity or rule.severity,
                    rule.id,
                    owner.address,
                    owner.location,
                    root=owner.root,
                )
            )
        else:
            report.not_evaluated.append(
                NotEvaluated(result.reason, result.location, result.container or container, rule.id, owner.address)
            )


def document_order(result) -> tuple:
    """The order results are reported in: file, line, rule, resource, container."""
    loc = result.location
    return (loc.path, loc.line or 0, result.rule_id, result.resource, result.container or "")
