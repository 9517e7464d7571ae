"""Every rule fixture and scenario, through checkov, answers as `ecs-guard scan`
does: the same (rule, resource) pairs fail and pass, and what ecs-guard could
not evaluate is UNKNOWN (neither passed nor failed in checkov's report, and
logged by the bridge).

Terraform source (checkov's terraform framework) is compared with
`ecs-guard scan` run by the main environment's Python (checkov_run.py says
why). Where checkov's own evaluation of HCL cannot give what Terraform
would (HCL_DIFFERENCES), the bridge must answer UNKNOWN for exactly the
listed rules, never PASSED or FAILED against ecs-guard's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checkov_run import Answers, through_checkov, through_ecs_guard, through_main_ecs_guard
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
HCL_CASES = [case for case in all_cases() if case.kind == "hcl"]
HCL_FOLDERS = [
    *sorted((ROOT / "fixtures" / "scenarios").glob("*/terraform")),
    ROOT / "examples" / "insecure-fargate" / "terraform",
    ROOT / "examples" / "secure-fargate" / "terraform",
]

_CONTAINER_RULES = {"EG201", "EG402", "EG501", "EG601", "EG602", "EG603"}
# Where checkov 3.3.30 evaluates HCL differently from Terraform: (why, the
# rules whose answers on that input may be UNKNOWN through checkov where
# ecs-guard answers; never another answer). Keyed by rule fixture case id,
# or by folder relative to the repository.
HCL_DIFFERENCES: dict[str, tuple[str, set[str]]] = {
    "EG102-hcl-count-host": (
        "checkov leaves the jsonencode() unevaluated, var.agents[count.index] unresolved inside it",
        _CONTAINER_RULES,
    ),
    "EG401-hcl-container-health-check": (
        "checkov cuts the jsonencode() text at the `||` in a string of it and leaves it unevaluated",
        {*_CONTAINER_RULES, "EG401"},
    ),
    "fixtures/scenarios/fargate-web/terraform": (
        'checkov renders the worker\'s image "…@sha256:${"…"}" with quotes in it',
        {"EG201"},
    ),
    "fixtures/scenarios/values-through-modules/terraform": (
        "checkov does not evaluate concat() with a for expression (the modules' environment)",
        {"EG501"},
    ),
    "examples/secure-fargate/terraform": (
        "checkov leaves the jsonencode() unevaluated (a local inserted unquoted, `||` in a string)",
        _CONTAINER_RULES,
    ),
}


def _assert_same(kind: str, path: Path, expected: Answers | None = None, differences: set[str] = frozenset()) -> None:
    expected = expected or through_ecs_guard(path)
    answers, log = through_checkov(kind, path)
    answered = answers.failed | answers.passed
    # a listed rule may be UNKNOWN where ecs-guard answers; where the bridge answers, it answers the same
    exempt = {pair for pair in expected.failed | expected.passed if pair[0] in differences and pair not in answered}
    assert answers.failed == expected.failed - exempt
    assert answers.passed == expected.passed - exempt
    for rule_id, resource in expected.unknown | exempt:
        assert (rule_id, resource) not in answers.passed | answers.failed
        assert any(line.startswith(f"ecs-guard: {rule_id} ") and "not evaluated" in line for line in log)
    if differences:
        assert exempt, "a listed difference no longer happens: remove it from HCL_DIFFERENCES"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_fixture_answers_as_ecs_guard_scan(case, tmp_path):
    case.write(tmp_path)
    path = tmp_path / ("plan.json" if case.kind == "plan" else next(iter(case.files)))
    _assert_same(case.kind, path)


@pytest.mark.parametrize("kind, path", SCENARIOS, ids=[f"{k}-{p.relative_to(ROOT)}" for k, p in SCENARIOS])
def test_scenario_answers_as_ecs_guard_scan(kind, path):
    assert path.is_file()
    _assert_same(kind, path)


@pytest.fixture(scope="module")
def hcl_answers(tmp_path_factory) -> dict[str, tuple[Path, Answers]]:
    """Every HCL case written to a folder, and ecs-guard's answers for each
    case and folder, from one run of the main environment's ecs-guard."""
    base = tmp_path_factory.mktemp("hcl")
    folders: dict[str, Path] = {}
    for case in HCL_CASES:
        folder = base / case.id
        folder.mkdir()
        case.write(folder)
        folders[case.id] = folder
    for folder in HCL_FOLDERS:
        folders[str(folder.relative_to(ROOT))] = folder
    found = through_main_ecs_guard(list(folders.values()))
    return {name: (folder, found[folder]) for name, folder in folders.items()}


HCL_INPUTS = [case.id for case in HCL_CASES] + [str(folder.relative_to(ROOT)) for folder in HCL_FOLDERS]


@pytest.mark.parametrize("name", HCL_INPUTS)
def test_terraform_source_answers_as_ecs_guard_scan(name, hcl_answers):
    folder, expected = hcl_answers[name]
    _assert_same("hcl", folder, expected, HCL_DIFFERENCES.get(name, ("", set()))[1])


def test_listed_differences_are_inputs_and_few():
    assert set(HCL_DIFFERENCES) <= set(HCL_INPUTS)
    assert len(HCL_DIFFERENCES) <= len(HCL_INPUTS) // 8


def test_the_scenario_fails_rules_through_checkov():
    """The comparison above is not vacuous: the scenario fails many rules in every form."""
    scenario = ROOT / "fixtures" / "scenarios" / "fargate-web"
    for kind, path in [
        ("plan", scenario / "plan.json"),
        ("cloudformation", scenario / "cloudformation" / "template.yaml"),
        ("hcl", scenario / "terraform"),
    ]:
        answers, _ = through_checkov(kind, path)
        assert len({rule for rule, _ in answers.failed}) >= 8
