"""Services (describe-services) and task sets (describe-task-sets, and the
`taskSets` of describe-services), linked to everything they point at:
cluster, task definition, subnets, target groups, scalable target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_guard.inputs.jsondocs.ecs import attribute
from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.snapshot.links import (
    CLUSTER_DATA,
    SUBNET_DATA,
    TARGET_GROUP_DATA,
    TASK_DEFINITION_DATA,
    Sources,
    name_in_arn,
    region_of,
)
from ecs_guard.inputs.snapshot.records import Record, as_dict
from ecs_guard.inputs.snapshot.resources import Scaling
from ecs_guard.location import Location
from ecs_guard.model import Cluster, Service, Subnet, TargetGroup, TaskDefinition, TaskSet, Value

Locate = Callable[[tuple], Location]
_AWSVPC = ("networkConfiguration", "awsvpcConfiguration")


class ServiceReader:
    """Reads service and task set records against the estate's other resources."""

    def __init__(
        self,
        sources: Sources,
        clusters: list[Cluster],
        task_definitions: list[TaskDefinition],
        subnets: list[Subnet],
        target_groups: list[TargetGroup],
        scaling: Scaling,
    ):
        self.sources = sources
        # Found by ARN; a resource written without an ARN, by its name.
        self.clusters = _index(clusters, lambda c: c.name.value)
        self.task_definitions = _index(task_definitions)
        self.subnets = {s.subnet_id.value: s for s in reversed(subnets)}
        self.target_groups = {tg.address: tg for tg in reversed(target_groups)}
        self.scaling = scaling

    def service(self, record: Record) -> Service:
        d = record.data
        arn = d.get("serviceArn")
        address = record.identity("serviceArn", "serviceName")
        locate = record.locator(address)
        owner = locate(("serviceArn",) if arn else ("serviceName",))
        region = region_of(arn) or region_of(d.get("clusterArn"))

        public_ip, subnets = self._network(d, locate, owner, region)
        breaker = as_dict(as_dict(d.get("deploymentConfiguration")).get("deploymentCircuitBreaker"))
        breaker_path = ("deploymentConfiguration", "deploymentCircuitBreaker")
        cluster_name = name_in_arn(d["clusterArn"]) if isinstance(d.get("clusterArn"), str) else "default"
        service_name = d.get("serviceName") or name_in_arn(arn or "")
        return Service(
            address=address,
            location=owner,
            name=attribute(d, "serviceName", locate, (), owner),
            cluster=self._reference(d, "clusterArn", self.clusters, CLUSTER_DATA, "cluster", locate, owner, region),
            task_definition=self._task_definition(d, locate, owner, region),
            launch_type=attribute(d, "launchType", locate, (), owner),
            capacity_providers=_capacity_providers(d, locate, owner),
            platform_version=attribute(d, "platformVersion", locate, (), owner),
            scheduling_strategy=attribute(d, "schedulingStrategy", locate, (), owner),
            desired_count=attribute(d, "desiredCount", locate, (), owner),
            assign_public_ip=public_ip,
            subnets=subnets,
            target_groups=self._target_groups(d, locate, owner, region, arn),
            deployment_controller=attribute(
                as_dict(d.get("deploymentController")), "type", locate, ("deploymentController",), owner
            ),
            circuit_breaker_enabled=attribute(breaker, "enable", locate, breaker_path, owner),
            circuit_breaker_rollback=attribute(breaker, "rollback", locate, breaker_path, owner),
            enable_execute_command=attribute(d, "enableExecuteCommand", locate, (), owner),
            scalable_target=self.scaling.for_service(f"service/{cluster_name}/{service_name}", region, owner),
        )

    def task_set(self, record: Record) -> TaskSet:
        d = record.data
        address = record.identity("taskSetArn", "id")
        locate = record.locator(address)
        owner = locate(("taskSetArn",))
        region = region_of(d.get("taskSetArn")) or region_of(d.get("clusterArn"))
        public_ip, _subnets = self._network(d, locate, owner, region)
        return TaskSet(
            address=address,
            location=owner,
            service=attribute(d, "serviceArn", locate, (), owner),
            task_definition=self._task_definition(d, locate, owner, region),
            launch_type=attribute(d, "launchType", locate, (), owner),
            capacity_providers=_capacity_providers(d, locate, owner),
            platform_version=attribute(d, "platformVersion", locate, (), owner),
            assign_public_ip=public_ip,
        )

    # ------------------------------------------------------------ links

    def _task_definition(self, d: dict, locate: Locate, owner: Location, region: str | None) -> Value:
        return self._reference(
            d, "taskDefinition", self.task_definitions, TASK_DEFINITION_DATA, "task definition", locate, owner, region
        )

    def _reference(
        self, d: dict, key: str, index: dict, data, what: str, locate: Locate, owner: Location, region: str | None
    ) -> Value:
        """The resource that d[key] (an ARN, or a name) names: None when the
        key is not written, not known when the estate does not have it."""
        ref = d.get(key)
        if ref is None:
            return Value(None, owner)
        ref = str(ref)
        found = index.get(ref) or index.get(name_in_arn(ref))
        return self.sources.reference(found, data, region, f"{what} {ref}", locate((key,)))

    def _network(self, d: dict, locate: Locate, owner: Location, region: str | None) -> tuple[Value, Value]:
        """(assign_public_ip, subnets) of the awsvpc configuration; both None without one."""
        vpc = as_dict(d.get("networkConfiguration")).get("awsvpcConfiguration")
        if not isinstance(vpc, dict):
            return Value(None, owner), Value(None, owner)
        flag = vpc.get("assignPublicIp")
        public_ip = Value(None, owner) if flag is None else Value(_enabled(flag), locate((*_AWSVPC, "assignPublicIp")))
        ids = vpc.get("subnets")
        if ids is None:
            return public_ip, Value((), owner)
        if not isinstance(ids, list):
            raise InputError("awsvpcConfiguration.subnets is not a list")
        subnets = tuple(
            self._subnet(str(subnet_id), locate((*_AWSVPC, "subnets", i)), region) for i, subnet_id in enumerate(ids)
        )
        return public_ip, Value(subnets, locate((*_AWSVPC, "subnets")))

    def _subnet(self, subnet_id: str, where: Location, region: str | None) -> Subnet:
        found = self.subnets.get(subnet_id)
        if found is not None:
            return found
        reason = self.sources.gap(SUBNET_DATA, region) or f"subnet {subnet_id} not in the snapshot"
        return Subnet(
            address=subnet_id,
            location=where,
            subnet_id=Value(subnet_id, where),
            availability_zone=Value.unknown(reason, where),
        )

    def _target_groups(
        self, d: dict, locate: Locate, owner: Location, region: str | None, service_arn: str | None
    ) -> Value:
        balancers = d.get("loadBalancers")
        if not balancers:
            return Value((), owner if balancers is None else locate(("loadBalancers",)))
        if not isinstance(balancers, list):
            raise InputError("loadBalancers is not a list")
        return Value(
            tuple(
                self._target_group(lb, locate, ("loadBalancers", i), region, service_arn)
                for i, lb in enumerate(balancers)
            ),
            locate(("loadBalancers",)),
        )

    def _target_group(
        self, lb: Any, locate: Locate, path: tuple, region: str | None, service_arn: str | None
    ) -> TargetGroup:
        lb = as_dict(lb)
        arn = lb.get("targetGroupArn")
        if isinstance(arn, str):
            found = self.target_groups.get(arn)
            if found is not None:
                return found
            where = locate((*path, "targetGroupArn"))
            reason = (
                self.sources.gap(TARGET_GROUP_DATA, region_of(arn) or region)
                or f"target group {arn} not in the snapshot"
            )
            return TargetGroup(
                address=arn, location=where, arn=Value(arn, where), health_check_enabled=Value.unknown(reason, where)
            )
        name = lb.get("loadBalancerName")
        if isinstance(name, str):  # a classic load balancer always checks health
            where = locate((*path, "loadBalancerName"))
            return TargetGroup(
                address=_classic_balancer_arn(name, service_arn),
                location=where,
                arn=Value(None, where),
                health_check_enabled=Value(True, where),
            )
        raise InputError("a loadBalancers entry has neither targetGroupArn nor loadBalancerName")


def _index(resources: list, name_of: Callable | None = None) -> dict:
    """address (ARN) -> resource, and name -> resource for those written
    without an ARN (a hand-made file); the first wins. Names of resources
    with ARNs are left out: the same name in another region is another one."""
    index: dict = {}
    for resource in resources:
        index.setdefault(resource.address, resource)
        name = name_of(resource) if name_of else None
        if name and not resource.address.startswith("arn:"):
            index.setdefault(name, resource)
    return index


def _capacity_providers(d: dict, locate: Locate, owner: Location) -> Value:
    strategy = d.get("capacityProviderStrategy")
    if not strategy:
        return Value((), owner if strategy is None else locate(("capacityProviderStrategy",)))
    if not isinstance(strategy, list):
        raise InputError("capacityProviderStrategy is not a list")
    return Value(
        tuple(str(as_dict(item).get("capacityProvider")) for item in strategy), locate(("capacityProviderStrategy",))
    )


def _enabled(flag: Any) -> bool:
    """assignPublicIp: ENABLED / DISABLED."""
    text = str(flag).upper()
    if text not in ("ENABLED", "DISABLED"):
        raise InputError(f"assignPublicIp is '{flag}', not ENABLED or DISABLED")
    return text == "ENABLED"


def _classic_balancer_arn(name: str, service_arn: str | None) -> str:
    """A classic load balancer's ARN, built from the service's partition,
    region and account (the service names it by name only)."""
    parts = service_arn.split(":") if isinstance(service_arn, str) else []
    if len(parts) < 6:
        return name
    return f"arn:{parts[1]}:elasticloadbalancing:{parts[3]}:{parts[4]}:loadbalancer/{name}"
