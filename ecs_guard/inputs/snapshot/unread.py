"""Resources the live audit knows exist but could not read.

When DescribeClusters, DescribeServices or DescribeTaskDefinition fails,
the audit still knows the ARNs it asked about (listed with the failure in
its manifest). Each becomes a resource whose every attribute is not known,
with the failed call as the reason, so every rule that needed its data
reports it "not evaluated" (and a service that uses an unread task
definition links to it, so its own checks of that task definition are not
evaluated either), instead of the resource vanishing from the report.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from ecs_guard.inputs.snapshot import shapes
from ecs_guard.inputs.snapshot.links import AuditFailure
from ecs_guard.model import Cluster, Resource, Service, TaskDefinition, Value

R = TypeVar("R", bound=Resource)

# The calls whose failure leaves resources unread, and the model type of what they describe.
UNREAD_KINDS: dict[str, type[Resource]] = {
    shapes.CLUSTERS.command: Cluster,
    shapes.SERVICES.command: Service,
    shapes.TASK_DEFINITION.command: TaskDefinition,
}


def unread_resources(failures: list[AuditFailure], kind: type[R], present: list[R]) -> list[R]:
    """One resource of `kind` per ARN a failed call was about, unless the
    estate has it after all (read by another call, or in another file)."""
    have = {resource.address for resource in present}
    unread: list[R] = []
    for failure in failures:
        if UNREAD_KINDS.get(failure.command) is not kind or failure.where is None:
            continue
        for arn in failure.resources:
            if arn not in have:
                have.add(arn)
                unread.append(_unknown(kind, arn, failure))
    return unread


def _unknown(kind: type[R], arn: str, failure: AuditFailure) -> R:
    assert failure.where is not None
    where = failure.where
    attributes: dict[str, Any] = {
        f.name: Value.unknown(failure.reason, where) for f in dataclasses.fields(kind) if f.name not in _OWN
    }
    return kind(address=arn, location=where, **attributes)


_OWN = frozenset({"address", "location", "root"})  # identity, not facts
