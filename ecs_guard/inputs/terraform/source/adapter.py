"""The HCL adapter: a Terraform root module's source -> Inventory.

The HCL front end (hcl/) evaluates the root and its local modules into
records holding what a plan of the same code would hold; here they become
SourcedResources (located at their .tf lines) and go through the plan
adapter's own linker and builders (PlanIndex, terraform_model), so the
same stack scanned as HCL and as its plan gives the same model. What the
source cannot tell (a value computed at apply, a variable without a value)
is not known, with the expression in the reason.
"""

from __future__ import annotations

from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links, instances_of
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.inputs.terraform.source.records import SourcedResource, from_hcl
from ecs_guard.model import Inventory


def load_root_module(root) -> Inventory:
    """The model of an evaluated root module (an hcl.HclRoot), with its problems."""
    inventory = Inventory(files=list(root.files), problems=list(root.problems), sensitive=list(root.sensitive))
    records = sourced_records(root)
    unexpanded = frozenset((r.module, r.local) for r in records if r.source.expansion_unknown)
    links = Links(instances_of(records), root.calls, root.outputs, unexpanded)
    build_model(PlanIndex(records, links, holder="the configuration"), inventory)
    return inventory


def sourced_records(root) -> list[SourcedResource]:
    """A record for every resource instance of a kind the builders read."""
    records = []
    for resource in root.resources:
        kind = resource.type if resource.mode == "managed" else f"data.{resource.type}"
        attributes = ATTRIBUTES.get(kind)
        if attributes is not None:
            records.append(from_hcl(resource, kind, attributes))
    return records


def evaluate_root(directory: str | Path, var_files: tuple[str, ...] = (), modules: dict | None = None):
    """The hcl.HclRoot of `directory` (what could not be read is in its
    problems). Only here is the HCL front end imported: scans without .tf
    files never load it. `modules`: parsed module folders shared by the roots."""
    from ecs_guard.inputs.terraform.source.root import load_root

    return load_root(directory, list(var_files), modules=modules)


def problems_as_source(root) -> list[InputProblem]:
    """The problems of a root read only as the source of a plan: what could
    not be read at all. (What the source alone cannot evaluate, the plan knows.)"""
    return [problem for problem in root.problems if problem.kind == "unreadable"]
