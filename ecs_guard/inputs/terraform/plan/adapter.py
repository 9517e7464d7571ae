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

import mmap

from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.inputs.terraform.build.records import PlanRecords
from ecs_guard.inputs.terraform.plan.source import locate_in_source
from ecs_guard.inputs.terraform.plan.stream import iter_plan
from ecs_guard.inputs.terraform.root_identity import name_with_root
from ecs_guard.location import Location
from ecs_guard.model import Inventory


def load_plan(path: str, display: str, source=None) -> Inventory:
    """Read the plan at `path`; `display` is the path reports show. Whatever
    cannot be read becomes an InputProblem in the returned Inventory.
    `source`: the plan's Terraform root module as the HCL front end read it
    (an hcl.HclRoot), to report at its lines (plan_source.py)."""
    inventory = Inventory(files=[display])
    try:
        text = _read_text(path)
    except OSError as error:
        inventory.problems.append(InputProblem(display, f"cannot read the plan: {error.strerror or error}"))
        return inventory
    except UnicodeDecodeError:
        inventory.problems.append(InputProblem(display, "cannot read the plan: not UTF-8 text"))
        return inventory
    records = PlanRecords(ATTRIBUTES)
    try:
        for entry in iter_plan(text):
            records.add(entry)
        _check_header(records)
    except InputError as error:
        inventory.problems.append(InputProblem(display, error.message, error.line))
        return inventory
    resources = records.finish()
    inventory.sensitive = list(records.sensitive)  # masked in every report, as for source (ecs_guard.sensitive)
    lines = _lines(text, [r.offset for r in resources] + [offset for _, offset in records.problems])
    del text  # from here on the model is built from the records alone
    for record in resources:
        record.place(Location(display, lines[record.offset], None, record.address))
    inventory.problems.extend(
        InputProblem(display, message, lines[offset], kind="not-understood") for message, offset in records.problems
    )
    if source is not None:
        resources = locate_in_source(resources, source, display, inventory)
        inventory.sensitive.extend(text for text in source.sensitive if text not in records.sensitive)
    index = PlanIndex(resources, Links(records.instances(), records.calls, records.outputs))
    build_model(index, inventory)
    if source is not None:
        name_with_root(inventory, source.directory)
    return inventory


def _read_text(path: str) -> str:
    """The file's text. Decoded straight from a memory map: reading it into
    bytes first would double the plan in memory for a moment, and cost a
    copy. (-sig: a byte order mark is no error.)"""
    with open(path, "rb") as stream:
        try:
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return str(mapped, "utf-8-sig")
        except (ValueError, OSError):  # an empty file or one that cannot be mapped (a pipe)
            return stream.read().decode("utf-8-sig")


def _check_header(records: PlanRecords) -> None:
    version = str(records.header.get("format_version", ""))
    if version and version.split(".", 1)[0] != "1":
        raise InputError(f"plan format_version {version} is not supported (ecs-guard reads 1.x)")
    if not records.sections & {"planned_values", "resource_changes"}:
        raise InputError(
            "no planned_values or resource_changes: not a Terraform plan "
            "(scan the output of `terraform show -json PLANFILE`)"
        )


def _lines(text: str, offsets: list[int]) -> dict[int, int]:
    """{offset: line} for every offset, in one pass over the text."""
    lines, line, last = {}, 1, 0
    for offset in sorted(set(offsets)):
        line += text.count("\n", last, offset)
        lines[offset] = line
        last = offset
    return lines
