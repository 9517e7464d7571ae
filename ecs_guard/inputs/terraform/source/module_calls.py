"""Module calls: their folder found, loaded and instantiated (count/for_each,
inputs evaluated in the caller), and references to their outputs
(``module.api["blue"].service_name``).

The folder is the one `terraform init` recorded in the root's
.terraform/modules/modules.json when there is one (module_index.py: any
source, nested calls in fetched modules included), else a local path
relative to the calling module; a remote source without an index is
reported as not scanned, naming terraform init."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, Step, evaluate
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.values import Val, deep_mark
from ecs_guard.inputs.terraform.source.expansion import (
    expand,
    instance_key_text,
    iteration_names,
    select_instance,
    unknown_expansion_problem,
)
from ecs_guard.inputs.terraform.source.module import Declaration, ModuleSource
from ecs_guard.inputs.terraform.source.module_index import module_key, same_source
from ecs_guard.inputs.terraform.source.resource_body import written_in

if TYPE_CHECKING:  # the module instance owns these; no import at run time
    from ecs_guard.inputs.terraform.source.instances import ModuleInstance


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
        self.key: str = module_key(parent.key, name)  # modules.json key: call names, no instance keys
        self._instances: dict | None = None
        self.not_scanned = ""  # why the module's code is not available
        self._source = self._load()

    def _load(self) -> ModuleSource | None:
        block = self.declaration.block
        file = self.declaration.file
        evaluation = self.parent.evaluation
        attribute = block.body.attribute("source")
        source = evaluate(attribute.expr, self.parent.scope(file)) if attribute else None
        if source is None or not source.is_string:
            self.not_scanned = "its source is not a literal string"
        else:
            directory = self._directory(source.value)
            if directory is not None:
                return evaluation.module_source(directory)
        evaluation.problem(
            InputProblem(file, f'module "{self.name}" not scanned: {self.not_scanned}', block.line, "not-understood")
        )
        return None

    def _directory(self, source: str) -> Path | None:
        """The folder Terraform reads this call from (None, with not_scanned set, when there is none)."""
        index = self.parent.evaluation.module_index
        fetched = index.get(self.key) if index is not None else None
        local = is_local_source(source)
        if index is not None and fetched is not None and same_source(source, fetched.source):
            self.parent.evaluation.looked_at.setdefault(os.path.abspath(fetched.directory))
            if fetched.directory.is_dir():
                return fetched.directory
            self.not_scanned = (
                f'its folder "{fetched.directory.name}" listed in {index.path} is missing; run terraform init again'
            )
            return None
        if local:  # beside the calling module's folder (fetched or not), as terraform init installs it
            directory = (self.parent.source.directory / source).resolve()
            self.parent.evaluation.looked_at.setdefault(str(directory))
            if directory.is_dir():
                return directory
            self.not_scanned = f'its source directory "{source}" does not exist'
            return None
        if index is None:
            self.not_scanned = (
                f'its source "{source}" is not a local path: run terraform init to fetch it, or scan the plan'
            )
        else:
            self.not_scanned = (
                f'its source "{source}" is not in {index.path} as fetched; run terraform init again to fetch it'
            )
        return None

    def instances(self) -> list[ModuleInstance]:
        if self._source is None:
            return []
        if self._instances is None:
            file = self.declaration.file
            scope = self.parent.scope(file)
            kind, detail = expand(self.address, self.declaration.block.body, scope, self.parent.evaluation, file)
            self._instances = {}
            if kind == "unknown":
                self.parent.evaluation.problem(
                    unknown_expansion_problem(detail, self.address, file, self.declaration.block.line)
                )
            pairs = [(None, None)] if kind == "unknown" else detail
            for key, each_value in pairs:
                names = iteration_names(
                    kind, key, each_value, file, self.declaration.block.line, detail if kind == "unknown" else ""
                )
                call_scope = scope.child(names)
                inputs = {
                    attribute.name: (attribute, written_in(attribute, call_scope))
                    for attribute in self.declaration.block.body.attributes
                    if attribute.name not in MODULE_META_ARGUMENTS
                }
                address = self.address + instance_key_text(key)
                self._instances[key] = self.parent.child(self._source, address, inputs, self)
        return list(self._instances.values())

    def reference(self, steps: list[Step], scope: Scope, node):
        consumed = 1
        if self._source is None:
            return Val.unknown(
                f"{render(node)}: module {self.address} not scanned ({self.not_scanned})",
                scope.file,
                node.line,
                (self.address,),
            ), len(steps)
        instances = self.instances()
        assert self._instances is not None  # made by instances()
        keyed = len(instances) != 1 or instances[0].address != self.address
        rest = steps[consumed:]
        if keyed:
            if not rest or rest[0].kind != "index":
                value = Val(
                    {str(key): child.outputs_object(scope, node) for key, child in self._instances.items()},
                    scope.file,
                    node.line,
                )
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
