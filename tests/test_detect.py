"""Inputs are recognised by their content: plans from their first bytes,
everything else from the parsed object, strictly enough that unrelated
JSON is not mistaken for an ECS input."""

from __future__ import annotations

import json

import pytest
from input_helpers import ROOT, SNAPSHOTS, TASKDEFS

from ecs_guard.inputs import detect
from ecs_guard.inputs.snapshot import shapes

PLAN = ROOT / "examples" / "insecure-fargate" / "plan.json"


def _load(path):
    return json.loads(path.read_text())


# ----------------------------------------------------------------- plans, from the head of the text


def test_a_real_plan_is_recognised_from_its_first_kilobytes():
    head = PLAN.read_bytes()[: detect.HEAD_BYTES].decode("utf-8", "ignore")
    assert detect.looks_like_terraform_json(head) and detect.mentions_plan_keys(head)


def test_a_terraform_state_is_terraform_json_but_not_a_plan():
    head = '{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{"resources":[]}}}'
    assert detect.looks_like_terraform_json(head)
    assert not detect.mentions_plan_keys(head)


def test_plan_keys_beyond_the_head_are_not_seen_in_the_head():
    head = '{"format_version":"1.2","terraform_version":"1.9.5","variables":{"big":{"value":"' + "x" * 9000
    assert detect.looks_like_terraform_json(head[: detect.HEAD_BYTES])
    assert not detect.mentions_plan_keys(head[: detect.HEAD_BYTES])
    assert detect.mentions_plan_keys('..."}},"planned_values":{"root_module":{}}')


@pytest.mark.parametrize(
    "text",
    [
        '{"family": "web", "containerDefinitions": []}',
        '[{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {}}]',
        "format_version terraform_version planned_values",
    ],
)
def test_other_text_is_not_a_plan(text):
    assert not (detect.looks_like_terraform_json(text) and detect.mentions_plan_keys(text))


def test_a_plan_with_sorted_keys_is_recognised_once_parsed():
    plan = {"configuration": {}, "format_version": "1.2", "planned_values": {}, "terraform_version": "1.9.5"}
    assert detect.classify(plan) is detect.PLAN


# ----------------------------------------------------------------- snapshot files, by shape


@pytest.mark.parametrize(
    "name, shape",
    [
        ("shop-account/describe-clusters.json", shapes.CLUSTERS),
        ("shop-account/describe-services-0001.json", shapes.SERVICES),
        ("shop-account/describe-task-sets.json", shapes.TASK_SETS),
        ("shop-account/describe-task-definition-web-12.json", shapes.TASK_DEFINITION),
        ("shop-account/describe-target-groups.json", shapes.TARGET_GROUPS),
        ("shop-account/describe-subnets.json", shapes.SUBNETS),
        ("shop-account/describe-scalable-targets.json", shapes.SCALABLE_TARGETS),
        ("shop-account/describe-scaling-policies.json", shapes.SCALING_POLICIES),
        ("shop-account/describe-scheduled-actions.json", shapes.SCHEDULED_ACTIONS),
        ("shop-account/get-account-authorization-details.json", shapes.AUTHORIZATION_DETAILS),
        ("shop-account/list-clusters.json", shapes.LIST_CLUSTERS),
        ("shop-account/list-services-prod.json", shapes.LIST_SERVICES),
        ("iam-pieces/get-role-legacy-exec.json", shapes.ROLE),
        ("iam-pieces/get-role-policy-legacy-exec-pull.json", shapes.ROLE_POLICY),
        ("iam-pieces/get-policy-legacy-extra.json", shapes.POLICY),
        ("audit-two-regions/ecs-guard-audit.json", shapes.AUDIT_MANIFEST),
    ],
)
def test_each_cli_output_is_recognised_by_its_shape(name, shape):
    found = detect.classify(_load(SNAPSHOTS / name))
    assert found is shape
    assert found.kind == "snapshot"


@pytest.mark.parametrize(
    "data, shape",
    [
        ({"services": [], "failures": []}, shapes.SERVICES),
        ({"ScalableTargets": [], "NextToken": "abc"}, shapes.SCALABLE_TARGETS),
        ({"taskDefinitionArns": []}, shapes.LIST_TASK_DEFINITIONS),
        ({"Policies": []}, shapes.AUTHORIZATION_DETAILS),  # --filter LocalManagedPolicy
        # what a script gets from boto3 and dumps as it is
        (
            {
                "clusters": [{"clusterArn": "arn:aws:ecs:eu-west-1:1:cluster/a"}],
                "failures": [],
                "ResponseMetadata": {"RequestId": "0f", "HTTPStatusCode": 200},
            },
            shapes.CLUSTERS,
        ),
    ],
)
def test_empty_paged_and_boto3_outputs_are_recognised(data, shape):
    assert detect.classify(data) is shape


@pytest.mark.parametrize(
    "data",
    [
        {"services": {"web": {"image": "nginx"}}},  # docker-compose
        {"services": [{"image": "nginx"}]},  # records without an id
        {"services": [], "version": "3.8"},  # a key describe-services never prints
        {"name": "shop", "version": "1.0.0", "dependencies": {}},  # package.json
        {"Role": {"RoleName": "x"}},  # get-role without an Arn
        {"ecsGuardAudit": "yes"},
        {"clusterArns": [{"arn": "x"}]},
        [],
        "a string",
        {},
    ],
)
def test_unrelated_json_is_not_recognised(data):
    assert detect.classify(data) is None


# ----------------------------------------------------------------- task definitions


@pytest.mark.parametrize("name", ["register-input.json", "console-export.json"])
def test_task_definition_files_are_taskdef_kind(name):
    assert detect.classify(_load(TASKDEFS / name)) is detect.TASKDEF


def test_describe_task_definition_output_is_a_snapshot_file():
    assert detect.classify(_load(TASKDEFS / "describe-output.json")) is shapes.TASK_DEFINITION


def test_a_console_export_without_family_is_still_a_task_definition():
    assert (
        detect.classify(
            {"taskDefinitionArn": "arn:aws:ecs:eu-west-1:1:task-definition/x:1", "containerDefinitions": []}
        )
        is detect.TASKDEF
    )


def test_a_list_of_task_definitions_is_not_a_known_form_and_says_why():
    data = [_load(TASKDEFS / "register-input.json"), _load(TASKDEFS / "console-export.json")]
    assert detect.classify(data) is None
    assert "one task definition per file" in detect.hint_for_unknown(data)
    assert detect.hint_for_unknown({"name": "x"}) == ""


def test_a_cloudformation_template_is_recognised_as_such():
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {}}},
    }
    assert detect.classify(template) is detect.CLOUDFORMATION
    cdk_output = {"Resources": {"Service": {"Type": "AWS::ECS::Service"}}}
    assert detect.classify(cdk_output) is detect.CLOUDFORMATION


def test_reports_of_scanners_are_recognised_not_inputs(tmp_path, monkeypatch):
    """A JSON report, a baseline or a SARIF log left beside the code is no
    ECS input, and is not reported as one ecs-guard does not understand."""
    from ecs_guard.cli import main
    from ecs_guard.scan import scan

    monkeypatch.chdir(tmp_path)
    (tmp_path / "web.json").write_text('{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx"}]}')
    for fmt in ("json", "sarif"):
        assert main(["scan", "web.json", "--format", fmt, "-o", f"report.{fmt}"]) == 1
    assert main(["baseline", "web.json"]) == 0
    (tmp_path / "other-tool.sarif.json").write_text('{"version": "2.1.0", "runs": []}')
    report = scan(["."])
    assert report.problems == [] and report.files == ["web.json"]


def test_json_with_comments_found_in_a_folder_is_not_understood_not_unreadable(tmp_path):
    from ecs_guard.scan import scan

    (tmp_path / "tsconfig.json").write_text('{\n  // the compiler\n  "compilerOptions": {}\n}\n')
    (tmp_path / "broken.json").write_text('{"family": "web",\n}\n')
    problems = {p.path.rsplit("/", 1)[-1]: p for p in scan([str(tmp_path)]).problems}
    assert problems["tsconfig.json"].kind == "not-understood"
    assert "comments" in problems["tsconfig.json"].message
    # the line Python's JSON parser names (the closing brace up to 3.12, the trailing comma from 3.13)
    try:
        json.loads('{"family": "web",\n}\n')
    except json.JSONDecodeError as error:
        expected_line = error.lineno
    assert problems["broken.json"].kind == "unreadable" and problems["broken.json"].line == expected_line
