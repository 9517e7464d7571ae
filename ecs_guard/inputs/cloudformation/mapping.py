"""Which CloudFormation resource becomes which Terraform-shaped record, and
how its properties map to the AWS provider's attributes.

One function per resource type: it reads the properties through a
RecordBuilder and names the provider attribute each becomes, so the
builders of terraform/build/ (and through them every rule) read a template
exactly as they read a plan. Resource types not listed here are kept only
as names that references can point at (``KIND_PREFIX``): a role ARN
``!GetAtt`` of a custom resource is "not in the template", not a mystery.

Where CloudFormation and the provider differ in shape:

- ``AWS::IAM::Policy`` names its roles in a list; the provider's
  ``aws_iam_role_policy`` has one: one record per role;
- ``AWS::IAM::ManagedPolicy`` is the policy and, through ``Roles``, its
  attachment (an ``aws_iam_policy_attachment`` record beside it);
- a scalable target's ``ScheduledActions`` are scheduled action records
  acting on it;
- a scaling policy that names its target by ``ScalingTargetId`` refers to
  it as the provider's policy refers to ``aws_appautoscaling_target.x``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ecs_guard.inputs.cloudformation.records import (
    RecordBuilder,
    TemplateResource,
    as_bool,
    as_int,
    as_text,
    new_record,
    public_ip,
)
from ecs_guard.inputs.unknown import Unknown, first_unknown

KIND_PREFIX = "cloudformation_"  # the placeholder kind of a resource type not modelled

KINDS = {
    "AWS::ECS::Cluster": "aws_ecs_cluster",
    "AWS::ECS::TaskDefinition": "aws_ecs_task_definition",
    "AWS::ECS::Service": "aws_ecs_service",
    "AWS::ECS::TaskSet": "aws_ecs_task_set",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::Policy": "aws_iam_role_policy",
    "AWS::IAM::ManagedPolicy": "aws_iam_policy",
    "AWS::ApplicationAutoScaling::ScalableTarget": "aws_appautoscaling_target",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "aws_appautoscaling_policy",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "aws_lb_target_group",
    "AWS::EC2::Subnet": "aws_subnet",
}


def reference_kind(resource_type: str) -> str:
    """The kind in the reference strings to a resource of this type."""
    return KINDS.get(resource_type) or KIND_PREFIX + resource_type.replace("::", "_").lower()


Make = Callable[[str, int | None], RecordBuilder]  # (kind, index) -> a builder of a new record


def cluster(make: Make) -> list[RecordBuilder]:
    b = make("aws_ecs_cluster", None)
    b.put("name", "ClusterName")
    b.block("setting", ("ClusterSettings",), {"name": "Name", "value": "Value"}, many=True)
    b.block(
        "configuration",
        ("Configuration",),
        {"execute_command_configuration": ("ExecuteCommandConfiguration", {"logging": "Logging"})},
    )
    return [b]


def task_definition(make: Make) -> list[RecordBuilder]:
    b = make("aws_ecs_task_definition", None)
    b.put("family", "Family")
    b.put("network_mode", "NetworkMode")
    b.put("requires_compatibilities", "RequiresCompatibilities")
    b.put("cpu", "Cpu", coerce=as_text)
    b.put("memory", "Memory", coerce=as_text)
    b.put("pid_mode", "PidMode")
    b.block(
        "runtime_platform",
        ("RuntimePlatform",),
        {"operating_system_family": "OperatingSystemFamily", "cpu_architecture": "CpuArchitecture"},
    )
    b.json_attribute("container_definitions", "ContainerDefinitions", style="camel")
    b.block(
        "volume",
        ("Volumes",),
        {
            "name": "Name",
            "efs_volume_configuration": (
                "EFSVolumeConfiguration",
                {"file_system_id": "FilesystemId", "transit_encryption": "TransitEncryption"},
            ),
        },
        many=True,
    )
    b.put("execution_role_arn", "ExecutionRoleArn")
    b.put("task_role_arn", "TaskRoleArn")
    return [b]


_PLACEMENT_FIELDS = {
    "capacity_provider": "CapacityProvider",
    "weight": ("Weight", as_int),
    "base": ("Base", as_int),
}


def _placement(b: RecordBuilder) -> None:
    b.put("launch_type", "LaunchType")
    b.put("platform_version", "PlatformVersion")
    b.block("capacity_provider_strategy", ("CapacityProviderStrategy",), _PLACEMENT_FIELDS, many=True)
    b.block(
        "network_configuration",
        ("NetworkConfiguration", "AwsvpcConfiguration"),
        {"subnets": "Subnets", "security_groups": "SecurityGroups", "assign_public_ip": ("AssignPublicIp", public_ip)},
    )


def service(make: Make) -> list[RecordBuilder]:
    b = make("aws_ecs_service", None)
    b.put("name", "ServiceName")
    b.put("cluster", "Cluster")
    b.put("task_definition", "TaskDefinition")
    b.put("scheduling_strategy", "SchedulingStrategy")
    b.put("desired_count", "DesiredCount", coerce=as_int)
    b.put("enable_execute_command", "EnableExecuteCommand", coerce=as_bool)
    b.block(
        "load_balancer",
        ("LoadBalancers",),
        {
            "target_group_arn": "TargetGroupArn",
            "elb_name": "LoadBalancerName",
            "container_name": "ContainerName",
            "container_port": ("ContainerPort", as_int),
        },
        many=True,
    )
    b.block("deployment_controller", ("DeploymentController",), {"type": "Type"})
    b.block(
        "deployment_circuit_breaker",
        ("DeploymentConfiguration", "DeploymentCircuitBreaker"),
        {"enable": ("Enable", as_bool), "rollback": ("Rollback", as_bool)},
    )
    _placement(b)
    return [b]


def task_set(make: Make) -> list[RecordBuilder]:
    b = make("aws_ecs_task_set", None)
    b.put("service", "Service")
    b.put("cluster", "Cluster")
    b.put("task_definition", "TaskDefinition")
    _placement(b)
    return [b]


def role(make: Make) -> list[RecordBuilder]:
    b = make("aws_iam_role", None)
    b.put("name", "RoleName")
    b.block("inline_policy", ("Policies",), {"name": "PolicyName", "policy": "PolicyDocument"}, many=True)
    b.put("managed_policy_arns", "ManagedPolicyArns")
    _documents_as_json(b, "inline_policy")
    return [b]


def _documents_as_json(b: RecordBuilder, attribute: str) -> None:
    """Inline policy documents are objects in a template, JSON strings in the provider."""
    blocks = b.written.get(attribute)
    if not isinstance(blocks, list):
        return
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or "policy" not in block:
            continue
        document = block["policy"]
        missing = first_unknown(document)
        if missing is None:
            block["policy"] = json.dumps(document)
        else:
            b.record.documents[(attribute, index, "policy")] = document
            block["policy"] = Unknown(missing.reason)


def policy(make: Make, properties: dict) -> list[RecordBuilder]:
    """AWS::IAM::Policy: an aws_iam_role_policy per role it names."""
    roles = properties.get("Roles")
    count = len(roles) if isinstance(roles, list) else 1
    builders = []
    for index in range(count):
        b = make("aws_iam_role_policy", index if count > 1 else None)
        b.put("name", "PolicyName")
        b.json_attribute("policy", "PolicyDocument")
        if isinstance(roles, list):
            _role_item(b, index)
        else:
            b.put("role", "Roles")
        builders.append(b)
    return builders


def _role_item(b: RecordBuilder, index: int) -> None:
    """The `index`th role of a policy's Roles list as its single role."""
    roles = b.raw("Roles")
    value = b.convert(roles[index], (*b.base, "Roles", index), ("role",))
    b.written["role"] = value


def managed_policy(make: Make, properties: dict) -> list[RecordBuilder]:
    b = make("aws_iam_policy", None)
    b.put("name", "ManagedPolicyName")
    b.json_attribute("policy", "PolicyDocument")
    builders = [b]
    if properties.get("Roles") is not None:
        attachment = make("aws_iam_policy_attachment", None)
        attachment.put("roles", "Roles")
        logical_id = b.record.logical_id
        where = (*attachment.base, "Roles")
        attachment.set("policy_arn", _unknown_arn(logical_id), where, (f"aws_iam_policy.{logical_id}",))
        builders.append(attachment)
    return builders


def _unknown_arn(logical_id: str):
    return Unknown(f"Ref {logical_id}: known after the stack is deployed")


def scalable_target(make: Make, properties: dict) -> list[RecordBuilder]:
    b = make("aws_appautoscaling_target", None)
    b.put("resource_id", "ResourceId")
    b.put("scalable_dimension", "ScalableDimension")
    b.put("service_namespace", "ServiceNamespace")
    b.put("min_capacity", "MinCapacity", coerce=as_int)
    b.put("max_capacity", "MaxCapacity", coerce=as_int)
    builders = [b]
    actions = properties.get("ScheduledActions")
    if isinstance(actions, list):
        target = b.record.logical_id
        for index in range(len(actions)):
            action = make("aws_appautoscaling_scheduled_action", index)
            name = actions[index].get("ScheduledActionName") if isinstance(actions[index], dict) else None
            where = (*b.base, "ScheduledActions", index)
            action.set("name", name, where)
            action.set("resource_id", _unknown_arn(target), where, (f"aws_appautoscaling_target.{target}",))
            builders.append(action)
    return builders


def scaling_policy(make: Make, properties: dict) -> list[RecordBuilder]:
    b = make("aws_appautoscaling_policy", None)
    b.put("name", "PolicyName")
    if properties.get("ScalingTargetId") is not None:
        b.put("resource_id", "ScalingTargetId")
    else:
        b.put("resource_id", "ResourceId")
        b.put("scalable_dimension", "ScalableDimension")
        b.put("service_namespace", "ServiceNamespace")
    return [b]


def target_group(make: Make) -> list[RecordBuilder]:
    b = make("aws_lb_target_group", None)
    b.put("name", "Name")
    b.put("target_type", "TargetType")
    if b.raw("HealthCheckEnabled") is not None:
        b.put("health_check_enabled", "HealthCheckEnabled", coerce=as_bool)
        enabled = b.written.pop("health_check_enabled", None)
        b.written["health_check"] = [{"enabled": enabled}]
        path = b.record.paths.get(("health_check_enabled",))
        if path is not None:
            b.record.paths[("health_check", 0, "enabled")] = path
            b.record.paths[("health_check",)] = path
    return [b]


def subnet(make: Make) -> list[RecordBuilder]:
    b = make("aws_subnet", None)
    b.put("availability_zone", "AvailabilityZone")
    if "availability_zone" not in b.written:
        b.written["availability_zone"] = Unknown(
            "the subnet's AvailabilityZone is not written: AWS chooses it when the stack is deployed"
        )
    return [b]


_SIMPLE = {
    "AWS::ECS::Cluster": cluster,
    "AWS::ECS::TaskDefinition": task_definition,
    "AWS::ECS::Service": service,
    "AWS::ECS::TaskSet": task_set,
    "AWS::IAM::Role": role,
    "AWS::ElasticLoadBalancingV2::TargetGroup": target_group,
    "AWS::EC2::Subnet": subnet,
}
_WITH_PROPERTIES = {
    "AWS::IAM::Policy": policy,
    "AWS::IAM::ManagedPolicy": managed_policy,
    "AWS::ApplicationAutoScaling::ScalableTarget": scalable_target,
    "AWS::ApplicationAutoScaling::ScalingPolicy": scaling_policy,
}


def builders_for(resource_type: str, make: Make, properties: dict) -> list[RecordBuilder] | None:
    """The record builders of a resource (None: a type ecs-guard does not model)."""
    simple = _SIMPLE.get(resource_type)
    if simple is not None:
        return simple(make)
    with_properties = _WITH_PROPERTIES.get(resource_type)
    if with_properties is not None:
        return with_properties(make, properties)
    return None


__all__ = ["KINDS", "TemplateResource", "builders_for", "new_record", "reference_kind"]
