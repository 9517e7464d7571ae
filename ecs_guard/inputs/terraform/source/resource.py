"""The HCL front end's output: one HclResource per resource instance.

Shaped like what a plan says about the resource, so the linking into the
model can be shared with the plan adapter: ``values`` like
planned_values' values, ``after_unknown()`` like resource_changes'
after_unknown, ``references`` like the configuration's expression
references. Plus what only the source can tell: the line of everything,
whether a value was written literally, and the resources a value really
comes from through variables, locals and module outputs.

Paths are tuples of keys and list indexes: ("network_configuration", 0,
"assign_public_ip"). A JSON attribute's document continues the path into
the JSON: ("container_definitions", 0, "environment", 1, "value").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecs_guard.inputs.terraform.hcl.values import Unknown, Val
from ecs_guard.location import Location

Path = tuple


@dataclass
class HclResource:
    address: str  # module.api.aws_ecs_service.this["blue"]
    mode: str  # "managed" | "data"
    type: str
    name: str
    index: Any  # None, a count index or a for_each key
    module: str  # "" for the root module, else module.api / module.api["x"]
    file: str  # display path of the file declaring it
    line: int  # line of the block header
    end_line: int
    values: dict = field(default_factory=dict)
    unknown: dict = field(default_factory=dict)  # path -> why not known
    computed: list = field(default_factory=list)  # paths left out that the provider computes
    references: dict = field(default_factory=dict)  # path -> Terraform-style references
    sources: dict = field(default_factory=dict)  # path -> resource attributes it derives from
    lines: dict = field(default_factory=dict)  # path -> (file, line)
    non_literal: set = field(default_factory=set)  # paths whose value came from a reference
    written: dict = field(default_factory=dict)  # path -> (file, line) of a literal passed through var/local
    documents: dict = field(default_factory=dict)  # path of a JSON attribute -> its parsed document
    expansion_unknown: str = ""  # set when count/for_each is not known: one record stands for all
    # The module blocks leading to it from the root, as (file, line), the root's
    # first: where a finding in a fetched module is fixed (a related location).
    callers: tuple = ()

    # ------------------------------------------------------------- questions

    def position(self, path: Path = ()) -> tuple[str, int]:
        """(file, line) of `path`, or of its nearest ancestor that has one;
        the block's own line for an attribute that is not written."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.file, self.line

    def location(self, path: Path = ()) -> Location:
        """Where the value at `path` is written: a literal that came through
        a variable, a local or a module argument is located where it was
        written, and the attribute using it is its related location."""
        file, line = self.position(path)
        used = Location(file, line, None, self.address)
        origin = self.written.get(tuple(path))
        if origin is None or tuple(origin) == (file, line):
            return used
        return Location(origin[0], origin[1], None, self.address, related=(used,))

    def is_literal(self, path: Path) -> bool:
        return tuple(path) not in self.non_literal

    def unknown_reason(self, path: Path) -> str | None:
        """Why `path` (or the part of it that contains it) is not known; None if known."""
        path = tuple(path)
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.unknown:
                return self.unknown[path[:cut]]
        if path in self.computed or path[:1] in {p[:1] for p in self.computed if len(p) == 1}:
            return f"{self.address}.{'.'.join(str(p) for p in path)}: computed by the provider at apply"
        return None

    def value_at(self, path: Path) -> Any:
        """The value at `path` (through JSON documents), Unknown(...) when not
        known, None when not set."""
        path = tuple(path)
        reason = self.unknown_reason(path)
        for cut in range(len(path) - 1, 0, -1):
            if path[:cut] in self.documents:
                return _descend(self.documents[path[:cut]], path[cut:])
        if reason is not None:
            return Unknown(reason)
        return _descend(self.values, path)

    def after_unknown(self) -> dict:
        """The plan's after_unknown for this resource: True at every unknown
        or computed path, lists and objects around them."""
        tree: dict = {}
        for path in list(self.unknown) + list(self.computed):
            if any(path[:cut] in self.documents for cut in range(1, len(path))):
                continue  # inside a JSON string: the plan marks the whole string
            _mark(tree, path)
        return tree


def _descend(data: Any, path: tuple) -> Any:
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
        if isinstance(data, Unknown):
            return data
    return data


def _mark(tree: dict, path: tuple) -> None:
    node: Any = tree
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if isinstance(step, int):
            while len(node) <= step:
                node.append({})
            if last:
                node[step] = True
            else:
                if not isinstance(node[step], (dict, list)):
                    return
                node = node[step]
        else:
            if last:
                node[step] = True
            else:
                child = node.setdefault(step, [] if isinstance(path[position + 1], int) else {})
                if child is True:
                    return
                node = child


def fill_record(record: HclResource, value: Val) -> None:
    """values, unknown, lines, literal flags, sources and documents from the
    resource's evaluated object."""
    if value.known and isinstance(value.value, dict):
        record.values = {}
        for name, item in value.value.items():
            _walk(record, item, (name,))
            plain = _plain(item)
            if plain is not _OMIT:
                record.values[name] = plain
    elif not value.known:
        record.unknown[()] = value.reason


_OMIT = object()


def _plain(value: Val) -> Any:
    """Plan-like plain data: an unknown attribute is left out of its
    object, an unknown list element is null (what a plan's values hold)."""
    if not value.known:
        return _OMIT
    if isinstance(value.value, list):
        return [None if (item := _plain(element)) is _OMIT else item for element in value.value]
    if isinstance(value.value, dict):
        result = {}
        for key, element in value.value.items():
            item = _plain(element)
            if item is not _OMIT:
                result[key] = item
        return result
    return value.value


def _walk(record: HclResource, value: Val, path: tuple, document_root: bool = False) -> None:
    """Record lines, flags, sources and reasons of `value` and everything in
    it, JSON documents included. The first line found for a path wins: an
    attribute keeps the attribute's line, not its document's."""
    if not document_root:
        record.lines.setdefault(path, (value.file, value.line))
    if not value.literal:
        record.non_literal.add(path)
    if value.written is not None and not document_root:
        record.written.setdefault(path, value.written)
    if value.sources:
        record.sources.setdefault(path, list(value.sources))
    if not value.known:
        record.unknown.setdefault(path, value.reason)
    elif isinstance(value.value, list):
        for index, item in enumerate(value.value):
            _walk(record, item, (*path, index))
    elif isinstance(value.value, dict):
        for key, item in value.value.items():
            _walk(record, item, (*path, key))
    if value.document is not None:
        record.documents[path] = value.document.to_python()
        _walk(record, value.document, path, document_root=True)
