"""Which resources an attribute of a resource read from checkov's graph refers to.

The shared linker (build/links.py) follows a plan's configuration
references, written in the referring resource's own module. checkov renders
variables, locals and module outputs into the text it leaves, so a
reference may name a resource of another module (the caller's role passed
in through a variable, a module's service named through its output): a
reference to a resource of the record's own module is given to the linker
as a plan's configuration would give it (``aws_iam_role.exec.arn``); the
others, and what ``var.x``/``local.x``/``module.m.out`` lead to along
checkov's labelled edges, are what the value is ``derived_from`` (the hook
the Terraform source records use for the same question). A resource whose
``count``/``for_each`` checkov could not expand links to nothing known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ecs_guard.checkov.graph import Vertex, address_of, parse_key
from ecs_guard.inputs.terraform.build.links import join, key_suffix, module_of

if TYPE_CHECKING:
    from ecs_guard.checkov.hcl_records import GraphResource

_HEAD = re.compile(r"^(?P<local>(?:data\.)?[\w-]+\.[\w-]+)(?P<key>\[[^\]]*\])?(?P<rest>.*)$")
_MAX_DEPTH = 64


def link(
    record: GraphResource,
    vertex: Vertex,
    texts: dict[str, list[str]],
    by_local: dict[tuple[str, str], list[tuple[str, Any]]],
    by_index: dict[int, Vertex],
    unexpanded: set[tuple[str, str]],
) -> None:
    """The references of each attribute: the linker's (own module) and what
    the value is derived from (other modules, variables, locals, outputs)."""
    expressions = record.expressions
    assert expressions is not None
    for attribute, references in texts.items():
        own: list[str] = []
        addresses: list[str] = []
        through = False  # a variable, local or module output: checkov's edges say where it leads
        foreign = False
        unknown_count = False  # a resource whose count or for_each checkov could not know
        for text in references:
            head = text.split(".", 1)[0]
            if head in ("var", "local", "module"):
                through = True
                continue
            if head in ("each", "count", "path", "terraform"):
                continue
            match = _HEAD.match(text)
            if match is None:
                continue
            local, rest = match.group("local"), match.group("rest")
            key = parse_key(match.group("key")[1:-1]) if match.group("key") else None
            module = _module_having(record.module, local, by_local)
            if module is None:  # not in the configuration at all: the linker says so
                own.append(f"{local}{key_suffix(key)}{rest}")
                continue
            unknown_count = unknown_count or (module, local) in unexpanded
            found = [a for a, k in by_local[(module, local)] if key is None or k == key]
            addresses.extend(found or [join(module, local) + key_suffix(key)])
            if module == record.module:
                own.append(f"{local}{key_suffix(key)}{rest}")
            else:
                foreign = True
        if through or foreign or not references:
            edges = _edge_targets(vertex, attribute, by_index) if (through or not references) else []
            derived = tuple(dict.fromkeys([*addresses, *edges]))
            if derived and not unknown_count:
                record.derived[attribute] = derived
            expressions[attribute] = [] if (through or foreign) else own
        else:
            expressions[attribute] = own


def _module_having(module: str, local: str, by_local: dict) -> str | None:
    """The module instance whose resource `local` a text written in `module`
    names: its own, else the nearest caller's (a variable checkov rendered),
    else the one module that has it (a module output checkov rendered)."""
    current = module
    while True:
        if (current, local) in by_local:
            return current
        if not current:
            break
        current = module_of(current.rsplit(".module.", 1)[0]) if ".module." in current else ""
    having = [m for (m, name) in by_local if name == local]
    return having[0] if len(having) == 1 else None


def _edge_targets(vertex: Vertex, attribute: str, by_index: dict[int, Vertex]) -> list[str]:
    """The resources an attribute's edges lead to, through variables, locals and outputs."""
    found: list[str] = []
    seen: set[int] = set()
    for label, target in vertex.edges:
        if _label_matches(label, attribute):
            _follow(by_index.get(target), by_index, found, seen, 0)
    return found


def _label_matches(label: str, name: str) -> bool:
    if label.startswith("["):  # checkov's "[cross-variable] ..." shortcuts: followed step by step instead
        return False
    steps = ".".join(step for step in label.split(".") if not step.isdigit())
    return steps == name or steps.startswith(name + ".")


def _follow(vertex: Vertex | None, by_index: dict[int, Vertex], found: list[str], seen: set[int], depth: int) -> None:
    if vertex is None or vertex.index in seen or depth > _MAX_DEPTH:
        return
    seen.add(vertex.index)
    if vertex.block_type in ("resource", "data"):
        found.append(address_of(vertex))
        return
    name = vertex.address.rsplit(".", 1)[-1]
    if vertex.block_type == "variable":
        labels: Iterable[str] = ("default",)
    elif vertex.block_type == "locals":
        labels = (name,)
    elif vertex.block_type == "output":
        labels = ("value",)
    else:  # a module reached directly, a tfvar, a provider: no resource behind it that an edge names
        return
    for label, target in vertex.edges:
        if any(_label_matches(label, wanted) for wanted in labels):
            nxt = by_index.get(target)
            if vertex.block_type == "variable" and nxt is not None and nxt.block_type == "module":
                _follow_argument(nxt, name, by_index, found, seen, depth + 1)
            else:
                _follow(nxt, by_index, found, seen, depth + 1)


def _follow_argument(
    module: Vertex, argument: str, by_index: dict[int, Vertex], found: list[str], seen: set[int], depth: int
) -> None:
    """A module variable's value: what the call's `argument` refers to."""
    for label, target in module.edges:
        if _label_matches(label, argument):
            _follow(by_index.get(target), by_index, found, seen, depth + 1)
