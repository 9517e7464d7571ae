"""Evaluation notes: a channel of their own, apart from "not understood".

"Not understood" is kept for input ecs-guard cannot read. How an input was
evaluated (a count not known, so its instances were checked as one; an
argument of the AWS provider major version a root pins that the carried
5.x schema lacks) is a note: listed with --verbose and in JSON, a SARIF
notification of level "note" at most, never part of the exit code. And
valid provider blocks (aws_security_group ingress/egress, written as blocks
for list-of-object arguments) are no note at all.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from test_hcl_root import write_module as write

from ecs_guard import cli
from ecs_guard.inputs.problems import EVALUATION_NOTE
from ecs_guard.inputs.terraform.source.provider_version import admits_major
from ecs_guard.inputs.terraform.source.root import load_root
from ecs_guard.reporters import console, json_report, sarif
from ecs_guard.scan import scan

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "ecs_guard/schemas/report.schema.json").read_text())

SECURITY_GROUP = """
resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "egress" {
    for_each = [0]
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
"""

CLUSTER_V3 = """
resource "aws_ecs_cluster" "main" {
  name               = "main"
  capacity_providers = ["FARGATE"]

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
"""

UNKNOWN_COUNT = """
variable "services" {}

resource "aws_ecs_cluster" "main" {
  count = length(var.services)
  name  = "main"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
"""


def pin(constraint: str, local_name: str = "aws", source: str = "hashicorp/aws") -> str:
    return (
        "terraform {\n  required_providers {\n"
        f'    {local_name} = {{\n      source  = "{source}"\n      version = "{constraint}"\n    }}\n'
        "  }\n}\n"
    )


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def kinds(report) -> list[tuple[str, str]]:
    return [(p.kind, p.message) for p in report.problems] + [(n.kind, n.message) for n in report.evaluation_notes]


# ----------------------------------------------------------------- valid provider blocks


def test_security_group_ingress_and_egress_blocks_are_understood(tree):
    write(tree, {"main.tf": SECURITY_GROUP})
    report = scan(["."])
    assert report.problems == [] and report.evaluation_notes == []


def test_security_group_rules_written_as_blocks_hold_what_the_plan_holds(tree):
    """The provider plans each block as an object with every attribute, the
    ones left out at their zero value (fixtures/hcl/security_group/plan.json
    has the same values; test_hcl_plan_equivalence compares the whole folder)."""
    write(tree, {"main.tf": SECURITY_GROUP})
    (group,) = load_root(tree).resources
    rule = {
        "cidr_blocks": ["0.0.0.0/0"],
        "description": "",
        "from_port": 443,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": "tcp",
        "security_groups": [],
        "self": False,
        "to_port": 443,
    }
    assert group.values["ingress"] == [rule]
    assert group.values["egress"] == [{**rule, "from_port": 0, "to_port": 0, "protocol": "-1"}]


def test_a_block_the_provider_does_not_have_is_still_not_understood(tree):
    write(tree, {"main.tf": SECURITY_GROUP.replace("ingress {", "ingres {")})
    report = scan(["."])
    assert kinds(report) == [("not-understood", 'aws_security_group has no block "ingres"')]


def test_a_computed_only_list_of_objects_cannot_be_written_as_blocks(tree):
    """aws_efs_file_system's size_in_bytes is a list of objects the provider
    computes: Terraform rejects it written as a block, and so does ecs-guard."""
    write(tree, {"main.tf": 'resource "aws_efs_file_system" "x" {\n  size_in_bytes {\n    value = 1\n  }\n}\n'})
    assert kinds(scan(["."])) == [("not-understood", 'aws_efs_file_system has no block "size_in_bytes"')]


# ----------------------------------------------------------------- count not known


def test_count_not_known_is_an_evaluation_note_not_an_input_not_understood(tree):
    write(tree, {"main.tf": UNKNOWN_COUNT})
    report = scan(["."])
    assert report.problems == []
    (note,) = report.evaluation_notes
    assert note.kind == EVALUATION_NOTE and note.line == 3
    assert "count not known" in note.message and "checked as one" in note.message


def test_evaluation_notes_are_listed_with_verbose_only_and_never_change_the_exit_code(tree, capsys):
    write(tree, {"main.tf": UNKNOWN_COUNT})
    assert cli.main(["scan", ".", "--select", "EG408"]) == 0
    quiet = capsys.readouterr().out
    assert "count not known" not in quiet and "evaluation note" not in quiet and "0 not understood" in quiet
    assert cli.main(["scan", ".", "--select", "EG408", "--verbose"]) == 0
    loud = capsys.readouterr().out
    assert "Evaluation notes" in loud and "main.tf:3: aws_ecs_cluster.main: count not known" in loud
    assert "0 not understood, 1 evaluation note;" in loud


def test_evaluation_notes_are_in_the_json_report(tree):
    write(tree, {"main.tf": UNKNOWN_COUNT})
    doc = json.loads(_rendered(json_report, scan(["."])))
    jsonschema.validate(doc, SCHEMA)
    assert doc["input_problems"] == [] and doc["summary"]["inputs_not_understood"] == 0
    assert doc["summary"]["evaluation_notes"] == 1
    (note,) = doc["evaluation_notes"]
    assert (note["file"], note["line"]) == ("main.tf", 3) and "count not known" in note["message"]


def test_evaluation_notes_are_sarif_notifications_of_level_note_never_warnings(tree):
    write(tree, {"main.tf": UNKNOWN_COUNT})
    run = json.loads(_rendered(sarif, scan(["."])))["runs"][0]
    notes = [
        n for n in run["invocations"][0]["toolExecutionNotifications"] if n["descriptor"]["id"] == "evaluation-note"
    ]
    assert len(notes) == 1 and notes[0]["level"] == "note"
    assert "count not known" in notes[0]["message"]["text"]
    levels = {n["level"] for n in run["invocations"][0]["toolExecutionNotifications"]}
    assert levels <= {"note"} and run["invocations"][0]["executionSuccessful"] is True


# ----------------------------------------------------------------- pinned provider versions


@pytest.mark.parametrize(
    "constraint", ["~> 3.74", "~> 3.0", ">= 3.0, < 4.0", "3.75.1", "~> 4.0", "< 5.0.0", "~> 6.0", ">= 6.0"]
)
def test_an_argument_of_another_pinned_major_version_is_an_evaluation_note(tree, constraint):
    write(tree, {"versions.tf": pin(constraint), "main.tf": CLUSTER_V3})
    report = scan(["."])
    assert report.problems == []
    (note,) = report.evaluation_notes
    assert note.line == 3 and 'no argument "capacity_providers"' in note.message
    assert f"pins hashicorp/aws {constraint}" in note.message


@pytest.mark.parametrize("constraint", ["~> 5.0", ">= 3.0", "~> 5.30.0", ">= 4.0, < 6.0", "5.100.0"])
def test_an_unknown_argument_under_a_pin_that_admits_5_stays_not_understood(tree, constraint):
    write(tree, {"versions.tf": pin(constraint), "main.tf": CLUSTER_V3})
    report = scan(["."])
    assert kinds(report) == [("not-understood", 'aws_ecs_cluster has no argument "capacity_providers"')]


def test_an_unknown_argument_without_any_pin_stays_not_understood(tree):
    write(tree, {"main.tf": CLUSTER_V3})
    assert kinds(scan(["."])) == [("not-understood", 'aws_ecs_cluster has no argument "capacity_providers"')]


def test_the_pin_of_a_called_module_counts_for_the_whole_configuration(tree):
    """Terraform intersects the constraints of every module: a module that
    pins ~> 3.0 makes a root that says >= 3.0 use provider 3."""
    write(
        tree,
        {
            "root/versions.tf": pin(">= 3.0"),
            "root/main.tf": 'module "ecs" {\n  source = "../modules/ecs"\n}\n',
            "modules/ecs/versions.tf": pin("~> 3.0"),
            "modules/ecs/main.tf": CLUSTER_V3,
        },
    )
    report = scan(["root"])
    assert report.problems == [] and len(report.evaluation_notes) == 1


def test_the_legacy_spellings_of_a_pin_are_read(tree):
    write(
        tree,
        {"versions.tf": 'terraform {\n  required_providers {\n    aws = "~> 2.70"\n  }\n}\n', "main.tf": CLUSTER_V3},
    )
    assert [n.kind for n in scan(["."]).evaluation_notes] == [EVALUATION_NOTE]
    write(tree, {"versions.tf": 'provider "aws" {\n  version = "~> 3.0"\n}\n'})
    assert [n.kind for n in scan(["."]).evaluation_notes] == [EVALUATION_NOTE]


def test_a_pin_of_another_providers_aws_is_not_the_aws_provider(tree):
    write(tree, {"versions.tf": pin("~> 3.0", source="example/aws"), "main.tf": CLUSTER_V3})
    assert [p.kind for p in scan(["."]).problems] == ["not-understood"]


def test_the_pinned_major_version_admits_5_when_some_5_x_version_satisfies_every_constraint():
    assert admits_major([], 5)
    assert admits_major(["~> 5.30.0"], 5) and admits_major([">= 5.99, != 5.100.0"], 5)
    assert admits_major(["<= 5.0.0"], 5) and not admits_major(["< 5.0.0"], 5)
    assert not admits_major([">= 4.0", "< 4.60"], 5) and not admits_major(["> 3.0", "~> 3.5"], 5)
    assert not admits_major(["~> 4"], 5) and admits_major(["~> 5"], 5)
    assert admits_major(["not a version"], 5)  # a constraint not read decides nothing


def _rendered(reporter, report) -> str:
    stream = io.StringIO()
    reporter.render(report, stream)
    return stream.getvalue()


def test_console_lists_nothing_about_notes_when_there_are_none(tree):
    write(tree, {"main.tf": SECURITY_GROUP})
    lines = console.report_lines(scan(["."]), verbose=True)
    text = "\n".join("".join(t for t, _ in line) for line in lines)
    assert "Evaluation notes" not in text and "evaluation note" not in text
