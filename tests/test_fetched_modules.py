"""Modules fetched by `terraform init`, read as Terraform reads them.

fixtures/hcl/fetched_modules was made by tools/make_fetched_modules.py: a
real `terraform get` fetched its modules from git (``git::file://`` URLs,
a `//subdir`, a remote module calling a remote and a local one) into
.terraform/modules/ and wrote Terraform's own modules.json; plan.json is
the real plan of the same root. Every module call is read from the folder
modules.json records, so the source gives what the plan gives, with the
lines of the fetched files.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.source.root import load_root
from ecs_guard.rule import all_rules
from ecs_guard.scan import scan

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hcl" / "fetched_modules"
RULES = all_rules()


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def layout(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """(the root, copied with its .terraform/modules; its plan, outside it)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "terraform", ignore=shutil.ignore_patterns("plan.json"))
    (tmp_path / "plan").mkdir()
    shutil.copy(FIXTURE / "plan.json", tmp_path / "plan" / "plan.json")
    return Path("terraform"), Path("plan/plan.json")


def _results(report, lines: bool = False) -> Counter:
    def key(kind, result):
        where = (result.location.path, result.location.line) if lines else ()
        return (kind, result.rule_id, result.resource, result.container, *where)

    return Counter(
        [key("finding", f) for f in report.findings] + [key("not evaluated", n) for n in report.not_evaluated]
    )


def _scan(path: Path):
    report = scan([str(path)], rules=RULES)
    assert not report.errors, report.errors
    return report


def test_every_module_call_is_read_from_the_folder_terraform_init_recorded():
    root = load_root(FIXTURE)
    assert [p.message for p in root.problems] == []
    index = json.loads((FIXTURE / ".terraform/modules/modules.json").read_text())["Modules"]
    recorded = {entry["Key"]: entry["Dir"] for entry in index if entry["Key"]}
    assert set(recorded) == {"api", "api.archive", "api.logs", "worker", "worker.archive", "worker.logs"}
    files = {r.address: r.file for r in root.resources}
    prefix = "fixtures/hcl/fetched_modules/"
    assert files['module.api["green"].aws_ecs_task_definition.this'].endswith(prefix + recorded["api"] + "/main.tf")
    assert files["module.worker.module.archive.aws_cloudwatch_log_group.archive"].endswith(
        prefix + recorded["worker.archive"] + "/main.tf"
    )
    assert files['module.api["blue"].module.logs.aws_cloudwatch_log_group.this'].endswith(
        prefix + recorded["api.logs"] + "/main.tf"
    )


def test_values_flow_through_fetched_modules_like_local_ones():
    root = load_root(FIXTURE)
    green = root.resource('module.api["green"].aws_ecs_task_definition.this')
    (container,) = json.loads(green.values["container_definitions"])
    assert (container["name"], container["image"], container["privileged"]) == ("api-green", "nginx:latest", True)
    archive = root.resource('module.api["blue"].module.archive.aws_cloudwatch_log_group.archive')
    assert archive.values["name"] == "api-blue-archive"
    assert archive.values["retention_in_days"] == 30
    family = root.resource("aws_ssm_parameter.worker_family")
    assert family.values["value"] == "worker"  # an output of a fetched module


def test_each_record_in_a_fetched_module_knows_the_module_blocks_that_call_it():
    root = load_root(FIXTURE)
    archive = root.resource('module.api["green"].module.archive.aws_cloudwatch_log_group.archive')
    (root_file, root_line), (inner_file, inner_line) = archive.callers
    assert (root_file.rsplit("/", 1)[-1], root_line) == ("main.tf", 8)  # module "api" in the root
    assert inner_file.endswith(".terraform/modules/api/modules/ecs-service/main.tf")
    assert inner_line == 62  # module "archive" inside the fetched module
    assert root.resource("aws_ecs_cluster.this").callers == ()


def test_source_gives_the_findings_of_its_plan(layout):
    source, plan = layout
    from_source, from_plan = _scan(source), _scan(plan)
    mine, theirs = _results(from_source), _results(from_plan)
    assert mine == theirs  # EG501 included: a literal passed as a module argument is a literal
    rules_found = {(f.rule_id, f.resource) for f in from_source.findings}
    assert ("EG602", 'module.api["green"].aws_ecs_task_definition.this') in rules_found
    assert ("EG201", 'module.api["green"].aws_ecs_task_definition.this') in rules_found


def test_findings_inside_fetched_modules_are_located_in_the_fetched_files(layout):
    source, _plan = layout
    report = _scan(source)
    privileged = next(
        f for f in report.findings if f.rule_id == "EG602" and f.resource.startswith('module.api["green"]')
    )
    # located where the value is written (the root's module argument), the
    # fetched file's line that uses it a related location (RULES.md "Where a
    # finding points")
    places = [privileged.location, *privileged.location.related]
    fetched = [p for p in places if p.path == "terraform/.terraform/modules/api/modules/ecs-service/main.tf"]
    assert fetched, places
    assert Path(fetched[0].path).read_text().splitlines()[fetched[0].line - 1].strip() == "privileged  = var.privileged"


def test_plan_inside_its_root_is_reported_at_the_fetched_lines(layout):
    source, plan = layout
    alone = _results(_scan(source), lines=True)
    shutil.move(str(plan), str(source / "plan.json"))
    assert _results(_scan(source), lines=True) == alone


def test_without_an_index_remote_calls_name_terraform_init(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "root", ignore=shutil.ignore_patterns(".terraform", "plan.json"))
    root = load_root(tmp_path / "root")
    messages = {p.message for p in root.problems}
    assert (
        'module "api" not scanned: its source "git::file:///tmp/ecs-guard-fixture-modules/ecs-modules.git'
        '//modules/ecs-service?ref=v1.0.0" is not a local path: run terraform init to fetch it, or scan the plan'
    ) in messages
    assert not [r for r in root.resources if r.module]


def test_a_call_whose_source_changed_since_init_asks_for_init_again(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "root", ignore=shutil.ignore_patterns("plan.json"))
    main = tmp_path / "root" / "main.tf"
    main.write_text(main.read_text().replace("ecs-service?ref=v1.0.0", "ecs-service?ref=v2.0.0", 1))
    root = load_root(tmp_path / "root")
    (problem,) = [p for p in root.problems if 'module "api"' in p.message]
    assert "is not in" in problem.message and "modules.json" in problem.message
    assert "run terraform init again" in problem.message
    assert problem.line == 8
    assert not [r for r in root.resources if r.module.startswith("module.api")]
    assert [r for r in root.resources if r.module == "module.worker"]  # the unchanged call is still read


def test_a_fetched_folder_that_is_gone_is_reported(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "root", ignore=shutil.ignore_patterns("plan.json"))
    shutil.rmtree(tmp_path / "root" / ".terraform" / "modules" / "worker.archive")
    root = load_root(tmp_path / "root")
    (problem,) = root.problems
    assert problem.message.startswith('module "archive" not scanned: its folder "worker.archive" listed in ')
    assert problem.message.endswith("is missing; run terraform init again")


def test_a_damaged_index_is_one_problem_naming_the_file(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "root", ignore=shutil.ignore_patterns("plan.json"))
    (tmp_path / "root" / ".terraform" / "modules" / "modules.json").write_text('{"Modules": [')
    root = load_root(tmp_path / "root")
    index_problems = [p for p in root.problems if p.path.endswith("modules.json")]
    assert [p.message for p in index_problems] == [
        "cannot read the module index (not valid JSON); run terraform init again"
    ]
    assert any("terraform init" in p.message and 'module "api"' in p.message for p in root.problems)


def test_tf_data_dir_moves_the_index_and_its_folder_is_not_walked(layout, monkeypatch):
    """TF_DATA_DIR=.tfdata makes terraform init write .tfdata/modules/modules.json
    with Dir entries under .tfdata/: ecs-guard reads that index, and does not
    walk .tfdata as more roots (the fetched copies would be scanned twice)."""
    source, _plan = layout
    expected = _results(_scan(source))
    index = source / ".terraform" / "modules" / "modules.json"
    index.write_text(index.read_text().replace('"Dir":".terraform/', '"Dir":".tfdata/'))
    (source / ".terraform").rename(source / ".tfdata")
    monkeypatch.setenv("TF_DATA_DIR", ".tfdata")
    moved = _scan(source)
    assert _results(moved) == expected
    assert "terraform/.tfdata/" in moved.skipped
    monkeypatch.delenv("TF_DATA_DIR")
    assert _results(_scan(source)) != expected  # without it, calls are not fetched and .tfdata is walked


def test_a_registry_module_is_read_from_the_index_like_a_git_one(layout):
    """A registry source is recorded in modules.json with its host
    (``registry.terraform.io/terraform-aws-modules/ecs/aws//modules/service``)
    and the call carries a `version`. The registry cannot be reached offline,
    so the fixture's git calls are rewritten the way `terraform init` records
    a registry call: the same fetched files give the same findings."""
    source, _plan = layout
    before = _scan(source)
    git = "git::file:///tmp/ecs-guard-fixture-modules/ecs-modules.git//modules/ecs-service?ref=v1.0.0"
    registry = "terraform-aws-modules/ecs/aws//modules/service"
    main = source / "main.tf"
    main.write_text(main.read_text().replace(f'"{git}"', f'"{registry}"\n  version = "5.12.1"'))
    index = source / ".terraform" / "modules" / "modules.json"
    data = json.loads(index.read_text())
    for module in data["Modules"]:
        if module["Source"] == git:
            module["Source"], module["Version"] = f"registry.terraform.io/{registry}", "5.12.1"
    index.write_text(json.dumps(data))
    report = _scan(source)
    assert not [p for p in report.problems if "not scanned" in p.message]
    assert _results(report) == _results(before)
    fetched = [key for key in _results(before, lines=True) if "/.terraform/" in key[4]]
    assert fetched and set(fetched) <= set(_results(report, lines=True))  # the same lines in the fetched files
