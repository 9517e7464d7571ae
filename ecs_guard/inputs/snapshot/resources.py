"""The resources services point at, read from their snapshot records:
clusters (describe-clusters), subnets (describe-subnets), target groups
(describe-target-groups) and Application Auto Scaling targets with their
policies and scheduled actions."""

from __future__ import annotations

from ecs_guard.inputs.jsondocs.ecs import attribute
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.snapshot import shapes
from ecs_guard.inputs.snapshot.links import (
    SCALABLE_TARGET_DATA,
    SCALING_POLICY_DATA,
    SCHEDULED_ACTION_DATA,
    Sources,
    in_region,
    region_of,
)
from ecs_guard.inputs.snapshot.records import Record, as_dict, read_each
from ecs_guard.location import Location
from ecs_guard.model import Cluster, ScalableTarget, ScalingPolicy, ScheduledAction, Subnet, TargetGroup, Value

SERVICE_DIMENSION = "ecs:service:DesiredCount"


def read_cluster(record: Record, configurations: bool = True) -> Cluster:
    """A describe-clusters entry. Without `--include SETTINGS` the CLI prints
    no settings at all: Container Insights is then not known, not off.
    Likewise without `--include CONFIGURATIONS` it prints no configuration,
    which looks the same as a cluster without one: `configurations` says
    whether the output is known to include them (see
    ``configurations_included``); when it is not, a cluster without a
    configuration has its ECS Exec logging not known."""
    d = record.data
    address = record.identity("clusterArn", "clusterName")
    locate = record.locator(address)
    owner = locate(("clusterArn",))
    settings = d.get("settings")
    if settings is None:
        insights = Value.unknown("the describe-clusters output has no settings (run it with --include SETTINGS)", owner)
    elif not isinstance(settings, list):
        raise InputError("the cluster's settings are not a list")
    else:
        found = next(
            (i for i, s in enumerate(settings) if isinstance(s, dict) and s.get("name") == "containerInsights"), None
        )
        insights = (
            Value(None, owner)
            if found is None
            else attribute(settings[found], "value", locate, ("settings", found), owner)
        )
    exec_path = ("configuration", "executeCommandConfiguration")
    exec_configuration = as_dict(as_dict(d.get("configuration")).get("executeCommandConfiguration"))
    if d.get("configuration") is None and not configurations:
        exec_logging = Value.unknown(_NO_CONFIGURATIONS, owner)
    else:
        exec_logging = attribute(exec_configuration, "logging", locate, exec_path, owner)
    return Cluster(
        address=address,
        location=owner,
        name=attribute(d, "clusterName", locate, (), owner),
        container_insights=insights,
        exec_logging=exec_logging,
    )


_NO_CONFIGURATIONS = (
    "the describe-clusters output shows no cluster configuration: it was taken without --include CONFIGURATIONS, "
    "or the cluster has no ECS Exec configuration (output of ecs-guard audit tells them apart)"
)


def configurations_included(records: list[Record], audit: bool) -> set[str]:
    """The describe-clusters files known to include cluster configurations:
    every file of an ecs-guard audit (it always asks for them), and a file in
    which some cluster has a `configuration` (the CLI prints none without
    `--include CONFIGURATIONS`)."""
    if audit:
        return {record.text.path for record in records}
    return {record.text.path for record in records if record.data.get("configuration") is not None}


def read_subnet(record: Record) -> Subnet:
    """A describe-subnets entry; its address is the subnet ARN when the output
    has it. Like every snapshot resource, it is located at the key its address
    comes from."""
    d = record.data
    subnet_id = d["SubnetId"]
    address = d.get("SubnetArn") or subnet_id
    locate = record.locator(address)
    owner = locate(("SubnetArn",) if d.get("SubnetArn") else ("SubnetId",))
    return Subnet(
        address=address,
        location=owner,
        subnet_id=attribute(d, "SubnetId", locate, (), owner),
        availability_zone=attribute(d, "AvailabilityZone", locate, (), owner),
    )


def read_target_group(record: Record) -> TargetGroup:
    d = record.data
    arn = d["TargetGroupArn"]
    locate = record.locator(arn)
    owner = locate(("TargetGroupArn",))
    return TargetGroup(
        address=arn,
        location=owner,
        arn=Value(arn, owner),
        health_check_enabled=attribute(d, "HealthCheckEnabled", locate, (), owner),
    )


class Scaling:
    """The scalable targets of ECS services' desired counts, each with the
    scaling policies and scheduled actions of the same resource id and
    dimension. Resource ids (service/<cluster>/<service>) repeat across
    regions, so matches prefer the same region (from the ARNs)."""

    def __init__(self, records: dict[shapes.Shape, list[Record]], sources: Sources, problems: list[InputProblem]):
        self.sources = sources
        self.policies = _by_resource(read_each(records.get(shapes.SCALING_POLICIES, ()), _scaling_policy, problems))
        self.actions = _by_resource(read_each(records.get(shapes.SCHEDULED_ACTIONS, ()), _scheduled_action, problems))
        self.targets: list[ScalableTarget] = []
        self._by_resource: dict[str | None, list[tuple[str | None, ScalableTarget]]] = {}
        for region, target in read_each(records.get(shapes.SCALABLE_TARGETS, ()), self._target, problems):
            self.targets.append(target)
            self._by_resource.setdefault(target.resource_id.value, []).append((region, target))

    def for_service(self, resource_id: str, region: str | None, location: Location) -> Value:
        """Value[ScalableTarget | None] of the service with this resource id:
        known None when the estate has scalable targets but none for the service."""
        target = in_region(self._by_resource.get(resource_id, []), region)
        if target is None:
            gap = self.sources.gap(SCALABLE_TARGET_DATA, region)
            return Value.unknown(gap, location) if gap else Value(None, location)
        return Value(target, location)

    def _captured(self, data, entries: dict, resource_id: str, region: str | None, owner: Location) -> Value:
        """The target's policies (or scheduled actions): not known when the
        estate lacks that output for the region ("no policy" and "policies
        not captured" are different answers)."""
        gap = self.sources.gap(data, region)
        if gap:
            return Value.unknown(gap, owner)
        return Value(tuple(_same_resource(entries, resource_id, region)), owner)

    def _target(self, record: Record) -> tuple[str | None, ScalableTarget] | None:
        d = record.data
        if d.get("ScalableDimension") != SERVICE_DIMENSION:
            return None  # another dimension or another service's target: not modelled
        resource_id = d["ResourceId"]
        if not isinstance(resource_id, str) or not resource_id:
            raise InputError("an Application Auto Scaling entry has no ResourceId")
        arn = d.get("ScalableTargetARN")
        region = region_of(arn)
        locate = record.locator(arn or resource_id)
        owner = locate(("ScalableTargetARN",) if arn else ("ResourceId",))
        policies = self._captured(SCALING_POLICY_DATA, self.policies, resource_id, region, owner)
        actions = self._captured(SCHEDULED_ACTION_DATA, self.actions, resource_id, region, owner)
        return region, ScalableTarget(
            address=arn or resource_id,
            location=owner,
            resource_id=attribute(d, "ResourceId", locate, (), owner),
            min_capacity=attribute(d, "MinCapacity", locate, (), owner),
            max_capacity=attribute(d, "MaxCapacity", locate, (), owner),
            policies=policies,
            scheduled_actions=actions,
        )


def _scaling_policy(record: Record):
    return _scaling_entry(record, ScalingPolicy, "PolicyARN", "PolicyName")


def _scheduled_action(record: Record):
    return _scaling_entry(record, ScheduledAction, "ScheduledActionARN", "ScheduledActionName")


def _scaling_entry(record: Record, model: type, arn_key: str, name_key: str):
    """((resource id, region), the policy or scheduled action), or None for
    another dimension: both outputs have the same shape, keyed differently."""
    d = record.data
    if d.get("ScalableDimension") != SERVICE_DIMENSION:
        return None
    if not isinstance(d.get("ResourceId"), str):
        raise InputError("an Application Auto Scaling entry has no ResourceId")
    arn = d.get(arn_key)
    address = record.identity(arn_key, name_key)
    locate = record.locator(address)
    owner = locate((arn_key,) if arn else (name_key,))
    return (d["ResourceId"], region_of(arn)), model(
        address=address, location=owner, name=attribute(d, name_key, locate, (), owner)
    )


def _by_resource(items: list) -> dict[str, list]:
    """{resource id: [(region, item)]}"""
    index: dict[str, list] = {}
    for (resource_id, region), item in items:
        index.setdefault(resource_id, []).append((region, item))
    return index


def _same_resource(index: dict[str, list], resource_id: str, region: str | None) -> list:
    return [
        item
        for item_region, item in index.get(resource_id, ())
        if item_region is None or region is None or item_region == region
    ]
