"""A resource (or data source) body -> the values a plan would hold for it.

Attributes are evaluated and converted to the provider schema's types;
nested blocks become lists of objects (one object for nesting "single"),
``dynamic`` blocks are expanded where their for_each is known; JSON
attributes get the provider's normalisation (provider_values.py). Meta
arguments (count, for_each, depends_on, provider, lifecycle, provisioner,
connection) are not values. Alongside, it records each attribute's
Terraform-style references and line, and which attributes the code leaves
for the provider to compute (unknown until apply in a plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, evaluate, iterate
from ecs_guard.inputs.terraform.hcl.references import references
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.syntax import Block, Body, Variable
from ecs_guard.inputs.terraform.hcl.values import Val
from ecs_guard.inputs.terraform.provider import json_attributes as provider_values
from ecs_guard.inputs.terraform.provider.schema import COMPUTED_BLOCKS, BlockSchema

META_ATTRIBUTES = frozenset({"count", "for_each", "depends_on", "provider"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


@dataclass
class BodyResult:
    value: Val  # object of attributes and blocks
    references: dict = field(default_factory=dict)  # path -> ["aws_iam_role.x.arn", ...]
    lines: dict = field(default_factory=dict)  # path -> (file, line) of attributes and blocks
    computed: list = field(default_factory=list)  # paths the provider computes (left out)
    problems: list = field(default_factory=list)
    # Arguments and blocks the carried provider schema does not have: not
    # understood, or an evaluation note when the root pins another provider
    # major version (source/provider_version.py decides, once per root).
    schema_problems: list = field(default_factory=list)


class _Walker:
    def __init__(self, resource_type: str, result: BodyResult):
        self.resource_type = resource_type
        self.result = result

    def problem(self, file: str, line: int, message: str) -> None:
        self.result.problems.append(InputProblem(file, message, line, "not-understood"))

    def schema_problem(self, file: str, line: int, message: str) -> None:
        self.result.schema_problems.append(InputProblem(file, message, line, "not-understood"))

    def body(
        self, body: Body, outer: Scope, schema: BlockSchema | None, path: tuple, line: int, bound: frozenset
    ) -> Val:
        scope = outer
        entries: dict[str, Val] = {}
        for attribute in body.attributes:
            if not path and attribute.name in META_ATTRIBUTES:
                continue
            scope = written_in(attribute, outer)
            here = (*path, attribute.name)
            self.result.references[here] = references(attribute.expr, bound)
            self.result.lines[here] = (scope.file, attribute.line)
            value = self.attribute(attribute, scope, schema, here)
            if value.is_null:
                continue  # null is "not set": the provider default or computed value applies
            entries[attribute.name] = value.at(scope.file, attribute.line)
        scope = outer
        for block_type, elements in self.blocks(body, scope, schema, path, bound).items():
            entries[block_type] = elements
        if (
            not path
            and "tags" in entries
            and "tags_all" not in entries
            and schema is not None
            and "tags_all" in schema.attributes
        ):
            # tags_all is tags plus the provider's default_tags, which we do not read
            entries["tags_all"] = entries["tags"]
        if schema is not None:
            computed_blocks = COMPUTED_BLOCKS.get(self.resource_type, ()) if not path else ()
            for name in [*schema.attributes, *computed_blocks]:
                if name not in entries and (name in computed_blocks or schema.is_computed(name)):
                    self.result.computed.append((*path, name))
        return Val(entries, scope.file, line)

    def attribute(self, attribute, scope: Scope, schema: BlockSchema | None, here: tuple) -> Val:
        value = evaluate(attribute.expr, scope)
        if schema is not None:
            if attribute.name not in schema.attributes:
                self.schema_problem(
                    scope.file, attribute.line, f'{self.resource_type} has no argument "{attribute.name}"'
                )
            else:
                converted = typeconv.convert(value, schema.attribute_type(attribute.name))
                if converted.error and not value.error:
                    converted = Val.failure(f"{attribute.name}: {converted.reason}", scope.file, attribute.line)
                value = converted
        if value.error:
            self.problem(scope.file, attribute.line, value.reason)
            return value
        names = tuple(step for step in here if isinstance(step, str))
        try:
            return provider_values.normalise(self.resource_type, names, value)
        except provider_values.InvalidJsonAttribute as error:  # at the line in the JSON when known
            self.problem(error.file or scope.file, error.line or attribute.line, str(error))
            return Val.failure(f"{render(attribute.expr)}: {error}", scope.file, attribute.line)

    def blocks(
        self, body: Body, scope: Scope, schema: BlockSchema | None, path: tuple, bound: frozenset
    ) -> dict[str, Val]:
        groups: dict[str, list[Val]] = {}
        unknown: dict[str, Val] = {}
        as_attributes: set[str] = set()  # arguments written as blocks (schema.attribute_as_blocks)
        outer = scope
        for block in body.blocks:
            if not path and block.type in META_BLOCKS:
                continue
            scope = written_in(block, outer)
            block_type = block.labels[0] if block.type == "dynamic" and block.labels else block.type
            nested = schema.block(block_type) if schema is not None else None
            if schema is not None and nested is None:
                nested = schema.attribute_as_blocks(block_type)
                if nested is None:
                    self.schema_problem(scope.file, block.line, f'{self.resource_type} has no block "{block_type}"')
                    continue
                as_attributes.add(block_type)
            inner_schema = nested[1] if nested else None
            elements = groups.setdefault(block_type, [])
            if block.type != "dynamic":
                here = (*path, block_type, len(elements))
                self.result.lines.setdefault((*path, block_type), (scope.file, block.line))
                self.result.lines[here] = (scope.file, block.line)
                elements.append(self.body(block.body, scope, inner_schema, here, block.line, bound))
                continue
            expanded = self.dynamic(block, block_type, scope, inner_schema, path, len(elements), bound)
            if isinstance(expanded, Val):
                unknown[block_type] = expanded
            else:
                elements.extend(expanded)
        scope = outer
        result: dict[str, Val] = {}
        for block_type, elements in groups.items():
            if block_type in unknown:
                result[block_type] = unknown[block_type]
                continue
            first = self.result.lines.get((*path, block_type), (scope.file, 0))
            if block_type in as_attributes and schema is not None:
                result[block_type] = _as_attribute(Val(elements, first[0], first[1]), schema, block_type)
                self.references_as_attribute((*path, block_type))
                continue
            nested = schema.block(block_type) if schema is not None else None
            nesting = nested[0] if nested else "list"
            if nesting in ("single", "group"):
                if elements:
                    result[block_type] = elements[-1]
            else:
                result[block_type] = Val(elements, first[0], first[1])
        return result

    def references_as_attribute(self, here: tuple) -> None:
        """An argument written as blocks is one expression to Terraform: a
        plan's configuration lists the references of all its blocks (not of
        its dynamic blocks) under the argument itself."""
        found: dict[str, None] = {}
        for path, names in self.result.references.items():
            if len(path) > len(here) and path[: len(here)] == here:
                found.update(dict.fromkeys(names))
        self.result.references[here] = list(found)

    def dynamic(
        self,
        block: Block,
        block_type: str,
        scope: Scope,
        schema: BlockSchema | None,
        path: tuple,
        start: int,
        bound: frozenset,
    ):
        """The expanded elements, or a Val that is not known."""
        for_each = block.body.attribute("for_each")
        content = block.body.blocks_of("content")
        if for_each is None or not content:
            self.problem(scope.file, block.line, f'dynamic "{block_type}" needs for_each and a content block')
            return []
        iterator = block.body.attribute("iterator")
        name = iterator.expr.name if iterator is not None and isinstance(iterator.expr, Variable) else block_type
        collection = evaluate(for_each.expr, scope)
        self.result.lines.setdefault((*path, block_type), (scope.file, block.line))
        if not collection.known:
            return Val.unknown(
                f'dynamic "{block_type}": for_each not known ({collection.reason})',
                scope.file,
                block.line,
                collection.all_sources(),
            )
        if collection.is_null:
            return []
        elements = []
        for index, (key, value) in enumerate(iterate(collection)):
            here = (*path, block_type, start + index)
            self.result.lines[here] = (scope.file, content[0].line)
            iteration = Val({"key": key, "value": value}, scope.file, block.line)
            inner = scope.child({name: iteration})
            elements.append(self.body(content[0].body, inner, schema, here, content[0].line, bound | {name}))
        return elements


def _as_attribute(elements: Val, schema: BlockSchema, name: str) -> Val:
    """Blocks written for an argument of type list or set of objects, as the
    plan holds that argument: each object converted to the element type and,
    what its block leaves out, set to the type's zero value ("", 0, false,
    empty), as the provider (SDKv2) plans it. A set of such objects stays
    known when only parts of an object are (a plan's ingress with
    ``security_groups = [aws_security_group.lb.id]``); equal objects count once."""
    kind, element_type = schema.attribute_type(name)
    element_types = element_type[1]
    items = []
    for element in elements.value:
        converted = typeconv.convert(element, element_type)
        if converted.error:
            return converted
        if converted.known and isinstance(converted.value, dict):
            filled = {
                key: _zero(element_types[key], value) if value.is_null else value
                for key, value in converted.value.items()
            }
            converted = converted.copy(value=filled)
        items.append(converted)
    if kind == "set":
        unique: dict[str, Val] = {}
        for item in items:
            unique.setdefault(repr(item.to_python()), item)
        items = list(unique.values())
    return elements.copy(value=items, is_set=kind == "set")


def _zero(type_spec, missing: Val) -> Val:
    """The zero value of a type, located where the value is missing; null for
    types without one (objects, dynamic)."""
    zeros = {"string": "", "number": 0, "bool": False}
    if isinstance(type_spec, str):
        return missing.copy(value=zeros.get(type_spec))
    if type_spec[0] in ("list", "set"):
        return missing.copy(value=[], is_set=type_spec[0] == "set")
    if type_spec[0] == "map":
        return missing.copy(value={})
    return missing


def evaluate_body(body: Body, scope: Scope, schema: BlockSchema | None, resource_type: str, line: int) -> BodyResult:
    result = BodyResult(Val({}, scope.file, line))
    result.value = _Walker(resource_type, result).body(body, scope, schema, (), line, frozenset())
    return result


def written_in(node, scope: Scope) -> Scope:
    """The scope for an argument or nested block: its own file when an
    override file brought it (overrides.py), else the block's."""
    return scope.child({}, node.file) if node.file and node.file != scope.file else scope
