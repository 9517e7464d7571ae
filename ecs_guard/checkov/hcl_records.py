"""checkov's Terraform graph -> the records ecs-guard's builders read -> an Inventory.

Inside checkov's environment ecs-guard's own HCL front end cannot run (its
python-hcl2 and checkov's bc-python-hcl2 both install ``hcl2``), so the
terraform (HCL) framework is read from what checkov parsed: every resource
and data source vertex of its graph becomes a ``GraphResource``, which
answers the builders' questions (build/records.py) like a plan's record
does, and the shared index, linker and builders make the model, as for
plans, Terraform source and CloudFormation.

- values: the vertex's rendered configuration without checkov's list
  wrappers (conf.py); what checkov could not evaluate is unknown, with the
  reason; attributes the provider computes and the code does not write are
  unknown until apply, as in a plan (the schema says which);
- values checkov computed from a reference it could not resolve are
  unknown (unresolved.py); a policy document's ``json`` is merged as the
  provider merges it (policy_documents.py);
- links: the references written under each attribute, for the linker, and
  what a value is ``derived_from`` through other modules, variables,
  locals and outputs (graph_links.py).
"""

from __future__ import annotations

import json
import os
from typing import Any

from ecs_guard.checkov.conf import ConfReader, Document
from ecs_guard.checkov.graph import Vertex, address_of, kind_of, read_graph, split_address, type_of
from ecs_guard.checkov.graph_links import link
from ecs_guard.checkov.literals import Literals
from ecs_guard.checkov.policy_documents import render_policy_documents
from ecs_guard.checkov.unresolved import computed_from_text, forget
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links, instances_of
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.inputs.terraform.build.records import Path, PlanResource, dotted
from ecs_guard.inputs.terraform.provider.schema import COMPUTED_BLOCKS, resource_schema
from ecs_guard.inputs.unknown import Unknown, first_unknown, reason_at
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value

HOLDER = "the configuration"


class GraphResource(PlanResource):
    """A resource read from checkov's graph."""

    __slots__ = ("derived", "documents", "non_literal", "reasons")
    derived: dict[str, tuple[str, ...]]  # dotted attribute -> the resources its value comes from
    reasons: dict[Path, str]  # why a value is not known
    documents: dict[Path, Any]  # JSON attributes not entirely known: their known parts
    non_literal: set[Path]  # values taken from other resources' attributes

    def unknown_value(self, path: Path) -> Value:
        return Value.qualified(None, self.location, known=False, reason=self._reason(path), literal=self.literal(path))

    def literal(self, path: Path) -> bool:
        return not any(path[:depth] in self.non_literal for depth in range(1, len(path) + 1))

    def document(self, path: Path) -> Any:
        return self.documents.get(path)

    def derived_from(self, attribute: str) -> tuple[str, ...]:
        return self.derived.get(attribute, ())

    def _reason(self, path: Path) -> str:
        return reason_at(self.reasons, path) or f"{dotted(path)} is unknown until apply"


def read_checkov_graph(graph: Any) -> Inventory:
    """The estate of checkov's graph of one Terraform folder."""
    vertices = read_graph(graph)
    blocks = [v for v in vertices if v.block_type in ("resource", "data") and v.address and not _none(v)]
    folders = {os.path.dirname(str(v.attributes.get("file_path_"))) for v in vertices if v.attributes.get("file_path_")}
    nulls = {
        v.address
        for v in vertices
        if v.block_type == "variable" and "default" in v.attributes and v.attributes["default"] is None
    }
    reader = ConfReader({type_of(v) for v in blocks}, Literals(folders), nulls, _collections(vertices))
    by_local: dict[tuple[str, str], list[tuple[str, Any]]] = {}  # every resource of the graph, kept or not
    unexpanded: set[tuple[str, str]] = set()
    for vertex in blocks:
        module, local, key = split_address(vertex)
        by_local.setdefault((module, local), []).append((address_of(vertex), key))
        conf = vertex.config()
        if key is None and ("count" in conf or "for_each" in conf):
            unexpanded.add((module, local))  # checkov could not expand it: one vertex stands for all
    by_index = {v.index: v for v in vertices}
    records = []
    for vertex in blocks:
        kind = kind_of(vertex)
        if kind in ATTRIBUTES:
            record, references = _record(vertex, kind, reader, by_index)
            link(record, vertex, references, by_local, by_index, unexpanded)
            records.append(record)
    inventory = Inventory(files=sorted({str(v.attributes.get("file_path_")) for v in blocks}))
    inventory.sensitive = _sensitive_texts(vertices)
    render_policy_documents(records)
    links = Links(instances_of(records), {}, {}, frozenset(unexpanded))
    build_model(PlanIndex(records, links, holder=HOLDER), inventory)
    return inventory


def _collections(vertices: list[Vertex]) -> dict[str, Any]:
    """The lists and maps of variables and locals as checkov rendered them, by "var.ADDRESS" / "local.ADDRESS"."""
    found: dict[str, Any] = {}
    for vertex in vertices:
        name = vertex.address.rsplit(".", 1)[-1]
        if vertex.block_type == "variable":
            value = vertex.attributes.get("default")
        elif vertex.block_type == "locals":
            value = vertex.attributes.get(name)
        else:
            continue
        if isinstance(value, (list, dict)):
            found[f"{'var' if vertex.block_type == 'variable' else 'local'}.{vertex.address}"] = value
    return found


# --------------------------------------------------------------------- one record


def _none(vertex: Vertex) -> bool:
    """A block with no instances (`count = 0`, an empty `for_each`): not in the estate, as in Terraform."""
    conf = vertex.config()
    return conf.get("count") in ([0], ["0"]) or conf.get("for_each") in ([[]], [{}], [None])


def _record(
    vertex: Vertex, kind: str, reader: ConfReader, by_index: dict[int, Vertex]
) -> tuple[GraphResource, dict[str, list[str]]]:
    """The record of a vertex, and the reference texts under each of its attributes."""
    module, local, key = split_address(vertex)
    mode = "data" if vertex.block_type == "data" else "managed"
    resource_type = type_of(vertex)
    record = GraphResource(address_of(vertex), module, local, key, kind, {}, 0)
    record.derived, record.reasons, record.documents, record.non_literal = {}, {}, {}, set()
    attributes = vertex.attributes
    record.place(
        Location(
            str(attributes.get("file_path_", "")),
            int(attributes.get("__start_line__") or 1),
            int(attributes.get("__end_line__") or 0) or None,
            record.address,
        )
    )
    schema = resource_schema(resource_type, mode)
    conf = _without_dynamic_wrappers(vertex.config())
    directory = os.path.dirname(str(attributes.get("file_path_", "")))
    read = reader.block(conf, schema, resource_type, module, directory, key)
    for steps, target in computed_from_text(vertex, by_index):
        forget(read.values, steps, f"{'.'.join(steps)}: computed by checkov from {target}, which it could not resolve")
    wanted = ATTRIBUTES[kind]
    values: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    _note_non_literal(record, read.values, (), read.from_resources)
    for name in wanted:
        if name not in read.values:
            computed = COMPUTED_BLOCKS.get(resource_type, ())
            if schema is not None and (schema.is_computed(name) or name in computed):
                unknown[name] = True  # the provider sets it: unknown until apply, as a plan says
            continue
        data = read.values[name]
        if isinstance(data, Document):
            _document(record, name, data.data, values, unknown)
            continue
        known, tree = _split_unknown(record, data, (name,))
        if known is not None:
            values[name] = known
        if tree:
            unknown[name] = tree
    record.values, record.unknown = values, unknown
    record.expressions = {name: [] for name in read.references}  # every attribute written, as a plan lists them
    return record, read.references


def _without_dynamic_wrappers(conf: dict[str, Any]) -> dict[str, Any]:
    """The conf with dynamic blocks expanded as checkov expands them for its
    own checks (its handle_dynamic_values), on a copy: the graph is checkov's."""
    import contextlib
    import copy

    from checkov.terraform.parser_functions import handle_dynamic_values

    conf = copy.deepcopy(conf)
    with contextlib.suppress(Exception):  # a shape checkov itself cannot expand: left as written, read as unknown
        handle_dynamic_values(conf)
    return conf


def _note_non_literal(record: GraphResource, data: Any, path: Path, markers: set[int]) -> None:
    """The paths of the values taken from other resources' attributes alone."""
    if isinstance(data, Document):
        data = data.data
    if isinstance(data, Unknown):
        if id(data) in markers:
            record.non_literal.add(path)
    elif isinstance(data, dict):
        for key, item in data.items():
            _note_non_literal(record, item, (*path, key), markers)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _note_non_literal(record, item, (*path, index), markers)


def _document(record: GraphResource, name: str, data: Any, values: dict, unknown: dict) -> None:
    missing = first_unknown(data)
    if missing is None:
        values[name] = json.dumps(data) if not isinstance(data, str) else data
        return
    unknown[name] = True
    record.reasons.setdefault((name,), missing.reason)
    if not isinstance(data, Unknown):
        record.documents[(name,)] = data


def _split_unknown(record: GraphResource, data: Any, path: Path) -> tuple[Any, Any]:
    """(the data with unknown parts None, an after_unknown-like tree)."""
    if isinstance(data, Unknown):
        record.reasons.setdefault(path, data.reason)
        return None, True
    if isinstance(data, Document):
        missing = first_unknown(data.data)
        if missing is not None:
            record.reasons.setdefault(path, missing.reason)
            record.documents[path] = data.data
            return None, True
        return (json.dumps(data.data) if not isinstance(data.data, str) else data.data), {}
    if isinstance(data, dict):
        known, tree = {}, {}
        for key, item in data.items():
            k, t = _split_unknown(record, item, (*path, key))
            known[key] = k
            if t:
                tree[key] = t
        return known, tree
    if isinstance(data, list):
        pairs = [_split_unknown(record, item, (*path, i)) for i, item in enumerate(data)]
        trees = [t for _, t in pairs]
        return [k for k, _ in pairs], trees if any(trees) else {}
    return data, {}


# --------------------------------------------------------------------- secrets


def _sensitive_texts(vertices: list[Vertex]) -> list[str]:
    """The values of variables declared sensitive (their default, a .tfvars
    value or a module argument, as checkov rendered it): masked in every
    message, as ecs-guard masks them when it reads the source itself."""
    texts: dict[str, None] = {}
    for vertex in vertices:
        if vertex.block_type == "variable" and vertex.attributes.get("sensitive") in (True, "true", [True]):
            _texts(vertex.attributes.get("default"), texts)
    return list(texts)


def _texts(value: Any, into: dict[str, None]) -> None:
    if isinstance(value, str) and value:
        into.setdefault(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _texts(item, into)
    elif isinstance(value, dict):
        for item in value.values():
            _texts(item, into)
