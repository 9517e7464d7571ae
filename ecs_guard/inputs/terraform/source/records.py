"""Terraform resource records located in their .tf source.

The plan builders read every resource through PlanResource's questions
(build/records.py). A ``SourcedResource`` answers them the same way, from
the same kind of data (values, an after_unknown tree, the configuration's
references), and adds what only the source knows: each value's own
location (the attribute's line, the key inside jsonencode, in whatever
file it was written), whether it was written literally, why a value is not
known (the expression: "aws_iam_role.exec.arn: known after apply"), and
the known parts of a JSON attribute whose text is not known. Its
``source`` is the HCL front end's record (hcl/records.py), which holds all
of that.

Two ways to make one:

- ``from_hcl``: read from HCL alone (the HCL adapter): the values are the
  front end's, which are what a plan of the same code would hold;
- ``with_source``: a plan's record located in its source (a plan scanned
  with its Terraform root): the plan's values, and where the plan does not
  know a value but the source writes it literally, the source's. Values
  the source takes from a variable or another resource are left to the
  plan (the plan may have been made with other variable values). The
  plan's paths are the source's but for the elements of nested-block
  sets, which the plan orders its own way (set_positions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_guard.inputs.terraform.build.records import Path, PlanResource, dotted, unknown_paths
from ecs_guard.inputs.terraform.source.set_positions import Positions, set_positions, source_path
from ecs_guard.inputs.unknown import Unknown
from ecs_guard.location import Location
from ecs_guard.model import Value

if TYPE_CHECKING:
    from ecs_guard.inputs.terraform.source.resource import HclResource


class SourcedResource(PlanResource):
    __slots__ = ("from_plan", "positions", "source")
    from_plan: bool  # a plan's record located in its source (with_source), not one read from HCL alone
    positions: Positions
    source: HclResource

    def value(self, value: Any, path: Path) -> Value:
        """A known value; one the source does not write (a default the plan
        fills in) is located like a missing one, at the resource."""
        written = source_path(path, self.positions)
        where = self.source.location(written) if written in self.source.lines else self.location
        return Value.qualified(value, where, literal=self.source.is_literal(written))

    def unknown_value(self, path: Path) -> Value:
        return Value.qualified(
            None, self.locate(path), known=False, reason=self._reason(path), literal=self.literal(path)
        )

    def locate(self, path: Path) -> Location:
        return self.source.location(source_path(path, self.positions)) if path else self.location

    def literal(self, path: Path) -> bool:
        return self.source.is_literal(source_path(path, self.positions))

    def document(self, path: Path) -> Any:
        path = source_path(path, self.positions)
        found = self.source.documents.get(path)
        if found is None or found.__class__ is Unknown:
            return None
        if self.from_plan:  # only what the source writes literally: the plan's variables may differ
            return _literal_parts(found, path, self.source.non_literal, root=True)
        return found

    def derived_from(self, attribute: str) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for path, sources in self.source.sources.items():
            if dotted(path) == attribute:
                for source in sources:  # "module.api.aws_iam_role.this.arn": the instance, then the attribute
                    found.setdefault(source.rsplit(".", 1)[0])
        return tuple(found)

    def _reason(self, path: Path) -> str:
        """The source's reason for the value at `path` (or a part of it) not
        being known; the plan's when the source knows it."""
        source = self.source
        path = source_path(path, self.positions)
        reason = source.unknown_reason(path)
        if reason is None:
            depth = len(path)
            reason = next((why for where, why in source.unknown.items() if where[:depth] == path), None)
        return reason or source.unknown.get(()) or f"{dotted(path)} is unknown until apply"


def from_hcl(hcl, kind: str, attributes: tuple[str, ...]) -> SourcedResource:
    """The record of an HclResource, with the attributes the builders read."""
    record = _new(hcl, kind, {name: hcl.values[name] for name in attributes if name in hcl.values})
    unknown = hcl.after_unknown()
    record.unknown = {name: unknown[name] for name in attributes if name in unknown}
    record.expressions = configured(hcl)
    record.from_plan = False
    record.positions = {}
    return record


def with_source(plan: PlanResource, hcl) -> SourcedResource:
    """A plan's record, located in its source and completed with the
    source's literal values where the plan has them unknown."""
    record = _new(hcl, plan.kind, dict(plan.values))
    record.address, record.module, record.local, record.index = plan.address, plan.module, plan.local, plan.index
    record.offset = plan.offset
    record.unknown = plan.unknown
    record.expressions = plan.expressions
    record.from_plan = True
    record.positions = _positions(plan, hcl)
    for path in unknown_paths(plan.unknown):
        written = source_path(path, record.positions)
        if None in written:
            continue  # an element of a set the source does not have
        known = hcl.value_at(written)
        if (
            known is None
            or known.__class__ is Unknown
            or _within(written, hcl.unknown)
            or _within(written, hcl.non_literal)
        ):
            continue  # not known in the source either, or (in part) from a reference
        record.values = _replaced(record.values, path, known)
        record.unknown = _replaced(record.unknown, path, False)
    return record


def _positions(plan: PlanResource, hcl) -> Positions:
    from ecs_guard.inputs.terraform.provider.schema import resource_schema

    return set_positions(plan.values, hcl.values, resource_schema(hcl.type, hcl.mode))


def _new(hcl, kind: str, values: dict) -> SourcedResource:
    local = f"{kind}.{hcl.name}"
    record = SourcedResource(hcl.address, hcl.module, local, hcl.index, kind, values, 0)
    record.source = hcl
    record.place(Location(hcl.file, hcl.line, hcl.end_line, hcl.address))
    return record


def configured(hcl) -> dict[str, list[str]]:
    """The source's references as build.records.flatten() gives a plan's
    configuration: {dotted attribute: references}, each block (and each
    attribute written, even without references) a key of its own."""
    found: dict[str, list[str]] = {}
    for path, references in hcl.references.items():
        names = [step for step in path if step.__class__ is str]
        for depth in range(1, len(names)):
            found.setdefault(".".join(names[:depth]), [])
        found.setdefault(".".join(names), []).extend(references)
    for path in hcl.lines:
        if len(path) == 1:  # blocks without attributes, dynamic blocks
            found.setdefault(path[0], [])
    return found


def _within(path: Path, paths) -> bool:
    """Whether `path` or a path inside it is one of `paths`."""
    depth = len(path)
    return any(where[:depth] == path for where in paths)


def _replaced(tree: Any, path: Path, value: Any) -> Any:
    """A copy of `tree` with `value` at `path` (missing objects and list
    elements on the way made); the original is not changed."""
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(tree) if isinstance(tree, list) else []
        while len(items) <= step:
            items.append({} if rest else None)
        items[step] = _replaced(items[step], rest, value) if rest else value
        return items
    members = dict(tree) if isinstance(tree, dict) else {}
    members[step] = _replaced(members.get(step), rest, value) if rest else value
    return members


def _literal_parts(data: Any, path: Path, non_literal: set, root: bool = False) -> Any:
    """A JSON document with every part the source takes from a reference
    replaced by an Unknown marker. (The document's own string is not
    literal as soon as any part is not: only its parts are judged.)"""
    if not root and path in non_literal and data.__class__ is not Unknown:
        return Unknown(f"{dotted(path)}: unknown until apply in the plan (written from a reference)")
    if isinstance(data, dict):
        return {key: _literal_parts(item, (*path, key), non_literal) for key, item in data.items()}
    if isinstance(data, list):
        return [_literal_parts(item, (*path, index), non_literal) for index, item in enumerate(data)]
    return data
