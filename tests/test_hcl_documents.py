"""JSON documents inside attributes when part of them is not known: the
plan only says "unknown" for the whole string; the front end keeps the
rest of the document, so a privileged container or a wildcard action is
still seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hcl_root import record, write_module

from ecs_guard.inputs.terraform.hcl.values import Unknown
from ecs_guard.inputs.terraform.source.root import load_root

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hcl"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_a_policy_document_with_an_unknown_resource_keeps_its_statements(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_s3_bucket" "b" {
          bucket = "b"
        }
        data "aws_iam_policy_document" "d" {
          statement {
            actions   = ["*"]
            resources = [aws_s3_bucket.b.arn]
          }
        }
        resource "aws_iam_role_policy" "p" {
          name   = "p"
          role   = "r"
          policy = data.aws_iam_policy_document.d.json
        }
    """
        },
    )
    policy = record(load_root(tmp_path), "aws_iam_role_policy.p")
    assert "policy" not in policy.values
    assert (
        policy.unknown[("policy",)] == "aws_s3_bucket.b.arn: not set in the configuration (the provider may compute it)"
    )
    statement = policy.documents[("policy",)]["Statement"][0]
    assert statement["Action"] == "*" and statement["Effect"] == "Allow"
    assert isinstance(statement["Resource"], Unknown)
    assert policy.position(("policy", "Statement", 0, "Action"))[1] == 6
    # the document's json, and what that comes from (a set that is not known keeps its elements' sources)
    assert policy.sources[("policy",)] == ["data.aws_iam_policy_document.d.json", "aws_s3_bucket.b.arn"]


def test_container_definitions_with_an_unknown_value_are_still_normalised(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_ssm_parameter" "p" {
          name  = "/p"
          type  = "String"
          value = "v"
        }
        resource "aws_ecs_task_definition" "t" {
          family = "t"
          container_definitions = jsonencode([
            { name = "z", image = "z", privileged = true, Memory = 256 },
            { name = "a", image = "a", secrets = [{ name = "S", valueFrom = aws_ssm_parameter.p.arn }] },
          ])
        }
    """
        },
    )
    task = record(load_root(tmp_path), "aws_ecs_task_definition.t")
    assert task.unknown[("container_definitions",)] == "aws_ssm_parameter.p.arn: known after apply"
    containers = task.documents[("container_definitions",)]
    assert [c["name"] for c in containers] == ["a", "z"]
    assert containers[1]["privileged"] is True and containers[1]["memory"] == 256
    assert task.position(("container_definitions", 1, "memory"))[1] == 9
    assert (
        task.unknown[("container_definitions", 0, "secrets", 0, "valueFrom")]
        == "aws_ssm_parameter.p.arn: known after apply"
    )


def test_a_heredoc_with_an_unknown_string_interpolation_keeps_the_rest(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_iam_role" "r" {
          name               = "r"
          assume_role_policy = "{}"
        }
        resource "aws_ecs_task_definition" "t" {
          family = "t"
          container_definitions = <<EOF
        [{"name": "app", "image": "nginx",
          "environment": [{"name": "ROLE", "value": "${aws_iam_role.r.arn}"},
                          {"name": "PASSWORD", "value": "literal"}],
          "privileged": true}]
        EOF
        }
    """
        },
    )
    task = record(load_root(tmp_path), "aws_ecs_task_definition.t")
    assert ("container_definitions",) in task.unknown
    path = ("container_definitions", 0, "environment")
    assert task.value_at((*path, 0, "name")) == "PASSWORD"  # sorted by name
    assert isinstance(task.value_at((*path, 1, "value")), Unknown)
    assert task.value_at(("container_definitions", 0, "privileged")) is True
    assert task.position((*path, 0, "value"))[1] == 10
    assert task.is_literal((*path, 0, "value"))


def test_role_inline_policies_are_normalised_with_version_first(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        resource "aws_iam_role" "r" {
          name               = "r"
          assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
          inline_policy {
            name   = "i"
            policy = jsonencode({
              Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
              Version   = "2012-10-17"
            })
          }
        }
    """
        },
    )
    role = record(load_root(tmp_path), "aws_iam_role.r")
    assert (
        role.values["inline_policy"][0]["policy"]
        == '{"Version":"2012-10-17","Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}]}'
    )
    assert role.values["assume_role_policy"] == '{"Statement":[],"Version":"2012-10-17"}'


def test_a_container_built_by_a_module_from_filtered_objects():
    """`{ for k, v in local.definition : k => v if v != null }` over an object
    with an unknown inside: comparing with null needs only the top of v, so
    the container is kept; values keep the lines where the caller wrote them."""
    root = load_root(FIXTURES / "container_module")
    assert root.problems == []
    task = record(root, "aws_ecs_task_definition.this")
    container = task.documents[("container_definitions",)][0]
    assert container["portMappings"] == [{"containerPort": 80}]  # hostPort = null filtered out
    assert container["healthCheck"] == {"command": ["CMD", "true"]}
    assert container["readonlyRootFilesystem"] is True
    assert isinstance(container["logConfiguration"]["options"]["awslogs-region"], Unknown)
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/aws/ecs/web"
    root_file = "fixtures/hcl/container_module/main.tf"
    assert task.position(("container_definitions", 0, "portMappings", 0, "containerPort")) == (root_file, 6)
    assert not task.is_literal(("container_definitions", 0, "image"))  # came in through a module variable


def test_source_json_and_override_json_are_merged_as_the_aws_provider_3_merges_them(tmp_path):
    """source_json is the document to start from, override_json is merged
    last (a statement with the same Sid is replaced), as provider 3.x does;
    provider 5 rejects both, so no plan can show this."""
    write_module(
        tmp_path,
        {
            "main.tf": """
        data "aws_iam_policy_document" "d" {
          source_json = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Sid = "Pull", Effect = "Allow", Action = "ecr:*", Resource = "*" }]
          })
          statement {
            sid       = "Logs"
            actions   = ["logs:PutLogEvents"]
            resources = ["*"]
          }
          override_json = jsonencode({
            Statement = [{ Sid = "Logs", Effect = "Allow", Action = "logs:*", Resource = "*" }]
          })
        }
        resource "aws_iam_role_policy" "p" {
          name   = "p"
          role   = "r"
          policy = data.aws_iam_policy_document.d.json
        }
    """
        },
    )
    policy = record(load_root(tmp_path), "aws_iam_role_policy.p")
    statements = policy.documents[("policy",)]["Statement"]
    assert [(s["Sid"], s["Action"]) for s in statements] == [("Pull", "ecr:*"), ("Logs", "logs:*")]
    assert policy.position(("policy", "Statement", 0, "Action"))[1] == 4  # the source_json statement


def test_an_unknown_source_json_makes_the_policy_document_unknown_not_empty(tmp_path):
    write_module(
        tmp_path,
        {
            "main.tf": """
        variable "base" {
          type = string
        }
        data "aws_iam_policy_document" "d" {
          source_json = var.base
          statement {
            actions   = ["logs:PutLogEvents"]
            resources = ["*"]
          }
        }
        resource "aws_iam_role_policy" "p" {
          name   = "p"
          role   = "r"
          policy = data.aws_iam_policy_document.d.json
        }
    """
        },
    )
    policy = record(load_root(tmp_path), "aws_iam_role_policy.p")
    assert "policy" not in policy.values
    assert policy.unknown[("policy",)].startswith("var.base: no value")
