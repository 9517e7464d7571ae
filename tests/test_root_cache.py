"""The root cache (inputs/terraform/source/root_cache.py): a warm run reads
each unchanged Terraform root's evaluation from the user cache, and gives
exactly what a cold run gives; any change to a file the root read (a
module's file, a var file, an override file, a file() file, the module
index) is a miss, and the root is evaluated again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fixture_cases import ROOT, all_cases

from ecs_guard.cli import main
from ecs_guard.inputs.terraform.source import adapter
from ecs_guard.inputs.terraform.source.root import load_root
from ecs_guard.inputs.terraform.source.root_cache import RootCache, decode_root, encode_root

FIXTURES = ROOT / "fixtures"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ECS_GUARD_NO_CACHE", raising=False)


@pytest.fixture
def evaluations(monkeypatch) -> list[Path]:
    """The roots evaluated (not read from the root cache), as they are."""
    evaluated: list[Path] = []
    original = adapter.evaluate_root

    def counting(directory, *args, **kwargs):
        evaluated.append(Path(directory))
        return original(directory, *args, **kwargs)

    monkeypatch.setattr(adapter, "evaluate_root", counting)
    return evaluated


def report(tmp_path: Path, *arguments: str, cache: bool = True) -> dict:
    """The JSON report of `ecs-guard scan ARGUMENTS` (run in this process)."""
    output = tmp_path / "report.json"
    options = [] if cache else ["--no-cache"]
    main(["scan", *options, "--format", "json", "--output", str(output), *arguments])
    return json.loads(output.read_text())


# ----------------------------------------------------------------- warm equals cold, over every fixture


def _every_fixture_root(workspace: Path) -> None:
    """Every Terraform root of fixtures/: the HCL and plan cases of the rule
    fixtures (plan cases with plan.json inside the root: a plan read with
    its source), the scenarios, and fixtures/hcl (fetched modules included)."""
    for case in all_cases():
        if case.kind not in ("hcl", "plan"):
            continue
        folder = workspace / "cases" / case.id
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(case.tf or "")
        for name, text in case.files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        if case.kind == "plan":
            shutil.copy(case.plan_path, folder / "plan.json")
    shutil.copytree(FIXTURES / "scenarios", workspace / "scenarios")
    shutil.copytree(FIXTURES / "hcl", workspace / "hcl")


def test_a_warm_run_gives_exactly_the_cold_run_over_every_fixture_root(tmp_path, monkeypatch, evaluations):
    workspace = tmp_path / "workspace"
    _every_fixture_root(workspace)
    monkeypatch.chdir(workspace)
    cold = report(tmp_path, ".", cache=False)
    assert evaluations, "the fixtures have Terraform roots"
    first = report(tmp_path, ".")  # fills the cache
    evaluations.clear()
    warm = report(tmp_path, ".")
    assert not evaluations, f"evaluated again although nothing changed: {evaluations[:5]}"
    assert warm == first == cold
    assert cold["findings"] and cold["not_evaluated"] and cold["input_problems"] and cold["evaluation_notes"]


def test_a_root_read_back_from_its_entry_is_the_root_evaluated(monkeypatch):
    """Field by field, on roots with modules, fetched modules, documents
    with unknown parts, sensitive values and problems."""
    monkeypatch.chdir(ROOT)
    for name in ("ecs_stack", "modules", "fetched_modules", "unknowns", "sensitive", "bad_hcl", "tfvars"):
        root = load_root(FIXTURES / "hcl" / name)
        encoded = json.loads(json.dumps(encode_root(root)))  # what the cache stores
        decoded = decode_root(encoded)
        for field in ("directory", "resources", "problems", "files", "read_files", "calls", "outputs", "sensitive"):
            assert getattr(decoded, field) == getattr(root, field), (name, field)
        assert root.resources, name
        for cached, evaluated in zip(decoded.resources, root.resources, strict=True):
            assert cached.documents == evaluated.documents  # Unknown markers compare by reason
            for path, document in evaluated.documents.items():
                assert repr(cached.documents[path]) == repr(document)


# ----------------------------------------------------------------- any change is a miss

MAIN_TF = """\
variable "image" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

module "svc" {
  source = "./modules/svc"
  image  = var.image
  public = var.public
}
"""

MODULE_TF = """\
variable "image" {
  type = string
}

variable "public" {
  type = bool
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([
    merge(jsondecode(file("${path.module}/container.json")), { image = var.image })
  ])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  launch_type     = "FARGATE"
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 2

  network_configuration {
    subnets          = ["subnet-1"]
    assign_public_ip = var.public
  }
}
"""

CONTAINER = {"name": "web", "essential": True, "privileged": False, "user": "1000"}


@pytest.fixture
def stack(tmp_path, monkeypatch) -> Path:
    """A root calling a local module that reads a JSON file with file(),
    with a terraform.tfvars and a var file given with --var-file."""
    root = tmp_path / "stack"
    (root / "modules" / "svc").mkdir(parents=True)
    (root / "main.tf").write_text(MAIN_TF)
    (root / "terraform.tfvars").write_text('image = "registry.example.com/app:1.0"\n')
    (root / "modules" / "svc" / "main.tf").write_text(MODULE_TF)
    (root / "modules" / "svc" / "container.json").write_text(json.dumps(CONTAINER))
    (tmp_path / "extra.tfvars").write_text("public = false\n")
    monkeypatch.chdir(tmp_path)
    return root


def _privileged(root: Path) -> None:
    (root / "modules" / "svc" / "container.json").write_text(json.dumps({**CONTAINER, "privileged": True}))


def _module_file(root: Path) -> None:
    path = root / "modules" / "svc" / "main.tf"
    path.write_text(
        path.read_text().replace('network_mode             = "awsvpc"', 'network_mode             = "bridge"')
    )


def _var_file(root: Path) -> None:
    (root.parent / "extra.tfvars").write_text("public = true\n")


def _tfvars(root: Path) -> None:
    (root / "terraform.tfvars").write_text('image = "registry.example.com/app:latest"\n')


def _auto_tfvars_added(root: Path) -> None:
    (root / "zz.auto.tfvars").write_text('image = "registry.example.com/app"\n')


def _override_added(root: Path) -> None:
    (root / "modules" / "svc" / "override.tf").write_text(
        'resource "aws_ecs_service" "app" {\n  desired_count = 0\n}\n'
    )


def _root_override_added(root: Path) -> None:
    (root / "main_override.tf").write_text('variable "public" {\n  default = true\n}\n')


def _module_folder_moved(root: Path) -> None:
    (root / "modules" / "svc").rename(root / "modules" / "gone")


CHANGES = [
    _privileged,
    _module_file,
    _var_file,
    _tfvars,
    _auto_tfvars_added,
    _override_added,
    _root_override_added,
    _module_folder_moved,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__.strip("_") for change in CHANGES])
def test_a_changed_file_the_root_read_is_evaluated_again(stack, tmp_path, change, evaluations):
    arguments = ("--var-file", "extra.tfvars", "stack")
    before = report(tmp_path, *arguments)
    assert report(tmp_path, *arguments) == before
    assert evaluations == [stack.resolve()]  # the second run read the root from the cache
    change(stack)
    warm = report(tmp_path, *arguments)
    assert evaluations[1] == stack.resolve()  # (a moved module folder is then a root of its own)
    assert warm == report(tmp_path, *arguments, cache=False)
    assert warm != before
    evaluations.clear()
    assert report(tmp_path, *arguments) == warm  # and the new result is cached in turn
    assert not evaluations


def test_a_file_read_by_file_that_appears_later_is_a_miss(stack, tmp_path, evaluations):
    container = stack / "modules" / "svc" / "container.json"
    container.unlink()
    before = report(tmp_path, "stack")
    assert any("container.json" in json.dumps(item) for item in before["not_evaluated"] + before["input_problems"])
    container.write_text(json.dumps(CONTAINER))
    assert report(tmp_path, "stack") == report(tmp_path, "stack", cache=False) != before


def test_other_var_files_or_another_working_directory_are_other_entries(stack, tmp_path, monkeypatch, evaluations):
    with_var_file = report(tmp_path, "--var-file", "extra.tfvars", "stack")
    without = report(tmp_path, "stack")
    assert len(evaluations) == 2
    assert with_var_file != without  # the var file's value is the service's public IP
    (tmp_path / "other").mkdir()
    shutil.copy(tmp_path / "extra.tfvars", tmp_path / "other" / "extra.tfvars")
    other = report(tmp_path, "--var-file", "other/extra.tfvars", "stack")
    assert len(evaluations) == 3  # the same content under another name: the name is in the report
    assert other == report(tmp_path, "--var-file", "other/extra.tfvars", "stack", cache=False)
    # Paths in the report are relative to the working directory: the same
    # arguments (absolute) from elsewhere are another entry.
    absolute = ("--var-file", str(tmp_path / "extra.tfvars"), str(stack))
    here = report(tmp_path, *absolute)
    monkeypatch.chdir(stack / "modules")
    evaluations.clear()
    elsewhere = report(tmp_path, *absolute)
    assert evaluations == [stack.resolve()]
    assert elsewhere == report(tmp_path, *absolute, cache=False) != here


@pytest.mark.parametrize("what", ["fetched module file", "module index"])
def test_a_fetched_module_or_the_module_index_changed_is_a_miss(tmp_path, monkeypatch, evaluations, what):
    root = tmp_path / "terraform"
    shutil.copytree(FIXTURES / "hcl" / "fetched_modules", root, ignore=shutil.ignore_patterns("plan.json"))
    monkeypatch.chdir(tmp_path)
    before = report(tmp_path, "terraform")
    assert report(tmp_path, "terraform") == before and len(evaluations) == 1
    modules = root / ".terraform" / "modules"
    if what == "module index":
        index = json.loads((modules / "modules.json").read_text())
        index["Modules"] = [entry for entry in index["Modules"] if entry["Key"] != "worker"]
        (modules / "modules.json").write_text(json.dumps(index))
    else:
        fetched = next(
            path for path in sorted((modules / "api").rglob("*.tf")) if "aws_ecs_service" in path.read_text()
        )
        fetched.write_text(fetched.read_text().replace("resource ", "\n\nresource ", 1))  # every line moves
    warm = report(tmp_path, "terraform")
    assert len(evaluations) == 2
    assert warm == report(tmp_path, "terraform", cache=False) != before


def test_another_terraform_data_folder_is_another_entry(tmp_path, monkeypatch, evaluations):
    """TF_DATA_DIR says where the module index is: another value reads another (here none)."""
    shutil.copytree(
        FIXTURES / "hcl" / "fetched_modules", tmp_path / "terraform", ignore=shutil.ignore_patterns("plan.json")
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TF_DATA_DIR", raising=False)
    fetched = report(tmp_path, "terraform")
    monkeypatch.setenv("TF_DATA_DIR", "elsewhere")
    evaluations.clear()
    elsewhere = report(tmp_path, "terraform")
    assert evaluations == [(tmp_path / "terraform").resolve()]
    assert elsewhere == report(tmp_path, "terraform", cache=False) != fetched
    assert "terraform init" in json.dumps(elsewhere["input_problems"] + elsewhere["evaluation_notes"])


def test_no_cache_neither_reads_nor_writes_root_entries(stack, tmp_path, evaluations):
    report(tmp_path, "stack", cache=False)
    report(tmp_path, "stack", cache=False)
    assert len(evaluations) == 2
    assert not (tmp_path / "cache" / "ecs-guard" / "roots").exists()


def test_a_damaged_entry_is_a_miss_and_is_written_again(stack, tmp_path, evaluations):
    before = report(tmp_path, "stack")
    for entry in (tmp_path / "cache" / "ecs-guard" / "roots").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-1] + b"?")
    assert report(tmp_path, "stack") == before
    assert len(evaluations) == 2
    assert report(tmp_path, "stack") == before
    assert len(evaluations) == 2


def test_a_root_without_a_cache_entry_is_none(stack):
    cache = RootCache(())
    assert cache.get(stack.resolve()) is None
    assert cache.calls(stack.resolve()) is None
