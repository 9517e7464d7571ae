"""The committed Terraform plans and the one script that makes them.

Tests read plans and never run terraform, so a plan case, scenario or
example without its committed plan could only fail late, or be skipped.
tools/make_plans.py must regenerate every plan the repository commits,
through the repository's own tools/terraform/plan.sh (nothing outside the
checkout). No test here runs terraform.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_cases import all_cases

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"
REGENERATE = "run: python tools/make_plans.py --missing"


def _load_make_plans():
    spec = importlib.util.spec_from_file_location("make_plans", TOOLS / "make_plans.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


make_plans = _load_make_plans()


def _is_plan(path: Path) -> bool:
    data = json.loads(path.read_text())
    return isinstance(data, dict) and "terraform_version" in data and "planned_values" in data


# ----------------------------------------------------------------- no plan missing


def test_every_plan_case_has_its_committed_plan():
    cases = [case for case in all_cases() if case.kind == "plan"]
    assert cases
    for case in cases:
        assert case.tf, f"{case.source}: plan case {case.name} has no tf to plan"
        assert case.plan_path.is_file(), f"{case.plan_path.relative_to(ROOT)} missing: {REGENERATE}"
        assert _is_plan(case.plan_path), f"{case.plan_path.relative_to(ROOT)} is not terraform show -json output"


@pytest.mark.parametrize("parent", ["fixtures/scenarios", "examples"])
def test_every_scenario_and_example_has_terraform_and_its_committed_plan(parent):
    folders = sorted(p for p in (ROOT / parent).iterdir() if p.is_dir())
    assert folders
    for folder in folders:
        assert (folder / "terraform").is_dir(), f"{folder.relative_to(ROOT)} has no terraform/ to plan"
        plan = folder / "plan.json"
        assert plan.is_file(), f"{plan.relative_to(ROOT)} missing: {REGENERATE}"
        assert _is_plan(plan), f"{plan.relative_to(ROOT)} is not terraform show -json output"


def test_the_script_regenerates_exactly_the_committed_plans():
    """Every terraform plan JSON under fixtures/ and examples/ is one the script
    makes (none made by hand or orphaned by a removed case), and the reverse."""
    committed = {path for top in ("fixtures", "examples") for path in (ROOT / top).rglob("*.json") if _is_plan(path)}
    targets = make_plans.plan_targets()
    outs = [target.out for target in targets]
    assert len(outs) == len(set(outs)), "two plans are written to the same file"
    assert len({target.name for target in targets}) == len(targets), "two plans have the same name"
    assert sorted(map(str, committed - set(outs))) == [], "committed plans tools/make_plans.py does not make"
    assert sorted(map(str, set(outs) - committed)) == [], f"plans not committed: {REGENERATE}"


# ----------------------------------------------------------------- the script uses the repository's plan.sh


def test_plans_are_made_by_the_plan_script_inside_the_repository():
    assert make_plans.PLAN_SH == TOOLS / "terraform" / "plan.sh"
    assert make_plans.PLAN_SH.is_file()
    script = make_plans.PLAN_SH.read_text()
    assert 'cp "$here/provider.tf"' in script
    provider = (TOOLS / "terraform" / "provider.tf").read_text()
    assert re.search(r'aws = \{ source = "hashicorp/aws", version = "5\.100\.0" \}', provider)


OUTSIDE = re.compile(r"\.\./shared|/work/shared|parents?(\[\d\])?\s*/\s*[\"']shared[\"']|ECS_GUARD_PLAN_SH")


# The managed policy table is generated from a public dataset that is not
# shipped with the repository; its generator and the test that compares the
# packaged table with a regeneration look for it beside the checkout, and
# say so when it is absent (docs/iam.md).
DATASET_READERS = {"tools/gen_managed_policies.py", "tests/test_managed_policies.py", "docs/iam.md"}


def test_nothing_reads_the_workspace_outside_the_repository():
    """The code, tests, tools, benchmarks and docs name no file beside the
    checkout, except the dataset the managed policy table is made from."""
    places = [ROOT / "README.md", ROOT / ".ci"] + [
        ROOT / d for d in ("ecs_guard", "rules", "tests", "tools", "benchmarks", "docs", "fixtures/hcl")
    ]
    files = [
        p
        for place in places
        for p in ([place] if place.is_file() else place.rglob("*"))
        if p.is_file()
        and p.suffix in (".py", ".md", ".sh", ".tf", "")
        and p != Path(__file__)
        and p.relative_to(ROOT).as_posix() not in DATASET_READERS
    ]
    assert len(files) > 50
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_plan_script_names_TF_PLUGIN_MIRROR_when_the_mirror_is_not_there(tmp_path):
    out = tmp_path / "plan.json"
    environment = dict(os.environ, TF_PLUGIN_MIRROR=str(tmp_path / "no-such-mirror"))
    result = subprocess.run(
        ["sh", str(make_plans.PLAN_SH), str(tmp_path), str(out)], capture_output=True, text=True, env=environment
    )
    assert result.returncode == 2
    assert "TF_PLUGIN_MIRROR" in result.stderr and "not a folder" in result.stderr
    assert not out.exists()


# ----------------------------------------------------------------- choosing plans and --check's comparison


def test_names_pick_a_rules_cases_a_group_or_one_plan():
    targets = make_plans.plan_targets()
    eg101 = make_plans.select(targets, ["EG101"], missing_only=False)
    assert eg101 and {t.case.rule for t in eg101} == {"EG101"}
    assert len(eg101) == len([c for c in all_cases() if c.kind == "plan" and c.rule == "EG101"])
    examples = make_plans.select(targets, ["examples"], missing_only=False)
    assert [t.out for t in examples] == [
        ROOT / "examples" / n / "plan.json" for n in ("insecure-fargate", "secure-fargate")
    ]
    (one,) = make_plans.select(targets, ["scenarios/unknowns"], missing_only=False)
    assert one.root == ROOT / "fixtures" / "scenarios" / "unknowns" / "terraform"
    assert make_plans.select(targets, [], missing_only=True) == []  # every plan is committed
    with pytest.raises(SystemExit, match="EG999"):
        make_plans.select(targets, ["EG999"], missing_only=False)


def test_a_rule_case_is_planned_from_its_tf_and_terraform_files(tmp_path):
    target = next(t for t in make_plans.plan_targets() if t.case is not None and t.case.files)
    root = target.write_root(tmp_path / "root")
    assert (root / "main.tf").read_text() == target.case.tf
    for name, text in target.case.files.items():
        assert (root / name).read_text() == text


def test_check_ignores_only_what_changes_between_runs(tmp_path):
    committed = json.loads((ROOT / "fixtures" / "scenarios" / "unknowns" / "plan.json").read_text())
    assert len(committed["relevant_attributes"]) > 1
    rerun = dict(
        committed,
        timestamp="2000-01-01T00:00:00Z",
        relevant_attributes=list(reversed(committed["relevant_attributes"])),
    )
    (tmp_path / "committed.json").write_text(json.dumps(committed))
    (tmp_path / "rerun.json").write_text(json.dumps(rerun))
    assert make_plans.plan_differences(tmp_path / "committed.json", tmp_path / "rerun.json") == []

    changed = json.loads(json.dumps(rerun))
    changed["planned_values"]["root_module"]["resources"][0]["values"]["name"] = "edited by hand"
    changed["resource_changes"].pop()
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    found = make_plans.plan_differences(tmp_path / "committed.json", tmp_path / "changed.json")
    assert "/planned_values/root_module/resources[0]/values/name" in found
    assert any(d.startswith("/resource_changes (") for d in found)
    assert make_plans.plan_differences(tmp_path / "absent.json", tmp_path / "rerun.json") == ["not committed"]
