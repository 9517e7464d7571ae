"""What a rule says about one model object, for the rules' unit tests.

The rule's check is called directly (not through the engine), so a test
sees exactly what the rule yields for the object it builds."""

from __future__ import annotations

from ecs_guard.results import Finding, NotEvaluated
from ecs_guard.rule import get_rule


def check(rule_id: str, obj) -> list:
    return list(get_rule(rule_id).check(obj) or ())


def findings(rule_id: str, obj) -> list[Finding]:
    results = check(rule_id, obj)
    assert all(isinstance(r, (Finding, NotEvaluated)) for r in results)
    return [r for r in results if isinstance(r, Finding)]


def not_evaluated(rule_id: str, obj) -> list[NotEvaluated]:
    return [r for r in check(rule_id, obj) if isinstance(r, NotEvaluated)]


def passes(rule_id: str, obj) -> bool:
    return check(rule_id, obj) == []


def verdict(rule_id: str, obj) -> str:
    """'finding', 'not-evaluated' or 'pass' (a rule never yields both kinds here)."""
    results = check(rule_id, obj)
    kinds = {type(r) for r in results}
    assert len(kinds) <= 1, results
    return {Finding: "finding", NotEvaluated: "not-evaluated"}.get(next(iter(kinds), None), "pass")
