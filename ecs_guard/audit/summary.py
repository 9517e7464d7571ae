"""The few lines on stderr that say what the audit read and what it could not.

A failed call is always listed with its IAM action and region, so a person
knows which permission to grant; the rules that needed its data show up as
"not evaluated" in the report itself.
"""

from __future__ import annotations

from pathlib import Path

from ecs_guard.audit.reader import AccountRead


def counts(read: AccountRead) -> dict[str, int]:
    """How many of each resource the audit read, across regions."""
    regions = read.region_reads
    details = read.iam.authorization_details or {}
    return {
        "clusters": sum(len((r.clusters or {}).get("clusters", [])) for r in regions),
        "services": sum(len(r.services) for r in regions),
        "task sets": sum(len(r.all_task_sets) for r in regions),
        "task definitions": sum(len(r.task_definitions) for r in regions),
        "roles": len(details.get("RoleDetailList", [])),
        "managed policies": len(details.get("Policies", [])),
        "target groups": sum(len((r.target_groups or {}).get("TargetGroups", [])) for r in regions),
        "subnets": sum(len((r.subnets or {}).get("Subnets", [])) for r in regions),
        "scalable targets": sum(len((r.scalable_targets or {}).get("ScalableTargets", [])) for r in regions),
    }


def summary_lines(read: AccountRead, seconds: float, save: Path | None) -> list[str]:
    regions = ", ".join(read.regions) if len(read.regions) <= 4 else f"{len(read.regions)} regions"
    read_what = ", ".join(f"{n} {what}" for what, n in counts(read).items())
    per_service = ", ".join(f"{service} {n}" for service, n in read.log.per_service().items())
    lines = [
        f"ecs-guard audit: account {read.account}, {regions}",
        f"  read {read_what}",
        f"  {read.log.total()} API calls ({per_service}) in {seconds:.1f} s",
    ]
    if save is not None:
        lines.append(f"  snapshot saved in {save} (rescan with `ecs-guard scan {save}`)")
    else:
        lines.append(
            "  snapshot not kept: the report's file locations point into a temporary folder (use --save DIR to keep it)"
        )
    for cluster in read.unmatched_clusters:
        lines.append(f"  --cluster {cluster}: no such cluster in the regions read (exit code 3)")
    for role in read.iam.missing_roles:
        lines.append(f"  role {role} is named by a task definition but does not exist")
    for role in read.iam.foreign_roles:
        lines.append(f"  role {role} belongs to another account: not read")
    if read.retries_refused:
        lines.append(
            f"  the retry budget is spent: {_plural(read.retries_refused, 'failed call')} not retried "
            "(--retry-budget SECONDS allows more)"
        )
    failures = read.log.failures
    if failures:
        lines.append(
            f"  {_plural(len(failures), 'call')} failed; "
            "rules that need their data are not evaluated for the resources concerned:"
        )
        lines += _failure_lines(failures)
    return lines


def _failure_lines(failures) -> list[str]:
    """One line per failing call, region and error, however often it failed
    (GetPolicyVersion denied fails once per policy): the message of the first."""
    groups: dict[str, list] = {}
    for failure in failures:
        groups.setdefault(str(failure), []).append(failure)
    lines = []
    for text, group in groups.items():
        times = f" ({_plural(len(group), 'call')})" if len(group) > 1 else ""
        message = f": {group[0].message}" if group[0].message else ""
        lines.append(f"    {text}{times}{message}")
    return lines


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
