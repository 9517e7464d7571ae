"""The JSON report: every entry of a Report, in the documented, versioned schema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from sample_reports import CRASH_LINE, clean_report, sample_report

from ecs_guard.reporters import json_report

SCHEMA_PATH = Path(json_report.__file__).resolve().parent.parent / "schemas" / "report.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def rendered(report, verbose=False) -> dict:
    stream = io.StringIO()
    json_report.render(report, stream, verbose=verbose)
    return json.loads(stream.getvalue())


def test_output_validates_against_the_published_schema(validator):
    for report in (sample_report(), clean_report()):
        validator.validate(rendered(report))


def test_schema_rejects_a_document_with_a_misspelt_field(validator):
    doc = rendered(sample_report())
    doc["findings"][0]["rule"] = doc["findings"][0].pop("rule_id")
    assert not validator.is_valid(doc)


def test_header_and_summary():
    doc = rendered(sample_report())
    assert doc["schema_version"] == json_report.SCHEMA_VERSION == 1
    assert doc["tool"]["name"] == "ecs-guard"
    assert doc["summary"] == {
        "findings": 2,
        "by_severity": {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0},
        "not_evaluated": 1,
        "rule_errors": 1,
        "inputs_unreadable": 1,
        "inputs_not_understood": 1,
        "evaluation_notes": 0,
        "files_scanned": 1,
        "paths_skipped": 0,
        "rules_run": 3,
    }
    assert [r["id"] for r in doc["rules"]] == ["EG602", "EG991", "EG992"]
    assert doc["files"] == ["web.json"]


def test_findings_carry_rule_resource_container_file_and_line():
    doc = rendered(sample_report())
    privileged = next(f for f in doc["findings"] if f["rule_id"] == "EG602")
    assert privileged.pop("fingerprint").endswith(":1")  # its value: tests/test_docs_links_and_fingerprints.py
    assert privileged == {
        "rule_id": "EG602",
        "rule_name": "privileged-container",
        "severity": "high",
        "message": "container 'web' runs privileged",
        "resource": "family:web",
        "root": None,
        "container": "web",
        "file": "web.json",
        "line": 7,
        "end_line": None,
        "docs_url": "https://github.com/ORG/ecs-guard/blob/main/docs/rules/EG602.md",
        "related": [],
    }
    flagged = next(f for f in doc["findings"] if f["rule_id"] == "EG991")
    assert flagged["container"] is None and flagged["line"] == 2


def test_not_evaluated_errors_and_input_problems_are_listed_even_without_verbose():
    doc = rendered(sample_report(), verbose=False)
    assert doc["not_evaluated"] == [
        {
            "rule_id": "EG602",
            "rule_name": "privileged-container",
            "resource": "family:web",
            "container": "side",
            "reason": "known after apply",
            "file": "web.json",
            "line": 14,
        }
    ]
    assert doc["errors"] == [
        {
            "rule_id": "EG992",
            "resource": "family:web",
            "message": f"KeyError at sample_reports.py:{CRASH_LINE}",
            "file": "web.json",
            "line": 2,
        }
    ]
    assert doc["input_problems"] == [
        {"kind": "unreadable", "file": "broken.json", "line": 3, "message": "not valid JSON: Expecting value"},
        {"kind": "not-understood", "file": "notes.json", "line": None, "message": "not an input ecs-guard knows"},
    ]


def test_clean_report_has_empty_lists():
    doc = rendered(clean_report())
    assert doc["summary"]["findings"] == 0
    assert doc["findings"] == doc["not_evaluated"] == doc["errors"] == doc["input_problems"] == []


def test_each_finding_is_on_a_line_of_its_own():
    """Reports of large estates are grepped and diffed: one entry per line."""
    from ecs_guard.reporters.json_report import one_entry_per_line

    doc = {
        "schema_version": 1,
        "findings": [{"rule_id": "EG101", "line": 3}, {"rule_id": "EG201", "line": 9}],
        "notices": [],
    }
    text = one_entry_per_line(doc)
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert '    {"rule_id": "EG101", "line": 3},' in lines and '    {"rule_id": "EG201", "line": 9}' in lines
    assert '  "notices": []' in lines


def test_a_long_list_written_in_pieces_is_one_entry_per_line_all_the_same():
    """Entries are encoded and written a few hundred at a time: the pieces
    join into the same document, with no entry split or lost at their seams."""
    from ecs_guard.reporters.json_report import _ENTRIES_PER_PIECE, one_entry_per_line

    count = 2 * _ENTRIES_PER_PIECE + 1
    doc = {"findings": [{"rule_id": "EG101", "line": n} for n in range(count)], "files": ["a.json"]}
    text = one_entry_per_line(doc)
    assert json.loads(text) == doc
    lines = text.splitlines()
    assert lines[1] == '  "findings": ['
    assert lines[2 : 2 + count] == [f'    {{"rule_id": "EG101", "line": {n}}},' for n in range(count - 1)] + [
        f'    {{"rule_id": "EG101", "line": {count - 1}}}'
    ]


ODD_VALUES = {
    "message": 'quotes " and \\ backslashes, tabs\t, é, 日本, \u2028',
    "line": 7,
    "container": None,
    "ratio": 0.1,
    "flags": [True, False],
    "nested": {"k": ["v", 1]},
}


@pytest.mark.parametrize("root", ["", "envs/prod"])
@pytest.mark.parametrize("container", [None, 'w"eb \u2028'])
def test_a_finding_entry_is_what_json_dumps_writes_of_its_fields(root, container):
    """Finding entries are written directly as text (with each distinct string
    encoded once): the same text json.dumps gives the same object, on odd
    strings, absent values, end lines and related locations alike."""
    from ecs_guard.links import rule_docs_url
    from ecs_guard.location import Location
    from ecs_guard.results import Finding, Severity

    used = (Location("modules/app/main.tf", 12), Location('we"ird/é.tf', 0))
    located = Location('vars/日本 "x".tfvars', 3, end_line=9, related=used)
    finding = Finding(ODD_VALUES["message"], located, container, Severity.HIGH, "EG602", "aws_ecs_task_definition.x")
    finding.root = root
    names, prints = {"EG602": "privileged-container"}, {id(finding): "ab\\c:1"}
    expected = {
        "rule_id": "EG602",
        "rule_name": "privileged-container",
        "severity": "high",
        "message": ODD_VALUES["message"],
        "resource": "aws_ecs_task_definition.x",
        "root": root or None,
        "container": container,
        "file": 'vars/日本 "x".tfvars',
        "line": 3,
        "end_line": 9,
        "fingerprint": "ab\\c:1",
        "docs_url": rule_docs_url("EG602"),
        "related": [{"file": "modules/app/main.tf", "line": 12}, {"file": 'we"ird/é.tf', "line": 1}],
    }
    strings, urls = json_report._Strings(), json_report._DocsUrls()
    assert json_report._finding(finding, names, prints, strings, urls) == json.dumps(expected, ensure_ascii=False)
    located.end_line, located.related = 2, ()  # an end before the start is no end; nothing related
    expected |= {"end_line": None, "related": []}
    assert json_report._finding(finding, names, prints, strings, urls) == json.dumps(expected, ensure_ascii=False)
    why = SimpleNamespace(kind="inline", justification='a "reason"', path="main.tf", line=4)
    suppressed = json_report._suppressed(
        SimpleNamespace(finding=finding, suppression=why), names, prints, strings, urls
    )
    suppression = {"kind": "inline", "reason": 'a "reason"', "file": "main.tf", "line": 4}
    assert suppressed == json.dumps({**expected, "suppression": suppression}, ensure_ascii=False)


@pytest.mark.parametrize("c_encoder", [True, False], ids=["C encoder", "pure Python"])
def test_entries_are_encoded_as_json_dumps_would(monkeypatch, c_encoder):
    expected = json.dumps(ODD_VALUES, ensure_ascii=False)
    if not c_encoder:
        monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    encode = json_report._entry_encoder()
    assert encode(ODD_VALUES) == expected
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"where": object()})
