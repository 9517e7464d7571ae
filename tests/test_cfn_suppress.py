"""Suppressions in CloudFormation templates: ``# ecs-guard:ignore`` comments in
YAML (on the property's line, on the resource's line, or alone above either)
and ``Metadata: {ecs-guard: {ignore: [...]}}`` in any template (JSON has no
comments; the CDK writes metadata), shown as SARIF ``inSource`` suppressions."""

from __future__ import annotations

import io
import json

from test_cfn_adapter import task, write

from ecs_guard.config import Config
from ecs_guard.reporters import sarif
from ecs_guard.scan import configured_scan

# task(): line 7 "  Task:" (the logical ID), line 18 "Image: ..."


def scanned(tmp_path, monkeypatch, text: str, name: str = "template.yaml"):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text, name)
    return configured_scan(["."], Config())


def rule_ids(findings) -> list[str]:
    return sorted({f.rule_id for f in findings})


def test_a_comment_on_the_property_line_suppresses_that_finding_only(tmp_path, monkeypatch):
    text = task(image="nginx:latest  # ecs-guard:ignore EG201,EG202 rebuilt nightly from a pinned base")
    report = scanned(tmp_path, monkeypatch, text)
    assert [
        (s.finding.rule_id, s.suppression.kind, s.suppression.justification, s.suppression.line)
        for s in report.suppressed
    ] == [("EG201", "inSource", "rebuilt nightly from a pinned base", 18)]
    assert "EG201" not in rule_ids(report.findings)
    assert "EG601" in rule_ids(report.findings)  # other findings of the same container stay


def test_a_comment_on_or_above_the_resource_line_covers_the_whole_resource(tmp_path, monkeypatch):
    for text in (
        task(image="nginx:latest").replace("  Task:\n", "  Task:  # ecs-guard:ignore EG2 -- a demo image\n"),
        task(image="nginx:latest").replace("  Task:\n", "  # ecs-guard:ignore EG2 a demo image\n  Task:\n"),
    ):
        report = scanned(tmp_path, monkeypatch, text)
        assert [(s.finding.rule_id, s.suppression.justification) for s in report.suppressed] == [
            ("EG201", "a demo image")
        ]
        assert not any(f.rule_id.startswith("EG2") for f in report.findings)


def test_a_comment_in_another_resource_does_not_count(tmp_path, monkeypatch):
    text = task(image="nginx:latest").replace("  Role:\n", "  Role:  # ecs-guard:ignore EG201 not this one\n")
    report = scanned(tmp_path, monkeypatch, text)
    assert report.suppressed == []
    assert "EG201" in rule_ids(report.findings)


def _json_template(metadata: object) -> str:
    template = {
        "Resources": {
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Metadata": {"aws:cdk:path": "App/Task/Resource", "ecs-guard": metadata},
                "Properties": {
                    "NetworkMode": "awsvpc",
                    "RequiresCompatibilities": ["FARGATE"],
                    "Cpu": "256",
                    "Memory": "512",
                    "ContainerDefinitions": [{"Name": "web", "Image": "nginx:latest"}],
                },
            }
        }
    }
    return json.dumps(template, indent=2)


def test_metadata_ignores_in_a_json_template_are_sarif_suppressions(tmp_path, monkeypatch):
    metadata = {"ignore": [{"rule": "EG201", "reason": "demo image"}, {"rule": ["EG202", "EG6"], "reason": "demo"}]}
    report = scanned(tmp_path, monkeypatch, _json_template(metadata), "stack.json")
    suppressed = {s.finding.rule_id: s.suppression for s in report.suppressed}
    assert sorted(suppressed) == ["EG201", "EG601", "EG603"]
    assert suppressed["EG201"].justification == "demo image"
    assert (suppressed["EG201"].path, suppressed["EG201"].line) == ("stack.json", 9)  # the entry's line
    assert not any(f.rule_id == "EG201" or f.rule_id.startswith("EG6") for f in report.findings)
    assert report.notices == []
    stream = io.StringIO()
    sarif.render(report, stream)
    results = json.loads(stream.getvalue())["runs"][0]["results"]
    [eg201] = [r for r in results if r["ruleId"] == "EG201"]
    assert eg201["suppressions"][0]["kind"] == "inSource"
    assert eg201["suppressions"][0]["justification"] == "demo image"
    assert eg201["suppressions"][0]["location"]["physicalLocation"]["region"]["startLine"] == 9


def test_metadata_ignores_in_yaml_too(tmp_path, monkeypatch):
    text = task(image="nginx:latest").replace(
        "    Type: AWS::ECS::TaskDefinition\n",
        "    Type: AWS::ECS::TaskDefinition\n    Metadata:\n      ecs-guard:\n        ignore:\n"
        "          - {rule: EG201, reason: demo image}\n",
    )
    report = scanned(tmp_path, monkeypatch, text)
    assert [(s.finding.rule_id, s.suppression.line) for s in report.suppressed] == [("EG201", 12)]


def test_metadata_without_a_reason_or_a_rule_is_noticed(tmp_path, monkeypatch):
    metadata = {"ignore": [{"rule": "EG201"}, {"rule": "EG999", "reason": "x"}, {"reason": "no rule"}]}
    report = scanned(tmp_path, monkeypatch, _json_template(metadata), "stack.json")
    assert [s.finding.rule_id for s in report.suppressed] == ["EG201"]  # applied, and noticed
    assert sorted(n.kind for n in report.notices) == [
        "suppression-without-reason",
        "unknown-rule-in-suppression",
        "unknown-rule-in-suppression",
    ]
    report = scanned(tmp_path, monkeypatch, _json_template("EG201"), "stack.json")
    assert report.suppressed == []
    assert [n.kind for n in report.notices] == ["unknown-rule-in-suppression"]
