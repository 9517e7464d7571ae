"""Lays out what the audit read as the AWS CLI would have printed it.

The files are the snapshot input's ordinary input: `ecs-guard scan DIR`
on a saved audit gives the same result as the audit did, offline. Layout
(fixed by the team brief; the snapshot adapter relies on it):

    DIR/ecs-guard-audit.json                         the manifest: account, regions, calls, failures
    DIR/iam/get-account-authorization-details.json   the referenced roles and their policies
    DIR/<region>/describe-clusters.json
    DIR/<region>/describe-services-NNNN.json         one per DescribeServices call (10 services)
    DIR/<region>/describe-task-definition-<family>-<rev>.json
    DIR/<region>/describe-task-sets-<cluster>-<service>.json
    DIR/<region>/describe-target-groups.json, describe-subnets.json,
    DIR/<region>/describe-scalable-targets.json, describe-scaling-policies.json,
    DIR/<region>/describe-scheduled-actions.json

A file is written only when the calls behind it succeeded, so a file that
is there is complete; what failed is in the manifest's "failures".
Timestamps are written as ISO 8601 strings, as AWS CLI v2 prints them.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

from ecs_guard.audit.reader import AccountRead, RegionRead

MANIFEST = "ecs-guard-audit.json"
MANIFEST_VERSION = 1


def write_snapshot(read: AccountRead, root: Path) -> list[Path]:
    """Write every file of the snapshot under `root`; returns their paths."""
    written = [_dump(root / MANIFEST, manifest(read))]
    if read.iam.authorization_details is not None:
        written.append(_dump(root / "iam" / "get-account-authorization-details.json", read.iam.authorization_details))
    for region in read.region_reads:
        written += _write_region(region, root / region.region)
    return written


def manifest(read: AccountRead) -> dict:
    return {
        "ecsGuardAudit": {
            "version": MANIFEST_VERSION,
            "account": read.account,
            "regions": read.regions,
            "startedAt": read.started_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "calls": read.log.calls(),
            "failures": [
                {
                    "service": f.service,
                    "operation": f.operation,
                    "region": f.region,
                    "error": f.error,
                    "message": f.message,
                }
                for f in read.log.failures
            ],
        }
    }


def _write_region(region: RegionRead, folder: Path) -> list[Path]:
    files: dict[str, dict | None] = {
        "describe-clusters.json": region.clusters,
        "describe-target-groups.json": region.target_groups,
        "describe-subnets.json": region.subnets,
        "describe-scalable-targets.json": region.scalable_targets,
        "describe-scaling-policies.json": region.scaling_policies,
        "describe-scheduled-actions.json": region.scheduled_actions,
    }
    for n, page in enumerate(region.service_pages, 1):
        files[f"describe-services-{n:04d}.json"] = page
    for (cluster, service), answer in region.task_sets.items():
        files[f"describe-task-sets-{_safe(cluster)}-{_safe(service)}.json"] = answer
    for answer in region.task_definitions:
        td = answer["taskDefinition"]
        files[f"describe-task-definition-{_safe(td['family'])}-{td['revision']}.json"] = answer
    return [_dump(folder / name, content) for name, content in files.items() if content is not None]


def _dump(path: Path, content: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=4, default=_json_value, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _json_value(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _safe(name: str) -> str:
    """ECS names are letters, digits, '-' and '_'; anything else would not be a portable file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
