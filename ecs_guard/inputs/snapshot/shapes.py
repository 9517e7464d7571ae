"""Which AWS CLI output a parsed JSON file is, recognised by its shape.

Snapshot files are named however people or scripts like, so the file name
says nothing; the top-level keys say everything. Each shape is checked
strictly (only the keys that command prints, records that carry the
record's identifying key) so that an unrelated JSON file that happens to
have a ``services`` key (a docker-compose file, say) is not mistaken for
`describe-services` output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from ecs_guard.inputs.jsondocs.lines import JsonText


@dataclass(frozen=True)
class Shape:
    """A kind of input file. ``command`` names what printed it, exactly as
    reasons and messages show it ("ecs describe-services"); ``records`` is the
    top-level key of its list of records, None for one-object outputs."""

    kind: str  # "snapshot", "taskdef", "plan" or "cloudformation"
    command: str
    records: str | None = None


class Document(NamedTuple):
    """A recognised JSON input: its text (for lines), its parsed data, its shape."""

    text: JsonText
    data: Any
    shape: Shape


CLUSTERS = Shape("snapshot", "ecs describe-clusters", "clusters")
SERVICES = Shape("snapshot", "ecs describe-services", "services")
TASK_SETS = Shape("snapshot", "ecs describe-task-sets", "taskSets")
TASK_DEFINITION = Shape("snapshot", "ecs describe-task-definition")
TARGET_GROUPS = Shape("snapshot", "elbv2 describe-target-groups", "TargetGroups")
SUBNETS = Shape("snapshot", "ec2 describe-subnets", "Subnets")
SCALABLE_TARGETS = Shape("snapshot", "application-autoscaling describe-scalable-targets", "ScalableTargets")
SCALING_POLICIES = Shape("snapshot", "application-autoscaling describe-scaling-policies", "ScalingPolicies")
SCHEDULED_ACTIONS = Shape("snapshot", "application-autoscaling describe-scheduled-actions", "ScheduledActions")
AUTHORIZATION_DETAILS = Shape("snapshot", "iam get-account-authorization-details")
ROLE = Shape("snapshot", "iam get-role")
ROLE_POLICY = Shape("snapshot", "iam get-role-policy")
POLICY = Shape("snapshot", "iam get-policy")
LIST_CLUSTERS = Shape("snapshot", "ecs list-clusters", "clusterArns")
LIST_SERVICES = Shape("snapshot", "ecs list-services", "serviceArns")
LIST_TASK_DEFINITIONS = Shape("snapshot", "ecs list-task-definitions", "taskDefinitionArns")
AUDIT_MANIFEST = Shape("snapshot", "ecs-guard audit")

# Keys any output may carry besides its own: paging, and the metadata that
# boto3 adds when a script dumps a response instead of the CLI printing it.
_ANYWHERE = frozenset({"ResponseMetadata", "NextToken", "nextToken", "NextMarker", "Marker", "IsTruncated"})

# Shapes that are one list of records: the keys a record has at least one
# of (None: records are strings, the list-* index outputs), and the other
# top-level keys the command prints.
_LIST_SHAPES: tuple[tuple[Shape, tuple[str, ...] | None, frozenset], ...] = (
    (CLUSTERS, ("clusterArn", "clusterName"), frozenset({"failures"})),
    (SERVICES, ("serviceArn", "serviceName"), frozenset({"failures"})),
    (TASK_SETS, ("taskSetArn", "id"), frozenset({"failures"})),
    (TARGET_GROUPS, ("TargetGroupArn",), frozenset()),
    (SUBNETS, ("SubnetId",), frozenset()),
    (SCALABLE_TARGETS, ("ResourceId",), frozenset()),
    (SCALING_POLICIES, ("PolicyName", "PolicyARN"), frozenset()),
    (SCHEDULED_ACTIONS, ("ScheduledActionName", "ScheduledActionARN"), frozenset()),
    (LIST_CLUSTERS, None, frozenset()),
    (LIST_SERVICES, None, frozenset()),
    (LIST_TASK_DEFINITIONS, None, frozenset()),
)

_AUTHORIZATION_LISTS = frozenset({"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"})
_ROLE_POLICY_KEYS = frozenset({"RoleName", "PolicyName", "PolicyDocument"})


def shape_of(data: Any) -> Shape | None:
    """The snapshot shape of a parsed JSON file, or None when it is none of them."""
    if not isinstance(data, dict):
        return None
    keys = data.keys() - _ANYWHERE
    for shape, id_keys, extra in _LIST_SHAPES:
        if shape.records in keys and keys <= extra | {shape.records} and _records(data[shape.records], id_keys):
            return shape
    if keys <= {"taskDefinition", "tags"} and _object_with(data.get("taskDefinition"), ("containerDefinitions",)):
        return TASK_DEFINITION
    if keys and keys <= _AUTHORIZATION_LISTS and all(isinstance(data[k], list) for k in keys):
        return AUTHORIZATION_DETAILS
    if keys == {"Role"} and _object_with(data["Role"], ("Arn",)):
        return ROLE
    if keys == {"Policy"} and _object_with(data["Policy"], ("Arn",)):
        return POLICY
    if keys == _ROLE_POLICY_KEYS and isinstance(data["RoleName"], str):
        return ROLE_POLICY
    if keys == {"ecsGuardAudit"} and isinstance(data["ecsGuardAudit"], dict):
        return AUDIT_MANIFEST
    return None


def _records(items: Any, id_keys: tuple[str, ...] | None) -> bool:
    if not isinstance(items, list):
        return False
    if id_keys is None:
        return all(isinstance(item, str) for item in items)
    return all(isinstance(item, dict) and not item.keys().isdisjoint(id_keys) for item in items)


def _object_with(value: Any, keys: tuple[str, ...]) -> bool:
    return isinstance(value, dict) and all(k in value for k in keys)
