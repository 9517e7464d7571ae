"""The partial evaluator: what it computes as Terraform does, what it
leaves unknown (and why), and which values it calls literal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_hcl_root import record, write_module

from ecs_guard.inputs.terraform.source.root import load_root

PROBE = "terraform_data.probe"  # a type outside the provider schema: values as evaluated


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def probe(tmp_path):
    """probe(expression, extra HCL) -> the record of a resource whose `input` is the expression."""
    counter = iter(range(1000))

    def evaluate(expression: str, extra: str = ""):
        directory = tmp_path / f"case{next(counter)}"
        probe_block = f'resource "terraform_data" "probe" {{\n  input = {expression}\n}}\n'
        write_module(directory, {"main.tf": f"{extra}\n{probe_block}"})
        return record(load_root(directory), PROBE)

    return evaluate


def value(probe_record):
    return probe_record.value_at(("input",))


# ----------------------------------------------------------------- computing like Terraform


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('"${1 + 2}-x"', "3-x"),
        ("10 / 4", 2.5),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ('"${1.5}"', "1.5"),
        ("1 < 2 && !false", True),
        ('"a" == "a" ? "yes" : "no"', "yes"),
        ("[1, 2, 3][1]", 2),
        ('{ a = { b = "deep" } }.a.b', "deep"),
        ("[{ n = 1 }, { n = 2 }][*].n", [1, 2]),
        ('[for s in ["a", "b"] : upper(s)]', ["A", "B"]),
        ("{ for k, v in { a = 1, b = 2 } : v => k if v > 1 }", {"2": "b"}),
        ('{ for s in ["x", "y", "x"] : s => s... }', {"x": ["x", "x"], "y": ["y"]}),
        ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
        ("merge({ a = 1, b = 1 }, { b = 2 }, null)", {"a": 1, "b": 2}),
        ('lookup({ a = "x" }, "b", "default")', "default"),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("tolist(toset([3, 1, 2]))", [1, 2, 3]),
        ('format("%s-%03d-%.1f-%q", "a", 7, 2.25, "q")', 'a-007-2.2-"q"'),
        ('join(",", split("/", "a/b/c"))', "a,b,c"),
        ('replace("a-b-c", "/-(.)/", "_$1")', "a_b_c"),
        ('try({ a = 1 }.b, "fallback")', "fallback"),
        ("can([][0])", False),
        ('coalesce(null, "", "first")', "first"),
        ('flatten([["a"], [["b"]], []])', ["a", "b"]),
        ('element(["a", "b"], 3)', "b"),
        ("keys({ b = 1, a = 2 })", ["a", "b"]),
        ("values({ b = 1, a = 2 })", [2, 1]),
        ('zipmap(["k"], ["v"])', {"k": "v"}),
        ('length("héllo")', 5),
        ("max([3, 9, 4]...)", 9),
        ("range(3)", [0, 1, 2]),
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ('jsondecode("{\\"a\\": [1, true]}")', {"a": [1, True]}),
        ('trimspace("  x  ")', "x"),
        ('substr("hello", 1, 3)', "ell"),
    ],
)
def test_expressions_evaluate_as_terraform_does(probe, expression, expected):
    assert value(probe(expression)) == expected


def test_jsonencode_writes_terraforms_text(probe):
    # keys sorted, no spaces, HTML-significant characters escaped, numbers minimal
    assert (
        value(probe('jsonencode({ b = 1.0, a = "<&>", c = [true, null, 1.5] })'))
        == '{"a":"\\u003c\\u0026\\u003e","b":1,"c":[true,null,1.5]}'
    )


def test_heredoc_and_template_directives(probe):
    heredoc = (
        '<<-EOT\n    %{ for n in ["a", "b"] ~}\n    item ${n}\n    %{ endfor ~}\n'
        "    %{ if true }yes%{ else }no%{ endif }\n  EOT"
    )
    got = value(probe(heredoc))
    assert got == "item a\nitem b\nyes\n"


def test_quoted_string_escapes(probe):
    assert value(probe('"tab\\tquote\\" \\u00e9 $${not} %%{not}"')) == 'tab\tquote" é ${not} %{not}'


def test_file_and_templatefile_read_relative_to_the_root(probe, tmp_path):
    (tmp_path / "case0").mkdir()
    (tmp_path / "case0" / "x.txt").write_text("hello\n")
    assert value(probe('file("x.txt")')) == "hello\n"
    (tmp_path / "case1").mkdir()
    (tmp_path / "case1" / "t.tpl").write_text("%{ for k, v in m }${k}=${v};%{ endfor }")
    assert value(probe('templatefile("t.tpl", { m = { b = 2, a = 1 } })')) == "a=1;b=2;"


# ----------------------------------------------------------------- references


def test_references_to_variables_locals_and_known_resource_attributes(probe):
    extra = """
        variable "name" { default = "shop" }
        locals { prefix = "${var.name}-app" }
        resource "aws_iam_role" "r" {
          name               = local.prefix
          assume_role_policy = "{}"
        }
    """
    got = probe('"${aws_iam_role.r.name}/${local.prefix}"', extra)
    assert value(got) == "shop-app/shop-app"
    assert got.sources[("input",)] == ["aws_iam_role.r.name"]
    assert got.references[("input",)] == ["aws_iam_role.r.name", "aws_iam_role.r", "local.prefix"]


def test_computed_attributes_are_unknown_but_keep_their_source(probe):
    extra = 'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}'
    got = probe("aws_iam_role.r.arn", extra)
    assert got.unknown[("input",)] == "aws_iam_role.r.arn: known after apply"
    assert got.sources[("input",)] == ["aws_iam_role.r.arn"]
    assert "input" not in got.values


def test_attributes_left_unset_are_null_unless_computed(probe):
    extra = 'resource "aws_ecs_task_definition" "t" {\n  family = "f"\n  container_definitions = "[]"\n}'
    assert value(probe("aws_ecs_task_definition.t.pid_mode", extra)) is None
    assert (
        probe("aws_ecs_task_definition.t.revision", extra).unknown[("input",)]
        == "aws_ecs_task_definition.t.revision: known after apply"
    )


def test_instances_are_referenced_by_index_and_key(probe):
    extra = """
        resource "aws_ecs_cluster" "by_count" {
          count = 2
          name  = "c${count.index}"
        }
        resource "aws_ecs_cluster" "by_key" {
          for_each = { blue = "b", green = "g" }
          name     = each.value
        }
    """
    assert value(probe('[aws_ecs_cluster.by_count[1].name, aws_ecs_cluster.by_key["green"].name]', extra)) == [
        "c1",
        "g",
    ]
    assert value(probe("aws_ecs_cluster.by_count[*].name", extra)) == ["c0", "c1"]


def test_data_sources_are_unknown_except_policy_documents(probe):
    extra = """
        data "aws_ssm_parameter" "p" { name = "/x" }
        data "aws_iam_policy_document" "d" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["*"]
          }
        }
    """
    assert (
        probe("data.aws_ssm_parameter.p.value", extra).unknown[("input",)]
        == "data.aws_ssm_parameter.p.value: read from AWS during plan"
    )
    assert value(probe("data.aws_ssm_parameter.p.name", extra)) == "/x"
    assert json.loads(value(probe("data.aws_iam_policy_document.d.json", extra))) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }


def test_what_is_not_evaluated_says_so(probe):
    assert (
        probe('cidrsubnet("10.0.0.0/16", 8, 1)').unknown[("input",)]
        == 'cidrsubnet("…", 8, 1): function cidrsubnet() is not evaluated by ecs-guard'
    )
    assert probe("timestamp()").unknown[("input",)] == "timestamp(): changes on every run"
    assert probe("local.nope").unknown[("input",)] == 'local.nope: local value "nope" is not declared'
    assert probe("{ a = 1 }.b").unknown[("input",)] == '{a = 1}.b: no attribute "b"'


def test_unknown_propagates_through_functions_but_not_through_structure(probe):
    extra = 'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}'
    got = probe('concat(["known"], [aws_iam_role.r.arn])', extra)
    assert got.values["input"] == ["known", None]  # like a plan: an unknown element is null
    assert got.unknown[("input", 1)] == "aws_iam_role.r.arn: known after apply"
    assert probe("upper(aws_iam_role.r.arn)", extra).unknown[("input",)] == "aws_iam_role.r.arn: known after apply"
    assert (
        probe('toset(["a", aws_iam_role.r.arn])', extra).unknown[("input",)] == "aws_iam_role.r.arn: known after apply"
    )  # a set with an unknown element is unknown


# ----------------------------------------------------------------- literal or reference


def test_literal_flags_follow_where_the_value_came_from(probe):
    # RULES.md v1.2: a literal that reaches its use through a variable (its
    # default here) or a local is still a literal; a variable with no value,
    # or a resource's attribute, is a reference
    extra = """
        variable "secret" { default = "from-variable" }
        variable "unset" {}
        resource "aws_iam_role" "r" {
          name               = "r"
          assume_role_policy = "{}"
        }
        locals {
          written = "in-a-local"
          derived = var.secret
        }
    """
    got = probe(
        '[ "literal", var.secret, local.written, local.derived, "x-${var.secret}", upper("lit"), var.unset,'
        " aws_iam_role.r.arn ]",
        extra,
    )
    assert [got.is_literal(("input", index)) for index in range(8)] == [True] * 6 + [False, False]


def test_a_literal_through_a_variable_or_a_local_is_located_where_it_is_written(probe):
    extra = 'variable "secret" {\n  default = "from-variable"\n}\nlocals {\n  derived = var.secret\n}\n'
    got = probe("[ var.secret, local.derived ]", extra)
    text = Path(got.file).read_text().splitlines()
    default_line = next(n for n, line in enumerate(text, 1) if "default" in line)
    input_line = next(n for n, line in enumerate(text, 1) if "input" in line)
    for index in range(2):  # through the local too: at the default
        where = got.location(("input", index))
        assert (where.path, where.line) == (got.file, default_line)
        assert [(r.path, r.line) for r in where.related] == [(got.file, input_line)]
    assert not got.location(("input",)).related  # the list itself is written where it is used


def test_literal_flags_inside_jsonencode_are_per_value(probe):
    extra = 'variable "db_password" { default = "hunter2" }'
    got = probe(
        'jsonencode([{ environment = [{ name = "A", value = "plain" }, { name = "B", value = var.db_password }] }])',
        extra,
    )
    assert got.is_literal(("input", 0, "environment", 0, "value"))
    assert got.is_literal(("input", 0, "environment", 1, "value"))  # v1.2: the default is a literal
    assert got.written[("input", 0, "environment", 1, "value")][0] == got.file  # located at the default
    assert got.is_literal(("input", 0, "environment", 1, "name"))
