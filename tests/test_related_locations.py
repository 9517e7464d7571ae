"""RULES.md "Where a finding points": a literal that reaches a resource
through a variable, a local or a module argument is reported where it is
written; the attribute that uses it is the finding's related location, in
every output. So an inline suppression on the literal's line applies, and a
pre-commit run on the caller's changed line reports there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_guard import cli

MODULE = """\
variable "image" {
  type = string
}

resource "aws_ecs_task_definition" "this" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = var.image
  }])
}
"""
CALLER = """\
module "app" {
  source = "./modules/app"
  image  = "repo/a:latest"%s
}
"""


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / ".git").mkdir()  # the repository's top, for --changed
    (tmp_path / "modules" / "app").mkdir(parents=True)
    (tmp_path / "modules" / "app" / "main.tf").write_text(MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _scan(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(["scan", "--select", "EG201", *argv])
    return code, capsys.readouterr().out


def test_the_finding_is_at_the_module_argument_and_the_module_attribute_is_related(root, capsys):
    (root / "main.tf").write_text(CALLER % "")
    code, out = _scan(capsys, ".", "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert code == 1
    assert (finding["file"], finding["line"]) == ("main.tf", 3)
    assert finding["related"] == [{"file": "modules/app/main.tf", "line": 9}]

    _, out = _scan(capsys, ".", "--format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "modules/app/main.tf"
    assert related["physicalLocation"]["region"]["startLine"] == 9
    assert related["id"] == 1 and related["message"]["text"]

    _, out = _scan(capsys, ".")
    assert "used at modules/app/main.tf:9" in out


def test_an_inline_suppression_on_the_literals_line_applies(root, capsys):
    (root / "main.tf").write_text(CALLER % "  # ecs-guard:ignore EG201 rebuilt nightly from a pinned base")
    code, out = _scan(capsys, ".", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["findings"] == []
    (suppressed,) = report["suppressed"]
    assert (suppressed["file"], suppressed["line"]) == ("main.tf", 3)


def test_a_pre_commit_run_on_the_changed_caller_reports_at_the_callers_line(root, capsys):
    (root / "main.tf").write_text(CALLER % "")
    code, out = _scan(capsys, "--changed", "main.tf", "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert code == 1 and (finding["file"], finding["line"]) == ("main.tf", 3)


def test_a_value_written_where_it_is_used_has_no_related_location(root, capsys):
    (root / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n'
        '  container_definitions = jsonencode([{ name = "a", image = "a:latest" }])\n}\n'
    )
    _, out = _scan(capsys, ".", "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert finding["related"] == [] and finding["line"] == 3
