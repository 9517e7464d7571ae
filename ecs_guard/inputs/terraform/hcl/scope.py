"""The names an HCL expression can see.

A Scope holds the names an expression binds itself (for-expression
variables, ``each``, ``count``, a dynamic block's iterator, a template's
variables); everything else (var, local, module, data, resources, path,
terraform) goes to the Scope's context, the module instance the expression
belongs to (source/instances.py). Kept apart from the evaluator so the
function library can name these types without importing the evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ecs_guard.inputs.terraform.hcl.values import Val


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a reference after its root name: .name or [key]."""

    kind: str  # "attr" | "index"
    key: Any  # attribute name (str) or the evaluated index (Val)
    line: int


class Context(Protocol):
    """What a module instance offers the expressions written in it."""

    def reference(self, root: str, steps: list[Step], scope: Scope, node) -> tuple[Val, int] | None:
        """(value, steps consumed) for a module-level name, None if unknown."""

    def read_file(self, path: str, scope: Scope) -> tuple[str, str]:
        """(text, display path) of a file named in file()/templatefile()."""

    def parse_template(self, text: str):
        """A template file's syntax (templates.py)."""


class Scope:
    __slots__ = ("context", "file", "names", "parent")

    def __init__(self, context: Context, file: str, names: dict[str, Val] | None = None, parent: Scope | None = None):
        self.context = context
        self.file = file
        self.names = names or {}
        self.parent = parent

    def child(self, names: dict[str, Val], file: str | None = None) -> Scope:
        return Scope(self.context, file or self.file, names, self)

    def lookup(self, name: str) -> Val | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None
