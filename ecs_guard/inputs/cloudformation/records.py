"""Template resources as the records the Terraform builders read.

The builders (terraform/build/) ask every record "what is this
attribute?" through PlanResource's methods. A ``TemplateResource`` answers
for a CloudFormation resource: its ``values`` are shaped like the AWS
provider's attributes (snake_case, nested blocks as lists of dicts, JSON
attributes as JSON strings), its ``unknown`` tree marks what is only known
once the stack is deployed, and its ``expressions`` hold the references of
each attribute (``Ref``/``Fn::GetAtt`` spelled as Terraform references), so
the shared linker links a service to its task definition, roles, subnets
and target groups exactly as for a plan.

What only the template knows is answered here: each value's line (the
property's; the parameter's ``Default`` for a value that is one), whether
it was written literally (a ``Ref`` to a resource, an import, a value set
at deploy time is not), why a value is not known, and the known parts of a
JSON attribute that is not entirely known (a container definition whose
role ARN is a ``!GetAtt``).

``RecordBuilder`` fills a record from the resource's properties: it walks
the property tree and the attribute tree side by side, evaluating the
intrinsics it meets (intrinsics.py) and noting where each attribute was
written.
"""

from __future__ import annotations

import json
from typing import Any

from ecs_guard.inputs.cloudformation.intrinsics import ABSENT, Evaluator, Trace, is_intrinsic
from ecs_guard.inputs.cloudformation.template import Template
from ecs_guard.inputs.terraform.build.records import Path, PlanResource, dotted
from ecs_guard.inputs.unknown import Unknown, first_unknown, reason_at
from ecs_guard.location import Location
from ecs_guard.model import Value

# Property maps whose keys are names chosen by the user, kept as written.
_FREE_MAPS = frozenset({"Options", "DockerLabels", "SecretOptions"})
_BOOLEANS = frozenset({"privileged", "readonlyRootFilesystem", "essential", "interactive", "pseudoTerminal"})


class TemplateResource(PlanResource):
    __slots__ = ("defaults", "documents", "logical_id", "non_literal", "paths", "reasons", "template")
    template: Template
    logical_id: str
    paths: dict[Path, tuple]  # attribute path -> the template path it was written at
    defaults: dict[Path, str]  # attribute path -> the parameter whose Default it is
    non_literal: set[Path]
    reasons: dict[Path, str]  # why a value is not known
    documents: dict[Path, Any]  # JSON attributes not entirely known: their known parts

    def value(self, value: Any, path: Path) -> Value:
        return Value.qualified(value, self.locate(path), literal=self.literal(path))

    def unknown_value(self, path: Path) -> Value:
        return Value.qualified(
            None, self.locate(path), known=False, reason=self._reason(path), literal=self.literal(path)
        )

    def locate(self, path: Path) -> Location:
        """The line of the property written for `path` (or of the nearest
        written property above it; the parameter's Default for a value that
        is one); the resource's logical ID for what is not written."""
        for depth in range(len(path), 0, -1):
            prefix = path[:depth]
            parameter = self.defaults.get(prefix)
            if parameter is not None:
                return self._at(("Parameters", parameter, "Default"))
            written = self.paths.get(prefix)
            if written is not None:
                return self._at(written)
        return self.location

    def literal(self, path: Path) -> bool:
        return not any(path[:depth] in self.non_literal for depth in range(1, len(path) + 1))

    def document(self, path: Path) -> Any:
        return self.documents.get(path)

    def _at(self, template_path: tuple) -> Location:
        return Location(self.template.display, self.template.line_of(template_path), None, self.logical_id)

    def _reason(self, path: Path) -> str:
        return reason_at(self.reasons, path) or f"{dotted(path)} is known after the stack is deployed"


def new_record(template: Template, logical_id: str, kind: str, address: str, index: int | None) -> TemplateResource:
    record = TemplateResource(address, "", f"{kind}.{logical_id}", index, kind, {}, 0)
    record.template = template
    record.logical_id = logical_id
    record.paths, record.defaults, record.non_literal, record.reasons, record.documents = {}, {}, set(), {}, {}
    record.expressions = {}
    record.place(Location(template.display, template.line_of(("Resources", logical_id)), None, address))
    return record


class RecordBuilder:
    """Fills one record's attributes from one resource's properties."""

    def __init__(self, record: TemplateResource, evaluator: Evaluator, properties: Any):
        self.record = record
        self.evaluator = evaluator
        self.base: tuple = ("Resources", record.logical_id, "Properties")
        self.properties = properties if isinstance(properties, dict) else {}
        self.written: dict[str, Any] = {}  # attribute -> data with Unknown markers

    # ----------------------------------------------------------------- reading properties

    def raw(self, *keys: str) -> Any:
        """The property at `keys` as written (None when it is not)."""
        node: Any = self.properties
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def resolve(self, node: Any, where: tuple, path: Path, secret_ok: bool = False) -> Any:
        """`node` with the intrinsic at its top evaluated, its trace noted for `path`."""
        if is_intrinsic(node):
            trace = Trace()
            value = self.evaluator.evaluate(node, trace, secret_ok)
            self.note(path, where, trace)
            return value
        self.record.paths[path] = where
        return node

    def note(self, path: Path, where: tuple, trace: Trace) -> None:
        record = self.record
        record.paths[path] = where
        if not trace.literal:
            record.non_literal.add(path)
        if trace.default_of is not None:
            record.defaults[path] = trace.default_of
            if len(path) >= 3 and path[-3] == "environment" and path[-1] == "value":
                name_path = (*path[:-1], "name")  # EG501 is located at the entry's name
                record.defaults[name_path] = trace.default_of
        expressions = record.expressions
        assert expressions is not None
        names = [step for step in path if step.__class__ is str]
        for depth in range(1, len(names) + 1):
            expressions.setdefault(".".join(names[:depth]), [])
        if trace.references:
            expressions[".".join(names)].extend(trace.references)

    def convert(self, node: Any, where: tuple, path: Path, style: str = "keep") -> Any:
        """A property tree as data: keys kept, or camelCased (`style`
        "camel": container definitions, as the ECS API spells them)."""
        secret_ok = len(where) >= 3 and where[-3] == "Environment" and where[-1] == "Value"
        if style == "camel" and where and where[-1] == "Image" and is_intrinsic(node):
            return self._image(node, where, path)
        node = self.resolve(node, where, path, secret_ok)
        if isinstance(node, dict):
            result = {}
            for key, item in node.items():
                name = key if style == "keep" else _camel(key)
                inner = "keep" if style == "keep" or key in _FREE_MAPS else "camel"
                value = self.convert(item, (*where, key), (*path, name), inner)
                if value is not ABSENT:
                    result[name] = _boolean(value) if name in _BOOLEANS and style == "camel" else value
            return result
        if isinstance(node, list):
            items, index = [], 0
            for position, item in enumerate(node):
                value = self.convert(item, (*where, position), (*path, index), style)
                if value is not ABSENT:
                    items.append(value)
                    index += 1
            return items
        return node

    def _image(self, node: Any, where: tuple, path: Path) -> Any:
        """An image written with Fn::Sub / Fn::Join whose parts are not all
        known: not known, carrying its known end (``tail``), which EG201
        judges as it judges a Terraform template's (RULES.md EG201):
        ``!Sub "${Repo}:latest"`` ends in ":latest"."""
        trace = Trace()
        parts = self.evaluator.parts(node, trace)
        if parts is None or all(isinstance(part, str) for part in parts):
            return self.resolve(node, where, path)  # not such a function, or known as a whole
        self.note(path, where, trace)
        known_end = len(parts)
        while known_end and isinstance(parts[known_end - 1], str):
            known_end -= 1
        missing = parts[known_end - 1]
        return Unknown(missing.reason, tail="".join(parts[known_end:]) or None)

    # ----------------------------------------------------------------- writing attributes

    def put(self, attribute: str, *keys: str, coerce: Any = None) -> None:
        """Attribute `attribute` from the property at `keys` (not written: absent)."""
        node = self.raw(*keys)
        if node is None:
            return
        value = self.convert(node, (*self.base, *keys), (attribute,))
        if value is not ABSENT:
            self.written[attribute] = _coerced(value, coerce)

    def set(self, attribute: str, value: Any, where: tuple, references: tuple[str, ...] = ()) -> None:
        """An attribute the template implies (a scheduled action's resource id is its target's)."""
        trace = Trace()
        trace.references.extend(references)
        trace.literal = not references
        self.note((attribute,), where, trace)
        self.written[attribute] = value

    def block(self, attribute: str, keys: tuple[str, ...], fields: dict[str, Any], many: bool = False) -> None:
        """A nested block (a list of one, or of each item when `many`) from
        the property at `keys`; `fields`: {attribute: property key, or
        (property key, coerce), or (property key, {nested fields})}."""
        node = self.raw(*keys)
        if node is None:
            return
        where = (*self.base, *keys)
        node = self.resolve(node, where, (attribute,))
        if node is ABSENT:
            return
        if node.__class__ is Unknown:
            self.written[attribute] = node
            return
        items = node if many else [node]
        if not isinstance(items, list):
            return
        blocks: list[Any] = []
        for position, item in enumerate(items):
            item_where = (*where, position) if many else where
            path = (attribute, len(blocks))
            item = self.resolve(item, item_where, path)
            if item is ABSENT:
                continue
            if item.__class__ is Unknown:
                blocks.append(item)
                continue
            if isinstance(item, dict):
                blocks.append(self._fields(item, item_where, path, fields))
        self.written[attribute] = blocks

    def _fields(self, item: dict, where: tuple, path: Path, fields: dict[str, Any]) -> dict:
        result: dict[str, Any] = {}
        for name, spec in fields.items():
            key, extra = (spec, None) if isinstance(spec, str) else spec
            if key not in item:
                continue
            if isinstance(extra, dict):
                inner = self.resolve(item[key], (*where, key), (*path, name))
                if inner is ABSENT:
                    continue
                if isinstance(inner, dict):
                    result[name] = [self._fields(inner, (*where, key), (*path, name, 0), extra)]
                else:
                    result[name] = inner
                continue
            value = self.convert(item[key], (*where, key), (*path, name))
            if value is not ABSENT:
                result[name] = _coerced(value, extra)
        return result

    def json_attribute(self, attribute: str, *keys: str, style: str = "keep") -> None:
        """A JSON attribute (container definitions, a policy document) from a property tree."""
        node = self.raw(*keys)
        if node is None:
            return
        value = self.convert(node, (*self.base, *keys), (attribute,), style)
        if value is not ABSENT:
            self.written[attribute] = _Document(value)

    # ----------------------------------------------------------------- the record

    def finish(self, attributes: tuple[str, ...]) -> TemplateResource:
        """The record, with the attributes the builders read."""
        record = self.record
        values, unknown = {}, {}
        expressions = record.expressions
        assert expressions is not None
        for name, data in self.written.items():
            if name not in attributes:
                continue
            expressions.setdefault(name, [])
            if isinstance(data, _Document):
                missing = first_unknown(data.data)
                if missing is None:
                    values[name] = json.dumps(data.data)
                else:
                    unknown[name] = True
                    record.documents[(name,)] = data.data
                    record.reasons.setdefault((name,), missing.reason)
                continue
            known, tree = self._split(data, (name,))
            if known is not None:
                values[name] = known
            if tree:
                unknown[name] = tree
        record.values = values
        record.unknown = unknown
        return record

    def _split(self, data: Any, path: Path) -> tuple[Any, Any]:
        """(the data with unknown parts None, the after_unknown-like tree)."""
        if data.__class__ is Unknown:
            self.record.reasons.setdefault(path, data.reason)
            return None, True
        if isinstance(data, dict):
            known, tree = {}, {}
            for key, item in data.items():
                k, t = self._split(item, (*path, key))
                known[key] = k
                if t:
                    tree[key] = t
            return known, tree
        if isinstance(data, list):
            pairs = [self._split(item, (*path, i)) for i, item in enumerate(data)]
            trees = [t for _, t in pairs]
            return [k for k, _ in pairs], trees if any(trees) else {}
        return data, {}


class _Document:
    """Marks a JSON attribute's data until finish() writes it as a string."""

    __slots__ = ("data",)

    def __init__(self, data: Any):
        self.data = data


def _camel(key: str) -> str:
    return key[:1].lower() + key[1:]


def _boolean(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _coerced(value: Any, coerce: Any) -> Any:
    if coerce is None or value.__class__ is Unknown:
        return value
    if isinstance(value, list):
        return [item if item.__class__ is Unknown else coerce(item) for item in value]
    return coerce(value)


def as_int(value: Any) -> Any:
    """A numeric property written as text ("2") as CloudFormation reads it."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def as_bool(value: Any) -> Any:
    return _boolean(value)


def as_text(value: Any) -> Any:
    return value if isinstance(value, str) or value is None else str(value)


def public_ip(value: Any) -> Any:
    """AssignPublicIp (ENABLED / DISABLED) as the provider's boolean."""
    return value == "ENABLED" if isinstance(value, str) else value
