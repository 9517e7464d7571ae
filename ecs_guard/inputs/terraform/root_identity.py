"""A resource's identity includes its Terraform root (RULES.md, "Where a
finding points").

``envs/prod`` and ``envs/staging`` both calling ``module "app" { source =
"../../modules/app" }`` make two services, both written at the same line of
``modules/app/main.tf`` and both addressed ``module.app.aws_ecs_service.this``:
without the root, every output shows the same finding twice and a baseline
or a suppression of one hides the other.

So a resource written outside the folder of the root it was reached through
is named with that root: its address becomes ``envs/prod:
module.app.aws_ecs_service.this`` and its ``root`` is ``envs/prod``; the
console, JSON, SARIF (logical location and message), fingerprints and
baselines all take the address, so they all tell the two apart.

The rule depends only on where the resource is written, not on which other
roots a scan happens to read: scanning ``envs/staging`` alone (a pre-commit
run) names its resources exactly as scanning the whole repository does, and
adding a third root changes no existing fingerprint. Resources written in
the root's own folder, or in a module below it (``./modules/x``), keep the
address they always had, and so their fingerprints and baselines.
"""

from __future__ import annotations

import os

from ecs_guard.location import display_path
from ecs_guard.model import Inventory

ROOT_SEPARATOR = ": "


def name_with_root(inventory: Inventory, root_folder: str | os.PathLike) -> None:
    """Name every resource of `inventory` (the model of one root, just built
    by its adapter) that is written in a .tf file outside `root_folder` with
    that root. The adapter's last step in building the model, before any rule
    sees it."""
    folder = os.path.abspath(root_folder)
    root = display_path(folder)
    for resources in (
        inventory.clusters,
        inventory.services,
        inventory.task_sets,
        inventory.task_definitions,
        inventory.roles,
        inventory.target_groups,
        inventory.scalable_targets,
        inventory.subnets,
    ):
        for resource in resources:
            path = resource.location.path
            if resource.root or not path.endswith(".tf") or _inside(os.path.abspath(path), folder):
                continue
            resource.address = f"{root}{ROOT_SEPARATOR}{resource.address}"
            resource.root = root


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive on Windows
        return False
