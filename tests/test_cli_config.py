"""The command line with a config file: select, ignore, fail-on and severity
from the file, flags that replace them, ignores (applied, expired), and a
config that is invalid (exit 2, one line naming the key)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from ecs_guard import cli
from ecs_guard.rule import all_rules

TESTS = Path(__file__).resolve().parent
SARIF_SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = TESTS.parent / "ecs_guard" / "schemas" / "report.schema.json"

PRIVILEGED_LATEST = textwrap.dedent("""\
    {
      "family": "web",
      "containerDefinitions": [
        {
          "name": "web",
          "image": "nginx:latest",
          "privileged": true
        }
      ]
    }
    """)


def ecs_guard(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_scan(capsys, *argv: str) -> tuple[int, dict]:
    code, out, err = ecs_guard(capsys, "scan", "--format", "json", *argv)
    assert out, err
    doc = json.loads(out)
    jsonschema.Draft202012Validator(json.loads(REPORT_SCHEMA.read_text())).validate(doc)
    return code, doc


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A git checkout with one task definition: EG201 on line 6, EG602 on line 7."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "taskdef.json").write_text(PRIVILEGED_LATEST)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(project: Path, text: str) -> None:
    (project / ".ecs-guard.yaml").write_text(textwrap.dedent(text))


def rule_ids(doc: dict, key: str = "findings") -> list[str]:
    return sorted(f["rule_id"] for f in doc[key])


def test_select_ignore_and_fail_on_come_from_the_config(capsys, project):
    configure(
        project,
        """\
        select: [EG201, EG6]
        ignore: [EG601, EG603]
        fail-on: critical
        """,
    )
    code, doc = json_scan(capsys)
    runtime_rules = {r.id for r in all_rules() if r.id.startswith("EG6")}
    assert {r["id"] for r in doc["rules"]} == {"EG201"} | runtime_rules - {"EG601", "EG603"}
    assert {"EG201", "EG602"} <= set(rule_ids(doc)) <= {"EG201"} | runtime_rules
    assert code == 0  # high findings, fail-on critical


def test_flags_replace_the_configs_values(capsys, project):
    configure(
        project,
        """\
        select: [EG6]
        fail-on: critical
        """,
    )
    code, doc = json_scan(capsys, "--select", "EG201", "--fail-on", "high")
    assert [r["id"] for r in doc["rules"]] == ["EG201"]
    assert code == 1
    code, doc = json_scan(capsys, "--fail-on", "info")  # the default value, given explicitly, still wins
    assert code == 1


def test_fail_on_none_in_the_config(capsys, project):
    configure(project, "fail-on: none\n")
    code, doc = json_scan(capsys)
    assert code == 0 and doc["summary"]["findings"] > 0


def test_a_severity_override_shows_in_json_and_sarif(capsys, project):
    configure(
        project,
        """\
        select: [EG602]
        severity: {EG602: low}
        fail-on: medium
        """,
    )
    code, doc = json_scan(capsys)
    assert code == 0
    assert [(r["id"], r["severity"]) for r in doc["rules"]] == [("EG602", "low")]
    assert [(f["rule_id"], f["severity"]) for f in doc["findings"]] == [("EG602", "low")]
    code, out, _ = ecs_guard(capsys, "scan", "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    [rule] = run_["tool"]["driver"]["rules"]
    assert rule["defaultConfiguration"] == {"level": "note"}
    assert rule["properties"]["security-severity"] == "3.0"
    assert [r["level"] for r in run_["results"]] == ["note"]


def test_a_config_ignore_suppresses_and_every_format_shows_it(capsys, project):
    configure(
        project,
        """\
        select: [EG201, EG602]
        ignores:
          - rule: EG201
            path: "*.json"
            resource: "family:*"
            reason: rebuilt nightly from a pinned base
            expires: 2999-01-01
        """,
    )
    code, doc = json_scan(capsys)
    assert code == 1 and rule_ids(doc) == ["EG602"]
    [suppressed] = doc["suppressed"]
    assert (suppressed["rule_id"], suppressed["line"]) == ("EG201", 6)
    assert suppressed["suppression"] == {
        "kind": "external",
        "reason": "rebuilt nightly from a pinned base",
        "file": ".ecs-guard.yaml",
        "line": None,
    }
    code, out, _ = ecs_guard(capsys, "scan")
    assert "1 suppressed (--verbose lists them)" in out.splitlines()[-1]
    code, out, _ = ecs_guard(capsys, "scan", "--format", "sarif", "-o", "out.sarif")
    doc = json.loads((project / "out.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(doc)
    [dismissed] = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert dismissed["ruleId"] == "EG201"
    assert dismissed["suppressions"][0]["kind"] == "external"
    assert dismissed["suppressions"][0]["justification"] == "rebuilt nightly from a pinned base"


def test_an_ignore_of_every_finding_makes_the_scan_pass(capsys, project):
    configure(
        project,
        """\
        select: [EG201, EG602]
        ignores:
          - {rule: EG2, reason: images are rebuilt nightly}
          - {rule: EG602, reason: needs the host's devices}
        """,
    )
    code, doc = json_scan(capsys)
    assert code == 0 and doc["findings"] == [] and len(doc["suppressed"]) == 2


def test_an_expired_ignore_is_reported_and_not_applied(capsys, project):
    configure(
        project,
        """\
        select: [EG602]
        ignores:
          - rule: EG602
            reason: until the migration
            expires: 2020-01-01
        """,
    )
    code, doc = json_scan(capsys)
    assert code == 1 and rule_ids(doc) == ["EG602"] and doc["suppressed"] == []
    assert doc["notices"] == [
        {
            "kind": "expired-ignore",
            "file": ".ecs-guard.yaml",
            "line": None,
            "message": ".ecs-guard.yaml: ignores[0] (EG602) expired on 2020-01-01 and no longer applies",
        }
    ]
    code, out, _ = ecs_guard(capsys, "scan")
    assert "1 notice (--verbose lists them)" in out.splitlines()[-1]
    code, out, _ = ecs_guard(capsys, "scan", "--verbose")
    assert "ignores[0] (EG602) expired on 2020-01-01" in out
    code, out, _ = ecs_guard(capsys, "scan", "--format", "sarif")
    notes = json.loads(out)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [(n["descriptor"]["id"], n["level"]) for n in notes] == [("expired-ignore", "warning")]


@pytest.mark.parametrize(
    "text, fragment",
    [
        (
            "ignores:\n  - {rule: EG201, reason: x, expires: 2027-13-01}\n",
            ".ecs-guard.yaml: ignores[0].expires: '2027-13-01' is not a valid date (YYYY-MM-DD)",
        ),
        ("ignores:\n  - {rule: EG201}\n", ".ecs-guard.yaml: ignores[0].reason: required, but missing"),
        ("fail-on: loud\n", ".ecs-guard.yaml: fail-on: 'loud' is not one of"),
        ("select: [EG999]\n", ".ecs-guard.yaml: select[0]: unknown rule code EG999"),
        ("sever1ty: {}\n", ".ecs-guard.yaml: sever1ty: unknown key"),
    ],
)
def test_an_invalid_config_is_exit_2_in_one_line_naming_the_key(capsys, project, text, fragment):
    configure(project, text)
    for command in ("scan", "baseline"):
        code, out, err = ecs_guard(capsys, command)
        assert (code, out) == (2, "")
        assert err.startswith(f"ecs-guard: error: {fragment}")
        assert err.count("\n") == 1 and "Traceback" not in err
    assert not (project / ".ecs-guard-baseline.json").exists()


def test_config_flag_names_the_file(capsys, project):
    (project / "strict.yaml").write_text("select: [EG602]\nfail-on: high\n")
    code, doc = json_scan(capsys, "--config", "strict.yaml")
    assert code == 1 and [r["id"] for r in doc["rules"]] == ["EG602"]
    code, _out, err = ecs_guard(capsys, "scan", "--config", "missing.yaml")
    assert code == 2 and err == "ecs-guard: error: missing.yaml: no such config file\n"


def test_the_config_in_pyproject_toml(capsys, project):
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""\
        [tool.ecs-guard]
        select = ["EG602"]

        [[tool.ecs-guard.ignores]]
        rule = "EG602"
        reason = "needs the host's devices"
        """)
    )
    code, doc = json_scan(capsys)
    assert code == 0 and rule_ids(doc, "suppressed") == ["EG602"]
    assert doc["suppressed"][0]["suppression"]["file"] == "pyproject.toml"


def test_the_audit_command_shares_the_report_and_config_options(capsys):
    """`audit` reports like `scan` (config file included: its ignores and
    severities apply to an account too) but has no PATH and no --baseline."""
    code, out, _ = ecs_guard(capsys, "audit", "--help")
    assert code == 0
    assert "--fail-on" in out and "--config" in out and "--baseline" not in out and "PATH" not in out
