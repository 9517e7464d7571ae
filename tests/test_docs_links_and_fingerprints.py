"""Each finding's docs link and identity, the same in every output (issue 10, item 9).

SARIF ``helpUri``, the JSON report's ``docs_url`` and the annotations all
name the rule's page from one base URL (ecs_guard.links); the JSON
``fingerprint`` is SARIF's ``partialFingerprints`` value and the baseline's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from model_factory import make_task_definition
from sample_reports import FLAG_FAMILY, sample_report

from ecs_guard.baseline import baseline_document
from ecs_guard.engine import run
from ecs_guard.links import DOCS_BASE_URL, rule_docs_url
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value
from ecs_guard.reporters import json_report, sarif
from ecs_guard.rule import all_rules
from ecs_guard.suppress import Suppressed, Suppression

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "ecs_guard" / "schemas" / "report.schema.json").read_text())


def as_json(report) -> dict:
    stream = io.StringIO()
    json_report.render(report, stream)
    return json.loads(stream.getvalue())


def as_sarif(report) -> dict:
    stream = io.StringIO()
    sarif.render(report, stream)
    return json.loads(stream.getvalue())["runs"][0]


def test_every_rules_docs_link_names_its_page_in_the_repository():
    """The link is the repository address plus the path of docs/rules/EGnnn.md: a page that exists."""
    assert DOCS_BASE_URL.endswith("/blob/main/docs/rules/")
    for rule in all_rules():
        url = rule_docs_url(rule.id)
        assert url.startswith(DOCS_BASE_URL)
        assert (REPO / "docs" / "rules" / url.removeprefix(DOCS_BASE_URL)).is_file(), url


def test_sarif_rules_carry_help_uri():
    run_ = as_sarif(sample_report())
    assert {r["id"]: r["helpUri"] for r in run_["tool"]["driver"]["rules"]} == {
        rule_id: DOCS_BASE_URL + f"{rule_id}.md" for rule_id in ("EG602", "EG991", "EG992")
    }


def test_json_findings_carry_the_sarif_fingerprint_and_docs_link():
    report = sample_report()
    doc, run_ = as_json(report), as_sarif(report)
    by_rule = {r["ruleId"]: r["partialFingerprints"]["ecsGuard/v1"] for r in run_["results"]}
    assert len(by_rule) == len(doc["findings"]) == 2
    for finding in doc["findings"]:
        assert finding["fingerprint"] == by_rule[finding["rule_id"]]
        assert finding["docs_url"] == rule_docs_url(finding["rule_id"])
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)


def test_suppressed_findings_keep_the_fingerprint_they_had_and_match_the_baseline():
    """Fingerprints are numbered over every finding, so suppressing one changes no value."""
    report = sample_report()
    before = {f["rule_id"]: f["fingerprint"] for f in as_json(report)["findings"]}
    assert sorted(e["fingerprint"] for e in baseline_document(report)["findings"]) == sorted(before.values())
    flagged = next(f for f in report.findings if f.rule_id == "EG991")
    report.findings.remove(flagged)
    report.suppressed = [Suppressed(flagged, Suppression("external", "accepted", ".ecs-guard.yaml"))]
    doc = as_json(report)
    assert doc["suppressed"][0]["fingerprint"] == before["EG991"]
    assert doc["findings"][0]["fingerprint"] == before["EG602"]


def twins_report():
    """Two task definitions whose findings differ only by line: fingerprints :1 and :2."""
    tds = [
        make_task_definition(
            address="family:web",
            location=Location("web.json", line, end, "family:web"),
            family=Value("web", Location("web.json", line, end, "family:web")),
        )
        for line, end in ((2, 9), (12, None))
    ]
    return run(Inventory(task_definitions=tds, files=["web.json"]), [FLAG_FAMILY])


def test_end_line_where_known_and_null_elsewhere():
    doc = as_json(twins_report())
    assert [(f["line"], f["end_line"]) for f in doc["findings"]] == [(2, 9), (12, None)]
    assert [f["fingerprint"][-2:] for f in doc["findings"]] == [":1", ":2"]
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)


def test_the_schema_holds_the_new_fields_to_their_shape():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    doc = as_json(twins_report())
    for key, bad in (("fingerprint", "not-a-fingerprint"), ("end_line", 0), ("docs_url", 7)):
        broken = json.loads(json.dumps(doc))
        broken["findings"][0][key] = bad
        assert not validator.is_valid(broken), key
    missing = json.loads(json.dumps(doc))
    del missing["findings"][0]["fingerprint"]
    assert not validator.is_valid(missing)


@pytest.mark.parametrize("format_name", ["json", "sarif", "github", "junit"])
def test_every_machine_format_links_a_real_scans_rules(format_name):
    done = subprocess.run(
        [sys.executable, "-m", "ecs_guard", "scan", "examples/insecure-fargate/taskdef", "--format", format_name],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert rule_docs_url("EG201") in done.stdout
