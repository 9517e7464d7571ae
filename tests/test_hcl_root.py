"""A whole root module read by the HCL front end: addresses of count,
for_each and module instances, module inputs and outputs, remote modules,
.tfvars precedence, bad files, unknown values and their reasons.
(The values themselves are checked against real plans in
test_hcl_plan_equivalence.py.)"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.hcl.values import Unknown
from ecs_guard.inputs.terraform.source.resource import HclResource
from ecs_guard.inputs.terraform.source.root import load_root

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hcl"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def write_module(directory: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} (text dedented) under `directory`."""
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return directory


def record(root, address: str) -> HclResource:
    found = root.resource(address)
    assert found is not None, f"{address} not in {[r.address for r in root.resources]}"
    return found


# ----------------------------------------------------------------- addresses


def test_count_for_each_and_module_instances_have_terraform_addresses():
    root = load_root(FIXTURES / "modules")
    addresses = {r.address for r in root.resources}
    assert 'module.api["blue"].aws_ecs_service.this' in addresses
    assert 'module.api["green"].module.logs.aws_cloudwatch_log_group.this' in addresses
    assert "module.sidecar[0].aws_ecs_task_definition.this" in addresses
    service = record(root, 'module.api["green"].aws_ecs_service.this')
    assert service.module == 'module.api["green"]'
    assert service.file.endswith("modules/ecs-service/main.tf")
    assert service.line == 40


def test_for_each_over_a_set_and_count_expand_in_terraforms_order():
    root = load_root(FIXTURES / "expressions")
    clusters = [r for r in root.resources if r.type == "aws_ecs_cluster"]
    assert [(r.address, r.index) for r in clusters] == [
        ('aws_ecs_cluster.per_name["alpha"]', "alpha"),
        ('aws_ecs_cluster.per_name["beta"]', "beta"),
        ('aws_ecs_cluster.per_name["gamma"]', "gamma"),
    ]
    assert clusters[1].values["name"] == "cluster-beta"
    assert record(root, "aws_ecs_service.dynamic[0]").index == 0


def test_count_of_zero_gives_no_instance(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        variable "enabled" { default = false }
        resource "aws_ecs_cluster" "optional" {
          count = var.enabled ? 1 : 0
          name  = "optional"
        }
    """
        },
    )
    assert load_root(tmp_path).resources == []


def test_unknown_count_gives_one_record_that_says_why():
    root = load_root(FIXTURES / "unknowns")
    subnet = record(root, "aws_subnet.per_az")
    assert subnet.index is None
    assert subnet.expansion_unknown == (
        "aws_subnet.per_az: count not known (data.aws_availability_zones.available.names: read from AWS during plan)"
    )
    assert subnet.values["vpc_id"] == "vpc-0123456789abcdef0"


# ----------------------------------------------------------------- modules


def test_module_inputs_and_outputs_flow_through_instances():
    root = load_root(FIXTURES / "modules")
    green = record(root, 'module.api["green"].aws_ecs_service.this')
    assert green.values["desired_count"] == 3
    assert green.values["network_configuration"] == [
        {"assign_public_ip": False, "subnets": ["subnet-0aaaaaaaaaaaaaaaa"]}
    ]
    assert record(root, "aws_ssm_parameter.green_service").values["value"] == "green"
    assert record(root, "aws_ssm_parameter.sidecar_family").values["value"] == "sidecar-0"
    extra = record(root, "aws_iam_role_policy.api_blue_extra")
    assert extra.values["role"] == "blue-execution"
    assert extra.sources[("role",)] == ['module.api["blue"].aws_iam_role.execution.name']
    assert extra.references[("role",)] == ['module.api["blue"].execution_role_name', 'module.api["blue"]']


def test_a_value_keeps_its_source_through_variables_and_module_outputs():
    root = load_root(FIXTURES / "modules")
    task = record(root, 'module.api["blue"].aws_ecs_task_definition.this')
    assert task.sources[("execution_role_arn",)] == ['module.api["blue"].aws_iam_role.execution.arn']
    assert task.unknown[("execution_role_arn",)] == 'module.api["blue"].aws_iam_role.execution.arn: known after apply'
    service = record(root, 'module.api["blue"].aws_ecs_service.this')
    assert service.sources[("cluster",)] == ["aws_ecs_cluster.this.arn"]
    assert service.references[("cluster",)] == ["var.cluster_arn"]


def test_remote_module_sources_are_reported_not_silently_skipped():
    root = load_root(FIXTURES / "remote_module")
    messages = [(p.path.rsplit("/", 1)[-1], p.line, p.message, p.kind) for p in root.problems]
    assert messages == [
        (
            "main.tf",
            1,
            'module "vpc" not scanned: its source "terraform-aws-modules/vpc/aws" is not a local path'
            ": run terraform init to fetch it, or scan the plan",
            "not-understood",
        ),
        (
            "main.tf",
            7,
            'module "ecs" not scanned: its source '
            '"git::https://github.com/example/terraform-ecs.git?ref=v1.0.0" is not a local path'
            ": run terraform init to fetch it, or scan the plan",
            "not-understood",
        ),
        (
            "main.tf",
            11,
            'module "missing" not scanned: its source directory "./modules/does-not-exist" does not exist',
            "not-understood",
        ),
    ]
    service = record(root, "aws_ecs_service.app")
    assert service.unknown[("network_configuration", 0, "subnets")] == (
        "module.vpc.private_subnets: module module.vpc not scanned "
        '(its source "terraform-aws-modules/vpc/aws" is not a local path: run terraform init to fetch it, or scan the plan)'
    )
    assert service.values["network_configuration"] == [{"assign_public_ip": False}]


# ----------------------------------------------------------------- variables


def test_tfvars_precedence_defaults_then_tfvars_then_auto_then_explicit():
    automatic = record(load_root(FIXTURES / "tfvars"), "aws_ecs_cluster.main").values["name"]
    assert automatic == (
        "default_terraform-tfvars_terraform-tfvars-json_a-auto-tfvars_b-auto-tfvars-json_b-auto-tfvars-json"
    )
    root = load_root(FIXTURES / "tfvars", [FIXTURES / "tfvars" / "explicit.tfvars"])
    assert record(root, "aws_ecs_cluster.main").values["name"].endswith("_explicit-tfvars")
    assert any(path.endswith("explicit.tfvars") for path in root.files)


def test_later_explicit_var_files_win(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
            variable "name" {}
            resource "aws_ecs_cluster" "c" { name = var.name }
        """,
            "one.tfvars": 'name = "one"\n',
            "two.tfvars": 'name = "two"\n',
        },
    )
    assert (
        record(load_root(tmp_path, [tmp_path / "one.tfvars", tmp_path / "two.tfvars"]), "aws_ecs_cluster.c").values[
            "name"
        ]
        == "two"
    )
    assert (
        record(load_root(tmp_path, [tmp_path / "two.tfvars", tmp_path / "one.tfvars"]), "aws_ecs_cluster.c").values[
            "name"
        ]
        == "one"
    )


def test_variable_types_convert_and_optional_attributes_get_defaults():
    root = load_root(FIXTURES / "tfvars", [FIXTURES / "tfvars" / "explicit.tfvars"])
    assert record(root, "aws_ecs_service.svc").values["desired_count"] == 3  # "3" in terraform.tfvars
    assert record(root, "aws_ecs_cluster.main").values["setting"] == [{"name": "containerInsights", "value": "enabled"}]


def test_a_variable_without_any_value_is_unknown_with_the_reason():
    root = load_root(FIXTURES / "unknowns")
    task = record(root, "aws_ecs_task_definition.app")
    assert (
        task.unknown[("container_definitions", 0, "environment", 2, "value")]
        == "var.no_value: no value (no default, not set in any .tfvars file)"
    )


def test_a_value_that_does_not_fit_the_variable_type_is_a_problem(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
            variable "count_of" { type = number }
            resource "aws_ecs_service" "s" {
              name          = "s"
              desired_count = var.count_of
            }
        """,
            "terraform.tfvars": 'count_of = "many"\n',
        },
    )
    root = load_root(tmp_path)
    assert [(p.line, p.message) for p in root.problems] == [
        (1, "var.count_of: a string that is not a number cannot be used as a number")
    ]
    assert ("desired_count",) in record(root, "aws_ecs_service.s").unknown


# ----------------------------------------------------------------- bad input


def test_bad_hcl_is_one_line_with_file_and_line_and_the_rest_is_evaluated():
    root = load_root(FIXTURES / "bad_hcl")
    problems = [str(p) for p in root.problems]
    assert problems == [
        "fixtures/hcl/bad_hcl/broken.tf:10: syntax error: unexpected '}'",
        'fixtures/hcl/bad_hcl/dup.tf:3: attribute "name" is defined twice (first on line 2)',
    ]
    assert all("\n" not in problem for problem in problems)
    good = record(root, "aws_ecs_task_definition.good")
    assert good.values["family"] == "good"
    assert good.unknown[("container_definitions", 0, "image")] == (
        'local.image: local value "image" is not declared '
        "(fixtures/hcl/bad_hcl/broken.tf, fixtures/hcl/bad_hcl/dup.tf could not be parsed)"
    )
    assert good.value_at(("container_definitions", 0, "privileged")) is True


def test_an_argument_the_provider_does_not_have_is_reported_with_its_line(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_ecs_service" "s" {
          name            = "s"
          assign_public_ip = true
        }
    """
        },
    )
    root = load_root(tmp_path)
    assert [(p.line, p.message, p.kind) for p in root.problems] == [
        (3, 'aws_ecs_service has no argument "assign_public_ip"', "not-understood")
    ]


def test_invalid_container_definitions_are_reported_like_the_plan_fails(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_ecs_task_definition" "t" {
          family                = "t"
          container_definitions = jsonencode([{ name = "a", cpu = "ten" }])
        }
    """
        },
    )
    root = load_root(tmp_path)
    assert [(p.line, p.message) for p in root.problems] == [
        (3, "container_definitions is invalid: [0].cpu: expected a whole number")
    ]
    assert ("container_definitions",) in record(root, "aws_ecs_task_definition.t").unknown


def test_for_each_over_a_plain_list_is_reported(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_ecs_cluster" "c" {
          for_each = ["a", "b"]
          name     = each.key
        }
    """
        },
    )
    root = load_root(tmp_path)
    assert [p.line for p in root.problems] == [2]
    assert [r.address for r in root.resources] == ['aws_ecs_cluster.c["a"]', 'aws_ecs_cluster.c["b"]']


# ----------------------------------------------------------------- unknowns


def test_unknown_values_say_why_with_the_expression():
    task = record(load_root(FIXTURES / "unknowns"), "aws_ecs_task_definition.app")
    assert task.unknown[("execution_role_arn",)] == "aws_iam_role.task.arn: known after apply"
    assert (
        task.unknown[("container_definitions", 0, "environment", 0, "value")]
        == "data.aws_ssm_parameter.db_password.value: read from AWS during plan"
    )
    assert (
        task.unknown[("container_definitions", 0, "environment", 1, "value")]
        == 'cidrsubnet("…", 8, 1): function cidrsubnet() is not evaluated by ecs-guard'
    )
    # the string is not known, but what is known inside it still is
    assert "container_definitions" not in task.values
    assert task.value_at(("container_definitions", 0, "privileged")) is True
    assert isinstance(task.value_at(("container_definitions", 0, "environment", 0, "value")), Unknown)


def test_computed_attributes_left_out_are_listed_and_in_after_unknown():
    service = record(load_root(FIXTURES / "ecs_stack"), "aws_ecs_service.web")
    assert ("iam_role",) in service.computed
    assert service.after_unknown()["iam_role"] is True
    assert service.after_unknown()["load_balancer"] == [{"target_group_arn": True}]
    assert service.unknown_reason(("iam_role",)) == "aws_ecs_service.web.iam_role: computed by the provider at apply"
    assert service.unknown_reason(("launch_type",)) is None


def test_a_null_module_input_overrides_the_default_only_of_a_nullable_variable(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
            module "m" {
              source     = "./m"
              nullable   = null
              not_null   = null
            }
        """,
            "m/main.tf": """
            variable "nullable" { default = "default" }
            variable "not_null" {
              default  = "default"
              nullable = false
            }
            resource "aws_ecs_cluster" "c" {
              name = "c"
              tags = { a = coalesce(var.nullable, "was-null"), b = var.not_null }
            }
        """,
        },
    )
    cluster = record(load_root(tmp_path), "module.m.aws_ecs_cluster.c")
    assert cluster.values["tags"] == {"a": "was-null", "b": "default"}


def test_deeply_nested_input_is_a_problem_not_a_crash(tmp_path):
    nested = "[" * 400 + "1" + "]" * 400
    deep = f'resource "aws_ecs_cluster" "deep" {{\n  name = "d"\n  tags = {{ a = jsonencode({nested}) }}\n}}\n'
    write_module(tmp_path, {"deep.tf": deep, "fine.tf": 'resource "aws_ecs_cluster" "fine" {\n  name = "fine"\n}\n'})
    root = load_root(tmp_path)
    assert [(Path(p.path).name, p.message) for p in root.problems] == [
        ("deep.tf", "nested more than 128 levels deep: not parsed")
    ]
    assert record(root, "aws_ecs_cluster.fine").values == {"name": "fine"}


def test_a_long_chain_of_locals_evaluates_as_terraform_does(tmp_path):
    chain = "\n".join(f"  l{i} = local.l{i + 1}" for i in range(400)) + '\n  l400 = "end"'
    write_module(
        tmp_path,
        {
            "main.tf": f"locals {{\n{chain}\n}}\n"
            'resource "aws_ecs_cluster" "deep" {\n  name = local.l0\n}\n'
            'resource "aws_ecs_cluster" "fine" {\n  name = "fine"\n}\n'
        },
    )
    root = load_root(tmp_path)
    assert root.problems == []  # (a fault too deep for Python: tests/test_bounded_evaluation.py)
    assert record(root, "aws_ecs_cluster.deep").values == {"name": "end"}
    assert record(root, "aws_ecs_cluster.fine").values == {"name": "fine"}


def test_values_from_the_input_never_appear_in_reasons_or_problems(tmp_path):
    secret = "s3cr3t-Value-42"
    write_module(
        tmp_path,
        {
            "main.tf": f"""
            resource "aws_ecs_service" "s" {{
              name          = "s"
              desired_count = "{secret}"
            }}
            resource "aws_ecs_task_definition" "t" {{
              family = "t"
              container_definitions = jsonencode([{{
                name        = "app"
                environment = [{{ name = "DB_PASSWORD", value = sha512("{secret}") }}]
                privileged  = "{secret}"
              }}])
            }}
        """,
            "broken.tf": f'locals {{\n  password = "{secret}\n  other = 1\n}}\n',
            "terraform.tfvars": f'undeclared = "{secret}"\n',
        },
    )
    root = load_root(tmp_path)
    messages = [str(problem) for problem in root.problems]
    reasons = [reason for record in root.resources for reason in record.unknown.values()]
    assert len(messages) >= 3 and reasons
    assert not [text for text in messages + reasons if secret in text]
