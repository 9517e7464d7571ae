"""Judging an input whose resources depend on conditions that are not known.

A CloudFormation template can choose a value with ``Fn::If`` on a
condition ecs-guard cannot decide (a parameter with no value). The adapter
then models the template once per way its undecided conditions can go
(model.Alternatives); the engine runs the rules on each branch, and this
module turns the branches' answers into one: where every branch gives a
rule the same verdict on a resource (fails, passes, not evaluated), that is
the answer whatever the conditions turn out to be; where they differ, the
answer depends on the conditions, so it is "not evaluated", saying which
way fails. Never a pass that holds in only some branches.

Policy-neutral: it compares verdicts, it never judges a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_guard.model import Alternatives, Branch
from ecs_guard.results import Finding, NotEvaluated, RuleError

FAILS, PASSES, NOT_EVALUATED = "fails", "passes", "is not evaluated"


@dataclass
class Judged:
    """The rules' results on one branch, and the (rule, resource) pairs judged there."""

    branch: Branch
    judged: set[tuple[str, str]]
    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._failed = _group_by_key(self.findings)
        self._unknown = _group_by_key(self.not_evaluated)

    def keys(self) -> set[tuple[str, str]]:
        """Every (rule, resource) this branch has an answer for."""
        return self.judged | self._failed.keys() | self._unknown.keys()

    def verdict(self, key: tuple[str, str]) -> tuple[str, list] | None:
        """This branch's verdict on (rule, resource) with its results; None where the resource is not."""
        if key in self._failed:
            return FAILS, self._failed[key]
        if key in self._unknown:
            return NOT_EVALUATED, self._unknown[key]
        return (PASSES, []) if key in self.judged else None


def merge(group: Alternatives, branches: list[Judged]) -> tuple[list[Finding], list[NotEvaluated], list[RuleError]]:
    """One answer per (rule, resource) from every branch's answers."""
    findings: list[Finding] = []
    not_evaluated: list[NotEvaluated] = []
    errors = {(e.rule_id, e.resource, e.message): e for judged in branches for e in judged.errors}
    for key in sorted(set().union(*(judged.keys() for judged in branches))):  # the engine sorts the results later
        verdicts = [(judged.branch, *found) for judged in branches if (found := judged.verdict(key)) is not None]
        answers = {verdict for _, verdict, _ in verdicts}
        if answers == {FAILS}:
            findings += verdicts[0][2]
        elif answers == {NOT_EVALUATED}:
            not_evaluated += verdicts[0][2]
        elif answers != {PASSES}:
            not_evaluated.append(_depends(group, key, verdicts))
    return findings, not_evaluated, list(errors.values())


def _group_by_key(results: list) -> dict[tuple[str, str], list]:
    grouped: dict[tuple[str, str], list] = {}
    for result in results:
        grouped.setdefault((result.rule_id, result.resource), []).append(result)
    return grouped


def _depends(group: Alternatives, key: tuple[str, str], verdicts: list[tuple[Branch, str, list]]) -> NotEvaluated:
    """'Not evaluated' for a verdict that changes with the conditions, at the
    first result that is not a pass (there is always one)."""
    first = next(results[0] for _, verdict, results in verdicts if results)
    conditions = sorted({name for branch, _, _ in verdicts for name in branch.assumed})
    if len(conditions) == 1:
        why = f"condition {conditions[0]}, which is not known ({group.reasons.get(conditions[0], 'not known')})"
    else:
        reasons = "; ".join(f"{name}: {group.reasons.get(name, 'not known')}" for name in conditions)
        why = f"conditions {', '.join(conditions)}, which are not known ({reasons})"
    ways = "; ".join(f"{verdict} when {_assumed(branch)}" for branch, verdict, _ in verdicts)
    reason = f"depends on {why}: {ways}"
    return NotEvaluated(reason, first.location, first.container, key[0], key[1])


def _assumed(branch: Branch) -> str:
    return ", ".join(f"{name} is {'true' if value else 'false'}" for name, value in branch.assumed.items())
