"""What kind of input a file is, decided by its content, never by its name.

Two steps, because plans are big: a Terraform plan is recognised from the
first few KB of its text (``looks_like_terraform_json`` and
``mentions_plan_keys``), so a 25 MB plan is never
parsed here, only by the plan adapter, once. Everything else is parsed and
recognised from the parsed object (``classify``).
"""

from __future__ import annotations

import re
from typing import Any

from ecs_guard.inputs.snapshot import shapes as snapshot_shapes
from ecs_guard.inputs.snapshot.shapes import Shape

HEAD_BYTES = 8192

TASKDEF = Shape("taskdef", "task definition file")
PLAN = Shape("plan", "terraform show -json")
CLOUDFORMATION = Shape("cloudformation", "CloudFormation template")
CDK_MANIFEST = Shape("cdk-manifest", "CDK cloud assembly manifest")
CFN_PARAMETERS = Shape("cfn-parameters", "CloudFormation parameters file")

_OPENS_OBJECT = re.compile(r"\s*\{")
_PLAN_KEYS = re.compile(r'"(?:planned_values|resource_changes)"\s*:')


def looks_like_terraform_json(head: str) -> bool:
    """`terraform show -json` output, of a plan or of a state: an object with
    format_version and terraform_version (the first keys Terraform writes)."""
    if '"format_version"' not in head:  # the common case, decided without a regex over 8 KB
        return False
    return (
        _OPENS_OBJECT.match(head) is not None
        and re.search(r'"format_version"\s*:', head) is not None
        and re.search(r'"terraform_version"\s*:', head) is not None
    )


def mentions_plan_keys(text: str) -> bool:
    """planned_values / resource_changes: what a plan has and a state has not."""
    return _PLAN_KEYS.search(text) is not None


# Reports that scanners write, ecs-guard's own included (a JSON report, a
# baseline, SARIF): they are often committed or left beside the code they
# describe, and they are recognised, not inputs.
REPORT = Shape("report", "a scanner's report")
_COMMENT_LINE = re.compile(r"^[ \t]*(?://|/\*)", re.M)


def classify(data: Any) -> Shape | None:
    """The shape of a parsed JSON input, or None for JSON ecs-guard does not know."""
    if is_report(data):
        return REPORT
    if is_task_definition_file(data):
        return TASKDEF
    shape = snapshot_shapes.shape_of(data)
    if shape is not None:
        return shape
    if isinstance(data, dict):
        if (
            "format_version" in data
            and "terraform_version" in data
            and ("planned_values" in data or "resource_changes" in data)
        ):
            return PLAN  # a plan whose keys were reordered (jq -S): only seen after parsing
        if _is_cloudformation(data):
            return CLOUDFORMATION
        if is_cloud_assembly_manifest(data):
            return CDK_MANIFEST
    if is_parameters_file(data):
        return CFN_PARAMETERS
    return None


def is_task_definition_file(data: Any) -> bool:
    """A task definition on its own: the `register-task-definition
    --cli-input-json` input (family + containerDefinitions) or the console's
    JSON export (taskDefinitionArn + containerDefinitions). A list of task
    definitions is not one of these forms."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("containerDefinitions"), list)
        and (isinstance(data.get("family"), str) or isinstance(data.get("taskDefinitionArn"), str))
    )


def is_report(data: Any) -> bool:
    """ecs-guard's JSON report or baseline, or any SARIF log."""
    if not isinstance(data, dict):
        return False
    tool = data.get("tool")
    if isinstance(tool, dict) and tool.get("name") == "ecs-guard" and "schema_version" in data:
        return True
    return isinstance(data.get("runs"), list) and str(data.get("version", "")).startswith("2.1")


def has_comment_lines(text: str) -> bool:
    """JSON with comments (tsconfig.json, VS Code settings, devcontainer.json):
    a line that starts with // or /*. No AWS or Terraform output has one."""
    return _COMMENT_LINE.search(text) is not None


def hint_for_unknown(data: Any) -> str:
    """A short hint for JSON that is close to a known input, else ''."""
    if isinstance(data, list) and data and all(is_task_definition_file(item) for item in data):
        return " (a list of task definitions: write one task definition per file)"
    return ""


def _is_cloudformation(data: dict) -> bool:
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    return any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Custom::")) for r in resources.values()
    )


def is_cloud_assembly_manifest(data: Any) -> bool:
    """A CDK cloud assembly manifest: a schema version and a map of typed artifacts."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return False
    artifacts = data.get("artifacts")
    return isinstance(artifacts, dict) and all(isinstance(a, dict) and "type" in a for a in artifacts.values())


_PARAMETERS_FILE_KEYS = frozenset({"Parameters", "Tags", "StackPolicy"})


def is_parameters_file(data: Any) -> bool:
    """CloudFormation parameter values: the AWS CLI's ``[{"ParameterKey",
    "ParameterValue"}]`` or the ``{"Parameters": {...}}`` template
    configuration of CodePipeline and AWS Copilot (which may add ``Tags`` and
    ``StackPolicy``). Read with their template, not on their own."""
    if isinstance(data, list):
        return bool(data) and all(isinstance(p, dict) and "ParameterKey" in p for p in data)
    return (
        isinstance(data, dict)
        and isinstance(data.get("Parameters"), dict)
        and set(data) <= _PARAMETERS_FILE_KEYS
        and all(not isinstance(v, (dict, list)) for v in data["Parameters"].values())
    )
