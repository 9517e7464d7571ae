"""`ecs-guard scan --changed FILE...`: which inputs a set of changed files
maps to (ecs_guard/precommit.py), and the scan of them through the CLI.

The repository here is a folder with a `.git` folder in it (no git needed):
two environments calling a shared service module, which calls an IAM
module; a root nobody calls; variables files; task definitions alone and
beside a snapshot; an audit snapshot; a plan; JSON that is no input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ecs_guard import cli
from ecs_guard.precommit import local_module_sources, local_module_sources_json, plan_scan

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "fixtures" / "rules" / "plans" / "EG602" / "plan-privileged-sidecar.json"

SERVICE_MODULE = """\
variable "name" {
  type = string
}

variable "privileged" {
  type    = bool
  default = false
}

module "iam" {
  source = "../iam"
  name   = var.name
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = module.iam.role_arn
  container_definitions = jsonencode([{
    name       = var.name
    image      = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/${var.name}:1.4.2"
    essential  = true
    privileged = var.privileged
  }])
}
"""

IAM_MODULE = """\
variable "name" {
  type = string
}

resource "aws_iam_role" "exec" {
  name               = "${var.name}-exec"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

output "role_arn" {
  value = aws_iam_role.exec.arn
}
"""


def task_definition(family: str, privileged: bool = False) -> dict:
    return {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [
            {"name": family, "image": f"example/{family}:1.0.0", "essential": True, "privileged": privileged}
        ],
    }


SERVICES_OUTPUT = {
    "services": [{"serviceArn": "arn:aws:ecs:eu-west-1:123456789012:service/prod/web", "serviceName": "web"}],
    "failures": [],
}
MANIFEST = {
    "ecsGuardAudit": {
        "version": 1,
        "account": "123456789012",
        "regions": ["eu-west-1"],
        "startedAt": "2026-11-29T10:00:00Z",
        "calls": [],
        "failures": [],
    }
}
STATE = {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}

FILES = {
    "envs/prod/main.tf": """\
        # module "old" { source = "../../modules/old" }   (retired)
        module "api" {
          source     = "../../modules/service"
          name       = "api"
          privileged = true
        }
        """,
    "envs/prod/terraform.tfvars": 'region = "eu-west-1"\n',
    "envs/prod/prod.auto.tfvars.json": '{"region": "eu-west-1"}\n',
    "envs/staging/main.tf": """\
        module "api" { source = "../../modules/service"
          name = "api" }

        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.8.1"
        }
        """,
    "modules/service/main.tf": SERVICE_MODULE,
    "modules/iam/main.tf": IAM_MODULE,
    "modules/old/main.tf": 'resource "aws_ecs_cluster" "old" {\n  name = "old"\n}\n',
    "standalone/main.tf": 'resource "aws_ecs_cluster" "main" {\n  name = "main"\n}\n',
    "vars/common.tfvars": 'owner = "platform"\n',
    ".terraform/modules/vpc/main.tf": 'resource "aws_vpc" "this" {}\n',
    "taskdefs/web.json": json.dumps(task_definition("web"), indent=2),
    "taskdefs/worker.json": json.dumps(task_definition("worker"), indent=2),
    "estate/describe-services.json": json.dumps(SERVICES_OUTPUT, indent=2),
    "estate/web.json": json.dumps(task_definition("web"), indent=2),
    "audit/ecs-guard-audit.json": json.dumps(MANIFEST, indent=2),
    "audit/eu-west-1/describe-services-0001.json": json.dumps(SERVICES_OUTPUT, indent=2),
    "plans/prod.json": PLAN.read_text(encoding="utf-8"),
    "state.json": json.dumps(STATE),
    "package.json": '{"name": "infra", "private": true}\n',
    ".vscode/settings.json": '{\n  // JSON with comments: not JSON\n  "editor.tabSize": 2\n}\n',
    "README.md": "# infra\n",
}


def write_files(top: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    write_files(top, FILES)
    monkeypatch.chdir(top)
    return top


def targets(*changed: str) -> list[str]:
    """What is scanned (a root: its folder)."""
    return [target.path for target in plan_scan(changed).targets]


def skipped(*changed: str) -> dict[str, str]:
    return dict(plan_scan(changed).skipped)


# ----------------------------------------------------------------- Terraform files


def test_a_root_file_maps_to_its_folder(repo):
    assert targets("standalone/main.tf") == ["standalone"]


def test_a_child_module_called_by_two_roots_maps_to_both_roots_not_itself(repo):
    assert targets("modules/service/main.tf") == ["envs/prod", "envs/staging"]


def test_a_module_called_through_another_module_maps_to_the_uppermost_callers(repo):
    assert targets("modules/iam/main.tf") == ["envs/prod", "envs/staging"]


def test_a_call_in_a_comment_does_not_make_a_caller(repo):
    # envs/prod/main.tf mentions modules/old only in a comment: modules/old is a root of its own
    assert targets("modules/old/main.tf") == ["modules/old"]


def test_variables_files_map_to_the_root_that_reads_them(repo):
    assert targets("envs/prod/terraform.tfvars") == ["envs/prod"]
    assert targets("envs/prod/prod.auto.tfvars.json") == ["envs/prod"]


def test_a_variables_file_in_a_folder_without_terraform_is_skipped(repo):
    assert targets("vars/common.tfvars") == []
    assert "no root reads it" in skipped("vars/common.tfvars")["vars/common.tfvars"]


def test_files_of_one_root_and_its_modules_give_each_root_once(repo):
    plan = plan_scan(["envs/prod/main.tf", "modules/service/main.tf", "envs/prod/terraform.tfvars"])
    assert [target.path for target in plan.targets] == ["envs/prod", "envs/staging"]
    prod = plan.targets[0]
    assert (prod.kind, prod.changed) == (
        "Terraform root",
        ("envs/prod/main.tf", "modules/service/main.tf", "envs/prod/terraform.tfvars"),
    )


def test_a_root_is_given_to_the_scan_as_one_of_its_tf_files(repo):
    """A named .tf file stands for its folder's root module; the folder
    itself would be walked, with whatever lies below it."""
    write_files(repo, {"envs/prod/versions.tf": 'terraform {\n  required_version = ">= 1.5"\n}\n'})
    assert plan_scan(["modules/service/main.tf"]).paths == ["envs/prod/main.tf", "envs/staging/main.tf"]
    assert plan_scan(["taskdefs/web.json", "estate/web.json"]).paths == ["estate", "taskdefs/web.json"]


def test_a_root_at_the_repository_top_does_not_make_the_scan_walk_the_repository(repo, capsys):
    write_files(
        repo,
        {
            "main.tf": 'module "tools" {\n  source = "./tools"\n}\n',
            "tools/main.tf": 'resource "aws_ecs_cluster" "tools" {\n  name = "tools"\n}\n',
        },
    )
    assert targets("tools/main.tf") == ["."]
    files = scanned_files(capsys, "tools/main.tf")
    assert {"main.tf", "tools/main.tf"} <= set(files)
    assert not any(f.startswith(("envs/", "modules/", "taskdefs/", "estate/", "standalone/")) for f in files)


def test_files_under_terraform_s_own_folder_are_skipped(repo):
    assert targets(".terraform/modules/vpc/main.tf") == []
    assert skipped(".terraform/modules/vpc/main.tf") == {
        ".terraform/modules/vpc/main.tf": "in a folder ecs-guard does not scan"
    }


def test_absolute_paths_are_shown_relative_to_the_working_directory(repo):
    assert targets(str(repo / "modules" / "service" / "main.tf")) == ["envs/prod", "envs/staging"]


def test_callers_are_found_from_the_repository_top_not_the_working_directory(repo, monkeypatch):
    monkeypatch.chdir(repo / "modules")
    assert targets("service/main.tf") == [(repo / "envs" / "prod").as_posix(), (repo / "envs" / "staging").as_posix()]


# ----------------------------------------------------------------- deleted files


def test_a_deleted_file_of_a_root_still_maps_to_the_root(repo):
    assert targets("standalone/gone.tf") == ["standalone"]


def test_a_deleted_module_folder_maps_to_the_roots_that_still_call_it(repo):
    for path in (repo / "modules" / "iam").iterdir():
        path.unlink()
    (repo / "modules" / "iam").rmdir()
    assert targets("modules/iam/main.tf") == ["envs/prod", "envs/staging"]


def test_a_deleted_folder_nobody_calls_maps_to_nothing(repo):
    assert targets("retired/main.tf") == []
    assert "no module calls it" in skipped("retired/main.tf")["retired/main.tf"]


def test_a_deleted_json_file_maps_to_nothing_outside_a_snapshot(repo):
    assert skipped("taskdefs/gone.json") == {"taskdefs/gone.json": "deleted"}


def test_a_deleted_file_of_an_audit_snapshot_maps_to_the_snapshot(repo):
    assert targets("audit/eu-west-1/describe-target-groups.json") == ["audit"]


# ----------------------------------------------------------------- JSON files


def test_a_task_definition_on_its_own_maps_to_the_file(repo):
    plan = plan_scan(["taskdefs/web.json"])
    assert targets("taskdefs/web.json") == plan.paths == ["taskdefs/web.json"]
    assert plan.targets[0].kind == "task definition"


def test_a_task_definition_beside_snapshot_files_maps_to_their_folder(repo):
    """It is resolved with them (its roles, its services), as a scan of the folder does."""
    assert targets("estate/web.json") == ["estate"]


def test_a_snapshot_file_maps_to_its_folder(repo):
    assert targets("estate/describe-services.json") == ["estate"]


def test_a_file_of_an_audit_snapshot_maps_to_the_folder_of_its_manifest(repo):
    assert targets("audit/eu-west-1/describe-services-0001.json") == ["audit"]
    assert targets("audit/ecs-guard-audit.json") == ["audit"]


def test_a_plan_maps_to_the_file(repo):
    assert targets("plans/prod.json") == ["plans/prod.json"]


def test_json_that_is_no_input_is_skipped(repo):
    assert targets("package.json", ".vscode/settings.json", "state.json") == []
    assert skipped("package.json", ".vscode/settings.json", "state.json") == {
        "package.json": "not an ECS input",
        ".vscode/settings.json": "not an ECS input",
        "state.json": "not an ECS input",
    }


def test_other_files_are_skipped(repo):
    assert skipped("README.md") == {"README.md": "not a file ecs-guard reads"}


def test_a_target_inside_a_folder_target_is_dropped(repo):
    """Scanning a folder scans what is below it; the file would be read twice."""
    write_files(repo, {"estate/extra/api.json": json.dumps(task_definition("api"))})
    assert targets("estate/extra/api.json", "estate/describe-services.json") == ["estate"]


def test_describe_lists_targets_and_skipped_files(repo):
    lines = plan_scan(["modules/service/main.tf", "package.json"]).describe()
    assert lines == [
        "scan envs/prod (Terraform root, for modules/service/main.tf)",
        "scan envs/staging (Terraform root, for modules/service/main.tf)",
        "skip package.json: not an ECS input",
    ]


# ----------------------------------------------------------------- finding module calls in text


@pytest.mark.parametrize(
    "text, sources",
    [
        ('module "a" {\n  source = "./a"\n}\n', ["./a"]),
        ('module "a" { source = "../a" }\nmodule b { source = "../../b" }\n', ["../a", "../../b"]),
        ('module "a" {\n  count  = 2\n  tags   = { team = "x" }\n  source = "./late"\n}\n', ["./late"]),
        (
            'module "r" {\n  source = "git::https://example.com/m.git//x"\n  files = {\n    source = "./no"\n  }\n}\n',
            [],
        ),
        ('module "v" {\n  source  = "terraform-aws-modules/vpc/aws"\n}\n', []),
        (
            '# module "a" { source = "./a" }\n// module "b" { source = "./b" }\n/* module "c" {\n source = "./c"\n} */\n',
            [],
        ),
        ('module "a" {\n  # source = "./old"\n  source = "./new" # was ./old\n}\n', ["./new"]),
        ('resource "aws_s3_object" "o" {\n  source = "./files/app.zip"\n}\n', []),
        ('module "url" {\n  source = "./m"\n  note   = "see http://x/#anchor"\n}\n', ["./m"]),
        ('module "here" {\n  source = "."\n}\n', ["."]),
    ],
)
def test_local_module_sources(text, sources):
    assert local_module_sources(text) == sources


def test_local_module_sources_in_terraform_json():
    text = json.dumps(
        {"module": {"a": {"source": "./a"}, "b": {"source": "hashicorp/consul/aws"}, "c": [{"source": "../c"}]}}
    )
    assert local_module_sources_json(text) == ["./a", "../c"]
    assert local_module_sources_json("{not json") == []


def test_module_calls_in_terraform_json_make_callers(repo):
    write_files(repo, {"envs/json/main.tf.json": json.dumps({"module": {"api": {"source": "../../modules/service"}}})})
    assert targets("modules/service/main.tf") == ["envs/json", "envs/prod", "envs/staging"]


# ----------------------------------------------------------------- the command


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_changed_without_files_scans_nothing(repo, capsys):
    code, out, _ = run(capsys, "scan", "--changed")
    assert code == 0
    assert "0 findings" in out and "0 files" in out


def test_changed_task_definition_is_scanned_and_other_json_is_not(repo, capsys):
    write_files(repo, {"taskdefs/web.json": json.dumps(task_definition("web", privileged=True), indent=2)})
    code, out, _ = run(
        capsys, "scan", "--changed", "taskdefs/web.json", "package.json", ".vscode/settings.json", "README.md"
    )
    assert code == 1
    assert "taskdefs/web.json" in out and "EG602" in out
    assert "taskdefs/worker.json" not in out  # an unchanged file beside it is not scanned
    assert "package.json" not in out and "settings.json" not in out
    assert "1 file," in out


def test_changed_honours_the_config_file(repo, capsys):
    write_files(
        repo,
        {
            ".ecs-guard.yaml": "fail-on: critical\n",
            "taskdefs/web.json": json.dumps(task_definition("web", privileged=True)),
        },
    )
    code, out, _ = run(capsys, "scan", "--changed", "taskdefs/web.json")
    assert "EG602" in out
    assert code == 0  # EG602 is high: below the config's fail-on


def test_changed_honours_flags_given_before_the_files(repo, capsys):
    """pre-commit appends the files after the hook's `args`."""
    write_files(repo, {"taskdefs/web.json": json.dumps(task_definition("web", privileged=True))})
    _code, out, _ = run(capsys, "scan", "--changed", "--ignore", "EG6", "taskdefs/web.json")
    assert "EG602" not in out
    assert "1 file," in out


def test_changed_verbose_says_what_is_scanned_and_why(repo, capsys):
    _code, _, err = run(capsys, "scan", "--changed", "--verbose", "taskdefs/web.json", "package.json")
    assert "ecs-guard: scan taskdefs/web.json (task definition, for taskdefs/web.json)" in err
    assert "ecs-guard: skip package.json: not an ECS input" in err


def test_without_changed_the_paths_default_to_the_current_folder(repo, capsys):
    """--changed's handling of "no PATH" leaves the plain scan as it was: the whole folder."""
    _code, out, _ = run(capsys, "scan", "--format", "json")
    files = json.loads(out)["files"]
    assert {"taskdefs/web.json", "taskdefs/worker.json", "estate/describe-services.json"} <= set(files)


def scanned_files(capsys, *changed: str) -> list[str]:
    _code, out, _ = run(capsys, "scan", "--format", "json", "--changed", *changed)
    return json.loads(out)["files"]


# ----------------------------------------------------------------- Terraform through the command
# These need the HCL input in `ecs-guard scan` (a root folder scanned with its local modules).


def test_changed_child_module_is_judged_through_each_calling_root(repo, capsys):
    """modules/service is privileged only where a root passes privileged = true
    (envs/prod): scanned alone it would have no finding, scanned through both
    callers it has exactly one, with the calling root's module address."""
    code, out, _ = run(capsys, "scan", "--changed", "--select", "EG602", "modules/service/main.tf")
    assert code == 1, out
    assert "modules/service/main.tf" in out
    assert "module.api.aws_ecs_task_definition.this" in out
    assert out.count(" EG602  ") == 1  # one finding line (the rule docs list EG602 once more)


def test_changed_root_file_with_nothing_wrong_passes(repo, capsys):
    code, out, _ = run(capsys, "scan", "--changed", "--select", "EG602", "envs/staging/main.tf")
    assert code == 0, out
    assert "EG602" not in out


def test_changed_root_reads_the_root_and_its_local_modules_only(repo, capsys):
    files = scanned_files(capsys, "envs/staging/main.tf")
    assert {"envs/staging/main.tf", "modules/service/main.tf", "modules/iam/main.tf"} <= set(files)
    assert not any(f.startswith(("envs/prod/", "standalone/", "taskdefs/", "plans/")) for f in files)
