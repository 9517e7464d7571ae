"""The JSON types AWS gives the fields ecs-guard reads, checked before a file is read.

The readers take an AWS document's fields as AWS prints them: an ARN or a
name is a string, ``containerDefinitions`` a list, ``privileged`` a bool.
A hand-edited or truncated file can break that (a ``clusterArn`` that is a
number), and a value of the wrong type deep in the model fails far from
its cause (an AttributeError in linking, a TypeError in a report). So a
file is checked here first: a field of the wrong type makes the file one
problem naming the field and its line, and the scan goes on without it.

Only fields whose type AWS fixes are listed; ``null`` is accepted
everywhere (the CLI prints it for absent values). The walk is iterative:
a deeply nested file costs no recursion.
"""

from __future__ import annotations

import json
from typing import Any

_STRING = (str,)
_NUMBER = (int, float)
_BOOL = (bool,)
_LIST = (list,)
_OBJECT = (dict,)

# Fields by name, wherever they appear in an ECS, ELB, EC2, IAM or
# Application Auto Scaling document.
_FIELDS: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(
        (
            "name",
            "image",
            "family",
            "user",
            "networkMode",
            "pidMode",
            "ipcMode",
            "launchType",
            "platformVersion",
            "platformFamily",
            "schedulingStrategy",
            "status",
            "serviceName",
            "clusterName",
            "taskDefinition",
            "cluster",
            "assignPublicIp",
            "logDriver",
            "value",
            "valueFrom",
            "containerName",
            "targetGroupName",
            "loadBalancerName",
            "availabilityZone",
            "availabilityZoneId",
            "subnetId",
            "vpcId",
            "ResourceId",
            "ScalableDimension",
            "ServiceNamespace",
            "PolicyName",
            "PolicyType",
            "RoleName",
            "PolicyArn",
            "Arn",
            "Path",
            "UserName",
            "GroupName",
            "VersionId",
            "HealthCheckProtocol",
            "TargetType",
            "Protocol",
        ),
        _STRING,
    ),
    **dict.fromkeys(
        (
            "privileged",
            "essential",
            "readonlyRootFilesystem",
            "enabled",
            "rollback",
            "enable",
            "HealthCheckEnabled",
            "IsDefaultVersion",
            "initProcessEnabled",
        ),
        _BOOL,
    ),
    **dict.fromkeys(
        (
            "desiredCount",
            "runningCount",
            "pendingCount",
            "revision",
            "MinCapacity",
            "MaxCapacity",
            "containerPort",
            "hostPort",
        ),
        _NUMBER,
    ),
    **dict.fromkeys(
        (
            "containerDefinitions",
            "environment",
            "secrets",
            "services",
            "clusters",
            "taskSets",
            "subnets",
            "securityGroups",
            "loadBalancers",
            "settings",
            "volumes",
            "requiresCompatibilities",
            "compatibilities",
            "capacityProviderStrategy",
            "ScalableTargets",
            "ScalingPolicies",
            "ScheduledActions",
            "TargetGroups",
            "Subnets",
            "RoleDetailList",
            "Policies",
            "PolicyVersionList",
            "RolePolicyList",
            "AttachedManagedPolicies",
            "failures",
        ),
        _LIST,
    ),
    **dict.fromkeys(
        (
            "taskDefinition",
            "networkConfiguration",
            "awsvpcConfiguration",
            "deploymentConfiguration",
            "deploymentCircuitBreaker",
            "deploymentController",
            "logConfiguration",
            "healthCheck",
            "linuxParameters",
            "runtimePlatform",
        ),
        _OBJECT,
    ),
}
# "taskDefinition" is a string (an ARN) in a service and an object in
# describe-task-definition output: both are accepted.
_FIELDS["taskDefinition"] = (str, dict)
# "value" is a string in environment entries and settings; numbers and bools
# also occur (tags, a setting's value): accepted as written scalars.
_FIELDS["value"] = (str, int, float, bool)
# cpu and memory are strings for a task ("512", "1 vCPU") and numbers for a container.
_FIELDS["cpu"] = _FIELDS["memory"] = (str, int, float)
_ENDINGS: tuple[tuple[str, tuple[type, ...]], ...] = (("Arn", _STRING), ("Arns", _LIST))
_NAMES = {str: "a string", int: "a number", float: "a number", bool: "a bool", list: "a list", dict: "an object"}


class FieldTypes:
    """Checks the type of every field while json.loads builds the objects
    (``check.loads(text)``, or ``json.loads(text, object_hook=check.see)``):
    `wrong` says whether any field had the wrong type, and wrong_type() then
    says which and where.

    Every value of every snapshot file passes here, so the common case costs
    little: one dictionary lookup per key (most objects have one to three)
    finds the classes a field may have, and json.loads makes only exact
    built-in classes, so one membership test checks it. No walk, no path."""

    __slots__ = ("_decode", "wrong")

    def __init__(self) -> None:
        self.wrong = False
        # one decoder for every file of a scan: json.loads with a hook makes
        # a decoder and its scanner per call (4 ms of a 2,000-file snapshot)
        self._decode = json.JSONDecoder(object_hook=self.see).decode

    def loads(self, text: str) -> Any:
        """json.loads(text), checking every object on the way: `wrong` then says
        whether this text had a field of the wrong type."""
        self.wrong = False
        return self._decode(text)

    def see(self, obj: dict) -> dict:
        for key, value in obj.items():
            allowed = _classes_of(key, _UNSEEN)
            if allowed is None:  # a field of any type
                continue
            if allowed is _UNSEEN:
                allowed = _learn(key)
                if allowed is None:
                    continue
            if value.__class__ not in allowed:
                self.wrong = True
                break
        return obj


# key -> the classes its value may have (None among them), or None for any:
# learnt from the keys met, a bounded number (keys come from the input).
_CLASSES: dict[Any, frozenset[type] | None] = {}
_classes_of = _CLASSES.get
_UNSEEN: frozenset[type] = frozenset()  # _classes_of's answer for a key not learnt yet
_MAX_KEYS_REMEMBERED = 10_000


def _learn(key: Any) -> frozenset[type] | None:
    if len(_CLASSES) >= _MAX_KEYS_REMEMBERED:
        _CLASSES.clear()
    expected = _expected(key) if isinstance(key, str) else None
    # exact classes: a bool is an int to Python, never a number to AWS
    allowed = None if expected is None else frozenset((*expected, type(None)))
    _CLASSES[key] = allowed
    return allowed


def wrong_type(data: Any) -> tuple[tuple, str, str] | None:
    """(JSON path, expected, found) of the first field of the wrong type, or
    None. A walk of the whole document: FieldTypes tells, at less cost,
    whether there is one."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                expected = _expected(key)
                if expected is not None and value is not None and not _is(value, expected):
                    return (*path, key), _describe(expected), _type_name(value)
                if isinstance(value, (dict, list)):
                    stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, index), value) for index, value in enumerate(node) if isinstance(value, (dict, list)))
    return None


def dotted(path: tuple) -> str:
    """("services", 0, "clusterArn") -> "services[0].clusterArn"."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _expected(key: str) -> tuple[type, ...] | None:
    found = _FIELDS.get(key)
    if found is not None:
        return found
    for ending, types in _ENDINGS:
        if key.endswith(ending):
            return types
    return None


def _is(value: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # a bool is an int to Python, never a number to AWS
        return bool in expected
    return isinstance(value, expected)


def _describe(expected: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys(_NAMES[kind] for kind in expected))


def _type_name(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)
