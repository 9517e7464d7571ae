"""Module instances: every name an expression can reference.

A ModuleInstance is one instance of a module directory (the root, or
``module.api["blue"]``); it is the evaluation Context of the expressions
written in it and resolves var.*, local.*, module.*, data.*, path.*,
terraform.* and resource references, lazily and once each. Resources and
module calls are expanded by resources.py and module_calls.py
(count/for_each: expansion.py); Evaluation holds what all instances of one
root share (parsed modules, problems, cycle detection, parse timings).

Values reached through resources, data sources and module outputs are
marked not literal; variables and locals are transparent (a variable with
no value is not known at all, so never a literal).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, Step, evaluate
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, parse_template_text
from ecs_guard.inputs.terraform.hcl.references import references
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.syntax import Literal
from ecs_guard.inputs.terraform.hcl.values import Val
from ecs_guard.inputs.terraform.source.module import Declaration, ModuleSource, load_module, read_text
from ecs_guard.inputs.terraform.source.module_calls import ModuleGroup
from ecs_guard.inputs.terraform.source.module_index import read_module_index
from ecs_guard.inputs.terraform.source.resource import HclResource
from ecs_guard.inputs.terraform.source.resources import ResourceGroup
from ecs_guard.inputs.terraform.source.variables import declared_type, default_value
from ecs_guard.location import display_path


class Evaluation:
    """State shared by every module instance of one root module."""

    def __init__(
        self,
        root_dir: Path,
        var_values: dict[str, Val],
        use_cache: bool = True,
        modules: dict[Path, ModuleSource] | None = None,
    ):
        self.root_dir = root_dir
        self.var_values = var_values
        self.use_cache = use_cache
        # Parsed module directories, shared by the roots of one scan (they
        # are only read once parsed): a module two roots call is parsed once.
        self.modules = modules if modules is not None else {}
        self.problems: list[InputProblem] = []
        self.schema_problems: list[InputProblem] = []
        self._problem_keys: set = set()
        self._sources: dict[Path, ModuleSource] = {}
        self._in_progress: set = set()
        self.parse_seconds: dict[str, float] = {}
        self.parse_cached: dict[str, bool] = {}
        self.read_files: dict[str, None] = {}  # files read by file() / templatefile(), in order
        self.sensitive: dict[str, None] = {}  # texts Terraform marks sensitive, masked in reports
        # Files and folders looked for besides the module folders read (file()
        # and templatefile() paths, module folders), found or not: what the
        # result also depends on (root_cache.py).
        self.looked_at: dict[str, None] = {}
        # What terraform init fetched (.terraform/modules/modules.json), if it ran.
        self.module_index, index_problems = read_module_index(root_dir)
        for problem in index_problems:
            self.problem(problem)

    def mark_sensitive(self, value: Val) -> None:
        """Note the texts of a value marked sensitive (every string in it)."""
        stack = [value]
        while stack:
            current = stack.pop()
            if isinstance(current.value, str):
                self.sensitive.setdefault(current.value)
            elif isinstance(current.value, list):
                stack.extend(current.value)
            elif isinstance(current.value, dict):
                stack.extend(current.value.values())

    def problem(self, problem: InputProblem) -> None:
        key = (problem.path, problem.line, problem.message)
        if key not in self._problem_keys:
            self._problem_keys.add(key)
            self.problems.append(problem)

    def schema_problem(self, problem: InputProblem) -> None:
        """An argument or block the carried provider schema does not have;
        what it is reported as is decided once the whole configuration (and
        with it the provider version it pins) has been read."""
        if problem not in self.schema_problems:
            self.schema_problems.append(problem)

    @property
    def module_sources(self) -> list[ModuleSource]:
        """The module directories this root's configuration is made of."""
        return list(self._sources.values())

    def module_source(self, directory: Path) -> ModuleSource:
        directory = directory.resolve()
        if directory not in self._sources:
            source = self.modules.get(directory)
            if source is None:
                source = self.modules[directory] = load_module(directory, self.use_cache)
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


class ModuleInstance:
    def __init__(
        self,
        evaluation: Evaluation,
        source: ModuleSource,
        address: str,
        inputs: dict | None = None,
        parent: ModuleInstance | None = None,
        call: ModuleGroup | None = None,
    ):
        self.evaluation = evaluation
        self.source = source
        self.address = address  # "" for the root
        self.inputs = inputs  # name -> (Attribute, parent Scope); None for the root
        self.parent = parent
        self.key: str = call.key if call is not None else ""  # the module path as modules.json keys it
        # The module blocks that lead here from the root, as (file, line): the
        # root's own block first, the line a person changes to fix a finding
        # inside a fetched module.
        self.callers: tuple[tuple[str, int], ...] = ()
        if call is not None and parent is not None:
            self.callers = (*parent.callers, (call.declaration.file, call.declaration.block.line))
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

    def child(self, source: ModuleSource, address: str, inputs: dict, call: ModuleGroup) -> ModuleInstance:
        """An instance of a module this one calls (through `call`)."""
        return ModuleInstance(self.evaluation, source, address, inputs, self, call)

    # ------------------------------------------------------------- Context protocol

    def reference(self, root: str, steps: list[Step], scope: Scope, node):
        if root in ("var", "local", "path", "terraform") and (not steps or steps[0].kind != "attr"):
            return Val.failure(f"{render(node)}: {root} must be followed by .name", scope.file, node.line), len(steps)
        if root == "var":
            # a variable is as literal as the value it was given (a .tfvars value, its default,
            # a module argument): RULES.md EG501, "a literal ... through variables is still a literal"
            return self.variable(steps[0].key, scope, node), 1
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
        self.evaluation.looked_at.setdefault(os.path.abspath(resolved))
        text, display = read_text(resolved), display_path(resolved)
        self.evaluation.read_files.setdefault(display)
        return text, display

    def parse_template(self, text: str):
        try:
            return parse_template_text(text, self.evaluation.use_cache)
        except HclSyntaxError as error:
            raise ValueError(f"template line {error.line}: {error.message}") from None

    # ------------------------------------------------------------- declarations

    def _undeclared(self, what: str, scope: Scope, node) -> Val:
        return Val.failure(
            f"{render(node)}: {what} is not declared{self.source.missing_reason()}", scope.file, node.line
        )

    def variable(self, name: str, scope: Scope, node) -> Val:
        if name not in self._variables:
            declaration = self.source.variables.get(name)
            if declaration is None:
                return self._undeclared(f'variable "{name}"', scope, node)
            self._variables[name] = self._variable_value(name, declaration)
            if _declared_sensitive(declaration):
                self.evaluation.mark_sensitive(self._variables[name])
        return self._variables[name]

    def _variable_value(self, name: str, declaration: Declaration) -> Val:
        given = None
        if self.inputs is None:
            given = self.evaluation.var_values.get(name)
        elif name in self.inputs:
            attribute, parent_scope = self.inputs[name]
            given = evaluate(attribute.expr, parent_scope).at(parent_scope.file, attribute.line)
        if given is None or (given.is_null and not _nullable(declaration)):
            given = default_value(declaration)  # null overrides the default only of a nullable variable
        if given is None:
            where = (
                "no default, not set in any .tfvars file"
                if self.inputs is None
                else "no default, not set in the module call"
            )
            return Val.unknown(f"var.{name}: no value ({where})", declaration.file, declaration.block.line)
        converted = typeconv.convert(given, declared_type(declaration))
        if converted.error:  # reported here, once; the uses see a value that is not known
            reason = f"var.{name}: {converted.reason}"
            self.evaluation.problem(
                InputProblem(given.file or declaration.file, reason, given.line or None, "not-understood")
            )
            return Val.unknown(reason, given.file, given.line)
        return converted

    def local(self, name: str, scope: Scope, node) -> Val:
        local = self.source.locals.get(name)
        if local is None:
            return self._undeclared(f'local value "{name}"', scope, node)
        if name not in self._locals:
            self._locals_needed_first(name)
        return self._once(self._locals, name, f"local.{name}", local.attribute.expr, local.file, scope, node)

    def _locals_needed_first(self, name: str) -> None:
        """Evaluate the locals `name` refers to, and theirs, deepest first,
        walking them with a list instead of recursion: each then finds what
        it needs already evaluated, so a chain of a thousand locals (which
        Terraform evaluates) costs one level of Python's stack, not a
        thousand. A cycle is left for _once to report."""
        order: list[str] = []
        seen = {name}
        stack = [(name, False)]
        while stack:
            current, dependencies_done = stack.pop()
            if dependencies_done:
                order.append(current)
                continue
            stack.append((current, True))
            for dependency in _local_references(self.source.locals[current].attribute.expr):
                if dependency not in seen and dependency not in self._locals and dependency in self.source.locals:
                    seen.add(dependency)
                    stack.append((dependency, False))
        for dependency in order[:-1]:  # the last is `name`, which the caller evaluates
            local = self.source.locals[dependency]
            self._once(
                self._locals,
                dependency,
                f"local.{dependency}",
                local.attribute.expr,
                local.file,
                self.scope(local.file),
                local.attribute.expr,
            )

    def output(self, name: str, scope: Scope, node) -> Val:
        declaration = self.source.outputs.get(name)
        attribute = declaration.block.body.attribute("value") if declaration else None
        if attribute is None or declaration is None:
            return self._undeclared(f'output "{name}" of {self.address}', scope, node)
        file = attribute.file or declaration.file
        value = self._once(self._outputs, name, f"{self.address}.{name}", attribute.expr, file, scope, node)
        if _declared_sensitive(declaration):
            self.evaluation.mark_sensitive(value)
        return value

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

    def resource_group(self, mode: str, resource_type: str, name: str) -> ResourceGroup | None:
        key = (mode, resource_type, name)
        if key not in self._resources:
            table = self.source.resources if mode == "managed" else self.source.data
            declaration = table.get((resource_type, name))
            if declaration is None:
                return None
            self._resources[key] = ResourceGroup(self, mode, resource_type, name, declaration)
        return self._resources[key]

    def module_group(self, name: str) -> ModuleGroup | None:
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
                assert group is not None  # declared: it is in the table
                with self._contained(group.address, group.declaration):
                    for instance in group.instances():
                        result.append(instance.record())
        for name in self.source.module_calls:
            call = self.module_group(name)
            assert call is not None  # declared: it is in the table
            with self._contained(call.address, call.declaration):
                for child in call.instances():
                    result.extend(child.records())
        return result

    @contextmanager
    def _contained(self, address: str, declaration: Declaration):
        """A fault of the evaluator on one resource must not stop the scan: it
        becomes a problem naming the resource, and the scan is incomplete
        (exit code 3: the resource's checks did not run). The exception's
        text is left out: it could hold a value from the input."""
        try:
            yield
        except RecursionError:
            self.evaluation.problem(
                InputProblem(
                    declaration.file,
                    f"{address}: not evaluated: nested too deeply for ecs-guard to evaluate",
                    declaration.block.line,
                )
            )
        except Exception as error:
            self.evaluation.problem(
                InputProblem(
                    declaration.file,
                    f"{address}: not evaluated (internal error {type(error).__name__} in ecs-guard)",
                    declaration.block.line,
                )
            )


def _local_references(expr) -> list[str]:
    """The names of the locals an expression refers to (local.NAME...)."""
    names = []
    for reference in references(expr):
        if reference.startswith("local."):
            name = reference[len("local.") :].split(".", 1)[0].split("[", 1)[0]
            names.append(name)
    return list(dict.fromkeys(names))


def _declared_sensitive(declaration: Declaration) -> bool:
    """`sensitive = true` in a variable or output block."""
    attribute = declaration.block.body.attribute("sensitive")
    return attribute is not None and isinstance(attribute.expr, Literal) and attribute.expr.value is True


def _nullable(declaration: Declaration) -> bool:
    attribute = declaration.block.body.attribute("nullable")
    return not (attribute is not None and isinstance(attribute.expr, Literal) and attribute.expr.value is False)
