"""Module instances and resource instances: count, for_each, modules, and
every name an expression can reference.

A ModuleInstance is one instance of a module directory (the root, or
``module.api["blue"]``); it is the evaluation Context of the expressions
written in it and resolves var.*, local.*, module.*, data.*, path.*,
terraform.* and resource references, lazily and once each. Resource
instances are expanded from count/for_each where those are known
(addresses ``aws_ecs_service.app[0]``, ``aws_ecs_service.app["blue"]``);
when not, one instance stands for all of them and says why.

A reference to another resource's attribute is known when the code sets
it to something known (aws_iam_role.x.name); an attribute the provider
computes is not known until apply (aws_iam_role.x.arn), but the value
still records where it comes from (Val.sources), so the linker can follow
it. Values reached through var, resources, data sources and module
outputs are marked not literal.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

from ...location import display_path
from ...model import InputProblem
from . import typeconv
from .evaluate import Scope, Step, evaluate, iterate
from .module import Declaration, ModuleSource, load_module, read_text
from .parse import HclSyntaxError, parse_template_text
from .policy_document import PolicyDocumentError, policy_document_values
from .records import HclResource, fill_record
from .render import render
from .resource_body import BodyResult, evaluate_body
from .schema import resource_schema
from .syntax import Literal
from .values import Val, deep_mark
from .variables import declared_type, default_value


class Evaluation:
    """State shared by every module instance of one root module."""

    def __init__(self, root_dir: Path, var_values: dict[str, Val], use_cache: bool = True):
        self.root_dir = root_dir
        self.var_values = var_values
        self.use_cache = use_cache
        self.problems: list[InputProblem] = []
        self._problem_keys: set = set()
        self._sources: dict[Path, ModuleSource] = {}
        self._in_progress: set = set()
        self.parse_seconds: dict[str, float] = {}
        self.parse_cached: dict[str, bool] = {}

    def problem(self, problem: InputProblem) -> None:
        key = (problem.path, problem.line, problem.message)
        if key not in self._problem_keys:
            self._problem_keys.add(key)
            self.problems.append(problem)

    def module_source(self, directory: Path) -> ModuleSource:
        directory = directory.resolve()
        if directory not in self._sources:
            source = load_module(directory, self.use_cache)
            for problem in source.problems:
                self.problem(problem)
            for parsed in source.files:
                self.parse_seconds[parsed.path] = parsed.seconds
                self.parse_cached[parsed.path] = parsed.cached
            self._sources[directory] = source
        return self._sources[directory]

    @contextmanager
    def guard(self, key):
        """Yields False when `key` is already being evaluated (a cycle)."""
        if key in self._in_progress:
            yield False
            return
        self._in_progress.add(key)
        try:
            yield True
        finally:
            self._in_progress.discard(key)


def instance_key_text(key) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key)}]"


class ModuleInstance:
    def __init__(self, evaluation: Evaluation, source: ModuleSource, address: str,
                 inputs: dict | None = None, parent: "ModuleInstance | None" = None):
        self.evaluation = evaluation
        self.source = source
        self.address = address           # "" for the root
        self.inputs = inputs             # name -> (Attribute, parent Scope); None for the root
        self.parent = parent
        self._variables: dict[str, Val] = {}
        self._locals: dict[str, Val] = {}
        self._outputs: dict[str, Val] = {}
        self._resources: dict[tuple, ResourceGroup] = {}
        self._modules: dict[str, ModuleGroup] = {}

    @property
    def prefix(self) -> str:
        return f"{self.address}." if self.address else ""

    def scope(self, file: str) -> Scope:
        return Scope(self, file)

    # ------------------------------------------------------------- Context protocol

    def reference(self, root: str, steps: list[Step], scope: Scope, node):
        if root in ("var", "local", "path", "terraform") and (not steps or steps[0].kind != "attr"):
            return Val.failure(f"{render(node)}: {root} must be followed by .name", scope.file, node.line), len(steps)
        if root == "var":
            return deep_mark(self.variable(steps[0].key, scope, node), literal=False), 1
        if root == "local":
            return self.local(steps[0].key, scope, node), 1
        if root == "path":
            return self._path(steps[0].key, scope, node), 1
        if root == "terraform":
            if steps[0].key == "workspace":
                return Val("default", scope.file, node.line), 1
            return Val.unknown(f"{render(node)}: not evaluated by ecs-guard", scope.file, node.line), 1
        if root == "module":
            return self._module_reference(steps, scope, node)
        if root == "data":
            if len(steps) < 2 or steps[0].kind != "attr" or steps[1].kind != "attr":
                return Val.failure(f"{render(node)}: expected data.TYPE.NAME", scope.file, node.line), len(steps)
            group = self.resource_group("data", steps[0].key, steps[1].key)
            if group is None:
                return self._undeclared(f"data.{steps[0].key}.{steps[1].key}", scope, node), len(steps)
            return group.reference(steps, 2, scope, node)
        if root in ("each", "count", "self"):
            return Val.failure(f"{render(node)}: {root} is not available here", scope.file, node.line), len(steps)
        if not steps or steps[0].kind != "attr":
            return None
        group = self.resource_group("managed", root, steps[0].key)
        if group is None:
            return self._undeclared(f"{root}.{steps[0].key}", scope, node), len(steps)
        return group.reference(steps, 1, scope, node)

    def read_file(self, path: str, scope: Scope) -> tuple[str, str]:
        resolved = Path(path) if os.path.isabs(path) else self.evaluation.root_dir / path
        return read_text(resolved), display_path(resolved)

    def parse_template(self, text: str):
        try:
            return parse_template_text(text, self.evaluation.use_cache)
        except HclSyntaxError as error:
            raise ValueError(f"template line {error.line}: {error.message}") from None

    # ------------------------------------------------------------- declarations

    def _undeclared(self, what: str, scope: Scope, node) -> Val:
        return Val.failure(f"{render(node)}: {what} is not declared{self.source.missing_reason()}",
                           scope.file, node.line)

    def variable(self, name: str, scope: Scope, node) -> Val:
        if name not in self._variables:
            declaration = self.source.variables.get(name)
            if declaration is None:
                return self._undeclared(f'variable "{name}"', scope, node)
            self._variables[name] = self._variable_value(name, declaration)
        return self._variables[name]

    def _variable_value(self, name: str, declaration: Declaration) -> Val:
        given = None
        if self.inputs is None:
            given = self.evaluation.var_values.get(name)
        elif name in self.inputs:
            attribute, parent_scope = self.inputs[name]
            given = evaluate(attribute.expr, parent_scope).at(parent_scope.file, attribute.line)
        if given is None or (given.is_null and not _nullable(declaration)):
            given = default_value(declaration)   # null overrides the default only of a nullable variable
        if given is None:
            where = "no default, not set in any .tfvars file" if self.inputs is None else \
                "no default, not set in the module call"
            return Val.unknown(f"var.{name}: no value ({where})", declaration.file, declaration.block.line)
        converted = typeconv.convert(given, declared_type(declaration))
        if converted.error:  # reported here, once; the uses see a value that is not known
            reason = f"var.{name}: {converted.reason}"
            self.evaluation.problem(InputProblem(given.file or declaration.file, reason, given.line or None,
                                                 "not-understood"))
            return Val.unknown(reason, given.file, given.line)
        return converted

    def local(self, name: str, scope: Scope, node) -> Val:
        local = self.source.locals.get(name)
        if local is None:
            return self._undeclared(f'local value "{name}"', scope, node)
        return self._once(self._locals, name, f"local.{name}", local.attribute.expr, local.file, scope, node)

    def output(self, name: str, scope: Scope, node) -> Val:
        declaration = self.source.outputs.get(name)
        attribute = declaration.block.body.attribute("value") if declaration else None
        if attribute is None:
            return self._undeclared(f'output "{name}" of {self.address}', scope, node)
        return self._once(self._outputs, name, f"{self.address}.{name}", attribute.expr, declaration.file,
                          scope, node)

    def _once(self, table: dict, name: str, what: str, expr, file: str, scope: Scope, node) -> Val:
        """Evaluate a named value of this instance once; a value that needs
        itself is a cycle, which Terraform rejects."""
        if name not in table:
            with self.evaluation.guard((id(table), self.address, name)) as entered:
                if not entered:
                    return Val.failure(f"{what}: refers to itself (a cycle)", scope.file, node.line)
                table[name] = evaluate(expr, self.scope(file))
        return table[name]

    def outputs_object(self, scope: Scope, node) -> Val:
        return Val({name: self.output(name, scope, node) for name in self.source.outputs}, scope.file, node.line)

    def _path(self, name: str, scope: Scope, node) -> Val:
        root_dir = self.evaluation.root_dir
        if name == "module":
            relative = os.path.relpath(self.source.directory, root_dir)
            return Val(Path(relative).as_posix(), scope.file, node.line)
        if name == "root":
            return Val(".", scope.file, node.line)
        if name == "cwd":
            return Val(root_dir.as_posix(), scope.file, node.line)
        return Val.failure(f"{render(node)}: unknown path attribute", scope.file, node.line)

    def resource_group(self, mode: str, resource_type: str, name: str) -> "ResourceGroup | None":
        key = (mode, resource_type, name)
        if key not in self._resources:
            table = self.source.resources if mode == "managed" else self.source.data
            declaration = table.get((resource_type, name))
            if declaration is None:
                return None
            self._resources[key] = ResourceGroup(self, mode, resource_type, name, declaration)
        return self._resources[key]

    def module_group(self, name: str) -> "ModuleGroup | None":
        if name not in self._modules:
            declaration = self.source.module_calls.get(name)
            if declaration is None:
                return None
            self._modules[name] = ModuleGroup(self, name, declaration)
        return self._modules[name]

    def _module_reference(self, steps: list[Step], scope: Scope, node):
        if not steps or steps[0].kind != "attr":
            return Val.failure(f"{render(node)}: expected module.NAME", scope.file, node.line), len(steps)
        group = self.module_group(steps[0].key)
        if group is None:
            return self._undeclared(f'module "{steps[0].key}"', scope, node), len(steps)
        return group.reference(steps, scope, node)

    # ------------------------------------------------------------- walking everything

    def records(self) -> list[HclResource]:
        result: list[HclResource] = []
        for mode, table in (("managed", self.source.resources), ("data", self.source.data)):
            for resource_type, name in table:
                group = self.resource_group(mode, resource_type, name)
                with self._contained(group.address, group.declaration):
                    for instance in group.instances():
                        result.append(instance.record())
        for name in self.source.module_calls:
            group = self.module_group(name)
            with self._contained(group.address, group.declaration):
                for child in group.instances():
                    result.extend(child.records())
        return result

    @contextmanager
    def _contained(self, address: str, declaration: Declaration):
        """A fault of the evaluator on one resource must not stop the scan: it
        becomes a problem naming the resource (the exception's text is left
        out, it could hold a value from the input)."""
        try:
            yield
        except RecursionError:
            self.evaluation.problem(InputProblem(declaration.file, f"{address}: too deeply nested to evaluate",
                                                 declaration.block.line, "not-understood"))
        except Exception as error:  # noqa: BLE001 - reported, never silent
            self.evaluation.problem(InputProblem(
                declaration.file, f"{address}: not evaluated (internal error {type(error).__name__} in ecs-guard)",
                declaration.block.line, "not-understood"))


# ----------------------------------------------------------------- count and for_each


def expand(owner: str, body, scope: Scope, evaluation: Evaluation, file: str):
    """("single", [(None, None)]) | ("count"/"for_each", [(key, each.value)]) |
    ("unknown", reason). Keys in Terraform's order."""
    count, for_each = body.attribute("count"), body.attribute("for_each")
    if count is not None:
        value = typeconv.to_number(evaluate(count.expr, scope))
        if not value.known:
            return "unknown", f"{owner}: count not known ({value.reason})"
        if not value.is_number or value.value < 0 or not float(value.value).is_integer():
            evaluation.problem(InputProblem(file, f"{owner}: count must be a whole number >= 0", count.line,
                                            "not-understood"))
            return "unknown", f"{owner}: count is not a whole number"
        return "count", [(index, None) for index in range(int(value.value))]
    if for_each is not None:
        value = evaluate(for_each.expr, scope)
        if not value.known:
            return "unknown", f"{owner}: for_each not known ({value.reason})"
        if value.is_null:
            return "for_each", []
        if isinstance(value.value, list):
            if not value.is_set:
                evaluation.problem(InputProblem(file, f"{owner}: for_each needs a map or a set of strings "
                                                "(wrap a list in toset())", for_each.line, "not-understood"))
            keys = []
            for item in value.value:
                if not item.known:
                    return "unknown", f"{owner}: for_each not known ({item.reason})"
                keys.append(typeconv.to_string(item).value)
            return "for_each", [(key, Val(key, item.file, item.line, literal=item.literal))
                                for key, item in zip(keys, value.value)]
        if isinstance(value.value, dict):
            return "for_each", [(key.value, item) for key, item in iterate(value)]
        evaluation.problem(InputProblem(file, f"{owner}: for_each needs a map or a set of strings",
                                        for_each.line, "not-understood"))
        return "unknown", f"{owner}: for_each is not a map or set"
    return "single", [(None, None)]


def _nullable(declaration: Declaration) -> bool:
    attribute = declaration.block.body.attribute("nullable")
    return not (attribute is not None and isinstance(attribute.expr, Literal) and attribute.expr.value is False)


def select_instance(instances: dict, key: Val, address: str, scope: Scope, node):
    """(instance, None) for `address[key]`, or (None, a Val saying why not)."""
    if not key.known:
        return None, Val.unknown(f"{render(node)}: instance key not known ({key.reason})", scope.file, node.line,
                                 (address,))
    wanted = key.value
    if isinstance(wanted, float) and wanted.is_integer():
        wanted = int(wanted)
    if any(isinstance(existing, int) for existing in instances) and isinstance(wanted, str) and wanted.isdigit():
        wanted = int(wanted)
    instance = instances.get(wanted)
    if instance is None:
        return None, Val.failure(f"{render(node)}: {address} has no instance {instance_key_text(wanted)}",
                                 scope.file, node.line)
    return instance, None


def iteration_names(kind: str, key, each_value: Val | None, file: str, line: int, reason: str = "") -> dict:
    if kind == "count":
        return {"count": Val({"index": Val(key, file, line)}, file, line)}
    if kind == "for_each":
        return {"each": Val({"key": Val(key, file, line), "value": each_value}, file, line)}
    if kind == "unknown":
        missing = Val.unknown(reason, file, line)
        return {"count": Val({"index": missing}, file, line),
                "each": Val({"key": missing, "value": missing}, file, line)}
    return {}


# ----------------------------------------------------------------- resources


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

    def instances(self) -> list["ResourceInstance"]:
        if self._instances is None:
            kind, detail = self.expansion()
            if kind == "unknown":
                self._instances = {None: ResourceInstance(self, None, None, "unknown", detail)}
            else:
                self._instances = {key: ResourceInstance(self, key, value, kind) for key, value in detail}
        return list(self._instances.values())

    def reference(self, steps: list[Step], consumed: int, scope: Scope, node):
        kind, detail = self.expansion()
        if kind == "unknown":
            return Val.unknown(detail, scope.file, node.line, (self.address,)), len(steps)
        self.instances()
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
            return marked.copy(sources=tuple(dict.fromkeys((source,) + marked.sources))), consumed + 1
        return deep_mark(instance.object(scope, node), literal=False), consumed

    def object(self, scope: Scope, node) -> Val:
        """The whole resource: a list (count) or map (for_each) of instances."""
        kind, _ = self.expansion()
        if kind == "count":
            return Val([instance.object(scope, node) for instance in self._instances.values()], scope.file, node.line)
        return Val({key: instance.object(scope, node) for key, instance in self._instances.items()},
                   scope.file, node.line)


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
            return Val.unknown(f"{where}: not set in the configuration (the provider may compute it)",
                               scope.file, node.line)
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
        return value.copy(value=entries)

    def record(self) -> HclResource:
        group = self.group
        block = group.declaration.block
        result = self.result()
        record = HclResource(
            address=self.address, mode=group.mode, type=group.type, name=group.name, index=self.key,
            module=group.module.address, file=group.declaration.file, line=block.line,
            end_line=block.end_line or block.line, expansion_unknown=self.unknown_reason)
        record.references = dict(result.references)
        record.lines = dict(result.lines)
        record.computed = list(result.computed)
        fill_record(record, result.value)
        return record


# ----------------------------------------------------------------- module calls


MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def is_local_source(source: str) -> bool:
    return source.startswith("./") or source.startswith("../") or source in (".", "..")


class ModuleGroup:
    """One module call of one module instance."""

    def __init__(self, parent: ModuleInstance, name: str, declaration: Declaration):
        self.parent = parent
        self.name = name
        self.declaration = declaration
        self.address = f"{parent.prefix}module.{name}"
        self._instances: dict | None = None
        self.not_scanned = ""   # why the module's code is not available
        self._source = self._load()

    def _load(self) -> ModuleSource | None:
        block = self.declaration.block
        file = self.declaration.file
        evaluation = self.parent.evaluation
        attribute = block.body.attribute("source")
        source = evaluate(attribute.expr, self.parent.scope(file)) if attribute else None
        if source is None or not source.is_string:
            self.not_scanned = "its source is not a literal string"
        elif not is_local_source(source.value):
            self.not_scanned = f'its source "{source.value}" is not a local path'
        else:
            directory = (self.parent.source.directory / source.value).resolve()
            if not directory.is_dir():
                self.not_scanned = f'its source directory "{source.value}" does not exist'
            else:
                return evaluation.module_source(directory)
        evaluation.problem(InputProblem(file, f'module "{self.name}" not scanned: {self.not_scanned}',
                                        block.line, "not-understood"))
        return None

    def instances(self) -> list[ModuleInstance]:
        if self._source is None:
            return []
        if self._instances is None:
            file = self.declaration.file
            scope = self.parent.scope(file)
            kind, detail = expand(self.address, self.declaration.block.body, scope, self.parent.evaluation, file)
            self._instances = {}
            pairs = [(None, None)] if kind == "unknown" else detail
            for key, each_value in pairs:
                names = iteration_names(kind, key, each_value, file, self.declaration.block.line,
                                        detail if kind == "unknown" else "")
                call_scope = scope.child(names)
                inputs = {attribute.name: (attribute, call_scope)
                          for attribute in self.declaration.block.body.attributes
                          if attribute.name not in MODULE_META_ARGUMENTS}
                address = self.address + instance_key_text(key)
                self._instances[key] = ModuleInstance(self.parent.evaluation, self._source, address, inputs,
                                                      self.parent)
        return list(self._instances.values())

    def reference(self, steps: list[Step], scope: Scope, node):
        consumed = 1
        if self._source is None:
            return Val.unknown(f"{render(node)}: module {self.address} not scanned ({self.not_scanned})",
                               scope.file, node.line, (self.address,)), len(steps)
        instances = self.instances()
        keyed = len(instances) != 1 or instances[0].address != self.address
        rest = steps[consumed:]
        if keyed:
            if not rest or rest[0].kind != "index":
                value = Val({str(key): child.outputs_object(scope, node) for key, child in self._instances.items()},
                            scope.file, node.line)
                return deep_mark(value, literal=False), consumed
            instance, failed = select_instance(self._instances, rest[0].key, self.address, scope, node)
            if failed is not None:
                return failed, len(steps)
            consumed += 1
            rest = rest[1:]
        else:
            instance = instances[0]
        if rest and rest[0].kind == "attr":
            value = instance.output(rest[0].key, scope, node)
            return deep_mark(value, literal=False), consumed + 1
        return deep_mark(instance.outputs_object(scope, node), literal=False), consumed
