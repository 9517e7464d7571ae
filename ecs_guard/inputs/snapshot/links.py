"""How the files of one snapshot estate answer a question, or say why they cannot.

A value that needs another file (a service's cluster, a subnet's zone, a
role's policies) is known when the estate has it. When it does not, the
reason says why, most specific first:

1. the live audit's call for that data failed in the resource's region
   (IAM: in any region, it is global): "<service>:<Operation> failed in
   <region>: <error>";
2. no file of that kind is in the estate at all: "<cli command> not in the
   snapshot";
3. the files are there but do not have it: for a reference ("role X not in
   the snapshot") the value is not known; for a search (a service's
   scalable target) it is known None: the caller decides which.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ecs_guard.inputs.detect import TASKDEF
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.snapshot import shapes
from ecs_guard.location import Location
from ecs_guard.model import Value

T = TypeVar("T")


@dataclass(frozen=True)
class DataKind:
    """Data that some values need, and the commands whose output has it.
    The first command is the one a reason names when none is in the estate;
    with ``global_service`` every failed call of that service counts, in any
    region (IAM)."""

    commands: tuple[str, ...]
    global_service: str | None = None


CLUSTER_DATA = DataKind((shapes.CLUSTERS.command,))
TASK_DEFINITION_DATA = DataKind((shapes.TASK_DEFINITION.command, TASKDEF.command))
ROLE_DATA = DataKind(
    (shapes.AUTHORIZATION_DETAILS.command, shapes.ROLE.command, shapes.ROLE_POLICY.command, shapes.POLICY.command),
    global_service="iam",
)
TARGET_GROUP_DATA = DataKind((shapes.TARGET_GROUPS.command,))
SUBNET_DATA = DataKind((shapes.SUBNETS.command,))
SCALABLE_TARGET_DATA = DataKind((shapes.SCALABLE_TARGETS.command,))
SCALING_POLICY_DATA = DataKind((shapes.SCALING_POLICIES.command,))
SCHEDULED_ACTION_DATA = DataKind((shapes.SCHEDULED_ACTIONS.command,))


_CLI_NAMES = {"elasticloadbalancing": "elbv2"}


@dataclass(frozen=True)
class AuditFailure:
    """One failed API call listed in the live audit's manifest."""

    service: str
    operation: str
    region: str
    error: str
    # The resources (ARNs) whose data the call would have brought, and where
    # the manifest lists them: they are reported not evaluated, never left out.
    resources: tuple[str, ...] = ()
    where: Location | None = field(default=None, compare=False)

    @property
    def command(self) -> str:
        """The CLI command of the call: ecs DescribeServices -> "ecs describe-services".
        The audit names services by their IAM action prefix (elasticloadbalancing),
        the CLI by its own name (elbv2)."""
        cli = _CLI_NAMES.get(self.service, self.service)
        return f"{cli} {re.sub(r'(?<!^)(?=[A-Z])', '-', self.operation).lower()}"

    @property
    def reason(self) -> str:
        return f"{self.service}:{self.operation} failed in {self.region}: {self.error}"


def audit_failures(
    manifest: dict, path: str, locate: Callable[[tuple], Location] | None = None
) -> tuple[list[AuditFailure], list[InputProblem]]:
    """The failed calls of an `ecs-guard-audit.json` manifest. Each failure is
    also reported as an input problem that makes the scan incomplete (exit
    code 3, as the audit itself had): the data it would have returned is
    missing from the scan, and some of it (an unlisted cluster's services)
    leaves no value behind to carry the reason. So are the clusters named
    with --cluster that the audit did not find."""
    body = manifest["ecsGuardAudit"]
    entries = body.get("failures") or []
    if not isinstance(entries, list):
        raise InputError("the audit manifest's failures are not a list")
    failures, problems = [], []
    for index, entry in enumerate(entries):
        fields = [
            entry.get(k) if isinstance(entry, dict) else None for k in ("service", "operation", "region", "error")
        ]
        if not all(isinstance(f, str) and f for f in fields):
            problems.append(
                InputProblem(
                    path,
                    f"audit failure #{index + 1} lacks service, operation, region or error: ignored",
                    kind="not-understood",
                )
            )
            continue
        listed = entry.get("resources")
        resources = tuple(r for r in listed if isinstance(r, str)) if isinstance(listed, list) else ()
        where = locate(("ecsGuardAudit", "failures", index)) if locate else None
        service, operation, region, error = (str(f) for f in fields)
        failure = AuditFailure(service, operation, region, error, resources, where)
        failures.append(failure)
        problems.append(
            InputProblem(
                path, f"the live audit could not read everything: {failure.reason}", where.line if where else None
            )
        )
    not_found = body.get("clustersNotFound") or []
    for cluster in not_found if isinstance(not_found, list) else ():
        problems.append(InputProblem(path, f"--cluster {cluster}: no such cluster in the regions the audit read"))
    return failures, problems


class Sources:
    """Which commands' output the estate has, and which audit calls failed."""

    def __init__(self, commands: Iterable[str], failures: Iterable[AuditFailure]):
        self.commands = frozenset(commands)
        self.failures = tuple(failures)

    def gap(self, data: DataKind, region: str | None) -> str | None:
        """Why the estate may lack `data` for a resource in `region` (an audit
        failure, or no file of that kind), or None when its files are there."""
        for failure in self.failures:
            if data.global_service is not None and failure.service == data.global_service:
                return failure.reason
            if failure.command in data.commands and (region is None or failure.region == region):
                return failure.reason
        if self.commands.isdisjoint(data.commands):
            return f"{data.commands[0]} not in the snapshot"
        return None

    def reference(self, found: T | None, data: DataKind, region: str | None, what: str, location: Location) -> Value:
        """A referenced resource: known when found, else not known, with the
        gap or "<what> not in the snapshot" as the reason."""
        if found is not None:
            return Value(found, location)
        return Value.unknown(self.gap(data, region) or f"{what} not in the snapshot", location)


def region_of(arn: object) -> str | None:
    """The region of an ARN (None for global ARNs and for anything else)."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[3] or None


def name_in_arn(arn: str) -> str:
    """The name at the end of a resource ARN (cluster/main -> main, role/path/x -> x);
    a bare name stays itself."""
    return arn.rsplit("/", 1)[-1]


def in_region(candidates: list[tuple[str | None, T]], region: str | None) -> T | None:
    """The candidate of `region`, else one whose region is not known. Ids such
    as a scalable target's resource id (service/main/web) repeat across regions."""
    fallback = None
    for candidate_region, item in candidates:
        if candidate_region == region:
            return item
        if fallback is None and (candidate_region is None or region is None):
            fallback = item
    return fallback
