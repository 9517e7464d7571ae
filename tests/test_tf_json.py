"""Terraform's JSON syntax (.tf.json) and override files, read as Terraform reads them.

The equivalence tests rewrite HCL roots (every fixtures/scenarios/*/terraform
and the `tf` of every plan case of fixtures/rules/*.yaml) in JSON syntax
(tf_json_twin.py) and require the same findings and not-evaluated results
from both, the JSON ones located in the .tf.json files.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fixture_cases import ROOT, all_cases
from tf_json_twin import json_twin

from ecs_guard.inputs.terraform.source.root import load_root
from ecs_guard.rule import all_rules
from ecs_guard.scan import scan

RULES = all_rules()
SCENARIOS = sorted(p.name for p in (ROOT / "fixtures" / "scenarios").iterdir() if (p / "terraform").is_dir())
PLAN_CASES = [case for case in all_cases() if case.kind == "plan"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def _results(report) -> Counter:
    return Counter(
        [("finding", f.rule_id, f.resource, f.container) for f in report.findings]
        + [("not evaluated", n.rule_id, n.resource, n.container, n.reason) for n in report.not_evaluated]
    )


def _same_in_both_syntaxes(hcl: Path) -> Counter:
    json_twin(hcl, Path("json"))
    assert not list(Path("json").rglob("*.tf"))
    from_hcl, from_json = scan([str(hcl)], rules=RULES), scan(["json"], rules=RULES)
    assert not from_json.errors and not from_json.unreadable
    assert [(p.message, p.kind) for p in from_json.problems] == [(p.message, p.kind) for p in from_hcl.problems]
    assert _results(from_json) == _results(from_hcl)
    for finding in from_json.findings:
        # in the JSON files, or where a literal is written outside them (a .tfvars value)
        assert finding.location.path.endswith((".tf.json", ".tfvars")), finding
        assert finding.resource_location is None or finding.resource_location.path.endswith(".tf.json"), finding
    return _results(from_json)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_in_json_syntax_gives_what_its_hcl_gives(name):
    import shutil

    shutil.copytree(ROOT / "fixtures" / "scenarios" / name / "terraform", "hcl")
    results = _same_in_both_syntaxes(Path("hcl"))
    assert any(kind == "finding" for kind, *_ in results)


@pytest.mark.parametrize("case", PLAN_CASES, ids=[c.id for c in PLAN_CASES])
def test_rule_case_in_json_syntax_gives_what_its_hcl_gives(case):
    Path("hcl").mkdir()
    (Path("hcl") / "main.tf").write_text(case.tf)
    for name, text in case.files.items():
        (Path("hcl") / name).parent.mkdir(parents=True, exist_ok=True)
        (Path("hcl") / name).write_text(text)
    _same_in_both_syntaxes(Path("hcl"))


TASK_DEFINITION = {
    "//": "generated: do not edit",
    "variable": {"tag": {"type": "string", "default": "latest"}},
    "resource": {
        "aws_ecs_task_definition": {
            "web": {
                "//": "the web task",
                "family": "web",
                "network_mode": "awsvpc",
                "requires_compatibilities": ["FARGATE"],
                "cpu": 256,
                "memory": "512",
                "container_definitions": '${jsonencode([{name = "web", image = "nginx:${var.tag}", '
                "essential = true, privileged = true}])}",
            }
        }
    },
}


def test_json_syntax_reads_comments_templates_and_lines():
    Path("app").mkdir()
    text = json.dumps(TASK_DEFINITION, indent=2)
    Path("app/main.tf.json").write_text(text)
    root = load_root("app")
    assert root.problems == []
    (record,) = root.resources
    (container,) = json.loads(record.values["container_definitions"])
    assert container["image"] == "nginx:latest"
    assert record.values["cpu"] == "256"
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"container_definitions"' in t)
    assert record.lines[("container_definitions",)] == ("app/main.tf.json", line)
    report = scan(["app"], rules=RULES)
    privileged = next(f for f in report.findings if f.rule_id == "EG602")
    assert (privileged.location.path, privileged.location.line) == ("app/main.tf.json", line)


def test_bad_json_is_one_problem_with_its_line_and_the_rest_is_read():
    Path("app").mkdir()
    Path("app/broken.tf.json").write_text('{\n  "resource": {\n    "aws_ecs_cluster": {"c": {"name": "x",}}\n  }\n}\n')
    Path("app/main.tf.json").write_text(json.dumps(TASK_DEFINITION))
    root = load_root("app")
    assert [(p.path, p.line, p.kind) for p in root.problems] == [("app/broken.tf.json", 3, "unreadable")]
    assert root.problems[0].message.startswith("invalid JSON")
    assert [r.address for r in root.resources] == ["aws_ecs_task_definition.web"]


def test_cdktf_synthesised_stack_is_scanned_as_a_root():
    stack = Path("cdktf.out/stacks/web")
    stack.mkdir(parents=True)
    (stack / "cdk.tf.json").write_text(json.dumps(TASK_DEFINITION, indent=2))
    (Path("cdktf.out") / "manifest.json").write_text(json.dumps({"version": "0.20.0", "stacks": {}}))
    report = scan(["."], rules=RULES)
    assert "cdktf.out/stacks/web/cdk.tf.json" in report.files
    assert {f.rule_id for f in report.findings if f.location.path == "cdktf.out/stacks/web/cdk.tf.json"} >= {
        "EG201",
        "EG602",
    }


BASE = """
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name = "web", image = "nginx:1.25", essential = true, privileged = false
  }])
  volume {
    name = "a"
  }
  volume {
    name = "b"
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [cpu]
  }
}

locals {
  region = "eu-west-1"
}
"""


def test_override_files_merge_by_terraforms_rules():
    Path("app").mkdir()
    Path("app/main.tf").write_text(BASE)
    Path("app/override.tf").write_text(
        """
resource "aws_ecs_task_definition" "web" {
  container_definitions = jsonencode([{
    name = "web", image = "nginx:1.25", essential = true, privileged = true
  }])
  volume {
    name = "c"
  }
  lifecycle {
    create_before_destroy = false
  }
}
"""
    )
    Path("app/zz_override.tf.json").write_text(
        json.dumps({"resource": {"aws_ecs_task_definition": {"web": {"memory": "1024"}}}}, indent=2)
    )
    root = load_root("app")
    assert root.problems == []
    (record,) = root.resources
    assert record.values["memory"] == "1024"  # the later override file wins over the base
    assert record.values["cpu"] == "256"  # not overridden: kept
    assert record.values["volume"] == [{"name": "c"}]  # nested blocks of a type replaced, not merged
    (container,) = json.loads(record.values["container_definitions"])
    assert container["privileged"] is True
    assert record.lines[("container_definitions",)] == ("app/override.tf", 3)
    assert record.lines[("memory",)] == ("app/zz_override.tf.json", 5)
    assert record.lines[("cpu",)] == ("app/main.tf", 6)
    report = scan(["app"], rules=RULES)
    privileged = next(f for f in report.findings if f.rule_id == "EG602")
    assert (privileged.location.path, privileged.location.line) == ("app/override.tf", 4)  # privileged = true


def test_lifecycle_is_merged_argument_by_argument():
    from ecs_guard.inputs.terraform.hcl.parse import ParsedFile, parse_hcl
    from ecs_guard.inputs.terraform.source.overrides import merge_overrides

    base = ParsedFile("main.tf", parse_hcl(BASE), 0.0, False)
    override = ParsedFile(
        "override.tf",
        parse_hcl(
            'resource "aws_ecs_task_definition" "web" {\n  lifecycle {\n    create_before_destroy = false\n  }\n}\n'
        ),
        0.0,
        False,
    )
    assert merge_overrides([base], [override]) == []
    (lifecycle,) = base.body.blocks[0].body.blocks_of("lifecycle")
    merged = {a.name: (a.file or "main.tf") for a in lifecycle.body.attributes}
    assert merged == {"ignore_changes": "main.tf", "create_before_destroy": "override.tf"}
    assert [b.body.attributes[0].expr.value for b in base.body.blocks[0].body.blocks_of("volume")] == ["a", "b"]


def test_an_override_of_nothing_is_reported_and_locals_override_by_name():
    Path("app").mkdir()
    Path("app/main.tf").write_text(BASE)
    Path("app/extra_override.tf").write_text(
        'resource "aws_ecs_cluster" "ghost" {\n  name = "x"\n}\n\nlocals {\n  region = "us-east-1"\n}\n'
    )
    root = load_root("app")
    assert [(p.path, p.line, p.message) for p in root.problems] == [
        (
            "app/extra_override.tf",
            1,
            'resource "aws_ecs_cluster" "ghost" overrides nothing: no primary file declares it (Terraform rejects this)',
        )
    ]
    assert [r.address for r in root.resources] == ["aws_ecs_task_definition.web"]
