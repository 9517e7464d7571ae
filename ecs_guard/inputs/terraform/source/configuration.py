"""What a plan's ``configuration`` section says about module calls and
outputs, read from the source: the references of each module call's
arguments and of each output, keyed by module path (instance keys left
out, as in a plan). With the records' own references, this is all that
build/links.py needs to follow a reference through modules, so the HCL adapter
links resources exactly as the plan adapter does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_guard.inputs.terraform.build.links import config_path
from ecs_guard.inputs.terraform.hcl.references import references
from ecs_guard.inputs.terraform.source.module_calls import MODULE_META_ARGUMENTS

if TYPE_CHECKING:
    from ecs_guard.inputs.terraform.source.instances import ModuleInstance

Calls = dict[tuple[str, str], dict[str, list[str]]]
Outputs = dict[tuple[str, str], list[str]]


def module_references(root: ModuleInstance) -> tuple[Calls, Outputs]:
    """(calls, outputs) of every module reached from `root`: {(module path,
    call name): {argument: references}} and {(module path, output name): references}."""
    calls: Calls = {}
    outputs: Outputs = {}
    _collect(root, calls, outputs, set())
    return calls, outputs


def _collect(instance: ModuleInstance, calls: Calls, outputs: Outputs, seen: set[str]) -> None:
    path = config_path(instance.address)
    if path in seen:  # every instance of a module call has the same configuration
        return
    seen.add(path)
    source = instance.source
    for name, declaration in source.outputs.items():
        value = declaration.block.body.attribute("value")
        outputs[(path, name)] = references(value.expr) if value is not None else []
    for name, declaration in source.module_calls.items():
        calls[(path, name)] = {
            attribute.name: references(attribute.expr)
            for attribute in declaration.block.body.attributes
            if attribute.name not in MODULE_META_ARGUMENTS
        }
        group = instance.module_group(name)
        for child in group.instances() if group is not None else ():
            _collect(child, calls, outputs, seen)
