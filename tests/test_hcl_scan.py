"""Scanning Terraform source: which folders are root modules, var files,
remote modules and unknown instances, plans with their source (lines and
values), inline suppressions in .tf files, and what a scan without .tf
files does not import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_cases import ROOT, all_cases
from test_hcl_root import write_module as write

from ecs_guard import cli
from ecs_guard.config import Config
from ecs_guard.engine import run
from ecs_guard.inputs import load
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.rule import all_rules, get_rule
from ecs_guard.scan import configured_scan, scan

SCENARIOS = ROOT / "fixtures" / "scenarios"
CASES = {case.id: case for case in all_cases()}

SERVICE_MODULE = """
variable "name" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = "main"
  task_definition = "${var.name}:1"
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40321"]
    assign_public_ip = var.public
  }
}
"""


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def line_of(path: str, number: int) -> str:
    return Path(path).read_text().splitlines()[number - 1]


def number_of_line(path: str, needle: str) -> int:
    (number,) = [n for n, text in enumerate(Path(path).read_text().splitlines(), 1) if needle in text]
    return number


def services(inventory) -> list[str]:
    return sorted(s.address for s in inventory.services)


def caller(name: str, source: str = "../modules/service") -> str:
    return f'module "{name}" {{\n  source = "{source}"\n  name   = "{name}"\n  public = true\n}}\n'


# ----------------------------------------------------------------- which folders are roots


def test_a_folder_only_called_as_a_module_is_scanned_through_its_callers(tree):
    write(
        tree,
        {"modules/service/main.tf": SERVICE_MODULE, "prod/main.tf": caller("api"), "staging/main.tf": caller("web")},
    )
    inventory = load(["."])
    # written outside the roots' folders: named with their root (tests/test_root_identity.py)
    assert services(inventory) == ["prod: module.api.aws_ecs_service.this", "staging: module.web.aws_ecs_service.this"]
    assert [s.assign_public_ip.value for s in inventory.services] == [True, True]
    assert inventory.problems == []
    assert sorted(inventory.files) == ["modules/service/main.tf", "prod/main.tf", "staging/main.tf"]


def test_a_module_folder_scanned_without_its_callers_is_a_root(tree):
    write(tree, {"modules/service/main.tf": SERVICE_MODULE, "prod/main.tf": caller("api")})
    inventory = load(["modules/service"])
    assert services(inventory) == ["aws_ecs_service.this"]
    (service,) = inventory.services
    assert (
        not service.name.known and service.name.reason == "var.name: no value (no default, not set in any .tfvars file)"
    )


def test_a_tf_file_named_on_the_command_line_scans_its_folders_root(tree):
    write(
        tree,
        {
            "modules/service/main.tf": SERVICE_MODULE,
            "prod/main.tf": caller("api"),
            "prod/outputs.tf": 'output "name" {\n  value = module.api\n}\n',
        },
    )
    assert services(load(["prod/outputs.tf"])) == services(load(["prod"])) == ["prod: module.api.aws_ecs_service.this"]
    assert services(load(["prod/main.tf", "modules/service/main.tf"])) == ["prod: module.api.aws_ecs_service.this"]


def test_a_named_tf_file_that_is_missing_or_a_tfvars_file_without_a_root_is_reported(tree):
    write(tree, {"vars/prod.tfvars": 'name = "x"\n'})
    inventory = load(["gone/main.tf", "vars/prod.tfvars"])
    assert [(p.path, p.kind, p.message) for p in inventory.problems] == [
        ("gone/main.tf", "unreadable", "cannot read the file: no such file"),
        ("vars/prod.tfvars", "not-understood", "no .tf file in its folder: not part of a Terraform root module"),
    ]
    assert inventory.files == []


def test_modules_called_through_other_modules_are_not_roots(tree):
    write(
        tree,
        {
            "modules/service/main.tf": SERVICE_MODULE,
            "modules/app/main.tf": caller("inner", "../service"),
            "prod/main.tf": 'module "app" {\n  source = "../modules/app"\n}\n',
        },
    )
    assert services(load(["."])) == ["prod: module.app.module.inner.aws_ecs_service.this"]


def test_a_problem_in_a_module_two_roots_call_is_reported_once(tree):
    write(
        tree,
        {
            "modules/service/main.tf": SERVICE_MODULE,
            "modules/service/broken.tf": "resource {\n",
            "prod/main.tf": caller("api"),
            "staging/main.tf": caller("web"),
        },
    )
    inventory = load(["."])
    assert [(p.path, p.kind) for p in inventory.problems] == [("modules/service/broken.tf", "unreadable")]
    assert len(inventory.services) == 2


def test_remote_modules_are_reported_as_not_scanned(tree):
    write(
        tree,
        {
            "main.tf": """
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.8.1"
        }
    """
        },
    )
    (problem,) = load(["."]).problems
    assert (problem.path, problem.line, problem.kind) == ("main.tf", 1, "not-understood")
    assert problem.message == (
        'module "vpc" not scanned: its source "terraform-aws-modules/vpc/aws" is not a local path'
        ": run terraform init to fetch it, or scan the plan"
    )


def test_terraform_json_syntax_is_read_as_a_root(tree):
    write(tree, {"app/main.tf.json": '{"resource": {"aws_ecs_cluster": {"c": {"name": "apps"}}}}'})
    inventory = load(["."])
    assert inventory.problems == []
    assert "app/main.tf.json" in inventory.files


def test_an_unknown_count_is_reported_and_what_depends_on_it_is_not_evaluated(tree):
    write(
        tree,
        {
            "main.tf": """
        data "aws_availability_zones" "available" {}

        resource "aws_subnet" "private" {
          count             = length(data.aws_availability_zones.available.names)
          vpc_id            = "vpc-0123456789abcdef0"
          cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
          availability_zone = data.aws_availability_zones.available.names[count.index]
        }

        resource "aws_ecs_service" "web" {
          name            = "web"
          cluster         = "main"
          task_definition = "web:1"
          launch_type     = "FARGATE"

          network_configuration {
            subnets = aws_subnet.private[*].id
          }
        }
    """
        },
    )
    report = scan(["."], rules=[get_rule("EG404")])
    assert report.problems == []  # an evaluation note, not an input not understood
    (problem,) = report.evaluation_notes
    assert (problem.path, problem.line, problem.kind) == ("main.tf", 3, "evaluation-note")
    assert problem.message.startswith("aws_subnet.private: count not known (data.aws_availability_zones.available")
    assert problem.message.endswith("its instances are checked as one, aws_subnet.private")
    assert report.findings == []
    (result,) = report.not_evaluated
    assert result.resource == "aws_ecs_service.web"
    assert "count not known" in result.reason
    assert line_of(result.location.path, result.location.line).strip().startswith("subnets")


def test_json_files_the_source_reads_are_part_of_the_source(tree):
    containers = [{"name": "web", "image": "nginx:1.27", "privileged": True}]
    write(
        tree,
        {
            "app/main.tf": """
        resource "aws_ecs_task_definition" "web" {
          family                = "web"
          container_definitions = file("${path.module}/containers.json")
        }
    """,
            "app/containers.json": json.dumps(containers, indent=2),
            "app/package.json": '{"name": "x"}',
            "app/terraform.tfvars.json": '{"unused": 1}',
        },
    )
    report = scan(["."], rules=[get_rule("EG602")])
    assert [(p.path, p.kind) for p in report.problems] == [("app/package.json", "not-understood")]
    assert sorted(report.files) == ["app/containers.json", "app/main.tf", "app/terraform.tfvars.json"]
    (finding,) = report.findings
    assert (finding.location.path, finding.location.line) == ("app/containers.json", 5)


def test_var_files_apply_in_order_after_tfvars(tree, capsys):
    write(
        tree,
        {
            "app/main.tf": SERVICE_MODULE.replace("default = false", "default = true"),
            "app/terraform.tfvars": 'name = "web"\n',
            "private.tfvars": "public = false\n",
            "public.tfvars": "public = true\n",
        },
    )

    def public_ip_findings(*options: str) -> list:
        code = cli.main(["scan", "app", "--select", "EG101", "--format", "json", *options])
        report = json.loads(capsys.readouterr().out)
        assert code in (0, 1)
        return [(f["rule_id"], f["file"], f["line"]) for f in report["findings"]]

    # RULES.md "Where a finding points": located where the value is written (the
    # default, then the .tfvars line), not at the attribute that uses it
    default = [("EG101", "app/main.tf", number_of_line("app/main.tf", "default = true"))]
    assert public_ip_findings() == default
    assert public_ip_findings("--var-file", "private.tfvars") == []
    assert public_ip_findings("--var-file", "private.tfvars", "--var-file", "public.tfvars") == [
        ("EG101", "public.tfvars", 1)
    ]


def test_a_missing_var_file_is_an_input_not_read(tree, capsys):
    write(tree, {"app/main.tf": SERVICE_MODULE})
    code = cli.main(["scan", "app", "--var-file", "nowhere.tfvars"])
    out, _ = capsys.readouterr()
    assert code == 3
    assert "nowhere.tfvars: cannot read var file" in out


def test_source_that_is_not_a_folder_is_a_usage_error(tree, capsys):
    code = cli.main(["scan", ".", "--source", "nowhere"])
    _, err = capsys.readouterr()
    assert code == 2 and err == "ecs-guard: error: --source nowhere: no such folder\n"


# ----------------------------------------------------------------- plans with their source


def _expected_text(rule_id: str) -> tuple[str, ...] | None:
    """What the .tf line of a finding of `rule_id` must show in fargate-web
    (None for a rule not listed: its line is checked by its own hcl cases)."""
    return {
        "EG101": ("assign_public_ip",),
        "EG102": ("network_mode",),
        "EG201": ("image",),
        "EG202": ("image",),
        "EG401": ("enabled", 'resource "'),
        "EG403": ('resource "', "max_capacity"),
        "EG404": ("subnets",),
        "EG406": ("desired_count", "min_capacity"),
        "EG407": ('resource "',),
        "EG501": ("DB_PASSWORD",),
        "EG402": ("name",),
        "EG601": ("name", "user"),
        "EG603": ("name",),
        "EG302": ("task_role_arn",),
    }.get(rule_id)


def test_plan_findings_are_reported_at_the_lines_of_its_source(tree):
    scenario = SCENARIOS / "fargate-web"
    alone = scan([str(scenario / "plan.json")], rules=all_rules())
    inventory = load([str(scenario / "plan.json")], TerraformOptions(source=str(scenario / "terraform")))
    with_source = run(inventory, all_rules())
    assert sorted((f.rule_id, f.resource, f.container) for f in with_source.findings) == sorted(
        (f.rule_id, f.resource, f.container) for f in alone.findings
    )
    assert {f.location.path for f in alone.findings} == {str(scenario / "plan.json")}
    for finding in with_source.findings:
        assert finding.location.path.endswith(".tf"), finding
        text = line_of(finding.location.path, finding.location.line)
        expected = _expected_text(finding.rule_id)
        assert expected is None or any(part in text for part in expected), (finding, text)
    resource_files = {
        f.resource_location.path
        for f in with_source.findings
        if f.resource == "module.api.aws_ecs_task_definition.this"
    }
    assert resource_files and all(p.endswith("modules/service/main.tf") for p in resource_files)
    assert inventory.files[0].endswith("plan.json") and len(inventory.files) == 4


def _case_layout(folder: Path, case_id: str, source_text: str | None = None) -> tuple[Path, Path]:
    case = CASES[case_id]
    write(folder, {"terraform/main.tf": source_text or case.tf})
    plan = folder / "plan.json"
    plan.write_bytes(case.plan_path.read_bytes())
    return folder / "terraform", plan


def test_values_the_plan_has_unknown_are_taken_from_literals_in_the_source(tree):
    source, plan = _case_layout(tree, "EG501-plan-container-definitions-unknown-until-apply")
    alone = scan([str(plan)], rules=[get_rule("EG501")])
    assert alone.findings == [] and [n.resource for n in alone.not_evaluated] == ["aws_ecs_task_definition.api"]
    inventory = load([str(plan)], TerraformOptions(source=str(source)))
    (finding,) = run(inventory, [get_rule("EG501")]).findings
    assert (finding.resource, finding.container) == ("aws_ecs_task_definition.api", "api")
    assert '{ name = "DB_PASSWORD", value = "Tr0ub4dor&3" }' in line_of(finding.location.path, finding.location.line)


def test_values_the_source_takes_from_a_reference_are_left_to_the_plan(tree):
    case = CASES["EG501-plan-container-definitions-unknown-until-apply"]
    referenced = case.tf.replace('value = "Tr0ub4dor&3"', "value = var.db_password")
    # a variable with no value in the code (v1.2: one with a default is a literal)
    referenced = 'variable "db_password" {\n  type = string\n}\n' + referenced
    source, plan = _case_layout(tree, case.id, referenced)
    inventory = load([str(plan)], TerraformOptions(source=str(source)))
    report = run(inventory, [get_rule("EG501")])
    assert report.findings == [] and report.not_evaluated == []
    (td,) = inventory.task_definitions
    (env,) = [e for e in td.containers.value[0].environment.value if e.name.value == "DB_PASSWORD"]
    assert not env.value.known and not env.value.literal


def test_the_plans_known_values_win_over_the_source(tree):
    case = CASES["EG602-plan-not-privileged"]
    source, plan = _case_layout(tree, case.id, case.tf.replace("privileged = false", "privileged = true"))
    inventory = load([str(plan)], TerraformOptions(source=str(source)))
    (td,) = inventory.task_definitions
    (container,) = td.containers.value
    assert container.privileged.value is False
    assert "privileged = true" in line_of(container.privileged.location.path, container.privileged.location.line)


def test_set_elements_the_plan_orders_its_own_way_are_located_at_their_own_block(tree):
    source, plan = _case_layout(tree, "EG701-plan-second-and-third-volumes-unencrypted")
    planned = [
        v["name"]
        for v in json.loads(plan.read_text())["planned_values"]["root_module"]["resources"][0]["values"]["volume"]
    ]
    assert planned == ["config", "cache", "uploads"]  # not the written order: config, uploads, cache
    (td,) = load([str(plan)], TerraformOptions(source=str(source))).task_definitions
    for volume in td.volumes.value:
        text = line_of(volume.location.path, volume.location.line)
        assert text.strip() == "volume {"
        name_line = line_of(volume.location.path, volume.location.line + 1)
        assert f'name = "{volume.name.value}"' in name_line
    (uploads,) = [v for v in td.volumes.value if v.name.value == "uploads"]
    where = uploads.transit_encryption.location
    assert line_of(where.path, where.line).strip() == 'transit_encryption = "DISABLED"'


def test_a_source_that_does_not_match_the_plan_is_noted(tree):
    write(tree, {"other/main.tf": 'resource "aws_ecs_cluster" "other" {\n  name = "other"\n}\n'})
    plan = tree / "plan.json"
    plan.write_bytes(CASES["EG101-plan-public-ip"].plan_path.read_bytes())
    inventory = load(["plan.json"], TerraformOptions(source="other"))
    (problem,) = inventory.problems
    assert (problem.path, problem.kind) == ("plan.json", "not-understood")
    assert problem.message == "none of the plan's resources is in the source other: findings are reported at the plan"
    assert {s.location.path for s in inventory.services} == {"plan.json"}


def test_source_option_on_the_command_line(tree, capsys):
    _source, _ = _case_layout(tree, "EG101-plan-public-ip")
    code = cli.main(["scan", "plan.json", "--source", "terraform", "--select", "EG101", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["file"], f["line"]) for f in report["findings"]] == [("terraform/main.tf", 26)]
    assert line_of("terraform/main.tf", 26).strip() == "assign_public_ip = true"


# ----------------------------------------------------------------- inline suppressions


SUPPRESSED = """
# ecs-guard:ignore EG101 the edge proxy is public by design (SEC-142)
resource "aws_ecs_service" "edge" {
  name            = "edge"
  cluster         = "main"
  task_definition = "edge:1"
  desired_count   = 2

  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40321"]
    assign_public_ip = true
  }
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = "main"
  task_definition = "api:1"
  desired_count   = 2

  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40321"]
    assign_public_ip = true
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name       = "web"
    image      = "nginx:latest"  # ecs-guard:ignore EG201,EG202 rebuilt nightly from a pinned base
    privileged = true            // ecs-guard:ignore EG6 -- needs the host's GPU devices
    user       = "1000"
  }])
}
"""


def _selecting(*codes: str) -> Config:
    return Config().with_flags(select=list(codes), ignore=[], fail_on=None)


def test_inline_suppressions_on_resource_and_attribute_lines(tree):
    write(tree, {"main.tf": SUPPRESSED})
    report = configured_scan(["."], _selecting("EG101", "EG201", "EG202", "EG602"))
    suppressed = sorted(
        (s.finding.rule_id, s.finding.resource, s.finding.location.line, s.suppression.justification)
        for s in report.suppressed
    )
    assert suppressed == [
        ("EG101", "aws_ecs_service.edge", 10, "the edge proxy is public by design (SEC-142)"),
        ("EG201", "aws_ecs_task_definition.web", 30, "rebuilt nightly from a pinned base"),
        ("EG202", "aws_ecs_task_definition.web", 30, "rebuilt nightly from a pinned base"),
        ("EG602", "aws_ecs_task_definition.web", 31, "needs the host's GPU devices"),
    ]
    assert [(f.rule_id, f.resource, f.location.line) for f in report.findings] == [("EG101", "aws_ecs_service.api", 22)]
    edge = next(s.finding.resource_location for s in report.suppressed if s.finding.resource == "aws_ecs_service.edge")
    assert (edge.line, edge.end_line) == (2, 12)


def test_a_suppression_covers_its_own_root_only_when_two_roots_share_an_address(tree):
    """envs/prod and envs/staging both define aws_ecs_service.web: a comment
    above staging's block suppresses staging's finding, not prod's."""
    service = """resource "aws_ecs_service" "web" {
  name = "web"
  network_configuration {
    subnets          = ["subnet-0a1b2c3d4e5f60718", "subnet-0f9e8d7c6b5a40321"]
    assign_public_ip = true
  }
}
"""
    write(
        tree,
        {
            "envs/prod/main.tf": service,
            "envs/staging/main.tf": "# ecs-guard:ignore EG101 staging is reachable for QA (QA-7)\n" + service,
        },
    )
    report = configured_scan(["."], _selecting("EG101"))
    assert [(f.location.path, f.resource) for f in report.findings] == [("envs/prod/main.tf", "aws_ecs_service.web")]
    assert [s.finding.location.path for s in report.suppressed] == ["envs/staging/main.tf"]


def test_inline_suppressions_in_the_source_apply_to_a_plan_inside_it(tree):
    case = CASES["EG101-plan-public-ip"]
    commented = case.tf.replace(
        'resource "aws_ecs_service" "web" {',
        '# ecs-guard:ignore EG101 reviewed: public by design\nresource "aws_ecs_service" "web" {',
    )
    assert commented != case.tf
    _case_layout(tree, case.id, commented)
    (tree / "plan.json").rename(tree / "terraform" / "plan.json")
    report = configured_scan(["terraform"], _selecting("EG101"))
    assert report.findings == []
    (suppressed,) = report.suppressed
    assert (suppressed.finding.resource, suppressed.suppression.justification) == (
        "aws_ecs_service.web",
        "reviewed: public by design",
    )
    assert suppressed.finding.location.path == "terraform/main.tf"


# ----------------------------------------------------------------- start-up cost


def test_a_scan_without_tf_files_does_not_import_the_hcl_front_end(tmp_path):
    plan = CASES["EG101-plan-public-ip"].plan_path
    (tmp_path / "taskdef.json").write_text(
        json.dumps({"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]})
    )
    script = (
        f"import sys; from ecs_guard.scan import scan; scan([{str(tmp_path)!r}, {str(plan)!r}]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark') "
        "or m.startswith(('ecs_guard.inputs.terraform.hcl', 'ecs_guard.inputs.terraform.source.root'))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
