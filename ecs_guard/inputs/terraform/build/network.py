"""Subnets and load balancer targets in a plan, and a service's links to them.

A subnet or target group that a service names but the plan does not hold
(an id written as a literal, a data source) becomes a placeholder whose
facts are unknown ("subnet subnet-x is not in the plan"), so EG404 and
EG401 say "not evaluated" rather than guess. A subnet list that is unknown
as a whole and taken from something else than subnets (a data source's
``ids``, a split string) has an unknown length: the service's subnets are
not known, never one placeholder subnet. A classic ELB (``elb_name``)
is modelled as a target group whose health checking is on: ELB cannot turn
it off.
"""

from __future__ import annotations

import re

from ecs_guard.inputs.terraform.build.index import PlanIndex, unique_by_address
from ecs_guard.inputs.terraform.build.records import PlanResource, dotted
from ecs_guard.location import Location
from ecs_guard.model import Subnet, TargetGroup, Value

SUBNET_KINDS = ("aws_subnet", "aws_default_subnet")
# an address of one subnet (a resource, or the data source that reads one), with module path and instance key
_ONE_SUBNET = re.compile(r"(?:^|\.)(?:aws_subnet|aws_default_subnet)\.[^.\[]+(?:\[[^\]]*\])?$")
TARGET_GROUP_KINDS = ("aws_lb_target_group", "aws_alb_target_group")
_TARGET_GROUP_ATTRIBUTES = ("arn", "name", "target_type", "health_check")
ATTRIBUTES = {
    **dict.fromkeys(SUBNET_KINDS, ("id", "availability_zone")),
    **dict.fromkeys(TARGET_GROUP_KINDS, _TARGET_GROUP_ATTRIBUTES),
}


class Network:
    def __init__(self, index: PlanIndex):
        self.index = index
        self.subnets = index.build_each(index.of_kind(*SUBNET_KINDS), _subnet)
        self._subnet_by_id = {s.subnet_id.value: s for s in self.subnets.values() if s.subnet_id.is_set}
        self.target_groups = index.build_each(index.of_kind(*TARGET_GROUP_KINDS), _target_group)
        self._target_group_by_arn = {t.arn.value: t for t in self.target_groups.values() if t.arn.is_set}

    def subnets_of(self, record: PlanResource) -> Value:
        """A service's or task set's subnets; None without a network configuration."""
        blocks = record.blocks("network_configuration")
        if not blocks.known:
            return blocks
        if not blocks.value:
            return record.absent
        path = ("network_configuration", 0, "subnets")
        where = record.locate(path)  # a subnet outside the input is located where the service names it
        lists = self._lists_of_unknown_length(record, path)
        if lists:
            return Value.unknown(
                f"the service's subnets come from {', '.join(lists)}: how many there are is unknown until apply", where
            )
        return self.index.link_many(
            record,
            path,
            self._subnet_by_id.get,
            self.subnets,
            lambda text, is_address: _subnet_not_in_plan(text, is_address, where, self.index.holder),
        )

    def _lists_of_unknown_length(self, record: PlanResource, path: tuple) -> list[str]:
        """The resources (other than subnets) an unknown subnet list is taken
        from, when the list as a whole is unknown: `data.aws_subnets.x.ids`,
        `split(",", <unknown>)`. Each stands for any number of subnets, so the
        list's length is not known and it is never "a single subnet". A
        subnet resource or `data.aws_subnet` is one subnet each: a list of
        them (`[aws_subnet.a.id, data.aws_subnet.b.id]`) has a known length
        even when its values, or in Terraform source the whole list, are
        unknown: empty."""
        if record.get(*path).known or isinstance(record.raw(path), list) or not record.is_unknown(path):
            return []
        resolved = self.index.resolve(record, dotted(path))
        return [address for address in resolved.addresses if not _ONE_SUBNET.search(address)]

    def target_groups_of(self, record: PlanResource) -> Value:
        """The target groups (and classic ELBs) of a service's load_balancer blocks."""
        blocks = record.blocks("load_balancer")
        if not blocks.known:
            return blocks
        groups: list[TargetGroup] = []
        unknown_arn: Value | None = None
        holder = self.index.holder
        assert blocks.value is not None  # known blocks are a list
        for i in range(len(blocks.value)):
            elb_name = record.get("load_balancer", i, "elb_name")
            arn = record.get("load_balancer", i, "target_group_arn")
            if not elb_name.known or elb_name.value:
                groups.append(_classic_elb(elb_name, record))
            elif arn.is_set:
                assert arn.value is not None  # is_set
                groups.append(
                    self._target_group_by_arn.get(arn.value)
                    or _target_group_not_in_plan(arn.value, False, arn.location, holder)
                )
            else:  # unknown until apply (a block names a target group or an ELB: never neither)
                unknown_arn = unknown_arn or record.unknown_value(("load_balancer", i, "target_group_arn"))
        if unknown_arn is not None:
            resolved = self.index.resolve(record, "load_balancer.target_group_arn")
            if resolved.blockers or not resolved.addresses:
                return unknown_arn
            groups += [
                self.target_groups.get(a) or _target_group_not_in_plan(a, True, unknown_arn.location, holder)
                for a in resolved.addresses
            ]
        return Value(unique_by_address(groups), blocks.location)


def _subnet(record: PlanResource) -> Subnet:
    zone = record.computed("availability_zone")
    if not zone.known:
        zone = Value.unknown(f"availability_zone of {record.address} is unknown until apply", record.location)
    return Subnet(
        address=record.address, location=record.location, subnet_id=record.computed("id"), availability_zone=zone
    )


def _subnet_not_in_plan(text: str, is_address: bool, where: Location, holder: str) -> Subnet:
    reason = f"subnet {text} is not in {holder}"
    return Subnet(
        address=text,
        location=where,
        subnet_id=Value.unknown(reason, where) if is_address else Value(text, where),
        availability_zone=Value.unknown(reason, where),
    )


def _target_group(record: PlanResource) -> TargetGroup:
    return TargetGroup(
        address=record.address,
        location=record.location,
        arn=record.computed("arn"),
        health_check_enabled=_health_check_enabled(record),
    )


def _health_check_enabled(record: PlanResource) -> Value:
    """health_check.enabled as planned; when it is not written, what AWS
    does: target groups of type instance, ip and alb check health, lambda
    target groups do not."""
    blocks = record.blocks("health_check")
    if not blocks.known:
        return blocks
    enabled = record.get("health_check", 0, "enabled") if blocks.value else record.absent
    if not enabled.known or enabled.value is not None:
        return enabled
    target_type = record.get("target_type")
    if not target_type.known:
        return target_type
    return Value(target_type.value != "lambda", record.location)


def _target_group_not_in_plan(text: str, is_address: bool, where: Location, holder: str) -> TargetGroup:
    reason = f"target group {text} is not in {holder}"
    return TargetGroup(
        address=text,
        location=where,
        arn=Value.unknown(reason, where) if is_address else Value(text, where),
        health_check_enabled=Value.unknown(reason, where),
    )


def _classic_elb(name: Value, referrer: PlanResource) -> TargetGroup:
    label = f"elb:{name.value}" if name.known else f"{referrer.address}.load_balancer.elb_name"
    where = referrer.location
    return TargetGroup(address=label, location=where, arn=referrer.absent, health_check_enabled=Value(True, where))
