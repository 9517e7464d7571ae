"""The fargate-web scenario written as a CloudFormation template gives the
same findings as its Terraform twin (the committed plan), resource for
resource, and each finding is on the template line a person has to change."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ecs_guard.scan import scan

SCENARIO = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "fargate-web"
TEMPLATE = SCENARIO / "cloudformation" / "template.yaml"

# Terraform address -> the template's logical ID for the same resource.
LOGICAL_IDS = {
    "aws_ecs_cluster.main": "Cluster",
    "aws_ecs_task_definition.legacy": "LegacyTaskDefinition",
    "aws_ecs_service.legacy": "LegacyService",
    "aws_ecs_task_set.canary": "CanaryTaskSet",
    "module.api.aws_ecs_task_definition.this": "ApiTaskDefinition",
    'module.api.aws_ecs_service.this["blue"]': "ApiServiceBlue",
    'module.api.aws_ecs_service.this["green"]': "ApiServiceGreen",
    "module.worker.aws_ecs_task_definition.worker": "WorkerTaskDefinition",
    "module.worker.aws_ecs_service.worker": "WorkerService",
}


def results(paths: list[str]):
    report = scan(paths)
    assert report.problems == [] and report.errors == []
    return report


def test_the_template_gives_the_findings_of_its_terraform_twin():
    plan = results([str(SCENARIO / "plan.json")])
    template = results([str(TEMPLATE)])
    want = Counter((f.rule_id, LOGICAL_IDS[f.resource], f.container) for f in plan.findings)
    got = Counter((f.rule_id, f.resource, f.container) for f in template.findings)
    assert got == want
    assert len(want) >= 15
    assert [n.rule_id for n in template.not_evaluated] == [n.rule_id for n in plan.not_evaluated]


def test_each_finding_is_on_the_line_that_holds_the_cause():
    lines = TEMPLATE.read_text().splitlines()
    template = results([str(TEMPLATE)])
    shown = {(f.rule_id, f.resource, f.container): lines[f.location.line - 1].strip() for f in template.findings}
    assert shown[("EG101", "WorkerService", None)] == "AssignPublicIp: ENABLED"
    assert shown[("EG102", "LegacyTaskDefinition", None)] == "NetworkMode: bridge"
    assert shown[("EG201", "LegacyTaskDefinition", "legacy")] == "Image: registry.example.com/legacy:latest"
    assert shown[("EG302", "ApiTaskDefinition", None)] == "TaskRoleArn: !GetAtt TaskRole.Arn"
    assert shown[("EG401", "ApiServiceGreen", None)] == "HealthCheckEnabled: false"
    assert shown[("EG404", "WorkerService", None)] == "Subnets: [subnet-0a1b2c3d4e5f60718]"
    assert shown[("EG501", "ApiTaskDefinition", "web")] == "- Name: DB_PASSWORD"
    assert shown[("EG601", "LegacyTaskDefinition", "legacy")] == "User: root"
    # a missing setting: at the resource's logical ID (or its container)
    assert shown[("EG407", "WorkerService", None)] == "WorkerService:"
    assert shown[("EG603", "WorkerTaskDefinition", "worker")] == "- Name: worker"
