"""Several reports in one run, a CI log that is never silent, and --color."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest
from input_helpers import TASKDEFS

from ecs_guard.cli import main

TASKDEF = (TASKDEFS / "register-input.json").read_text()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one task definition (findings) and one file that cannot be read (exit 3)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taskdef.json").write_text(TASKDEF)
    (tmp_path / "broken.json").write_bytes(b"\xff\xfe{ not json")
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_one_run_writes_sarif_to_a_file_and_the_console_to_stdout(project, capsys):
    code = main(["scan", ".", "--format", "sarif:out/results.sarif", "--format", "console"])
    out, err = capsys.readouterr()
    assert code == 2 and "cannot write out/results.sarif" in err  # no folder: fails before the scan
    (project / "out").mkdir()
    code = main(["scan", ".", "--format", "sarif:out/results.sarif", "--format", "console"])
    out, err = capsys.readouterr()
    assert code == 3
    sarif = json.loads((project / "out" / "results.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) >= 3
    assert "taskdef.json  family:checkout" in out and out.rstrip().splitlines()[-1].endswith("23 rules.")
    assert err == ""  # the console on stdout already shows the summary and the problems


def test_format_and_output_still_work_and_the_summary_and_problems_go_to_stderr(project, capsys):
    code = main(["scan", ".", "--format", "json", "-o", "report.json"])
    out, err = capsys.readouterr()
    assert code == 3 and out == ""
    assert json.loads((project / "report.json").read_text())["summary"]["inputs_unreadable"] == 1
    lines = err.strip().splitlines()
    assert lines[0] == "Inputs not read:" and lines[1].startswith("  broken.json")
    assert lines[-1].startswith("ecs-guard: ") and "1 input not read" in lines[-1]


def test_a_machine_format_on_stdout_keeps_stdout_clean_and_summarises_on_stderr(project, capsys):
    main(["scan", "taskdef.json", "--format", "sarif"])
    out, err = capsys.readouterr()
    assert json.loads(out)["runs"][0]["results"]
    assert err.startswith("ecs-guard: ") and "findings" in err
    main(["scan", "taskdef.json", "--format", "console", "--output", "report.txt"])
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("ecs-guard: ")
    assert "family:checkout" in (project / "report.txt").read_text()


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--format", "json", "--format", "sarif"], "only one report can go to standard output"),
        (["--format", "xml"], "unknown format 'xml'"),
        (["--format", "sarif:"], "no file after ':'"),
        (["--format", "sarif:a.sarif", "-o", "b.txt"], "every --format names its own file"),
        (["--format", "json", "--format", "sarif", "-o", "b.txt"], "more than one --format without a file"),
        (["--format", "json:a", "--format", "sarif:a"], "two reports to the same file"),
    ],
)
def test_report_options_that_cannot_work_are_usage_errors(project, capsys, argv, problem):
    assert main(["scan", "taskdef.json", *argv]) == 2
    assert problem in capsys.readouterr().err


def _console(monkeypatch, stream, *argv: str) -> str:
    monkeypatch.setattr(sys, "stdout", stream)
    main(["scan", "taskdef.json", *argv])
    return stream.getvalue()


def test_color_always_styles_a_pipe_and_never_leaves_a_terminal_plain(project, monkeypatch):
    assert ANSI.search(_console(monkeypatch, io.StringIO(), "--color", "always"))
    assert not ANSI.search(_console(monkeypatch, Terminal(), "--color", "never"))
    assert ANSI.search(_console(monkeypatch, Terminal()))  # auto: a terminal is styled
    assert not ANSI.search(_console(monkeypatch, io.StringIO()))  # auto: a pipe is not


def test_force_color_and_no_color_are_honoured_and_the_flag_wins(project, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ANSI.search(_console(monkeypatch, io.StringIO()))
    assert not ANSI.search(_console(monkeypatch, io.StringIO(), "--color", "never"))
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(_console(monkeypatch, Terminal()))
    assert ANSI.search(_console(monkeypatch, Terminal(), "--color", "always"))
