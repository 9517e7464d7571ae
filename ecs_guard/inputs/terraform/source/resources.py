"""Resource and data source instances: their evaluated values, their
records, and what a reference to one of their attributes gives.

An attribute the code sets is its (converted, normalised) value; one it
leaves out is null, or not known until apply when the provider computes it
(schema.py); a data source other than aws_iam_policy_document is read from
AWS during plan, so its attributes are not known here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, Step
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.values import Val, deep_mark
from ecs_guard.inputs.terraform.provider.policy_document import PolicyDocumentError, policy_document_values
from ecs_guard.inputs.terraform.provider.schema import resource_schema
from ecs_guard.inputs.terraform.source.expansion import (
    expand,
    instance_key_text,
    iteration_names,
    select_instance,
    unknown_expansion_problem,
)
from ecs_guard.inputs.terraform.source.module import Declaration
from ecs_guard.inputs.terraform.source.resource import HclResource, fill_record
from ecs_guard.inputs.terraform.source.resource_body import BodyResult, evaluate_body

if TYPE_CHECKING:  # the module instance owns these; no import at run time
    from ecs_guard.inputs.terraform.source.instances import ModuleInstance


class ResourceGroup:
    """One resource or data block of one module instance."""

    def __init__(self, module: ModuleInstance, mode: str, resource_type: str, name: str, declaration: Declaration):
        self.module = module
        self.mode = mode
        self.type = resource_type
        self.name = name
        self.declaration = declaration
        local = f"{resource_type}.{name}" if mode == "managed" else f"data.{resource_type}.{name}"
        self.address = module.prefix + local
        self.schema = resource_schema(resource_type, mode)
        self._expansion = None
        self._instances: dict | None = None

    def expansion(self):
        if self._expansion is None:
            block = self.declaration.block
            scope = self.module.scope(self.declaration.file)
            self._expansion = expand(self.address, block.body, scope, self.module.evaluation, self.declaration.file)
        return self._expansion

    def instances(self) -> list[ResourceInstance]:
        if self._instances is None:
            kind, detail = self.expansion()
            if kind == "unknown":
                self.module.evaluation.problem(
                    unknown_expansion_problem(detail, self.address, self.declaration.file, self.declaration.block.line)
                )
                self._instances = {None: ResourceInstance(self, None, None, "unknown", detail)}
            else:
                self._instances = {key: ResourceInstance(self, key, value, kind) for key, value in detail}
        return list(self._instances.values())

    def reference(self, steps: list[Step], consumed: int, scope: Scope, node):
        kind, detail = self.expansion()
        if kind == "unknown":
            return Val.unknown(detail, scope.file, node.line, (self.address,)), len(steps)
        self.instances()
        assert self._instances is not None  # made by instances()
        rest = steps[consumed:]
        if kind in ("count", "for_each"):
            if not rest or rest[0].kind != "index":
                return deep_mark(self.object(scope, node), literal=False), consumed
            instance, failed = select_instance(self._instances, rest[0].key, self.address, scope, node)
            if failed is not None:
                return failed, len(steps)
            consumed += 1
            rest = rest[1:]
        else:
            instance = self._instances[None]
        if rest and rest[0].kind == "attr":
            value = instance.attribute(rest[0].key, scope, node)
            source = f"{instance.address}.{rest[0].key}"
            marked = deep_mark(value, literal=False)
            return marked.copy(sources=tuple(dict.fromkeys((source, *marked.sources)))), consumed + 1
        return deep_mark(instance.object(scope, node), literal=False), consumed

    def object(self, scope: Scope, node) -> Val:
        """The whole resource: a list (count) or map (for_each) of instances."""
        assert self._instances is not None  # made by instances(), which reference() calls first
        kind, _ = self.expansion()
        if kind == "count":
            return Val([instance.object(scope, node) for instance in self._instances.values()], scope.file, node.line)
        return Val(
            {key: instance.object(scope, node) for key, instance in self._instances.items()}, scope.file, node.line
        )


class ResourceInstance:
    def __init__(self, group: ResourceGroup, key, each_value: Val | None, kind: str, unknown_reason: str = ""):
        self.group = group
        self.key = key
        self.kind = kind
        self.unknown_reason = unknown_reason
        self.address = group.address + instance_key_text(key)
        file, line = group.declaration.file, group.declaration.block.line
        self.names = iteration_names(kind, key, each_value, file, line, unknown_reason)
        self._result: BodyResult | None = None

    def result(self) -> BodyResult:
        if self._result is not None:
            return self._result
        group = self.group
        block = group.declaration.block
        file = group.declaration.file
        with group.module.evaluation.guard(("resource", self.address)) as entered:
            if not entered:
                return BodyResult(Val.unknown(f"{self.address}: refers to itself (a cycle)", file, block.line))
            scope = group.module.scope(file).child(self.names)
            result = evaluate_body(block.body, scope, group.schema, group.type, block.line)
            if group.mode == "data" and group.type == "aws_iam_policy_document":
                self._add_policy_document(result, file, block.line)
        for problem in result.problems:
            group.module.evaluation.problem(problem)
        for problem in result.schema_problems:
            group.module.evaluation.schema_problem(problem)
        self._result = result
        return result

    def _add_policy_document(self, result: BodyResult, file: str, line: int) -> None:
        try:
            extra = policy_document_values(result.value, file, line)
        except PolicyDocumentError as error:
            result.problems.append(InputProblem(file, f"{self.address}: {error}", line, "not-understood"))
            reason = f"{self.address}.json: {error}"
            extra = {name: Val.failure(reason, file, line) for name in ("json", "minified_json", "id")}
        result.value = result.value.copy(value={**result.value.value, **extra})
        result.computed = [path for path in result.computed if path[0] not in extra]

    def attribute(self, name: str, scope: Scope, node) -> Val:
        value = self.result().value
        if not value.known:
            return value.at(scope.file, node.line)
        if name in value.value:
            return value.value[name]
        return self._absent(name, scope, node)

    def _absent(self, name: str, scope: Scope, node) -> Val:
        group = self.group
        schema = group.schema
        where = f"{self.address}.{name}"
        if group.mode == "data" and group.type != "aws_iam_policy_document":
            return Val.unknown(f"{where}: read from AWS during plan", scope.file, node.line)
        if schema is None:
            return Val.unknown(
                f"{where}: not set in the configuration (the provider may compute it)", scope.file, node.line
            )
        if name in schema.attributes:
            if schema.is_computed(name):
                return Val.unknown(f"{where}: known after apply", scope.file, node.line)
            return Val(None, scope.file, node.line)
        nested = schema.block(name)
        if nested is not None:
            return Val(None if nested[0] in ("single", "group") else [], scope.file, node.line)
        return Val.failure(f'{render(node)}: {group.type} has no attribute "{name}"', scope.file, node.line)

    def object(self, scope: Scope, node) -> Val:
        value = self.result().value
        if not value.known:
            return value
        entries = dict(value.value)
        if self.group.schema is not None:
            for name in list(self.group.schema.attributes) + list(self.group.schema.blocks):
                if name not in entries:
                    entries[name] = self._absent(name, scope, node)
        # each attribute says which resource it comes from, as a reference to
        # the attribute itself does: a whole object passed through a module
        # output (``module.iam.policy.arn``) still links to the resource
        for name, item in entries.items():
            entries[name] = item.copy(sources=tuple(dict.fromkeys((f"{self.address}.{name}", *item.sources))))
        return value.copy(value=entries)

    def record(self) -> HclResource:
        group = self.group
        block = group.declaration.block
        result = self.result()
        record = HclResource(
            address=self.address,
            mode=group.mode,
            type=group.type,
            name=group.name,
            index=self.key,
            module=group.module.address,
            file=group.declaration.file,
            line=block.line,
            end_line=block.end_line or block.line,
            expansion_unknown=self.unknown_reason,
            callers=group.module.callers,
        )
        record.references = dict(result.references)
        record.lines = dict(result.lines)
        record.computed = list(result.computed)
        fill_record(record, result.value)
        return record
