"""AWS CLI snapshots (and task definition files): one estate per command-line path.

Every snapshot and task definition file found under one path is read into
one estate and resolved together, so a service finds its cluster, task
definition, subnets, target groups and scalable target in whichever files
hold them, and a task definition file finds its roles in a
get-account-authorization-details next to it. The live audit writes the
same files (one folder per region) plus its manifest, whose failed calls
make the values they would have answered not known (snapshot_links).

Each file was parsed once by the caller and recognised by its shape; here
each record is read once into the model, with lazy locations (a line is
found in the text only if a report needs it). Parsed documents are let go
of as soon as what they hold is read (the documents list is emptied, the
records of a kind dropped once read): a large snapshot's parsed files are
tens of megabytes, and the model built from them then reuses that memory
instead of taking fresh pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecs_guard.inputs.detect import TASKDEF
from ecs_guard.inputs.snapshot import shapes
from ecs_guard.inputs.snapshot.iam import Roles
from ecs_guard.inputs.snapshot.links import Sources, audit_failures
from ecs_guard.inputs.snapshot.records import Record, read_each
from ecs_guard.inputs.snapshot.resources import (
    Scaling,
    configurations_included,
    read_cluster,
    read_subnet,
    read_target_group,
)
from ecs_guard.inputs.snapshot.services import ServiceReader
from ecs_guard.inputs.snapshot.shapes import Document
from ecs_guard.inputs.snapshot.unread import unread_resources
from ecs_guard.inputs.taskdef import read_task_definition
from ecs_guard.model import Cluster, Inventory, Service, TaskDefinition


def load_estate(documents: list[Document]) -> Inventory:
    """The Inventory of one estate; records it cannot read become problems.
    Empties `documents` (see the module's docstring)."""
    inventory = Inventory()
    problems = inventory.problems
    records = _records(documents)
    commands = {document.shape.command for document in documents}
    documents.clear()

    failures = []
    for found, reported in read_each(
        records.get(shapes.AUDIT_MANIFEST, ()), lambda r: audit_failures(r.data, r.text.path, r.text.location), problems
    ):
        failures += found
        problems += reported
    sources = Sources(commands, failures)

    roles = Roles(records, sources, problems)
    _drop(records, shapes.AUTHORIZATION_DETAILS, shapes.ROLE, shapes.POLICY, shapes.ROLE_POLICY)
    inventory.roles = roles.roles
    inventory.task_definitions = _unique(
        read_each(
            _drained(records.pop(shapes.TASK_DEFINITION, []) + records.pop(TASKDEF, [])),
            lambda r: read_task_definition(r.data, r.text, r.path, roles.resolve),
            problems,
        )
    )
    inventory.task_definitions += unread_resources(failures, TaskDefinition, inventory.task_definitions)
    cluster_records = records.get(shapes.CLUSTERS, [])
    with_configurations = configurations_included(cluster_records, shapes.AUDIT_MANIFEST.command in sources.commands)
    inventory.clusters = _unique(
        read_each(cluster_records, lambda r: read_cluster(r, r.text.path in with_configurations), problems)
    )
    inventory.clusters += unread_resources(failures, Cluster, inventory.clusters)
    inventory.subnets = _unique(read_each(_drained(records.pop(shapes.SUBNETS, [])), read_subnet, problems))
    inventory.target_groups = _unique(
        read_each(_drained(records.pop(shapes.TARGET_GROUPS, [])), read_target_group, problems)
    )
    scaling = Scaling(records, sources, problems)
    _drop(records, shapes.SCALABLE_TARGETS, shapes.SCALING_POLICIES, shapes.SCHEDULED_ACTIONS)
    inventory.scalable_targets = scaling.targets

    reader = ServiceReader(
        sources, inventory.clusters, inventory.task_definitions, inventory.subnets, inventory.target_groups, scaling
    )
    service_records = records.get(shapes.SERVICES, [])
    inventory.services = _unique(read_each(service_records, reader.service, problems))
    inventory.services += unread_resources(failures, Service, inventory.services)
    inventory.task_sets = _unique(
        read_each(records.get(shapes.TASK_SETS, []) + _embedded_task_sets(service_records), reader.task_set, problems)
    )
    return inventory


def _records(documents: list[Document]) -> dict[shapes.Shape, list[Record]]:
    """The records of every document, by shape, in file order: one per list
    entry for list outputs, the task definition object for
    describe-task-definition, the whole object otherwise."""
    records: dict[shapes.Shape, list[Record]] = {}
    for text, data, shape in documents:
        into = records.setdefault(shape, [])
        if shape.records is not None:
            key = shape.records
            into += (Record(text, (key, i), item) for i, item in enumerate(data[key]))
        elif shape is shapes.TASK_DEFINITION:
            into.append(Record(text, ("taskDefinition",), data["taskDefinition"]))
        else:
            into.append(Record(text, (), data))
    return records


def _drained(records: list[Record]) -> Iterator[Record]:
    """The records in order, each taken out of the list as it is handed out,
    so that its parsed object is freed once it is read."""
    records.reverse()
    while records:
        yield records.pop()


def _drop(records: dict[shapes.Shape, list[Record]], *kinds: shapes.Shape) -> None:
    """Lets go of the records of these kinds: every reader of them is done."""
    for kind in kinds:
        records.pop(kind, None)


def _embedded_task_sets(service_records: list[Record]) -> list[Record]:
    """describe-services prints the task sets of EXTERNAL-deployment services too."""
    found: list[Record] = []
    for record in service_records:
        task_sets = record.data.get("taskSets")
        if isinstance(task_sets, list):
            found += (
                Record(record.text, (*record.path, "taskSets", i), ts)
                for i, ts in enumerate(task_sets)
                if isinstance(ts, dict)
            )
    return found


def _unique(resources: list) -> list:
    """One object per address: the same resource in two files (a task set in
    describe-services and in describe-task-sets) is reported once, from the first."""
    seen: set[str] = set()
    result = []
    for resource in resources:
        if resource.address not in seen:
            seen.add(resource.address)
            result.append(resource)
    return result
