"""Exact lines, and literal-or-reference, for what findings point at: an
attribute, a nested block's attribute, a container object and each key in
it (wherever the container was written: inline, in a local, in a JSON file,
a template file or a heredoc), an environment variable, a policy statement.
The fixtures' line numbers are part of the test: editing a fixture means
checking these."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hcl_root import record

from ecs_guard.inputs.terraform.source.root import load_root
from ecs_guard.location import Location

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hcl"
STACK = "fixtures/hcl/ecs_stack/"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def stack():
    return load_root(FIXTURES / "ecs_stack")


def _line(text_file: str, needle: str, occurrence: int = 1) -> int:
    """The line of the n-th line containing `needle` (so the expectations say what they point at)."""
    lines = (FIXTURES.parent.parent / text_file).read_text().splitlines()
    hits = [number for number, line in enumerate(lines, 1) if needle in line]
    return hits[occurrence - 1]


def test_attributes_and_nested_block_attributes(stack):
    service = record(stack, "aws_ecs_service.web")
    assert service.position(("network_configuration", 0, "assign_public_ip")) == (
        STACK + "ecs.tf",
        _line(STACK + "ecs.tf", "assign_public_ip = true"),
    )
    assert service.position(("network_configuration",)) == (
        STACK + "ecs.tf",
        _line(STACK + "ecs.tf", "network_configuration {"),
    )
    assert service.position(("deployment_circuit_breaker", 0, "rollback"))[1] == _line(
        STACK + "ecs.tf", "rollback = false"
    )


def test_a_missing_attribute_points_at_its_owner(stack):
    service = record(stack, "aws_ecs_service.web")
    assert service.position(("propagate_tags",)) == (STACK + "ecs.tf", service.line)
    assert service.position(("network_configuration", 0, "security_groups_missing")) == service.position(
        ("network_configuration", 0)
    )
    location = service.location(("platform_version",))
    assert location == Location(
        STACK + "ecs.tf", _line(STACK + "ecs.tf", 'platform_version       = "1.3.0"'), None, "aws_ecs_service.web"
    )


def test_container_keys_point_into_the_local_that_defines_the_container(stack):
    task = record(stack, "aws_ecs_task_definition.web")
    web = task.documents[("container_definitions",)][1]
    assert web["name"] == "web"  # containers are sorted by name: log-router, web
    path = ("container_definitions", 1)
    # the container object is where this task definition uses it; its keys are where they are written
    assert task.position(path) == (STACK + "ecs.tf", _line(STACK + "ecs.tf", "local.web_container,"))
    assert task.position((*path, "name")) == (STACK + "locals.tf", _line(STACK + "locals.tf", 'name      = "web"'))
    assert task.position((*path, "readonlyRootFilesystem")) == (
        STACK + "locals.tf",
        _line(STACK + "locals.tf", "readonlyRootFilesystem = false"),
    )
    assert task.position((*path, "logConfiguration", "options", "awslogs-group"))[1] == _line(
        STACK + "locals.tf", "awslogs-group "
    )
    # an attribute the container does not set points at the container
    assert task.position((*path, "pseudoTerminal")) == task.position(path)
    inline = ("container_definitions", 0)
    assert task.position((*inline, "user")) == (STACK + "ecs.tf", _line(STACK + "ecs.tf", 'user = "0"'))


def test_environment_entries_keep_their_lines_after_sorting(stack):
    task = record(stack, "aws_ecs_task_definition.web")
    router = task.documents[("container_definitions",)][0]
    assert [entry["name"] for entry in router["environment"]] == ["ALPHA", "ZED"]  # sorted, {} dropped
    assert task.position(("container_definitions", 0, "environment", 0, "name"))[1] == _line(
        STACK + "ecs.tf", '"ALPHA"'
    )
    assert task.position(("container_definitions", 0, "environment", 1, "name"))[1] == _line(STACK + "ecs.tf", '"ZED"')


def test_container_lines_in_a_json_file_and_a_template_file(stack):
    worker = record(stack, "aws_ecs_task_definition.worker")
    json_file = STACK + "templates/worker.json"
    assert worker.position(("container_definitions", 0, "privileged")) == (json_file, _line(json_file, '"privileged"'))
    assert worker.position(("container_definitions", 0, "environment", 0, "name")) == (
        json_file,
        _line(json_file, "AWS_SECRET_ACCESS_KEY"),
    )
    batch = record(stack, "aws_ecs_task_definition.batch")
    template = STACK + "templates/batch.json.tpl"
    assert batch.position(("container_definitions", 0, "environment", 2, "value")) == (
        template,
        _line(template, "STATIC_SECRET"),
    )


def test_container_lines_in_a_heredoc_with_a_for_directive():
    task = record(load_root(FIXTURES / "expressions"), "aws_ecs_task_definition.heredoc")
    main = "fixtures/hcl/expressions/main.tf"
    assert task.position(("container_definitions", 0, "portMappings", 1, "containerPort")) == (
        main,
        _line(main, '{"containerPort": ${port}}'),
    )
    assert task.position(("container_definitions", 0, "environment", 1, "value")) == (main, _line(main, '"TOKEN"'))
    assert task.position(("container_definitions", 0, "cpu"))[1] == _line(main, '"cpu":')


def test_policy_statements_point_at_the_policy_document_blocks(stack):
    policy = record(stack, "aws_iam_role_policy.task")
    iam = STACK + "iam.tf"
    statements = policy.documents[("policy",)]["Statement"]
    assert statements[1]["Action"] == "*"
    assert policy.position(("policy", "Statement", 1)) == (iam, _line(iam, "statement {", 3))
    assert policy.position(("policy", "Statement", 1, "Action")) == (iam, _line(iam, 'actions   = ["*"]'))
    assert policy.position(("policy", "Statement", 2, "NotAction"))[1] == _line(iam, "not_actions")
    assert policy.sources[("policy",)] == ["data.aws_iam_policy_document.task.json"]


def test_environment_values_literal_or_reference(stack):
    web = record(stack, "aws_ecs_task_definition.web")
    names = {
        entry["name"]: index for index, entry in enumerate(web.documents[("container_definitions",)][1]["environment"])
    }
    env = ("container_definitions", 1, "environment")
    assert web.is_literal((*env, names["API_TOKEN"], "value"))
    # RULES.md v1.2: a variable given a value in the code is a literal, located where it is written
    password = (*env, names["DB_PASSWORD"], "value")
    assert web.is_literal(password)  # var.db_password, set in terraform.tfvars
    where = web.location(password)
    assert (where.path, where.line) == (STACK + "terraform.tfvars", 1)
    assert [r.path for r in where.related] == [STACK + "locals.tf"]
    assert web.is_literal((*env, names["REGION"], "value"))  # local.region = "ap-northeast-2"
    assert web.is_literal((*env, names["APP_NAME"], "value"))  # var.name (its default) through a local
    batch = record(stack, "aws_ecs_task_definition.batch")
    batch_env = ("container_definitions", 0, "environment")
    assert [batch.is_literal((*batch_env, index, "value")) for index in range(3)] == [True, True, True]
    worker = record(stack, "aws_ecs_task_definition.worker")
    assert worker.is_literal(("container_definitions", 0, "environment", 0, "value"))


def test_a_template_value_with_an_interpolated_variable_is_as_literal_as_the_variable():
    task = record(load_root(FIXTURES / "expressions"), "aws_ecs_task_definition.heredoc")
    env = ("container_definitions", 0, "environment")
    assert task.value_at((*env, 0, "value")) == "hunter2-billing"
    assert task.is_literal((*env, 0, "value"))  # "hunter2-${var.app}", var.app's default is "billing"
    assert task.is_literal((*env, 1, "value"))
