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
is there is complete; what failed is in the manifest's "failures", with the
resources each failed call was about. Timestamps are written as ISO 8601
strings, as AWS CLI v2 prints them.

The folder is meant to be kept and shared: every file is written whole or
not at all (a temporary file renamed into place), readable by its owner
only (0600, in 0700 folders), and holds no secret (secrets_at_rest.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

from ecs_guard.audit.reader import AccountRead, RegionRead
from ecs_guard.audit.secrets_at_rest import redacted_task_definition

MANIFEST = "ecs-guard-audit.json"
MANIFEST_VERSION = 1
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def write_snapshot(read: AccountRead, root: Path) -> list[Path]:
    """Write every file of the snapshot under `root`; returns their paths."""
    private_folder(root)
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
                    **({"resources": list(f.resources)} if f.resources else {}),
                }
                for f in read.log.failures
            ],
            **({"clustersNotFound": list(read.unmatched_clusters)} if read.unmatched_clusters else {}),
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
        files[f"describe-task-definition-{_safe(td['family'])}-{td['revision']}.json"] = redacted_task_definition(
            answer
        )
    return [_dump(folder / name, content) for name, content in files.items() if content is not None]


def private_folder(folder: Path) -> None:
    """`folder` (and the folders above it that this creates) readable by the owner only."""
    if not folder.exists():
        if not folder.parent.exists():
            private_folder(folder.parent)
        folder.mkdir(mode=FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)


def _dump(path: Path, content: dict) -> Path:
    """Write `content` to `path` whole or not at all: into a temporary file
    in the same folder (0600 from the start), renamed over `path` once complete."""
    private_folder(path.parent)
    data = (json.dumps(content, indent=4, default=_json_value, ensure_ascii=False) + "\n").encode("utf-8")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _json_value(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _safe(name: str) -> str:
    """ECS names are letters, digits, '-' and '_'; anything else would not be a portable file name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
