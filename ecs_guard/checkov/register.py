"""One checkov check per enabled ecs-guard rule, for the terraform,
terraform_plan and cloudformation registries.

Imported only inside checkov's environment (by checks/ecs_guard_checkov_checks.py).
A check's ID is the rule's (EG201), so `#checkov:skip=EG201:reason` and
`--skip-check EG201` work; its severity is the rule's; it runs on the
resource types a rule's findings belong to (a container's findings belong
to its task definition) and answers from ecs-guard's scan of the file
(estate.py, verdict.py). Nothing a check does may raise: checkov would log
the resource's whole configuration (secrets included) and count the check
as UNKNOWN; ecs-guard logs one line instead.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from types import FrameType
from typing import Any

from checkov.cloudformation.checks.resource.base_resource_check import (
    BaseResourceCheck as CloudFormationCheck,
)
from checkov.cloudformation.checks.resource.registry import cfn_registry
from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck as TerraformCheck
from checkov.terraform.checks.resource.registry import resource_registry

from ecs_guard.checkov.estate import estate_of, estate_of_graph
from ecs_guard.checkov.verdict import FAILED, PASSED, Verdict, verdict
from ecs_guard.model import Cluster, Container, Service, TaskDefinition, TaskSet
from ecs_guard.rule import Rule, select_rules

LOG = logging.getLogger("ecs_guard.checkov")

# The resource types a rule's results belong to, per model type it targets.
TERRAFORM_TYPES = {
    Cluster: "aws_ecs_cluster",
    Service: "aws_ecs_service",
    TaskSet: "aws_ecs_task_set",
    TaskDefinition: "aws_ecs_task_definition",
    Container: "aws_ecs_task_definition",
}
CLOUDFORMATION_TYPES = {
    Cluster: "AWS::ECS::Cluster",
    Service: "AWS::ECS::Service",
    TaskSet: "AWS::ECS::TaskSet",
    TaskDefinition: "AWS::ECS::TaskDefinition",
    Container: "AWS::ECS::TaskDefinition",
}
# checkov masks a failed check's `{id}_secret*` conf values in the resource's code
# block only for checks of the SECRETS category: every check is, since any
# failing check prints the code of a resource whose secret EG501 found.
CATEGORIES = [CheckCategories.GENERAL_SECURITY, CheckCategories.SECRETS]

NO_GRAPH = "not evaluated: checkov built no graph of the Terraform source, which ecs-guard reads it from"
_NO_GRAPH_LOGGED: set[str] = set()

_RESULTS = {PASSED: CheckResult.PASSED, FAILED: CheckResult.FAILED}


def register_checks() -> None:
    """Add a check per enabled rule to both registries, unless already there."""
    for rule in select_rules():
        if not _registered(resource_registry, rule.id):
            _terraform_check(rule)
        if not _registered(cfn_registry, rule.id):
            _cloudformation_check(rule)


def _registered(registry: Any, check_id: str) -> bool:
    return any(check.id == check_id for checks in registry.checks.values() for check in checks)


def _settings(rule: Rule, types: dict[type, str]) -> dict[str, Any]:
    return {
        "name": f"{rule.name}: {rule.summary}",
        "id": rule.id,
        "categories": CATEGORIES,
        "supported_resources": sorted({types[t] for t in rule.targets}),
    }


def _answer(check: Any, conf: dict[str, Any], kind: str, source: Any, address: str) -> CheckResult:
    """The rule's verdict for the resource, in checkov's terms, never an
    exception. `source`: the file's path (kind "plan", "cloudformation") or
    checkov's graph (kind "graph")."""
    try:
        if source is None:
            found = Verdict("UNKNOWN", ["not evaluated: ecs-guard could not tell which file checkov is reading"])
            LOG.warning("ecs-guard: %s %s: %s", check.id, check.entity_path, found.details[0])
        else:
            estate = estate_of_graph(source) if kind == "graph" else estate_of(kind, source)
            found = verdict(estate, check.id, address, check.entity_path)
        check.details = found.details
        if found.secrets:
            for number, secret in enumerate(found.secrets):
                conf[f"{check.id}_secret_{number}"] = secret  # checkov masks these in a failed check's code block
            _mask_code_lines(found.secrets)
        return _RESULTS.get(found.result, CheckResult.UNKNOWN)
    except Exception as error:  # a broken rule or bridge never stops checkov; never str(error)
        LOG.error("ecs-guard: %s %s: internal error (%s)", check.id, check.entity_path, type(error).__name__)
        return CheckResult.UNKNOWN


def _answer_from_graph(check: Any, conf: dict[str, Any], address: str) -> CheckResult:
    """Terraform source: answered from the graph checkov's terraform runner
    built of the folder, which its check registry sets on every check it
    runs (`check.graph`, checkov 3.x). Without one (checkov told not to
    build it), every check is UNKNOWN, logged once per file."""
    graph = getattr(check, "graph", None)
    if graph is not None:
        return _answer(check, conf, "graph", graph, address)
    check.details = [NO_GRAPH]
    scanned = check.entity_path.partition(":")[0]
    if scanned not in _NO_GRAPH_LOGGED:  # once per file, not once per rule and resource
        _NO_GRAPH_LOGGED.add(scanned)
        LOG.warning("ecs-guard: %s: every ecs-guard check is %s", scanned, NO_GRAPH)
    return CheckResult.UNKNOWN


def _terraform_check(rule: Rule) -> None:
    class EcsGuardTerraformCheck(TerraformCheck):
        __doc__ = rule.summary

        def __init__(self) -> None:
            super().__init__(**_settings(rule, TERRAFORM_TYPES))
            self.severity = Severities[rule.severity.name]

        def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
            address = str(conf.get("__address__", ""))
            if "__startline__" in conf:  # a plan: checkov's conf names the file
                files = conf.get("__file__") or [None]
                return _answer(self, conf, "plan", files[0], address)
            return _answer_from_graph(self, conf, address)

    EcsGuardTerraformCheck()


def _cloudformation_check(rule: Rule) -> None:
    class EcsGuardCloudFormationCheck(CloudFormationCheck):
        __doc__ = rule.summary

        def __init__(self) -> None:
            super().__init__(**_settings(rule, CLOUDFORMATION_TYPES))
            self.severity = Severities[rule.severity.name]

        def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
            scanned, _, logical_id = self.entity_path.rpartition(f":{self.entity_type}:")
            return _answer(self, conf, "cloudformation", _template_path(scanned), logical_id)

    EcsGuardCloudFormationCheck()


def _template_path(scanned: str) -> str | None:
    """The template's absolute path. checkov hands a CloudFormation check only
    the path relative to its root folder (`/template.yaml`); its runner holds
    the absolute one in `file_abs_path` while it scans the file (checkov 3.x),
    which is where it is read from. A path that exists as given is the fallback."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        found = frame.f_locals.get("file_abs_path")
        if found is not None and str(found).endswith(scanned.lstrip("/")):
            return str(found)
        frame = frame.f_back
    relative = scanned.lstrip("/")
    return os.path.abspath(relative) if os.path.isfile(relative) else None


def _mask_code_lines(secrets: list[str]) -> None:
    """Mask the secrets in the resource's code lines that checkov's runner is
    about to put into every result of this resource. checkov masks a check's
    `_secret_` conf values only in the code block of a FAILED check of the
    SECRETS category; a passed result (in JSON output) and other checks'
    results share the runner's unmasked `entity_code_lines` list (checkov 3.x),
    which is masked here in place, once, for all of them."""
    from checkov.common.util.secrets import omit_multiple_secret_values_from_line

    texts = set()
    for secret in secrets:
        escaped = json.dumps(secret)[1:-1]
        texts.update({secret, escaped, json.dumps(escaped)[1:-1]})
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        lines = frame.f_locals.get("entity_code_lines")
        if isinstance(lines, list):
            for index, (number, line) in enumerate(lines):
                if any(text in line for text in texts):
                    lines[index] = (number, omit_multiple_secret_values_from_line(texts, line))
            return
        frame = frame.f_back
