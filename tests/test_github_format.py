"""The `github` format: workflow commands as GitHub's runner reads them.

Two real consumers check the lines. `runner_parse` is the runner's parser
(tests/workflow_commands.py: actions/runner's TryParseV2, UnescapeProperty
and UnescapeData written out in Python step by step), so a
hostile message that would end a command early, start another one or lose
a property fails here. And @actions/core, the toolkit every JavaScript
action uses to write these commands, run with node, must write the very
same line for the same annotation.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from model_factory import make_container, make_task_definition
from sample_reports import FLAG_FAMILY, make_rule, sample_report
from workflow_commands import ISSUE_COMMANDS, log_lines, parsed_lines, runner_parse

from ecs_guard.engine import run
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import github, renderer
from ecs_guard.results import Severity
from ecs_guard.suppress import Notice, Suppressed, Suppression

REPO = Path(__file__).resolve().parent.parent


def rendered(report, verbose: bool = False) -> str:
    stream = io.StringIO()
    github.render(report, stream, verbose=verbose)
    return stream.getvalue()


@pytest.fixture(autouse=True)
def no_workspace(monkeypatch):
    """Outside GitHub Actions unless a test says otherwise."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


def test_the_parser_reads_githubs_documented_example():
    assert runner_parse("::error file=app.js,line=1,col=5,endColumn=7::Missing semicolon") == (
        "error",
        {"file": "app.js", "line": "1", "col": "5", "endcolumn": "7"},
        "Missing semicolon",
    )
    assert runner_parse("::warning::") == ("warning", {}, "")
    assert runner_parse("ecs-guard: 3 findings") is None
    assert runner_parse("::not-a-command::x") is None


HOSTILE = [
    "plain",
    "two\nlines",
    "cr\rand\r\nlf",
    "::error file=evil.tf,line=1::forged",
    "percent % and %25 and %0A and %3A and %2C literally",
    "commas, colons: equals=signs, and :: twice ::",
    "trailing newline\n",
    "\n::warning::starts a new line",
    "ünïcödé and emoji \U0001f512",
    "%",
    "%%0A%",
    "line\u2028separator and next\x85line",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips_through_the_runner(text):
    line = github.command("warning", text, file=f"dir/{text}.tf", line=4, end_line=9, title=f"title {text}")
    assert "\n" not in line and "\r" not in line
    assert runner_parse(line) == (
        "warning",
        {"title": f"title {text}", "file": f"dir/{text}.tf", "line": "4", "endline": "9"},
        text,
    )


def test_an_escape_that_is_missing_is_caught_by_the_parser():
    """The round trip can fail: an unescaped comma in a title cuts it, an unescaped newline splits the line."""
    assert runner_parse("::error title=a,b,file=x.tf,line=1::one")[1]["title"] == "a"
    assert len(parsed_lines("::error title=t,file=x.tf,line=1::one\ntwo")) == 2


def test_end_line_only_after_the_start_line():
    assert "endLine" not in github.command("error", "m", file="a.tf", line=5, end_line=5)
    assert "endLine" not in github.command("error", "m", file="a.tf", line=5, end_line=3)
    assert runner_parse(github.command("error", "m", file="a.tf", line=5, end_line=8))[1]["endline"] == "8"


# ----------------------------------------------------------------- what a report becomes


def hostile_report():
    """A finding whose resource, container and message hold everything a log line must not."""
    name = "web,evil:1\n::error file=forged.tf,line=1::forged %0A"
    address = "family:x,y::z"
    where = Location("dir, with:colon/task%def.json", 3, None, address)
    td = make_task_definition(
        address=address,
        location=where,
        family=Value(name, where),
        containers=(
            make_container(address=address, location=where, name=Value(name, where), privileged=Value(True, where)),
        ),
    )
    from ecs_guard.rule import get_rule

    return run(Inventory(task_definitions=[td], files=[where.path]), [get_rule("EG602"), FLAG_FAMILY])


def test_a_hostile_report_gives_one_command_per_result_and_nothing_forged():
    report = hostile_report()
    lines = log_lines(rendered(report))
    commands = [runner_parse(line) for line in lines]
    assert len(lines) == len(report.findings) + 1  # and the summary
    assert all(c is not None and c[0] in ISSUE_COMMANDS for c in commands[:-1])
    assert commands[-1] is None and lines[-1].startswith("ecs-guard: 2 findings")
    files = {c[1]["file"] for c in commands[:-1]}
    assert files == {"dir, with:colon/task%def.json"}
    privileged = next(c for c in commands[:-1] if "EG602" in c[1]["title"])
    assert privileged[0] == "error" and privileged[1]["line"] == "3"
    assert privileged[2].startswith("family:x,y::z (container 'web,evil:1\n::error file=forged.tf,line=1::forged %0A')")


def test_severity_picks_the_command_as_sarif_levels_do():
    rules = [
        make_rule(f"EG99{i}", lambda td: iter([td.family.finding("flagged")]), severity, f"rule-{i}")
        for i, severity in enumerate(Severity)
    ]
    report = run(Inventory(task_definitions=[make_task_definition()], files=["input.json"]), rules)
    by_title = {c[1]["title"]: c[0] for c in parsed_lines(rendered(report)) if c}
    assert by_title == {
        "ecs-guard EG990 (critical)": "error",
        "ecs-guard EG991 (high)": "error",
        "ecs-guard EG992 (medium)": "warning",
        "ecs-guard EG993 (low)": "notice",
        "ecs-guard EG994 (info)": "notice",
    }
    assert [c[0] for c in parsed_lines(rendered(report)) if c] == ["error", "error", "warning", "notice", "notice"]


def test_everything_that_is_not_a_finding_is_annotated_with_its_file():
    report = sample_report()
    commands = [c for c in parsed_lines(rendered(report)) if c]
    by_title = {c[1]["title"]: c for c in commands}
    not_evaluated = by_title["ecs-guard EG602 not evaluated"]
    assert not_evaluated == (
        "notice",
        {"title": "ecs-guard EG602 not evaluated", "file": "web.json", "line": "14"},
        "family:web (container 'side'): known after apply",
    )
    crash = by_title["ecs-guard EG992 rule error"]
    assert crash[0] == "error" and crash[1]["file"] == "web.json" and "KeyError" in crash[2]
    unreadable = by_title["ecs-guard: input not read"]
    assert unreadable == (
        "error",
        {"title": "ecs-guard: input not read", "file": "broken.json", "line": "3"},
        "not valid JSON: Expecting value",
    )
    not_understood = by_title["ecs-guard: input not understood"]
    assert not_understood[0] == "warning" and not_understood[1]["file"] == "notes.json"
    finding = by_title["ecs-guard EG602 (high)"]
    assert finding[2].endswith(
        "EG602 privileged-container: https://github.com/ORG/ecs-guard/blob/main/docs/rules/EG602.md"
    )


def test_suppressed_and_baselined_findings_are_not_annotated_but_counted():
    report = sample_report()
    flagged = next(f for f in report.findings if f.rule_id == "EG991")
    privileged = next(f for f in report.findings if f.rule_id == "EG602")
    report.findings = []
    report.suppressed = [Suppressed(flagged, Suppression("inSource", "test data", "web.json", 2))]
    report.baselined, report.baseline_file = [privileged], ".ecs-guard-baseline.json"
    report.notices = [Notice("expired-ignore", ".ecs-guard.yaml: ignores[0] (EG601) expired", ".ecs-guard.yaml")]
    text = rendered(report)
    titles = [c[1].get("title", "") for c in parsed_lines(text) if c]
    assert not any("EG991 (" in t or "EG602 (" in t for t in titles)
    assert "ecs-guard: expired-ignore" in titles
    assert log_lines(text)[-1].startswith("ecs-guard: 0 findings") and "1 suppressed; 1 in baseline" in text
    verbose = log_lines(rendered(report, verbose=True))
    group = verbose[verbose.index("::group::ecs-guard: 1 suppressed findings") :]
    assert runner_parse(group[0])[0] == "group" and runner_parse(group[2]) == ("endgroup", {}, "")
    assert group[1].startswith(
        "EG991 web.json:2 family:web: family 'web' is flagged [comment at web.json:2: test data]"
    )


def test_paths_are_made_relative_to_the_repository_under_actions(tmp_path, monkeypatch):
    """A workflow step with `working-directory: infra` scans with paths relative to infra/;
    the runner reads a relative `file` as relative to GITHUB_WORKSPACE."""
    (tmp_path / "infra").mkdir()
    monkeypatch.chdir(tmp_path / "infra")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    report = sample_report()
    files = {c[1]["file"] for c in parsed_lines(rendered(report)) if c and "file" in c[1]}
    assert files == {"infra/web.json", "infra/broken.json", "infra/notes.json"}
    outside = str(tmp_path.parent / "elsewhere.json")
    assert github.annotation_path(outside, str(tmp_path)) == outside
    monkeypatch.delenv("GITHUB_WORKSPACE")
    assert {c[1]["file"] for c in parsed_lines(rendered(report)) if c and "file" in c[1]} == {
        "web.json",
        "broken.json",
        "notes.json",
    }


def test_a_problem_without_a_line_is_annotated_at_line_one():
    report = run(Inventory(problems=[InputProblem("odd.json", "no input ecs-guard knows", None, "not-understood")]), [])
    (command,) = [c for c in parsed_lines(rendered(report)) if c]
    assert command[1]["line"] == "1" and command[1]["file"] == "odd.json"


def test_secrets_never_reach_the_log():
    """Rules redact secret values; check the whole path from a real input to the annotations."""
    done = subprocess.run(
        [sys.executable, "-m", "ecs_guard", "scan", "examples/insecure-fargate", "--format", "github", "--verbose"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "DB_PASSWORD" in done.stdout
    for secret in ("Sup3r-S3cret-Passw0rd!", "sk_live_4eC39HqLyjWDarjtT1zdp7dcEXAMPLE", "Sup3r", "4eC39HqLyjWD"):
        assert secret not in done.stdout and secret not in done.stderr
    lines = log_lines(done.stdout)
    assert all(runner_parse(line) for line in lines[:-1])
    assert re.match(r"ecs-guard: [1-9][0-9]* findings \([1-9][0-9]* critical", lines[-1])


def test_the_cli_offers_the_format():
    assert renderer("github") is github.render


# ----------------------------------------------------------------- @actions/core, the toolkit's writer

NODE_TOOLS = Path(os.environ.get("ECS_GUARD_NODE_TOOLS", "/tmp/ecs-guard-node-tools"))
ACTIONS_CORE = NODE_TOOLS / "node_modules" / "@actions" / "core" / "lib" / "core.js"
WRITE_WITH_ACTIONS_CORE = """
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
const core = await import(pathToFileURL(process.argv[2]).href);
for (const a of JSON.parse(readFileSync(0, "utf8"))) {
  core[a.command](a.message, {title: a.title, file: a.file, startLine: a.line, endLine: a.endLine});
}
"""


@pytest.fixture(scope="module")
def actions_core() -> Path:
    """@actions/core from npm, installed once into NODE_TOOLS (skipped when node or npm cannot be had)."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed to run @actions/core")
    if not ACTIONS_CORE.exists():
        done = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NODE_TOOLS),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "@actions/core@3.0.1",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not ACTIONS_CORE.exists():
            pytest.skip(f"npm could not install @actions/core: {done.stderr.strip()[-300:]}")
    return ACTIONS_CORE


def test_lines_are_byte_for_byte_what_actions_core_writes(actions_core, tmp_path):
    annotations = [
        {
            "command": ("error", "warning", "notice")[i % 3],
            "message": text,
            "title": f"ecs-guard {text}",
            "file": f"a/{text}.tf",
            "line": i + 1,
            "endLine": i + 3,
        }
        for i, text in enumerate(HOSTILE)
    ]
    script = tmp_path / "write.mjs"
    script.write_text(WRITE_WITH_ACTIONS_CORE)
    done = subprocess.run(
        ["node", str(script), str(actions_core)],
        input=json.dumps(annotations),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    ours = [
        github.command(
            a["command"], a["message"], title=a["title"], file=a["file"], line=a["line"], end_line=a["endLine"]
        )
        for a in annotations
    ]
    assert log_lines(done.stdout) == ours
