"""What a user meets on the first day: explain by name, rendered; docs links;
`scan -`; syntax errors at the line where they are."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
from input_helpers import TASKDEFS

from ecs_guard.cli import main
from ecs_guard.links import rule_docs_url

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "insecure-fargate"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def no_colour_settings(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def _stdout_of(monkeypatch, stream, *argv: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdout", stream)
    code = main(list(argv))
    return code, stream.getvalue()


@pytest.mark.parametrize("wanted", ["privileged-container", "Privileged_Container", "eg602", "EG602"])
def test_explain_takes_a_rule_id_or_name(monkeypatch, wanted):
    code, text = _stdout_of(monkeypatch, io.StringIO(), "explain", wanted)
    assert code == 0 and text.startswith("# EG602 privileged-container")


def test_explain_suggests_a_rule_for_a_near_miss(capsys):
    assert main(["explain", "privileged"]) == 2
    assert "did you mean EG602 privileged-container?" in capsys.readouterr().err


def test_explain_renders_markdown_on_a_terminal_and_keeps_it_plain_when_piped(monkeypatch):
    _, piped = _stdout_of(monkeypatch, io.StringIO(), "explain", "EG602")
    assert "\n## " in piped and not ANSI.search(piped)
    _, rendered = _stdout_of(monkeypatch, Terminal(), "explain", "EG602")
    assert ANSI.search(rendered) and "\n## " not in rendered and "# EG602" not in rendered
    _, never = _stdout_of(monkeypatch, Terminal(), "explain", "EG602", "--color", "never")
    assert never == piped


def test_the_console_links_the_docs_of_each_rule_with_findings(capsys):
    main(["scan", str(TASKDEFS / "register-input.json")])
    out = capsys.readouterr().out
    found = sorted(set(re.findall(r"^\s+\d+\s+\w+\s+(EG\d{3})\s", out, re.MULTILINE)))
    assert found == ["EG402", "EG501", "EG602", "EG603"]
    docs = out[out.index("Rule docs") :]
    for rule_id in found:
        assert re.search(rf"^  {rule_id} [a-z-]+ +{re.escape(rule_docs_url(rule_id))}$", docs, re.MULTILINE)


@pytest.mark.parametrize(
    ("document", "expected_findings"),
    [(TASKDEFS / "register-input.json", 4), (EXAMPLE / "plan.json", 19)],  # EG401: one per service
)
def test_scan_reads_one_json_document_from_standard_input(monkeypatch, capsys, document, expected_findings):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(document.read_bytes())))
    code = main(["scan", "-", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["summary"]["findings"] == expected_findings
    assert {f["file"] for f in report["findings"]} == {"<stdin>"}


def test_a_snapshot_file_on_standard_input_is_read_and_bad_json_is_named(monkeypatch, capsys):
    describe = (EXAMPLE / "snapshot" / "describe-task-definition-orders.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(describe)))
    assert main(["scan", "-", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["files"] == ["<stdin>"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{\n  "family": "web",\n  "cpu": \n}\n')))
    assert main(["scan", "-"]) == 3
    assert "  <stdin>:4: invalid JSON: Expecting value" in capsys.readouterr().out


def test_standard_input_can_be_scanned_once(capsys):
    assert main(["scan", "-", "-"]) == 2
    assert "standard input (-) can be scanned once" in capsys.readouterr().err


def _problems(tmp_path, capsys) -> list[str]:
    main(["scan", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [f"{Path(p['file']).name}:{p['line']}: {p['message']}" for p in report["input_problems"]]


def test_an_hcl_syntax_error_is_reported_at_the_line_of_the_unexpected_token(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('resource "aws_ecs_cluster" "main" {\n  name = \n\n\n}\n')
    assert _problems(tmp_path, capsys) == ["main.tf:5: syntax error: unexpected '}'"]


def test_invalid_json_in_a_heredoc_or_a_file_is_reported_at_its_line(tmp_path, capsys):
    container = '[\n  {"name": "a",\n   "image": "x"\n   "privileged": true}\n]\n'
    (tmp_path / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n'
        f"  container_definitions = <<EOF\n{container}EOF\n}}\n"
    )
    problems = _problems(tmp_path, capsys)
    assert "main.tf:7: container_definitions is not valid JSON: expected ',' or '}' in JSON object" in problems
    (tmp_path / "main.tf").write_text(
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n  container_definitions = file("c.tpl")\n}\n'
    )
    (tmp_path / "c.tpl").write_text(container)  # not .json: only the Terraform reader sees it
    problems = _problems(tmp_path, capsys)
    assert problems == ["c.tpl:4: container_definitions is not valid JSON: expected ',' or '}' in JSON object"]
