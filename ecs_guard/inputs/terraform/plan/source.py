"""A plan scanned with its Terraform source: findings at the .tf lines.

Plans from `terraform show -json` are one line, and say nothing of where a
value was written. Given the root module the plan was made from (`--source
DIR`, or a plan file inside a Terraform root), every resource of the plan
that the source has (matched by address) is read through the source's
record: its values are located at their attributes, literal flags come
from the source, and values the plan has unknown but the source writes
literally are taken from the source (source/records.py, with_source). The
plan's own known values always win. Resources the source does not have
(a remote module's) stay at the plan's lines.
"""

from __future__ import annotations

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.build.records import PlanResource
from ecs_guard.inputs.terraform.source.records import with_source
from ecs_guard.model import Inventory


def locate_in_source(records: list[PlanResource], root, display: str, inventory: Inventory) -> list[PlanResource]:
    """`records` with every resource the source `root` (an hcl.HclRoot) has read
    through it; the source's files and unreadable files go to `inventory`."""
    from ecs_guard.inputs.terraform.source.adapter import problems_as_source

    inventory.files.extend(f for f in root.files if f not in inventory.files)
    inventory.problems.extend(problems_as_source(root))
    by_address = {resource.address: resource for resource in root.resources}
    located = [with_source(r, by_address[r.address]) if r.address in by_address else r for r in records]
    if records and not any(r.address in by_address for r in records):
        inventory.problems.append(
            InputProblem(
                display,
                f"none of the plan's resources is in the source {root.directory}: findings are reported at the plan",
                kind="not-understood",
            )
        )
    return located
