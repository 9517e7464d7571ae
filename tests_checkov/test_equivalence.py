"""Every rule fixture and scenario, through checkov, answers as `ecs-guard scan`
does: the same (rule, resource) pairs fail and pass, and what ecs-guard could
not evaluate is UNKNOWN (neither passed nor failed in checkov's report, and
logged by the bridge)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkov_run import through_checkov, through_ecs_guard
from fixture_cases import ROOT, all_cases

CASES = [case for case in all_cases() if case.kind in ("plan", "cloudformation")]
SCENARIOS = [
    *[("plan", path) for path in sorted((ROOT / "fixtures" / "scenarios").glob("*/plan.json"))],
    *[("cloudformation", path) for path in sorted((ROOT / "fixtures" / "scenarios").glob("*/cloudformation/*.yaml"))],
    ("plan", ROOT / "examples" / "insecure-fargate" / "plan.json"),
    *[
        ("cloudformation", p)
        for p in sorted((ROOT / "examples" / "insecure-fargate" / "cloudformation").glob("*.yaml"))
    ],
]


def _assert_same(kind: str, path: Path) -> None:
    expected = through_ecs_guard(path)
    answers, log = through_checkov(kind, path)
    assert answers.failed == expected.failed
    assert answers.passed == expected.passed
    for rule_id, resource in expected.unknown:
        assert (rule_id, resource) not in answers.passed | answers.failed
        assert any(line.startswith(f"ecs-guard: {rule_id} ") and "not evaluated" in line for line in log)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_fixture_answers_as_ecs_guard_scan(case, tmp_path):
    case.write(tmp_path)
    path = tmp_path / ("plan.json" if case.kind == "plan" else next(iter(case.files)))
    _assert_same(case.kind, path)


@pytest.mark.parametrize("kind, path", SCENARIOS, ids=[f"{k}-{p.relative_to(ROOT)}" for k, p in SCENARIOS])
def test_scenario_answers_as_ecs_guard_scan(kind, path):
    assert path.is_file()
    _assert_same(kind, path)


def test_the_scenario_fails_rules_through_checkov():
    """The comparison above is not vacuous: the scenario fails many rules in both forms."""
    scenario = ROOT / "fixtures" / "scenarios" / "fargate-web"
    for kind, path in [
        ("plan", scenario / "plan.json"),
        ("cloudformation", scenario / "cloudformation" / "template.yaml"),
    ]:
        answers, _ = through_checkov(kind, path)
        assert len({rule for rule, _ in answers.failed}) >= 8
