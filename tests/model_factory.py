"""Valid model objects with sensible defaults, for unit tests of rules.

Every ``make_*`` function builds one model entity whose defaults describe a
well-configured resource (so a rule's unit test changes only the one fact
it is about) and takes keyword overrides for any field:

- a plain value is wrapped in a known ``Value`` located at the object's
  location: ``make_container(user="root")``;
- a ``Value`` is used as it is, for the other two states and for lines:
  ``make_container(user=unknown())``, ``make_container(user=absent())``,
  ``make_container(user=val("root", line=7))``;
- ``address`` and ``location`` override where the object is defined.

Defaults are compliant with every built-in rule that is on by default, so a
test that expects a finding proves the override caused it.
"""

from __future__ import annotations

import dataclasses

from ecs_guard.inputs.managed_statements import aws_managed_statements
from ecs_guard.location import Location
from ecs_guard.model import (
    Cluster,
    Container,
    EnvVar,
    Policy,
    Role,
    ScalableTarget,
    ScalingPolicy,
    ScheduledAction,
    Service,
    Statement,
    Subnet,
    TargetGroup,
    TaskDefinition,
    TaskSet,
    Value,
    Volume,
)

PATH = "input.json"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
TASK_DEFINITION_ADDRESS = "family:web"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main"
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/main/web"
UNKNOWN_REASON = "known after apply"


def loc(line: int = 1, address: str = TASK_DEFINITION_ADDRESS, path: str = PATH) -> Location:
    return Location(path, line, None, address)


def val(value, line: int = 1, address: str = TASK_DEFINITION_ADDRESS, literal: bool = True) -> Value:
    """A known Value at a chosen line (set, or absent when value is None)."""
    return Value.qualified(value, loc(line, address), literal=literal)


def absent(line: int = 1, address: str = TASK_DEFINITION_ADDRESS) -> Value:
    """A known-absent Value: the attribute is not written."""
    return Value(None, loc(line, address))


def unknown(reason: str = UNKNOWN_REASON, line: int = 1, address: str = TASK_DEFINITION_ADDRESS) -> Value:
    return Value.unknown(reason, loc(line, address))


def reference(value, line: int = 1, address: str = TASK_DEFINITION_ADDRESS) -> Value:
    """A value written as a reference or expression (var.x, Ref, ${...})."""
    return Value.qualified(value, loc(line, address), literal=False)


def unknown_reference(
    reason: str = "variable has no value", line: int = 1, address: str = TASK_DEFINITION_ADDRESS
) -> Value:
    """A reference whose value is not known (HCL var.x without a default)."""
    return Value.qualified(None, loc(line, address), known=False, reason=reason, literal=False)


def _build(cls, defaults: dict, overrides: dict, address: str):
    """An instance of a model class: defaults, then overrides; plain values of
    Value-typed fields are wrapped in a known Value at the object's location.
    A Value field with neither is absent (known, None), so a new model field
    needs no change here."""
    unknown_fields = set(overrides) - {f.name for f in dataclasses.fields(cls)}
    if unknown_fields:
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(unknown_fields)}")
    address = overrides.pop("address", address)
    location = overrides.pop("location", loc(1, address))
    fields = {**defaults, **overrides}
    value_fields = {f.name for f in dataclasses.fields(cls) if str(f.type).startswith("Value[")}
    for name in value_fields - set(fields):
        fields[name] = None
    for name in value_fields:
        if not isinstance(fields[name], Value):
            fields[name] = Value(fields[name], location)
    return cls(address=address, location=location, **fields)


# ----------------------------------------------------------------- IAM


def make_statement(**overrides) -> Statement:
    """Allow s3:GetObject: a narrow statement."""
    return _build(
        Statement,
        {"effect": "Allow", "actions": ("s3:GetObject",), "not_actions": None},
        overrides,
        "aws_iam_role.task",
    )


def make_policy(**overrides) -> Policy:
    """A customer inline policy with one narrow statement."""
    return _build(
        Policy, {"name": "read-assets", "arn": None, "statements": (make_statement(),)}, overrides, "aws_iam_role.task"
    )


def make_aws_managed_policy(name: str, **overrides) -> Policy:
    """An attached AWS managed policy as the adapters give it: its document is
    not in the input, so its statements come from ecs-guard's table (not
    known when the table does not have it). `name` may include a path."""
    arn = f"arn:aws:iam::aws:policy/{name}"
    statements = aws_managed_statements(arn, arn, loc(address="aws_iam_role.task"))
    defaults = {
        "name": name.rsplit("/", 1)[-1],
        "arn": arn,
        "statements": statements,
        "aws_managed": True,
    }
    return _build(Policy, defaults, overrides, "aws_iam_role.task")


def make_role(**overrides) -> Role:
    """A role with one narrow inline policy."""
    name = overrides.get("name", "web-task")
    name = name.value if isinstance(name, Value) else name
    return _build(
        Role,
        {"name": name, "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}", "policies": (make_policy(),)},
        overrides,
        f"arn:aws:iam::{ACCOUNT}:role/{name}",
    )


# ----------------------------------------------------------------- task definitions


def make_env(name, value, literal: bool = True, line: int = 1, **overrides) -> EnvVar:
    """An `environment` entry; literal=False marks a reference (var.x, Ref).
    `name` and `value` may be Values themselves (unknown(), ...)."""
    name = name if isinstance(name, Value) else val(name, line)
    value = value if isinstance(value, Value) else Value.qualified(value, loc(line), literal=literal)
    return _build(EnvVar, {"name": name, "value": value}, overrides, TASK_DEFINITION_ADDRESS)


def make_container(**overrides) -> Container:
    """A hardened, logged, health-checked Linux container with a pinned image."""
    defaults = {
        "name": "web",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:1.4.2@sha256:" + "a" * 64,
        "essential": True,
        "user": "1000:1000",
        "privileged": None,
        "readonly_root_filesystem": True,
        "log_driver": "awslogs",
        "health_check": True,
        "environment": (),
        "os_family": None,
    }
    return _build(Container, defaults, overrides, TASK_DEFINITION_ADDRESS)


def make_volume(**overrides) -> Volume:
    """An EFS volume with transit encryption on."""
    return _build(
        Volume, {"name": "data", "efs": True, "transit_encryption": "ENABLED"}, overrides, TASK_DEFINITION_ADDRESS
    )


def make_task_definition(**overrides) -> TaskDefinition:
    """A Fargate awsvpc task definition of 0.25 vCPU / 512 MiB with one container and no roles."""
    defaults = {
        "family": "web",
        "network_mode": "awsvpc",
        "requires_compatibilities": ("FARGATE",),
        "cpu": "256",
        "memory": "512",
        "pid_mode": None,
        "os_family": None,
        "containers": (make_container(),),
        "volumes": (),
        "execution_role_ref": None,
        "task_role_ref": None,
        "execution_role": None,
        "task_role": None,
    }
    return _build(TaskDefinition, defaults, overrides, TASK_DEFINITION_ADDRESS)


def with_roles(execution_role: Role | None = None, task_role: Role | None = None, **overrides) -> TaskDefinition:
    """A task definition whose role refs are the given roles' ARNs (None: no role)."""
    return make_task_definition(
        execution_role=execution_role,
        task_role=task_role,
        execution_role_ref=execution_role.arn.value if execution_role else None,
        task_role_ref=task_role.arn.value if task_role else None,
        **overrides,
    )


# ----------------------------------------------------------------- clusters and services


def make_cluster(**overrides) -> Cluster:
    """A cluster with Container Insights on and no ECS Exec configuration."""
    return _build(
        Cluster, {"name": "main", "container_insights": "enabled", "exec_logging": None}, overrides, CLUSTER_ARN
    )


def make_subnet(subnet_id: str = "subnet-0a1", availability_zone: str = f"{REGION}a", **overrides) -> Subnet:
    defaults = {"subnet_id": subnet_id, "availability_zone": availability_zone}
    return _build(Subnet, defaults, overrides, f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}")


def make_target_group(**overrides) -> TargetGroup:
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web/0123456789abcdef"
    return _build(TargetGroup, {"arn": arn, "health_check_enabled": True}, overrides, arn)


def make_scaling_policy(**overrides) -> ScalingPolicy:
    return _build(ScalingPolicy, {"name": "cpu-target-tracking"}, overrides, "aws_appautoscaling_policy.cpu")


def make_scheduled_action(**overrides) -> ScheduledAction:
    return _build(ScheduledAction, {"name": "night-scale-in"}, overrides, "aws_appautoscaling_scheduled_action.night")


def make_scalable_target(**overrides) -> ScalableTarget:
    """service/main/web scaling 2..10 with one target tracking policy."""
    defaults = {
        "resource_id": "service/main/web",
        "min_capacity": 2,
        "max_capacity": 10,
        "policies": (make_scaling_policy(),),
        "scheduled_actions": (),
    }  # wrapped in known Values
    return _build(ScalableTarget, defaults, overrides, "aws_appautoscaling_target.web")


def make_service(**overrides) -> Service:
    """A private REPLICA Fargate service over two AZs behind a health-checked
    target group, with a rollback circuit breaker and autoscaling from 2."""
    defaults = {
        "name": "web",
        "cluster": make_cluster(),
        "task_definition": make_task_definition(),
        "launch_type": "FARGATE",
        "capacity_providers": (),
        "platform_version": None,
        "scheduling_strategy": "REPLICA",
        "desired_count": 2,
        "assign_public_ip": False,
        "subnets": (make_subnet("subnet-0a1", f"{REGION}a"), make_subnet("subnet-0b2", f"{REGION}b")),
        "target_groups": (make_target_group(),),
        "deployment_controller": None,
        "circuit_breaker_enabled": True,
        "circuit_breaker_rollback": True,
        "enable_execute_command": None,
        "scalable_target": make_scalable_target(),
    }
    return _build(Service, defaults, overrides, SERVICE_ARN)


def make_task_set(**overrides) -> TaskSet:
    """A private Fargate task set of the default service (EXTERNAL deployments)."""
    defaults = {
        "service": SERVICE_ARN,
        "task_definition": make_task_definition(),
        "launch_type": "FARGATE",
        "capacity_providers": (),
        "platform_version": None,
        "assign_public_ip": False,
    }
    return _build(TaskSet, defaults, overrides, f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-set/main/web/ecs-svc/1")
