"""Terraform resource records -> model objects, for plans and HCL alike.

Both Terraform adapters end in the same place: records that answer the
PlanResource questions (a plan's, or ones read from HCL by
source/records.py), indexed and linked by PlanIndex. This module names the
resource kinds and attributes the builders read and runs the builders, so
a plan and the same code read as HCL become the same model.
"""

from __future__ import annotations

from ecs_guard.inputs.terraform.build.ecs import ATTRIBUTES as ECS_ATTRIBUTES
from ecs_guard.inputs.terraform.build.ecs import Ecs
from ecs_guard.inputs.terraform.build.iam import ATTRIBUTES as IAM_ATTRIBUTES
from ecs_guard.inputs.terraform.build.iam import Iam
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.network import ATTRIBUTES as NETWORK_ATTRIBUTES
from ecs_guard.inputs.terraform.build.network import Network
from ecs_guard.inputs.terraform.build.scaling import ATTRIBUTES as SCALING_ATTRIBUTES
from ecs_guard.inputs.terraform.build.scaling import Scaling
from ecs_guard.model import Inventory

# The resource kinds the adapters read ("aws_ecs_service", "data.aws_iam_policy_document"),
# and which of their attributes.
ATTRIBUTES = {**ECS_ATTRIBUTES, **IAM_ATTRIBUTES, **NETWORK_ATTRIBUTES, **SCALING_ATTRIBUTES}


def build_model(index: PlanIndex, inventory: Inventory) -> None:
    """Every model object of the indexed records, added to `inventory`
    (with the problems of records that could not be read)."""
    network = Network(index)
    iam = Iam(index)
    scaling = Scaling(index)
    ecs = Ecs(index, iam, network, scaling)
    inventory.clusters.extend(ecs.clusters.values())
    inventory.services.extend(ecs.services.values())
    inventory.task_sets.extend(ecs.task_sets.values())
    inventory.task_definitions.extend(ecs.task_definitions.values())
    inventory.roles.extend(iam.roles.values())
    inventory.target_groups.extend(network.target_groups.values())
    inventory.scalable_targets.extend(scaling.targets.values())
    inventory.subnets.extend(network.subnets.values())
    inventory.problems.extend(index.problems)
