"""The plan's resources as records that answer "what is this attribute?".

A resource's facts are spread over three sections of the plan: its planned
values, ``after_unknown`` in resource_changes, and its configuration
expressions. ``PlanRecords`` gathers them from the stream (keeping only the
attributes the adapter reads, so the rest of each entry is garbage at
once), and a ``PlanResource`` turns them into model Values:

- known: the planned value;
- unknown until apply: ``Value.unknown("<attr> is unknown until apply")``;
- absent: the planned value is null, or the attribute is unknown only
  because AWS computes it and the configuration does not write it (a
  cluster's ``setting``, a role's ``managed_policy_arns``): what is not
  written is absent, as in the other input kinds. Identity attributes that
  AWS always sets (ARNs, ids, availability zones) are read with
  ``computed()``, which keeps them unknown.

An attribute the configuration writes but the planned values lack
altogether counts as unknown, never as absent: Terraform writes every
known attribute, so it can only be missing when something went wrong.

The builders (plan_ecs, plan_iam, plan_network, plan_scaling) read every
record through the methods of ``PlanResource``: get / computed / known /
raw / is_unknown / blocks / references answer from the values, the
after_unknown tree and the configuration's references; ``locate(path)``,
``literal(path)``, ``unknown_value(path)``, ``document(path)`` and
``derived_from(attribute)`` say where a value was written, whether
literally, why it is not known, what a JSON attribute holds when its string
is not known, and which resources a value comes from through locals. A
plan knows none of that beyond the resource's entry, so here they are the
entry's location, "literal", "unknown until apply" and nothing.
source/records.py overrides exactly those for records read from (or
located in) Terraform source, so the same builders make the model from HCL.
"""

from __future__ import annotations

from typing import Any

from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.terraform.build.links import Instance, config_path, instances_of, module_of
from ecs_guard.inputs.terraform.plan.sensitive import all_texts, marked_texts
from ecs_guard.inputs.terraform.plan.stream import PlanEntry
from ecs_guard.location import Location
from ecs_guard.model import Value

Path = tuple  # of attribute names (str) and block indexes (int)


class PlanResource:
    """One resource instance of the plan (managed resource or data source)."""

    __slots__ = (
        "absent",
        "address",
        "expressions",
        "index",
        "kind",
        "local",
        "location",
        "module",
        "offset",
        "unknown",
        "values",
    )

    def __init__(self, address: str, module: str, local: str, index, kind: str, values: dict, offset: int):
        self.address = address
        self.module = module  # module instance: '' or 'module.api["x"]'
        self.local = local  # 'aws_ecs_service.this' or 'data.aws_iam_policy_document.x'
        self.index = index  # count index or for_each key, None for a single instance
        self.kind = kind  # 'aws_ecs_service' or 'data.aws_iam_policy_document'
        self.values = values
        self.unknown: dict = {}
        # {attribute (dotted for nested blocks, and each block on its own): references};
        # None when the plan has no configuration for this resource
        self.expressions: dict[str, list[str]] | None = None
        self.offset = offset
        # set by place() once lines are known, before any Value is read
        self.location: Location = None  # type: ignore[assignment]  # see place()
        self.absent: Value = None  # type: ignore[assignment]  # see place()

    def place(self, location: Location) -> None:
        """Locate the resource (and so every Value read from it)."""
        self.location = location
        self.absent = Value(None, location)  # shared: most attributes of a resource are not written

    def get(self, *path) -> Value:
        """The attribute at `path` (e.g. ``("network_configuration", 0, "subnets")``)."""
        name = path[0]
        if self.unknown.get(name) and self.is_unknown(path):
            if name not in self.values and self.expressions is not None and name not in self.expressions:
                return self.absent  # computed by AWS, not written: absent
            return self.unknown_value(path)
        value = self.values.get(name) if len(path) == 1 else self.raw(path)
        if value is None:
            if self.expressions and name in self.expressions and name not in self.values:
                return self.unknown_value(path)  # written, yet missing from the planned values
            return self.absent
        return self.value(value, path)

    def computed(self, *path) -> Value:
        """An attribute AWS always sets (arn, id, availability_zone): unknown
        until apply whether or not the configuration writes it."""
        if self.unknown.get(path[0]) and self.is_unknown(path):
            return self.unknown_value(path)
        value = self.raw(path)
        return self.absent if value is None else self.value(value, path)

    def known(self, *path) -> Any:
        """The planned value at `path` when it is known, else None (no Value
        built: for matching resources by value)."""
        if self.unknown.get(path[0]) and self.is_unknown(path):
            return None
        return self.raw(path)

    # ----------------------------------------------------------------- where and how it was written

    def value(self, value: Any, path: Path) -> Value:
        """A known value read at `path`."""
        return Value(value, self.location)

    def unknown_value(self, path: Path) -> Value:
        return Value.unknown(f"{dotted(path)} is unknown until apply", self.location)

    def locate(self, path: Path) -> Location:
        """Where the value at `path` is written: in a plan, the resource's entry."""
        return self.location

    def literal(self, path: Path) -> bool:
        """Whether the value at `path` was written literally; a plan cannot tell."""
        return True

    def document(self, path: Path) -> Any:
        """The parsed JSON of a string attribute whose text is not known, as
        far as it is known (parts not known are ``Unknown`` markers); None
        when nothing of it is known. A plan holds such a string as one
        unknown value."""
        return None

    def derived_from(self, attribute: str) -> tuple[str, ...]:
        """The resource instances the value of `attribute` (dotted) really
        comes from, through variables, locals and module outputs, when the
        references alone cannot tell (``local.role_arn``). A plan's
        configuration does not show locals: nothing."""
        return ()

    def raw(self, path: Path) -> Any:
        """The planned value at `path`, None where it is missing."""
        node: Any = self.values.get(path[0])
        if len(path) == 1:
            return node
        for step in path[1:]:
            if node is None:
                return None
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and -len(node) <= step < len(node) else None
            else:
                node = node.get(step) if isinstance(node, dict) else None
        return node

    def is_unknown(self, path: Path) -> bool:
        """True when the value at `path`, or any part of it, is unknown until apply."""
        node: Any = self.unknown
        for step in path:
            if node is True:
                return True
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and -len(node) <= step < len(node) else None
            else:
                node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                return False
        return _has_unknown(node)

    def blocks(self, name: str) -> Value:
        """Value[list[dict]]: the planned blocks of a nested block type, unknown
        only when the whole list is (a block with some unknown attributes is
        still there, and get() answers for those)."""
        if self.unknown.get(name) is True:
            written = self.get(name)  # unknown, or absent when the configuration does not write it
            return written if not written.known else Value([], self.location)
        value = self.values.get(name)
        if value is None:
            return Value([], self.location)
        if value.__class__ is not list or any(b.__class__ is not dict for b in value):
            raise InputError(f"{name} is not a list of blocks")
        return Value(value, self.locate((name,)))

    def references(self, attribute: str) -> list[str] | None:
        """The references of the expression written for `attribute` (dotted
        for nested blocks: ``network_configuration.subnets``); None when the
        plan has no configuration for this resource."""
        if self.expressions is None:
            return None
        return self.expressions.get(attribute, [])


def dotted(path: Path) -> str:
    """An attribute path as the configuration names it: network_configuration.subnets."""
    return path[0] if len(path) == 1 else ".".join([step for step in path if step.__class__ is str])


def unknown_paths(tree: Any, path: Path = ()):
    """The paths marked True in an after_unknown tree."""
    if tree is True:
        yield path
    elif isinstance(tree, dict):
        for key, inner in tree.items():
            yield from unknown_paths(inner, (*path, key))
    elif isinstance(tree, list):
        for index, inner in enumerate(tree):
            yield from unknown_paths(inner, (*path, index))


def _has_unknown(node: Any) -> bool:
    if node is True:
        return True
    if isinstance(node, dict):
        return any(_has_unknown(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_unknown(v) for v in node)
    return False


class PlanRecords:
    """Collects the resources of one plan from the stream of entries.

    ``attributes`` maps a resource kind (``aws_ecs_service``,
    ``data.aws_iam_policy_document``) to the attributes the adapter reads;
    other kinds are dropped as they stream by. Entries whose shape is wrong
    are listed in ``problems`` as (message, offset) and skipped. The texts
    of every value the plan marks sensitive, in the attributes read, root
    variables and outputs, are kept in ``sensitive`` (plan/sensitive.py).
    This runs for every entry of the plan: it does as little as it can.
    """

    def __init__(self, attributes: dict[str, tuple[str, ...]]):
        self.attributes = attributes
        self.resources: dict[str, PlanResource] = {}
        self.header: dict[str, Any] = {}
        self.problems: list[tuple[str, int]] = []
        self.sections: set[str] = set()  # top-level members of the plan
        self.calls: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.outputs: dict[tuple[str, str], list[str]] = {}
        self.sensitive: dict[str, None] = {}  # texts marked sensitive, masked in reports (ecs_guard.sensitive)
        self._variables: dict[str, Any] = {}  # root variable values; masked when declared sensitive
        self._sensitive_variables: set[str] = set()
        self._unknown: dict[str, dict] = {}
        self._changed_only: dict[str, PlanResource] = {}
        self._expressions: dict[tuple[str, str], dict] = {}

    def add(self, entry: PlanEntry) -> None:
        # A table of functions, not of bound methods: those would make a
        # reference cycle that keeps every record alive after the load.
        _HANDLERS[entry.kind](self, entry)

    def finish(self) -> list[PlanResource]:
        """Merge after_unknown and the configuration into the records; every resource, in plan order."""
        for address, record in self._changed_only.items():
            self.resources.setdefault(address, record)
        paths: dict[str, str] = {}
        for record in self.resources.values():
            record.unknown = self._unknown.get(record.address, {})
            module = record.module
            path = paths.get(module)
            if path is None:
                path = paths[module] = config_path(module)
            expressions = self._expressions.get((path, record.local))
            record.expressions = expressions
        for name in self._sensitive_variables:
            all_texts(self._variables.get(name), self.sensitive)
        self._unknown = {}
        self._changed_only = {}
        self._expressions = {}
        self._variables = {}
        return list(self.resources.values())

    def instances(self) -> dict[tuple[str, str], list[Instance]]:
        """(module instance, local address) -> its instances, for links.py."""
        return instances_of(self.resources.values())

    # ----------------------------------------------------------------- entries

    def _wanted(self, entry: PlanEntry) -> tuple[str, tuple] | None:
        """(kind, attributes read) of a resource entry of a kind the adapter reads."""
        data = entry.data
        if data.__class__ is not dict:
            self.problems.append(("a resource entry is not an object", entry.offset))
            return None
        kind = data.get("type")
        if not isinstance(kind, str):
            return None  # not a resource of any kind the adapter reads
        if data.get("mode") == "data":
            kind = f"data.{kind}"
        wanted = self.attributes.get(kind)
        return None if wanted is None else (kind, wanted)

    def _state_resource(self, entry: PlanEntry) -> None:
        found = self._wanted(entry)
        if found is None:
            return
        kind, wanted = found
        data = entry.data
        marks = data.get("sensitive_values")
        if marks:
            marked_texts(data.get("values"), _read(marks, wanted), self.sensitive)
        if entry.kind == "prior" and (not kind.startswith("data.") or data.get("address") in self.resources):
            return  # prior state: only data sources read while planning
        record = self._record(entry, kind, wanted, data.get("values"))
        if record is not None:
            self.resources[record.address] = record

    def _change(self, entry: PlanEntry) -> None:
        found = self._wanted(entry)
        if found is None:
            return
        kind, wanted = found
        data = entry.data
        change, address = data.get("change"), data.get("address")
        if change.__class__ is not dict or address.__class__ is not str:
            self.problems.append((f"{address or 'a resource change'}: change is not an object", entry.offset))
            return
        _marked_in_change(change, self.sensitive, wanted)
        if change.get("actions") == ["delete"]:
            return
        unknown = change.get("after_unknown")
        if unknown.__class__ is dict and unknown:
            self._unknown[address] = {k: unknown[k] for k in wanted if k in unknown}
        if address not in self.resources and change.get("after") is not None:
            # normally in planned_values: kept only in case it is not (a forgotten resource has no after)
            record = self._record(entry, kind, wanted, change.get("after"))
            if record is not None:
                self._changed_only[address] = record

    def _record(self, entry: PlanEntry, kind: str, wanted: tuple, values: Any) -> PlanResource | None:
        data = entry.data
        address, name = data.get("address"), data.get("name")
        if address.__class__ is not str or name.__class__ is not str:
            self.problems.append((f"a {kind} entry has no address or name", entry.offset))
            return None
        if values is None:
            values = {}
        elif values.__class__ is not dict:
            self.problems.append((f"{address}: values is not an object", entry.offset))
            return None
        return PlanResource(
            address,
            module_of(address),
            f"{kind}.{name}",
            data.get("index"),
            kind,
            {k: values[k] for k in wanted if k in values},
            entry.offset,
        )

    def _config_resource(self, entry: PlanEntry) -> None:
        found = self._wanted(entry)
        if found is None:
            return
        address, expressions = entry.data.get("address"), entry.data.get("expressions")
        if address.__class__ is str:
            self._expressions[(entry.module, address)] = flatten(expressions) if expressions.__class__ is dict else {}

    def _call(self, entry: PlanEntry) -> None:
        name, call = entry.data
        expressions = call.get("expressions")
        self.calls[(entry.module, name)] = flatten(expressions) if expressions.__class__ is dict else {}

    def _outputs(self, entry: PlanEntry) -> None:
        if entry.data.__class__ is dict:
            for name, output in entry.data.items():
                expression = output.get("expression") if output.__class__ is dict else None
                self.outputs[(entry.module, name)] = _references(expression)

    def _variables_values(self, entry: PlanEntry) -> None:
        if entry.data.__class__ is dict:
            for name, variable in entry.data.items():
                if variable.__class__ is dict:
                    self._variables[name] = variable.get("value")

    def _declared(self, entry: PlanEntry) -> None:
        if entry.module == "" and entry.data.__class__ is dict:  # a module's inputs are marked where they are used
            for name, declaration in entry.data.items():
                if declaration.__class__ is dict and declaration.get("sensitive") is True:
                    self._sensitive_variables.add(name)
                    all_texts(declaration.get("default"), self.sensitive)

    def _output_changes(self, entry: PlanEntry) -> None:
        if entry.data.__class__ is dict:
            for change in entry.data.values():
                if change.__class__ is dict:
                    _marked_in_change(change, self.sensitive, None)

    def _header(self, entry: PlanEntry) -> None:
        key, value = entry.data
        self.header[key] = value

    def _section(self, entry: PlanEntry) -> None:
        self.sections.add(entry.data)


_HANDLERS = {
    "planned": PlanRecords._state_resource,
    "prior": PlanRecords._state_resource,
    "change": PlanRecords._change,
    "config": PlanRecords._config_resource,
    "call": PlanRecords._call,
    "outputs": PlanRecords._outputs,
    "declared": PlanRecords._declared,
    "variables": PlanRecords._variables_values,
    "output_changes": PlanRecords._output_changes,
    "header": PlanRecords._header,
    "section": PlanRecords._section,
}


def _marked_in_change(change: dict, into: dict[str, None], wanted: tuple | None) -> None:
    """The sensitive texts of a change's after and before values (of the
    `wanted` attributes only, when given)."""
    for side in ("after", "before"):
        marks = change.get(f"{side}_sensitive")
        if marks:
            marked_texts(change.get(side), marks if wanted is None else _read(marks, wanted), into)


def _read(marks: Any, wanted: tuple) -> Any:
    """The sensitive marks of the attributes the adapter reads: only those can
    reach a report. (Another resource's attribute that the provider's schema
    makes sensitive, an SSM parameter's value, is marked again wherever
    terraform carries the mark; where it does not, terraform prints the value
    itself, and the Terraform source scan does not know it either.)"""
    if marks.__class__ is not dict:
        return marks
    return {k: marks[k] for k in wanted if k in marks}


def flatten(expressions: dict, prefix: str = "", into: dict | None = None) -> dict[str, list[str]]:
    """Configuration expressions as {dotted attribute: references}; nested
    blocks (lists of expression objects) merge into ``block.attribute``, and
    each block is a key of its own (``block``), so a top-level lookup tells
    whether the configuration writes an attribute at all."""
    into = {} if into is None else into
    for name, expression in expressions.items():
        dotted_name = prefix + name
        if not prefix and "." in name:  # already flattened (as some tools write it)
            into.setdefault(name.split(".", 1)[0], [])
        if isinstance(expression, list):
            into.setdefault(dotted_name, [])
            for block in expression:
                if isinstance(block, dict):
                    flatten(block, dotted_name + ".", into)
        elif isinstance(expression, dict):
            if expression.keys() <= {"references", "constant_value"}:
                into.setdefault(dotted_name, []).extend(_references(expression))
            else:  # a single nested block
                into.setdefault(dotted_name, [])
                flatten(expression, dotted_name + ".", into)
    return into


def _references(expression: Any) -> list[str]:
    references = expression.get("references") if isinstance(expression, dict) else None
    return [r for r in references if isinstance(r, str)] if isinstance(references, list) else []
