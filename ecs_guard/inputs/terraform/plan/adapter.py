"""The Terraform plan adapter: `terraform show -json` output -> Inventory.

One plan is one estate, resolved within itself. The work is split so each
module has one job:

- plan_stream: walks the text, one resource entry at a time (a plan can be
  tens of MB: it is never loaded whole);
- build/records.py: keeps what the adapter reads of each resource and answers
  known / unknown until apply / absent for any attribute;
- build/links.py, build/index.py: follow references through the configuration and
  link resources by value or by reference;
- plan_network, plan_iam, plan_scaling, plan_ecs: the model objects
  (terraform_model runs them; the HCL adapter shares them);
- plan_source: with the plan's Terraform source, values located at their
  .tf lines;
- plan/sensitive.py: the texts of values the plan marks sensitive, masked
  in every report.

Every Value of a resource is located at the line of the resource's entry in
planned_values (plans from Terraform are one line, so line 1) with the
resource's full address, module path and instance key included; with the
source, at the line of the attribute in the .tf file.
"""

from __future__ import annotations

from ecs_guard.inputs.terraform.build.records import PlanResource
from ecs_guard.inputs.terraform.plan.read import read_plan
from ecs_guard.inputs.terraform.plan.source import locate_in_source
from ecs_guard.inputs.terraform.root_identity import name_with_root
from ecs_guard.model import Inventory


def load_plan(path: str, display: str, source=None) -> Inventory:
    """Read the plan at `path`; `display` is the path reports show. Whatever
    cannot be read becomes an InputProblem in the returned Inventory.
    `source`: the plan's Terraform root module as the HCL front end read it
    (an hcl.HclRoot), to report at its lines (plan_source.py). The plan
    alone is read by plan/read.py (which the checkov bridge uses)."""
    if source is None:
        return read_plan(path, display)

    def relocate(resources: list[PlanResource], inventory: Inventory) -> list[PlanResource]:
        return locate_in_source(resources, source, display, inventory)

    inventory = read_plan(path, display, relocate)
    inventory.sensitive.extend(text for text in source.sensitive if text not in inventory.sensitive)
    name_with_root(inventory, source.directory)
    return inventory
