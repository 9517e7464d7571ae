"""Bounded evaluation of Terraform source (issue 10, item 8): hostile
sizes end as "not evaluated" with the reason, never a hang, gigabytes or a
dropped resource, and real depths (a chain of a thousand locals) evaluate.

Each scan runs in a child process whose address space is capped, so a
regression fails here with a MemoryError instead of swapping the machine;
the timeout only stops a hang, it asserts no speed."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from ecs_guard.inputs.terraform.hcl.nesting import MAX_NESTING, too_deep_line

MEMORY_CAP = 1536 * 1024 * 1024

TASK = """
resource "aws_ecs_task_definition" "t" {{
  family                   = "t"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = {cpu}
  memory                   = "8192"
  container_definitions = jsonencode([{{
    name      = "app"
    image     = {image}
    essential = true
  }}])
}}
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def scan(tmp_path: Path, text: str) -> tuple[int, dict, str]:
    folder = tmp_path / "root"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "ecs_guard", "scan", "--format", "json", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_cap_memory,
        env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")),
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout), result.stderr


def messages(report: dict) -> list[str]:
    return [problem["message"] for problem in report["input_problems"]]


def notes(report: dict) -> list[str]:
    """The quieter channel: notes about evaluation, which never change the exit code."""
    return [note["message"] for note in report["evaluation_notes"]]


def test_a_huge_count_is_not_expanded_and_the_resource_is_still_checked(tmp_path):
    for count, spelled in (("1e9", "1,000,000,000"), ("100000", "100,000")):
        code, report, _ = scan(tmp_path, f'resource "aws_ecs_cluster" "c" {{\n  count = {count}\n  name = "c"\n}}\n')
        assert code == 1
        assert messages(report) == []
        assert notes(report) == [
            f"aws_ecs_cluster.c: count is {spelled} (more instances than ecs-guard expands: 10,000): "
            "its instances are checked as one, aws_ecs_cluster.c"
        ]
        assert [(f["rule_id"], f["resource"]) for f in report["findings"]] == [("EG408", "aws_ecs_cluster.c")]


def test_a_count_within_the_bound_is_expanded():
    from ecs_guard.inputs.terraform.source.expansion import MAX_INSTANCES

    assert MAX_INSTANCES == 10_000  # the documented bound (docs/terraform.md)


def test_a_huge_format_width_is_not_evaluated_with_the_reason(tmp_path):
    code, report, _ = scan(tmp_path, TASK.format(cpu='"512"', image='format("%999999999d", 1)'))
    assert code == 1
    reasons = [entry["reason"] for entry in report["not_evaluated"] if entry["rule_id"] == "EG201"]
    assert reasons and "format width or precision of 999999999 (more than 10,000): not evaluated" in reasons[0]
    assert {f["rule_id"] for f in report["findings"]} >= {"EG410"}  # the rest of the resource is checked


def test_doubling_strings_and_numbers_through_locals_stop_at_a_bound(tmp_path):
    strings = ['  s0 = "0123456789abcdef"'] + [
        f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"' for i in range(1, 40)
    ]
    numbers = ["  n0 = 99999999999"] + [f"  n{i} = local.n{i - 1} * local.n{i - 1}" for i in range(1, 40)]
    text = "locals {\n" + "\n".join(strings + numbers) + "\n}\n" + TASK.format(cpu="local.n39", image="local.s39")
    code, report, _ = scan(tmp_path, text)
    assert code == 1
    reasons = {entry["rule_id"]: entry["reason"] for entry in report["not_evaluated"]}
    assert "a string of more than 10,485,760 characters: not evaluated" in reasons["EG201"]
    assert "a number larger than 2^1000: not evaluated" in reasons["EG410"]


def test_nested_for_expressions_stop_at_the_iteration_bound(tmp_path):
    image = '"nginx:${length(flatten([for a in range(1000) : [for b in range(1000) : b]]))}"'
    code, report, _ = scan(tmp_path, TASK.format(cpu='"512"', image=image))
    assert code == 1
    reasons = [entry["reason"] for entry in report["not_evaluated"] if entry["rule_id"] == "EG201"]
    assert reasons and "more than 200,000 iterations of nested for expressions: not evaluated" in reasons[0]


def test_hcl_nested_a_hundred_thousand_deep_is_one_clear_problem(tmp_path):
    deep = "[" * 100_000 + "1" + "]" * 100_000
    code, report, _ = scan(tmp_path, f'locals {{\n  ok = "fine"\n  a = {deep}\n}}\n')
    assert code == 3
    assert report["input_problems"] == [
        {
            "kind": "unreadable",
            "file": report["input_problems"][0]["file"],
            "line": 3,
            "message": f"nested more than {MAX_NESTING} levels deep: not parsed",
        }
    ]


def test_nesting_in_strings_heredocs_and_comments_is_text():
    text = (
        'a = "[[[[[[[[ ${[[1]]} {{{{"\n'
        "b = <<EOT\n((((((((((\nEOT\n"
        "# [[[[[[[[[[[\n"
        "/* {{{{{{{{{{{{\n */\n"
        'c = "$${[[[[[[[[[["\n'
    )
    assert too_deep_line(text, 4) is None
    assert too_deep_line(text + "d = [[[[[1]]]]]\n", 4) == 9
    assert too_deep_line('e = "${[[[[1]]]]}"\n', 4) == 1  # an interpolation nests like code


def test_a_chain_of_a_thousand_locals_evaluates(tmp_path):
    chain = ['  l0 = "512"'] + [f"  l{i} = local.l{i - 1}" for i in range(1, 1000)]
    text = "locals {\n" + "\n".join(chain) + "\n}\n" + TASK.format(cpu="local.l999", image='"nginx:1.27"')
    code, report, _ = scan(tmp_path, text)
    assert report["input_problems"] == []
    eg410 = [f for f in report["findings"] if f["rule_id"] == "EG410"]
    assert len(eg410) == 1 and "512" in eg410[0]["message"]  # cpu 512 with 8 GB: invalid, through 1,000 locals
    assert code == 1


def test_a_cycle_of_locals_is_still_a_cycle(tmp_path):
    text = "locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n" + TASK.format(cpu="local.a", image='"nginx:1"')
    _, report, _ = scan(tmp_path, text)
    reasons = {entry["rule_id"]: entry["reason"] for entry in report["not_evaluated"]}
    assert "refers to itself (a cycle)" in reasons["EG410"]


def test_a_number_literal_of_thousands_of_digits_does_not_stop_the_root_module(tmp_path):
    digits = "9" * 5000
    code, report, _ = scan(
        tmp_path, f'resource "aws_ecs_cluster" "c" {{\n  name = "c"\n  tags = {{ a = {digits} }}\n}}\n'
    )
    assert report["input_problems"] == []
    assert [f["rule_id"] for f in report["findings"]] == ["EG408"]
    assert code == 1


def test_an_evaluator_failure_inside_a_resource_is_a_named_problem_and_exit_3(tmp_path, monkeypatch, capsys):
    from ecs_guard import cli
    from ecs_guard.inputs.terraform.source import resources

    folder = tmp_path / "root"
    folder.mkdir()
    (folder / "main.tf").write_text(
        'resource "aws_ecs_cluster" "a" {\n  name = "a"\n}\n\nresource "aws_ecs_cluster" "b" {\n  name = "b"\n}\n'
    )
    real = resources.ResourceGroup.instances

    def failing(self):
        if self.address == "aws_ecs_cluster.a":
            raise KeyError("a value from the input")
        if self.address == "aws_ecs_cluster.b":
            raise RecursionError
        return real(self)

    monkeypatch.setattr(resources.ResourceGroup, "instances", failing)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code = cli.main(["scan", "--format", "json", str(folder)])
    report = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [(p["kind"], p["line"], p["message"]) for p in report["input_problems"]] == [
        ("unreadable", 1, "aws_ecs_cluster.a: not evaluated (internal error KeyError in ecs-guard)"),
        ("unreadable", 5, "aws_ecs_cluster.b: not evaluated: nested too deeply for ecs-guard to evaluate"),
    ]
    assert "a value from the input" not in json.dumps(report)
