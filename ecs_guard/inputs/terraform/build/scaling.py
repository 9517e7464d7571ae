"""Application Auto Scaling in a plan: a service's scalable target, with the
scaling policies and scheduled actions that act on it.

Everything is matched the way AWS matches it, by value, when the values
are known: a target's resource id is ``service/<cluster name>/<service
name>``; a policy or a scheduled action belongs to the target with the same
namespace, resource id and dimension. When a resource id is unknown until
apply, the configuration's references decide (``aws_ecs_service.x.name``
in the target's resource_id, ``aws_appautoscaling_target.x.resource_id`` in
a policy's). A target that can be matched to no service leaves every
unmatched service's scalable target unknown: it may be theirs.
"""

from __future__ import annotations

from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.records import PlanResource
from ecs_guard.model import ScalableTarget, ScalingPolicy, ScheduledAction, Value

SERVICE_DIMENSION = "ecs:service:DesiredCount"
_KEYS = ("resource_id", "scalable_dimension", "service_namespace")
ATTRIBUTES = {
    "aws_appautoscaling_target": (*_KEYS, "min_capacity", "max_capacity"),
    "aws_appautoscaling_policy": ("name", *_KEYS),
    "aws_appautoscaling_scheduled_action": ("name", *_KEYS),
}


class Scaling:
    def __init__(self, index: PlanIndex):
        self.index = index
        records = [r for r in index.of_kind("aws_appautoscaling_target") if _may_scale_a_service(r)]
        self._target_addresses = {r.address: r.address for r in records}
        self._target_by_keys = {keys: r.address for r in records if (keys := _keys(r))}
        policies = self._by_target("aws_appautoscaling_policy", ScalingPolicy)
        actions = self._by_target("aws_appautoscaling_scheduled_action", ScheduledAction)
        self.targets = index.build_each(
            records,
            lambda r: ScalableTarget(
                address=r.address,
                location=r.location,
                resource_id=r.get("resource_id"),
                min_capacity=r.get("min_capacity"),
                max_capacity=r.get("max_capacity"),
                policies=Value(tuple(policies.get(r.address, ())), r.location),
                scheduled_actions=Value(tuple(actions.get(r.address, ())), r.location),
            ),
        )

    def _by_target(self, kind: str, model: type) -> dict[str, list]:
        """{target address: [model objects]} for the policies or scheduled actions of `kind`."""
        built = self.index.build_each(
            self.index.of_kind(kind),
            lambda r: (self._target_of(r), model(address=r.address, location=r.location, name=r.get("name"))),
        )
        found: dict[str, list] = {}
        for target, obj in built.values():
            if target is not None:
                found.setdefault(target, []).append(obj)
        return found

    def _target_of(self, record: PlanResource) -> str | None:
        """The address of the scalable target a policy or scheduled action acts on."""
        keys = _keys(record)
        if keys:
            return self._target_by_keys.get(keys)
        resolved = self.index.resolve(record, "resource_id")
        targets = [a for a in resolved.addresses if a in self._target_addresses]
        return targets[0] if len(targets) == 1 else None

    def link(self, services: list[tuple[PlanResource, str | None]]) -> dict[str, Value]:
        """{service address: Value[ScalableTarget | None]} for (service record,
        its cluster's name or None when that is unknown) pairs."""
        by_service: dict[str, ScalableTarget] = {}
        by_name: dict[tuple[str, str], ScalableTarget] = {}
        unmatched: list[ScalableTarget] = []
        for address, target in self.targets.items():
            resource_id = target.resource_id.value if target.resource_id.is_set else None
            parts = resource_id.split("/") if isinstance(resource_id, str) else []
            if len(parts) == 3 and parts[0] == "service":
                by_name.setdefault((parts[1], parts[2]), target)
                continue
            resolved = self.index.resolve(self.index.by_address[address], "resource_id")
            owners = [
                a
                for a in resolved.addresses
                if getattr(self.index.by_address.get(a), "kind", None) == "aws_ecs_service"
            ]
            if len(owners) == 1:
                by_service.setdefault(owners[0], target)
            else:
                unmatched.append(target)
        found: dict[str, ScalableTarget | None] = {}
        for record, cluster in services:
            name = record.get("name")
            linked = by_service.get(record.address)
            if linked is None and name.is_set and cluster is not None:
                assert name.value is not None  # is_set
                linked = by_name.get((cluster, name.value))
            found[record.address] = linked
        claimed = {t.address for t in found.values() if t is not None}
        unmatched += [t for t in by_name.values() if t.address not in claimed]
        return {
            record.address: _linked(found[record.address], record, cluster, unmatched) for record, cluster in services
        }


def _linked(
    target: ScalableTarget | None, record: PlanResource, cluster: str | None, unmatched: list[ScalableTarget]
) -> Value:
    """The service's target; unknown when a target matched to no service may be its own."""
    if target is not None:
        return Value(target, record.location)
    identified = record.get("name").is_set and cluster is not None
    for candidate in unmatched:
        if not candidate.resource_id.is_set:
            return Value.unknown(
                f"resource_id of scalable target {candidate.address} is unknown until apply", record.location
            )
        if not identified:
            return Value.unknown(
                f"the service's name or cluster is unknown until apply, and scalable target "
                f"{candidate.address} may be its own",
                record.location,
            )
    return record.absent


def _may_scale_a_service(record: PlanResource) -> bool:
    namespace, dimension = record.get("service_namespace"), record.get("scalable_dimension")
    return (not namespace.known or namespace.value == "ecs") and (
        not dimension.known or dimension.value == SERVICE_DIMENSION
    )


def _keys(record: PlanResource) -> tuple | None:
    """(resource id, dimension, namespace) when all are known."""
    values = tuple(record.known(k) for k in _KEYS)
    return values if None not in values else None
