"""SARIF 2.1.0 as GitHub code scanning ingests it (docs/sarif.md)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from model_factory import make_container, make_task_definition
from sample_reports import FLAG_FAMILY, clean_report, make_rule, sample_report

from ecs_guard.engine import run
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import sarif
from ecs_guard.results import Finding, Severity
from ecs_guard.rule import get_rule

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SCHEMA_COPY = TESTS / "data" / "sarif-schema-2.1.0.json"
# The OASIS SARIF 2.1.0 schema (errata 01), vendored byte for byte: its SHA-256.
SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_COPY.read_text())
    return jsonschema.Draft4Validator(schema)


def rendered(report) -> dict:
    stream = io.StringIO()
    sarif.render(report, stream)
    return json.loads(stream.getvalue())


def the_run(report) -> dict:
    return rendered(report)["runs"][0]


def test_copied_schema_is_the_official_one():
    assert hashlib.sha256(SCHEMA_COPY.read_bytes()).hexdigest() == SCHEMA_SHA256
    assert json.loads(SCHEMA_COPY.read_text())["id"] == SCHEMA_ID


def test_validates_against_the_sarif_2_1_0_schema(validator):
    for report in (sample_report(), clean_report()):
        errors = sorted(validator.iter_errors(rendered(report)), key=str)
        assert not errors, errors[0]


def test_schema_catches_a_broken_document(validator):
    doc = rendered(sample_report())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(doc)


def test_header_and_run_details():
    doc = rendered(sample_report())
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-schema-2.1.0.json")
    run_ = doc["runs"][0]
    assert run_["tool"]["driver"]["name"] == "ecs-guard"
    assert run_["automationDetails"]["id"] == "ecs-guard/"
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")


def test_every_rule_that_ran_is_described_for_github():
    run_ = the_run(sample_report())
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["EG602", "EG991", "EG992"]
    eg602 = rules[0]
    doc = get_rule("EG602").doc
    assert eg602["name"] == "privileged-container"
    assert eg602["shortDescription"]["text"] == "Flags a container that runs with `privileged = true`."
    assert eg602["fullDescription"]["text"].startswith("Flags a container")
    assert "A privileged container gets every Linux capability" in eg602["fullDescription"]["text"]
    assert eg602["help"] == {"text": doc, "markdown": doc}
    assert eg602["defaultConfiguration"] == {"level": "error"}
    assert eg602["properties"]["security-severity"] == "8.0"
    assert eg602["properties"]["tags"] == ["security", "ecs", "runtime-hardening"]
    assert rules[1]["defaultConfiguration"] == {"level": "note"}
    assert rules[1]["properties"]["security-severity"] == Severity.LOW.security_severity == "3.0"


def test_a_result_names_its_resource_and_container_and_has_one_located_region():
    run_ = the_run(sample_report())
    result = next(r for r in run_["results"] if r["ruleId"] == "EG602")
    assert result["ruleIndex"] == 0
    assert run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "EG602"
    assert result["level"] == "error"
    assert result["message"]["text"] == "family:web (container 'web'): container 'web' runs privileged."
    assert len(result["locations"]) == 1
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "web.json", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"]["startLine"] == 7
    assert location["logicalLocations"] == [{"fullyQualifiedName": "family:web", "kind": "resource"}]
    assert result["properties"] == {"container": "web"}
    resource_level = next(r for r in run_["results"] if r["ruleId"] == "EG991")
    assert resource_level["message"]["text"] == "family:web: family 'web' is flagged."
    assert "properties" not in resource_level


def test_result_level_follows_the_findings_own_severity():
    def low_finding(td):
        yield td.family.finding("only a little wrong", severity=Severity.LOW)

    report = run(Inventory(task_definitions=[make_task_definition()]), [make_rule("EG993", low_finding, Severity.HIGH)])
    result = the_run(report)["results"][0]
    assert result["level"] == "note"
    assert the_run(report)["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"


def test_a_result_without_a_usable_line_still_gets_start_line_1():
    report = sample_report()
    report.findings.append(
        Finding("no line", Location("web.json", 0, None, "family:web"), None, Severity.LOW, "EG991", "family:web")
    )
    results = the_run(report)["results"]
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    assert len(results) == 3


def test_paths_are_uri_encoded_and_absolute_paths_stay_absolute(tmp_path):
    def family_at(path: str, address: str):
        location = Location(path, 3, None, address)
        return make_task_definition(address=address, location=location, family=Value("web", location))

    inventory = Inventory(
        task_definitions=[
            family_at("infra dir/task def.json", "family:a"),
            family_at(str(tmp_path / "abs.json"), "family:b"),
        ]
    )
    results = the_run(run(inventory, [FLAG_FAMILY]))["results"]
    artifacts = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0]["physicalLocation"][
            "artifactLocation"
        ]
        for r in results
    }
    assert artifacts == {
        "family:a": {"uri": "infra%20dir/task%20def.json", "uriBaseId": "%SRCROOT%"},
        "family:b": {"uri": (tmp_path / "abs.json").as_uri()},
    }


# ----------------------------------------------------------------- fingerprints


def fingerprints(report) -> list[str]:
    return sorted(r["partialFingerprints"]["ecsGuard/v1"] for r in the_run(report)["results"])


def test_fingerprints_do_not_change_when_lines_move():
    assert fingerprints(sample_report(privileged_line=7)) == fingerprints(sample_report(privileged_line=40))


def test_fingerprints_differ_by_rule_resource_and_container():
    prints = fingerprints(sample_report())
    assert len(set(prints)) == len(prints) == 2
    two_containers = make_task_definition(
        containers=(make_container(name="a", privileged=True), make_container(name="b", privileged=True))
    )
    report = run(Inventory(task_definitions=[two_containers]), [get_rule("EG602")])
    assert len(set(fingerprints(report))) == 2


def test_identical_findings_get_distinct_fingerprints_by_occurrence():
    def twice(td):
        yield td.family.finding("statement 1 allows *")
        yield td.family.finding("statement 2 allows *")

    report = run(Inventory(task_definitions=[make_task_definition()]), [make_rule("EG993", twice)])
    prints = fingerprints(report)
    assert len(set(prints)) == 2
    assert {p.rsplit(":", 1)[0] for p in prints} == {prints[0].rsplit(":", 1)[0]}  # digits are not identity
    assert sorted(p.rsplit(":", 1)[1] for p in prints) == ["1", "2"]


def test_fingerprint_is_a_sha256_then_the_occurrence():
    result = the_run(sample_report())["results"][0]
    digest, occurrence = result["partialFingerprints"]["ecsGuard/v1"].split(":")
    assert len(digest) == 64 and int(digest, 16) >= 0 and occurrence == "1"


# ----------------------------------------------------------------- notifications


def notifications(report) -> list[dict]:
    return the_run(report)["invocations"][0]["toolExecutionNotifications"]


def test_not_evaluated_rule_errors_and_input_problems_become_notifications():
    notes = notifications(sample_report())
    by_kind = {n["descriptor"]["id"]: n for n in notes}
    assert set(by_kind) == {"not-evaluated", "rule-error", "input-unreadable", "input-not-understood"}

    not_evaluated = by_kind["not-evaluated"]
    assert not_evaluated["level"] == "note"
    assert (
        not_evaluated["message"]["text"] == "EG602 not evaluated for family:web (container 'side'): known after apply."
    )
    assert not_evaluated["associatedRule"] == {"id": "EG602", "index": 0}
    location = not_evaluated["locations"][0]
    assert location["physicalLocation"]["region"]["startLine"] == 14
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "family:web"

    error = by_kind["rule-error"]
    assert error["level"] == "error" and "EG992" in error["message"]["text"] and "KeyError" in error["message"]["text"]
    assert error["associatedRule"] == {"id": "EG992", "index": 2}

    unreadable = by_kind["input-unreadable"]
    assert unreadable["level"] == "error"
    assert unreadable["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3},
    }
    not_understood = by_kind["input-not-understood"]
    assert not_understood["level"] == "warning"
    assert "region" not in not_understood["locations"][0]["physicalLocation"]

    driver = the_run(sample_report())["tool"]["driver"]
    for note in notes:
        assert driver["notifications"][note["descriptor"]["index"]]["id"] == note["descriptor"]["id"]


def test_execution_is_successful_only_without_errors_or_unreadable_inputs():
    assert the_run(sample_report())["invocations"][0]["executionSuccessful"] is False
    assert the_run(clean_report())["invocations"][0]["executionSuccessful"] is True
    assert notifications(clean_report()) == []


# ----------------------------------------------------------------- order and limits


def many_findings_report(count: int):
    def many(td):
        for i in range(count):
            severity = Severity.HIGH if i % 3 == 0 else Severity.LOW
            yield td.family.finding(f"finding {i}", severity=severity)

    return run(Inventory(task_definitions=[make_task_definition()]), [make_rule("EG993", many)])


def test_output_is_deterministic_and_worst_first():
    report = many_findings_report(12)
    first, second = io.StringIO(), io.StringIO()
    sarif.render(report, first)
    sarif.render(report, second)
    assert first.getvalue() == second.getvalue()
    levels = [r["level"] for r in json.loads(first.getvalue())["runs"][0]["results"]]
    assert levels == sorted(levels, key=["error", "warning", "note"].index)


def test_more_results_than_github_accepts_keeps_the_most_severe(monkeypatch):
    assert sarif.MAX_RESULTS == 25_000
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    run_ = the_run(many_findings_report(12))  # 4 high, 8 low
    assert len(run_["results"]) == 5
    assert [r["level"] for r in run_["results"]] == ["error"] * 4 + ["note"]
    dropped = [
        n for n in run_["invocations"][0]["toolExecutionNotifications"] if n["descriptor"]["id"] == "results-dropped"
    ]
    assert len(dropped) == 1 and dropped[0]["message"]["text"].startswith("7 results were dropped")


def test_render_ignores_verbose():
    report = sample_report()
    plain, verbose = io.StringIO(), io.StringIO()
    sarif.render(report, plain)
    sarif.render(report, verbose, verbose=True)
    assert plain.getvalue() == verbose.getvalue()


# ----------------------------------------------------------------- GitHub's own validator

MULTITOOL = (
    Path(os.environ.get("SARIF_MULTITOOL_DIR", "/tmp/sarifmt"))
    / "node_modules"
    / "@microsoft"
    / "sarif-multitool-linux"
    / "Sarif.Multitool"
)


@pytest.mark.skipif(
    (not MULTITOOL.exists() or not shutil.which("python3")) and not os.environ.get("CI"),
    reason="the SARIF multitool is not installed (.ci/validate_sarif.sh installs it)",
)
def test_sarif_multitool_with_github_rules_reports_no_error(tmp_path):
    report = sample_report()
    report.findings.extend(many_findings_report(3).findings)
    report.rules.append(many_findings_report(0).rules[0])
    path = tmp_path / "sample.sarif"
    with open(path, "w", encoding="utf-8") as stream:
        sarif.render(report, stream)
    done = subprocess.run(
        ["bash", str(REPO / ".ci" / "validate_sarif.sh"), str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stderr
