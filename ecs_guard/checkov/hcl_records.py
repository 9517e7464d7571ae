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
- links: the references written under each attribute. A reference to a
  resource of the record's own module is given to the linker as a plan's
  configuration would give it (``aws_iam_role.exec.arn``); checkov renders
  variables, locals and module outputs into the text, so a reference may
  name a resource of another module (the caller's role passed in through
  a variable, a module's service named through its output): that one, and
  what ``var.x``/``local.x``/``module.m.out`` lead to along checkov's
  labelled edges, are what the value is ``derived_from`` (the hook the
  Terraform source records use for the same question).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any

from ecs_guard.checkov.conf import ConfReader, Document
from ecs_guard.checkov.graph import Vertex, read_graph
from ecs_guard.checkov.literals import Literals
from ecs_guard.checkov.policy_documents import render_policy_documents
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links, instances_of, join, key_suffix, module_of
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.inputs.terraform.build.records import Path, PlanResource, dotted
from ecs_guard.inputs.terraform.provider.schema import COMPUTED_BLOCKS, resource_schema
from ecs_guard.inputs.unknown import Unknown
from ecs_guard.location import Location
from ecs_guard.model import Inventory, Value

HOLDER = "the configuration"
_ADDRESS_KEY = re.compile(r"\[([^\]]*)\]$")
_HEAD = re.compile(r"^(?P<local>(?:data\.)?[\w-]+\.[\w-]+)(?P<key>\[[^\]]*\])?(?P<rest>.*)$")
_MAX_DEPTH = 64


class GraphResource(PlanResource):
    """A resource read from checkov's graph."""

    __slots__ = ("derived", "documents", "non_literal", "reasons")
    derived: dict[str, tuple[str, ...]]  # dotted attribute -> the resources its value comes from
    reasons: dict[Path, str]  # why a value is not known
    documents: dict[Path, Any]  # JSON attributes not entirely known: their known parts
    non_literal: set[Path]  # values taken from other resources' attributes

    def unknown_value(self, path: Path) -> Value:
        return Value(None, self.location, known=False, reason=self._reason(path), literal=self.literal(path))

    def literal(self, path: Path) -> bool:
        return not any(path[:depth] in self.non_literal for depth in range(1, len(path) + 1))

    def document(self, path: Path) -> Any:
        return self.documents.get(path)

    def derived_from(self, attribute: str) -> tuple[str, ...]:
        return self.derived.get(attribute, ())

    def _reason(self, path: Path) -> str:
        for depth in range(len(path), 0, -1):
            reason = self.reasons.get(path[:depth])
            if reason is not None:
                return reason
        depth = len(path)
        found = next((why for where, why in self.reasons.items() if where[:depth] == path), None)
        return found or f"{dotted(path)} is unknown until apply"


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
    reader = ConfReader({_type_of(v) for v in blocks}, Literals(folders), nulls, _collections(vertices))
    by_local: dict[tuple[str, str], list[tuple[str, Any]]] = {}  # every resource of the graph, kept or not
    unexpanded: set[tuple[str, str]] = set()
    for vertex in blocks:
        module, local, key = _split(vertex)
        by_local.setdefault((module, local), []).append((address_of(vertex), key))
        conf = vertex.config()
        if key is None and ("count" in conf or "for_each" in conf):
            unexpanded.add((module, local))  # checkov could not expand it: one vertex stands for all
    by_index = {v.index: v for v in vertices}
    records = []
    for vertex in blocks:
        kind = _kind(vertex)
        if kind in ATTRIBUTES:
            record, references = _record(vertex, kind, reader, by_index)
            _link(record, vertex, references, by_local, by_index, unexpanded)
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


def _type_of(vertex: Vertex) -> str:
    kind = str(vertex.attributes.get("resource_type") or _split(vertex)[1].split(".")[-2])
    return kind.removeprefix("data.")  # checkov names a data source's type data.aws_...


def address_of(vertex: Vertex) -> str:
    """The vertex's address as Terraform writes it: checkov leaves out the
    ``data.`` of a data source (``aws_iam_policy_document.x``)."""
    address = vertex.address
    if vertex.block_type != "data":
        return address
    module = module_of(address)
    local = address[len(module) + 1 :] if module else address
    return address if local.startswith("data.") else join(module, f"data.{local}")


def _kind(vertex: Vertex) -> str:
    return f"data.{_type_of(vertex)}" if vertex.block_type == "data" else _type_of(vertex)


def _split(vertex: Vertex) -> tuple[str, str, Any]:
    """(module instance, local address, instance key) of a resource vertex."""
    address = address_of(vertex)
    module = module_of(address)
    local = address[len(module) + 1 :] if module else address
    key = None
    match = _ADDRESS_KEY.search(local)
    if match:
        local = local[: match.start()]
        key = _parse_key(match.group(1))
    return module, local, key


def _parse_key(inner: str) -> Any:
    """'0' -> 0, '"blue"' or 'blue' (as checkov renders keys) -> 'blue', '*' or a reference -> None."""
    inner = inner.strip()
    if inner.isdigit():
        return int(inner)
    if len(inner) >= 2 and inner[0] == inner[-1] == '"':
        return re.sub(r"\\(.)", r"\1", inner[1:-1])
    if not inner or inner == "*" or "." in inner:
        return None
    return inner


def _record(
    vertex: Vertex, kind: str, reader: ConfReader, by_index: dict[int, Vertex]
) -> tuple[GraphResource, dict[str, list[str]]]:
    """The record of a vertex, and the reference texts under each of its attributes."""
    module, local, key = _split(vertex)
    mode = "data" if vertex.block_type == "data" else "managed"
    resource_type = _type_of(vertex)
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
    for steps, target in _computed_from_text(vertex, by_index):
        _forget(read.values, steps, f"{'.'.join(steps)}: computed by checkov from {target}, which it could not resolve")
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


def _computed_from_text(vertex: Vertex, by_index: dict[int, Vertex]) -> list[tuple[tuple[str, ...], str]]:
    """Attributes checkov computed from a reference it could not resolve.
    An attribute that refers to another resource (an edge) either keeps the
    reference's text (conf.py makes it unknown) or was rendered from that
    resource's configuration, which checkov notes in the vertex's
    ``rendering_breadcrumbs_``. Neither: checkov evaluated the expression
    with the reference's text for its value
    (``length(aws_ecr_repository.app.repository_url) > 0 ? 2 : 1`` is 2).
    The same holds for a value that reaches the attribute through a module
    argument, a local or a module output computed that way."""
    found = []
    for label, _ in vertex.edges:
        steps = _names(label)
        if not label.startswith("[") and steps:
            target = _unexplained(vertex, label, by_index, set())
            if target is not None:
                found.append((steps, target))
    return found


def _unexplained(vertex: Vertex, label: str, by_index: dict[int, Vertex], seen: set[int]) -> str | None:
    """The resource whose unresolved reference the value of `label` of
    `vertex` was computed from, if any (through variables, locals, outputs)."""
    if vertex.index in seen or len(seen) > _MAX_DEPTH:
        return None
    seen.add(vertex.index)
    crumbs = vertex.attributes.get("rendering_breadcrumbs_")
    explained = {_names(crumb) for crumb in crumbs} if isinstance(crumbs, dict) else set()
    steps = _names(label)
    for edge, target in vertex.edges:
        other = by_index.get(target)
        if edge.startswith("[") or other is None or _names(edge) != steps:
            continue
        if other.block_type in ("resource", "data"):
            if steps not in explained:
                return address_of(other)
            continue
        name = other.address.rsplit(".", 1)[-1]
        if other.block_type == "variable":  # its value: the module call's argument (a root variable's is no resource's)
            for default, call in other.edges:
                module = by_index.get(call)
                if default == "default" and module is not None and module.block_type == "module":
                    found = _unexplained(module, name, by_index, seen)
                    if found is not None:
                        return found
        elif other.block_type in ("locals", "output"):
            found = _unexplained(other, name if other.block_type == "locals" else "value", by_index, seen)
            if found is not None:
                return found
    return None


def _names(label: str) -> tuple[str, ...]:
    return tuple(step for step in label.split(".") if step and not step.isdigit())


def _forget(values: dict[str, Any], steps: tuple[str, ...], reason: str) -> None:
    """The known value at `steps` (through every block on the way) made unknown."""
    node: Any = values
    for position, step in enumerate(steps):
        if isinstance(node, list):
            for item in node:
                _forget(item, steps[position:], reason) if isinstance(item, dict) else None
            return
        if not isinstance(node, dict) or step not in node:
            return
        if position == len(steps) - 1:
            if _first_unknown(_data(node[step])) is None:
                node[step] = Unknown(reason)
            return
        node = node[step]


def _data(value: Any) -> Any:
    return value.data if isinstance(value, Document) else value


def _document(record: GraphResource, name: str, data: Any, values: dict, unknown: dict) -> None:
    missing = _first_unknown(data)
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
        missing = _first_unknown(data.data)
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


def _first_unknown(data: Any) -> Unknown | None:
    if isinstance(data, Unknown):
        return data
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for item in items:
        found = _first_unknown(item)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------- links


def _link(
    record: GraphResource,
    vertex: Vertex,
    texts: dict[str, list[str]],
    by_local: dict[tuple[str, str], list[tuple[str, Any]]],
    by_index: dict[int, Vertex],
    unexpanded: set[tuple[str, str]],
) -> None:
    """The references of each attribute: the linker's (own module) and what
    the value is derived from (other modules, variables, locals, outputs)."""
    expressions = record.expressions
    assert expressions is not None
    for attribute, references in texts.items():
        own: list[str] = []
        addresses: list[str] = []
        through = False  # a variable, local or module output: checkov's edges say where it leads
        foreign = False
        unknown_count = False  # a resource whose count or for_each checkov could not know
        for text in references:
            head = text.split(".", 1)[0]
            if head in ("var", "local", "module"):
                through = True
                continue
            if head in ("each", "count", "path", "terraform"):
                continue
            match = _HEAD.match(text)
            if match is None:
                continue
            local, rest = match.group("local"), match.group("rest")
            key = _parse_key(match.group("key")[1:-1]) if match.group("key") else None
            module = _module_having(record.module, local, by_local)
            if module is None:  # not in the configuration at all: the linker says so
                own.append(f"{local}{key_suffix(key)}{rest}")
                continue
            unknown_count = unknown_count or (module, local) in unexpanded
            found = [a for a, k in by_local[(module, local)] if key is None or k == key]
            addresses.extend(found or [join(module, local) + key_suffix(key)])
            if module == record.module:
                own.append(f"{local}{key_suffix(key)}{rest}")
            else:
                foreign = True
        if through or foreign or not references:
            edges = _edge_targets(vertex, attribute, by_index) if (through or not references) else []
            derived = tuple(dict.fromkeys([*addresses, *edges]))
            if derived and not unknown_count:
                record.derived[attribute] = derived
            expressions[attribute] = [] if (through or foreign) else own
        else:
            expressions[attribute] = own


def _module_having(module: str, local: str, by_local: dict) -> str | None:
    """The module instance whose resource `local` a text written in `module`
    names: its own, else the nearest caller's (a variable checkov rendered),
    else the one module that has it (a module output checkov rendered)."""
    current = module
    while True:
        if (current, local) in by_local:
            return current
        if not current:
            break
        current = module_of(current.rsplit(".module.", 1)[0]) if ".module." in current else ""
    having = [m for (m, name) in by_local if name == local]
    return having[0] if len(having) == 1 else None


def _edge_targets(vertex: Vertex, attribute: str, by_index: dict[int, Vertex]) -> list[str]:
    """The resources an attribute's edges lead to, through variables, locals and outputs."""
    found: list[str] = []
    seen: set[int] = set()
    for label, target in vertex.edges:
        if _label_matches(label, attribute):
            _follow(by_index.get(target), by_index, found, seen, 0)
    return found


def _label_matches(label: str, name: str) -> bool:
    if label.startswith("["):  # checkov's "[cross-variable] ..." shortcuts: followed step by step instead
        return False
    steps = ".".join(step for step in label.split(".") if not step.isdigit())
    return steps == name or steps.startswith(name + ".")


def _follow(vertex: Vertex | None, by_index: dict[int, Vertex], found: list[str], seen: set[int], depth: int) -> None:
    if vertex is None or vertex.index in seen or depth > _MAX_DEPTH:
        return
    seen.add(vertex.index)
    if vertex.block_type in ("resource", "data"):
        found.append(address_of(vertex))
        return
    name = vertex.address.rsplit(".", 1)[-1]
    if vertex.block_type == "variable":
        labels: Iterable[str] = ("default",)
    elif vertex.block_type == "locals":
        labels = (name,)
    elif vertex.block_type == "output":
        labels = ("value",)
    else:  # a module reached directly, a tfvar, a provider: no resource behind it that an edge names
        return
    for label, target in vertex.edges:
        if any(_label_matches(label, wanted) for wanted in labels):
            nxt = by_index.get(target)
            if vertex.block_type == "variable" and nxt is not None and nxt.block_type == "module":
                _follow_argument(nxt, name, by_index, found, seen, depth + 1)
            else:
                _follow(nxt, by_index, found, seen, depth + 1)


def _follow_argument(
    module: Vertex, argument: str, by_index: dict[int, Vertex], found: list[str], seen: set[int], depth: int
) -> None:
    """A module variable's value: what the call's `argument` refers to."""
    for label, target in module.edges:
        if _label_matches(label, argument):
            _follow(by_index.get(target), by_index, found, seen, depth + 1)


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
