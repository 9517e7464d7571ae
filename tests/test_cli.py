"""The command line: arguments, exit codes, one-line errors, start-up cost,
and whole scans of task definition files through every output format."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from model_factory import make_container, make_env, make_task_definition
from sample_reports import CRASHES, UNREADABLE, make_rule

from ecs_guard import __version__, cli
from ecs_guard.cli import common
from ecs_guard.engine import run
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.model import Inventory
from ecs_guard.reporters import FORMATS, renderer
from ecs_guard.results import Severity
from ecs_guard.rule import all_rules, get_rule

TESTS = Path(__file__).resolve().parent
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = TESTS.parent / "ecs_guard" / "schemas" / "report.schema.json"


def ecs_guard(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert err.startswith("ecs-guard: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "usage:" not in err
    for fragment in fragments:
        assert fragment in err


# ----------------------------------------------------------------- start-up, --version, usage errors


def test_version(capsys):
    code, out, _ = ecs_guard(capsys, "--version")
    assert (code, out) == (0, f"ecs-guard {__version__}\n")


def test_version_imports_no_heavy_module():
    script = (
        "import sys; from ecs_guard.cli import main; code = main(['--version']); "
        "heavy = {'rich', 'yaml', 'jsonschema', 'boto3', 'botocore', 'hcl2', 'lark'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy)); sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_json_scan_does_not_import_rich(tmp_path):
    script = (
        f"import sys; from ecs_guard.cli import main; main(['scan', {str(tmp_path)!r}, '--format', 'json']); "
        "print('rich' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout)["schema_version"] == 1, done.stderr
    assert done.stderr.splitlines()[-1] == "False", done.stderr


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
def test_the_command_exits_without_freeing_but_with_all_its_output(capsys, tmp_path, to_file):
    """`ecs-guard` (cli.entry) ends with os._exit: what it wrote must be whole
    all the same, and its exit code the one main() returns."""
    args = ["scan", str(TESTS.parent / "examples" / "insecure-fargate"), "--format", "json"]
    code, expected, _ = ecs_guard(capsys, *args)
    assert common.kept_until_exit is None  # main() from Python keeps nothing
    output = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "ecs_guard", *args, *(["-o", str(output)] if to_file else [])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == code == 1, done.stderr
    written = output.read_text() if to_file else done.stdout
    assert written == expected and json.loads(written)["summary"]["findings"] > 20


def test_no_command_prints_the_usage_and_exits_2(capsys):
    code, out, err = ecs_guard(capsys)
    assert code == 2 and out == ""
    assert err.startswith("usage: ecs-guard ") and "Traceback" not in err
    for command in ("scan", "baseline", "audit", "rules", "explain"):
        assert f"\n    {command} " in err, command


def test_unknown_option_is_one_line_and_exit_2(capsys):
    code, _, err = ecs_guard(capsys, "scan", "--no-such-flag")
    assert code == 2
    assert_one_line_error(err, "--no-such-flag")


def test_bad_fail_on_value(capsys):
    code, _, err = ecs_guard(capsys, "scan", "--fail-on", "severe")
    assert code == 2
    assert_one_line_error(err, "severe")


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_code_is_exit_2(capsys, option):
    code, _, err = ecs_guard(capsys, "scan", option, "EG6,EG999", option, "EG1")
    assert code == 2
    assert_one_line_error(err, "EG999")
    assert "EG6," not in err


def test_rule_codes_are_comma_separated_repeatable_and_case_insensitive():
    assert common.rule_codes(["eg6, EG101", "EG40"]) == ["EG6", "EG101", "EG40"]
    assert common.rule_codes([]) == []


def test_unwritable_output_is_exit_2_before_scanning(capsys, tmp_path):
    target = tmp_path / "missing-dir" / "report.json"
    code, _, err = ecs_guard(capsys, "scan", str(tmp_path), "--output", str(target))
    assert code == 2
    assert_one_line_error(err, str(target))


def test_help_lists_the_commands(capsys):
    code, out, _ = ecs_guard(capsys, "--help")
    assert code == 0
    for command in ("scan", "baseline", "audit", "rules", "explain"):
        assert command in out


# ----------------------------------------------------------------- rules, explain


def test_rules_lists_every_rule_plainly(capsys):
    code, out, _ = ecs_guard(capsys, "rules")
    assert code == 0
    assert "\x1b" not in out
    assert [line.split()[0] for line in out.splitlines()[1:]] == [r.id for r in all_rules()]


def test_explain_prints_the_rule_documentation(capsys):
    code, out, _ = ecs_guard(capsys, "explain", "eg602")
    assert code == 0
    assert out.startswith("# EG602 privileged-container\n")
    assert get_rule("EG602").doc in out


def test_explain_unknown_rule_is_exit_2(capsys):
    code, out, err = ecs_guard(capsys, "explain", "EG999")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "EG999")


# ----------------------------------------------------------------- exit codes


def report_with(severities=(), unreadable=False, crash=False):
    """A report from the engine with one finding per given severity."""

    def flag(td):
        for severity in severities:
            yield td.family.finding(f"flagged {severity.value}", severity=severity)

    rules = [make_rule("EG994", flag)] + ([CRASHES] if crash else [])
    inventory = Inventory(task_definitions=[make_task_definition()], problems=[UNREADABLE] if unreadable else [])
    return run(inventory, rules)


@pytest.mark.parametrize(
    "findings, fail_on, expected",
    [
        ((), Severity.INFO, 0),
        ((Severity.INFO,), Severity.INFO, 1),
        ((Severity.LOW,), Severity.MEDIUM, 0),
        ((Severity.LOW, Severity.MEDIUM), Severity.MEDIUM, 1),
        ((Severity.CRITICAL,), Severity.HIGH, 1),
        ((Severity.CRITICAL,), None, 0),
    ],
)
def test_exit_code_for_findings(findings, fail_on, expected):
    assert common.exit_code(report_with(findings), fail_on) == expected


def test_unreadable_input_is_3_and_wins_over_findings():
    assert common.exit_code(report_with((Severity.CRITICAL,), unreadable=True), Severity.INFO) == 3
    assert common.exit_code(report_with((), unreadable=True), None) == 3


def test_a_crashed_rule_makes_the_scan_incomplete():
    report = report_with((Severity.LOW,), crash=True)
    assert report.errors
    assert common.exit_code(report, Severity.INFO) == 3


def test_not_understood_input_alone_does_not_fail():
    report = report_with(())
    report.problems.append(InputProblem("notes.json", "not an input ecs-guard knows", None, "not-understood"))
    assert common.exit_code(report, Severity.INFO) == 0


# ----------------------------------------------------------------- secrets

SECRETS = ("AKIAIOSFODNN7EXAMPLE", "hunter2-password", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def test_secret_values_appear_in_no_output_format():
    container = make_container(
        environment=(
            make_env("AWS_ACCESS_KEY_ID", SECRETS[0]),
            make_env("DB_PASSWORD", SECRETS[1]),
            make_env("AWS_SECRET_ACCESS_KEY", SECRETS[2]),
        )
    )
    report = run(Inventory(task_definitions=[make_task_definition(containers=(container,))]), all_rules())
    assert len([f for f in report.findings if f.rule_id == "EG501"]) == 3
    for format_name in FORMATS:
        stream = io.StringIO()
        renderer(format_name)(report, stream, verbose=True)
        for secret in SECRETS:
            assert secret not in stream.getvalue(), f"{format_name} printed a secret"


# ----------------------------------------------------------------- whole scans (task definition files)

PRIVILEGED = textwrap.dedent("""\
    {
      "family": "web",
      "containerDefinitions": [
        {
          "name": "web",
          "image": "nginx:1.27",
          "privileged": true
        }
      ]
    }
    """)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with one task definition file whose container runs privileged (line 7)."""
    (tmp_path / "taskdef.json").write_text(PRIVILEGED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scan_json_reports_the_finding_with_file_and_line(capsys, project):
    code, out, err = ecs_guard(capsys, "scan", ".", "--format", "json", "--select", "EG602")
    assert code == 1, err
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(REPORT_SCHEMA.read_text()))
    assert [(f["rule_id"], f["resource"], f["container"], f["file"], f["line"]) for f in doc["findings"]] == [
        ("EG602", "family:web", "web", "taskdef.json", 7)
    ]
    assert doc["files"] == ["taskdef.json"]


def test_scan_defaults_to_the_current_folder_and_console(capsys, project):
    code, out, _ = ecs_guard(capsys, "scan", "--select", "EG602")
    assert code == 1
    assert "taskdef.json  family:web" in out
    assert "  7  HIGH     EG602  container 'web' runs privileged\n" in out


@pytest.mark.parametrize("fail_on, expected", [("critical", 0), ("high", 1), ("info", 1), ("none", 0)])
def test_fail_on(capsys, project, fail_on, expected):
    code, _, _ = ecs_guard(capsys, "scan", "--select", "EG602", "--fail-on", fail_on, "--format", "json")
    assert code == expected


def test_select_and_ignore_choose_the_rules(capsys, project):
    code, out, _ = ecs_guard(capsys, "scan", "--format", "json", "--select", "EG6", "--ignore", "EG601,EG603")
    runtime_rules = {r.id for r in all_rules() if r.id.startswith("EG6")}
    assert {"EG601", "EG602", "EG603"} <= runtime_rules
    assert {r["id"] for r in json.loads(out)["rules"]} == runtime_rules - {"EG601", "EG603"}
    assert code == 1
    code, out, _ = ecs_guard(capsys, "scan", "--format", "json", "--ignore", "EG602")
    rules = {r["id"] for r in json.loads(out)["rules"]}
    assert "EG602" not in rules and "EG601" in rules and "EG202" not in rules


def test_missing_path_is_an_unreadable_input_not_a_crash(capsys, project):
    code, out, err = ecs_guard(
        capsys, "scan", "taskdef.json", "no-such-file.json", "--format", "json", "--select", "EG602"
    )
    assert code == 3, err
    doc = json.loads(out)
    assert [p["file"] for p in doc["input_problems"] if p["kind"] == "unreadable"] == ["no-such-file.json"]
    assert len(doc["findings"]) == 1  # the rest is still scanned and reported


def test_broken_file_is_exit_3_even_with_findings(capsys, project):
    (project / "broken.json").write_text('{"family": "x",\n  "containerDefinitions": [\n')
    code, out, _ = ecs_guard(capsys, "scan", "--select", "EG602")
    assert code == 3
    assert "Inputs not read:" in out and "broken.json" in out
    assert "EG602" in out


def test_output_file_gets_the_report_and_stdout_stays_empty(capsys, project):
    code, out, _ = ecs_guard(capsys, "scan", "--select", "EG602", "--output", "report.txt")
    assert (code, out) == (1, "")
    text = (project / "report.txt").read_text()
    assert "\x1b" not in text and "EG602" in text


def test_sarif_scan_validates_and_points_at_the_line(capsys, project):
    code, out, _ = ecs_guard(capsys, "scan", "--format", "sarif", "--select", "EG602", "-o", "out.sarif")
    assert (code, out) == (1, "")
    doc = json.loads((project / "out.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(doc)
    [result] = doc["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "taskdef.json"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_verbose_lists_what_was_not_understood(capsys, project):
    (project / "notes.json").write_text('{"hello": "world"}\n')
    _, quiet, _ = ecs_guard(capsys, "scan", "--select", "EG602")
    _, verbose, _ = ecs_guard(capsys, "scan", "--select", "EG602", "--verbose")
    assert "notes.json" not in quiet and "1 not understood" in quiet
    assert "notes.json" in verbose


def test_secrets_in_a_task_definition_file_are_never_printed(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taskdef.json").write_text(
        json.dumps(
            {
                "family": "web",
                "containerDefinitions": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "environment": [
                            {"name": "AWS_ACCESS_KEY_ID", "value": SECRETS[0]},
                            {"name": "DB_PASSWORD", "value": SECRETS[1]},
                            {"name": "AWS_SECRET_ACCESS_KEY", "value": SECRETS[2]},
                        ],
                    }
                ],
            },
            indent=2,
        )
    )
    for format_name in FORMATS:
        code, out, err = ecs_guard(capsys, "scan", "--format", format_name, "--verbose")
        assert code == 1
        assert "EG501" in out
        for secret in SECRETS:
            assert secret not in out + err, f"{format_name} printed a secret"
