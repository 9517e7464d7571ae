"""The `junit` format, checked by what Jenkins and GitLab users feed it to.

Every document is validated with xmlschema against the JUnit schema of
Jenkins' xunit plugin (tests/data/junit-10.xsd), then read back with
junitparser, the PyPI library CI tooling uses to read and merge JUnit
files, and the cases it sees are compared with what the report holds.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from junitparser import Error, Failure, JUnitXml, Skipped
from model_factory import make_container, make_task_definition
from sample_reports import FLAG_FAMILY, clean_report, sample_report

from ecs_guard.engine import Report, run
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import junit, renderer
from ecs_guard.rule import get_rule
from ecs_guard.suppress import Notice, Suppressed, Suppression

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DOCS = "https://github.com/ORG/ecs-guard/blob/main/docs/rules/"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(TESTS / "data" / "junit-10.xsd"))


def rendered(report: Report) -> str:
    stream = io.StringIO()
    junit.render(report, stream)
    return stream.getvalue()


def parsed(text: str, schema: xmlschema.XMLSchema) -> JUnitXml:
    """Valid against Jenkins' schema, then as junitparser reads it."""
    schema.validate(text)
    return JUnitXml.fromstring(text.encode("utf-8"))


def cases(doc: JUnitXml) -> dict[tuple[str, str], object]:
    return {(suite.name, case.name): case for suite in doc for case in suite}


def test_the_schema_and_the_parser_reject_what_they_should(schema):
    """The validator is really checking: a test case without its name, or a failure outside a case, fails."""
    good = rendered(sample_report())
    schema.validate(good)
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(good.replace('<testcase name="family:web" ', "<testcase ", 1))
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(good.replace("<properties>", '<failure message="x" /><properties>', 1))


def test_one_suite_per_rule_and_one_case_per_rule_and_resource(schema):
    doc = parsed(rendered(sample_report()), schema)
    assert [suite.name for suite in doc] == [
        "EG602 privileged-container",
        "EG991 flag-family",
        "EG992 always-crashes",
        "ecs-guard inputs",
    ]
    found = cases(doc)
    privileged = found[("EG602 privileged-container", "family:web")]
    assert privileged.classname == "ecs-guard.EG602-privileged-container"
    (failure,) = privileged.result
    assert isinstance(failure, Failure) and failure.type == "high"
    assert failure.message == "container 'web' runs privileged"
    # everything the rule said about the resource: the finding, the container it could not decide, the docs
    assert failure.text.splitlines() == [
        "high at web.json:7: family:web (container 'web'): container 'web' runs privileged",
        "not evaluated at web.json:14: family:web (container 'side'): known after apply",
        f"EG602 privileged-container: {DOCS}EG602.md",
    ]
    (flagged,) = found[("EG991 flag-family", "family:web")].result
    assert isinstance(flagged, Failure) and flagged.type == "low"
    (crash,) = found[("EG992 always-crashes", "family:web")].result
    assert isinstance(crash, Error) and crash.message.startswith("EG992 failed: KeyError")
    suite = next(s for s in doc if s.name == "EG602 privileged-container")
    assert {p.name: p.value for p in suite.properties()} == {"severity": "high", "docs": f"{DOCS}EG602.md"}


def test_input_problems_are_cases_of_their_own(schema):
    doc = parsed(rendered(sample_report()), schema)
    found = cases(doc)
    (unreadable,) = found[("ecs-guard inputs", "broken.json:3")].result
    assert isinstance(unreadable, Error) and unreadable.message == "not read: not valid JSON: Expecting value"
    (not_understood,) = found[("ecs-guard inputs", "notes.json")].result
    assert isinstance(not_understood, Skipped)


def test_a_resource_the_rule_passed_is_a_passing_case(schema):
    report = clean_report()
    doc = parsed(rendered(report), schema)
    (((suite_name, name), case),) = cases(doc).items()
    assert suite_name == "EG602 privileged-container" and case.is_passed and case.result == []
    assert name == report.inventory.task_definitions[0].address
    (suite,) = doc
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (1, 0, 0, 0)
    assert [s.name for s in doc] == ["EG602 privileged-container"]  # no inputs suite when nothing went wrong


def test_counts_add_up_for_jenkins_and_gitlab(schema):
    text = rendered(sample_report())
    doc = parsed(text, schema)
    for suite in doc:
        results = [case.result[0] for case in suite if case.result]
        assert suite.tests == len(list(suite))
        assert suite.failures == sum(isinstance(r, Failure) for r in results)
        assert suite.errors == sum(isinstance(r, Error) for r in results)
        assert suite.skipped == sum(isinstance(r, Skipped) for r in results)
    root = ET.fromstring(text)
    assert root.get("tests") == str(sum(s.tests for s in doc)) == "5"  # 3 rules on family:web, 2 inputs
    assert (root.get("failures"), root.get("errors")) == ("2", "2")


def test_a_case_with_only_a_not_evaluated_result_is_skipped_never_passed(schema):
    where = Location("td.json", 4, None, "family:app")
    td = make_task_definition(
        address="family:app",
        location=where,
        containers=(
            make_container(address="family:app", location=where, privileged=Value.unknown("known after apply", where)),
        ),
    )
    doc = parsed(rendered(run(Inventory(task_definitions=[td], files=["td.json"]), [get_rule("EG602")])), schema)
    (case,) = [c for suite in doc for c in suite]
    (skipped,) = case.result
    assert isinstance(skipped, Skipped) and skipped.message == "not evaluated: known after apply"
    assert not case.is_passed


def test_suppressed_and_baselined_findings_are_skipped_with_the_reason(schema):
    report = sample_report()
    flagged = next(f for f in report.findings if f.rule_id == "EG991")
    privileged = next(f for f in report.findings if f.rule_id == "EG602")
    report.findings = []
    report.suppressed = [Suppressed(flagged, Suppression("inSource", "test data", "web.json", 2))]
    report.baselined, report.baseline_file = [privileged], ".ecs-guard-baseline.json"
    report.notices = [Notice("expired-ignore", ".ecs-guard.yaml: ignores[0] (EG601) expired", ".ecs-guard.yaml")]
    text = rendered(report)
    found = cases(parsed(text, schema))
    (suppressed,) = found[("EG991 flag-family", "family:web")].result
    assert isinstance(suppressed, Skipped)
    assert suppressed.message == "family 'web' is flagged (suppressed by comment at web.json:2: test data)"
    # EG602 on family:web: the finding is baselined, but the container it could not decide is still open
    (privileged_case,) = found[("EG602 privileged-container", "family:web")].result
    assert isinstance(privileged_case, Skipped) and privileged_case.message == "not evaluated: known after apply"
    assert "in the baseline .ecs-guard-baseline.json" in privileged_case.text
    assert "expired-ignore: .ecs-guard.yaml: ignores[0] (EG601) expired" in text  # the inputs suite's system-out


def test_resources_of_two_files_with_one_address_are_two_cases(schema):
    """A Terraform root scanned with its plan: two resources, two cases, named with their file."""
    done = subprocess.run(
        [sys.executable, "-m", "ecs_guard", "scan", "examples/insecure-fargate", "--format", "junit"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    doc = parsed(done.stdout, schema)
    names = [case.name for suite in doc if suite.name == "EG101 public-ip-assigned" for case in suite]
    assert sorted(names) == [
        "Service",  # the CloudFormation template's logical ID
        "arn:aws:ecs:ap-northeast-2:123456789012:service/prod/orders",
        "aws_ecs_service.orders in examples/insecure-fargate/plan.json",
        "aws_ecs_service.orders in examples/insecure-fargate/terraform/main.tf",
    ]
    secrets = next(s for s in doc if s.name == "EG501 plaintext-secret-in-environment")
    assert secrets.failures >= 4 and "DB_PASSWORD" in done.stdout
    for secret in ("Sup3r-S3cret-Passw0rd!", "sk_live_4eC39HqLyjWDarjtT1zdp7dcEXAMPLE", "Sup3r", "4eC39HqLyjWD"):
        assert secret not in done.stdout and secret not in done.stderr


def test_characters_xml_cannot_hold_are_replaced_and_markup_is_escaped(schema):
    name = 'we<b>&"\x00\x1b[31m\x0c'
    where = Location("td.json", 2, None, "family:<x>")
    td = make_task_definition(address="family:<x>", location=where, family=Value(name, where))
    text = rendered(run(Inventory(task_definitions=[td], files=["td.json"]), [FLAG_FAMILY]))
    doc = parsed(text, schema)
    (case,) = [c for suite in doc for c in suite]
    assert case.name == "family:<x>"
    assert case.result[0].message == "family 'we<b>&\"\ufffd\ufffd[31m\ufffd' is flagged"


def test_a_report_without_its_model_has_cases_for_its_results_only(schema):
    report = sample_report()
    report.inventory = None
    found = cases(parsed(rendered(report), schema))
    assert ("EG602 privileged-container", "family:web") in found
    with_model = cases(parsed(rendered(sample_report()), schema))
    assert set(found) == set(with_model)  # every resource of this report has a result


def test_render_is_deterministic_and_ignores_verbose():
    first, second = io.StringIO(), io.StringIO()
    junit.render(sample_report(), first)
    junit.render(sample_report(), second, verbose=True)
    assert first.getvalue() == second.getvalue()
    assert re.match(r'<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ecs-guard"', first.getvalue())


def test_the_cli_offers_the_format():
    assert renderer("junit") is junit.render
