"""Terraform's built-in functions that ECS code really uses, on Vals.

Two kinds. Structural functions (concat, merge, lookup, tolist, toset,
flatten, element, ...) rearrange values: their results keep each element's
own line and flags and work on collections with unknown elements.
Computing functions (format, join, lower, ...) make a new value from
fully known arguments; the result is literal when every argument was.
jsonencode() keeps the encoded tree (Val.document) so a container
definition inside it keeps its lines even though the result is one string.
A function we do not evaluate gives a value that is not known, saying so;
never a guess.

This module is the machinery (registry, argument checks); the functions
are in json_functions.py, collection_functions.py and text_functions.py,
registered when the package is imported. It imports nothing from the
evaluator: try(), can() and templatefile() evaluate expressions
themselves, so they live in evaluate.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.scope import Scope
from ecs_guard.inputs.terraform.hcl.typeconv import type_name
from ecs_guard.inputs.terraform.hcl.values import Val, number


class FunctionError(Exception):
    pass


class LimitExceeded(FunctionError):
    """The result would be larger than ecs-guard computes (a format width of
    a billion): not evaluated, with the reason, rather than gigabytes."""


# A string result longer than this is not computed: far past any real
# attribute (AWS caps a whole task definition at 64 KiB).
MAX_STRING = 10 * 1024 * 1024
# A collection a function makes with more elements than this is not kept
# (concat(local.a, local.a) doubling through a chain of locals).
MAX_ELEMENTS = 1_000_000


def check_size(result: Any) -> None:
    """Raise LimitExceeded for a string or collection past the bounds above."""
    if isinstance(result, str) and len(result) > MAX_STRING:
        raise LimitExceeded(f"a string of {len(result):,} characters (more than {MAX_STRING:,})")
    if isinstance(result, (list, dict)) and len(result) > MAX_ELEMENTS:
        raise LimitExceeded(f"{len(result):,} elements (more than {MAX_ELEMENTS:,})")


Handler = Callable[[list, Any, Scope], Val]
_FUNCTIONS: dict[str, Handler] = {}


def call_function(node, args: list[Val], scope: Scope) -> Val:
    handler = _FUNCTIONS.get(node.name)
    if handler is None:
        return Val.unknown(
            f"{render(node)}: function {node.name}() is not evaluated by ecs-guard",
            scope.file,
            node.line,
            all_sources(args),
        )
    try:
        return handler(args, node, scope)
    except LimitExceeded as error:
        return Val.unknown(f"{render(node)}: {error}: not evaluated", scope.file, node.line, all_sources(args))
    except FunctionError as error:
        return Val.failure(f"{render(node)}: {error}", scope.file, node.line)


def all_sources(args: list[Val]) -> tuple:
    seen: dict[str, None] = {}
    for arg in args:
        seen.update(dict.fromkeys(arg.all_sources()))
    return tuple(seen)


def from_python(data: Any, file: str, line: int, literal: bool, sources: tuple = ()) -> Val:
    if isinstance(data, list):
        data = [from_python(item, file, line, literal, sources) for item in data]
    elif isinstance(data, dict):
        data = {key: from_python(item, file, line, literal, sources) for key, item in data.items()}
    elif isinstance(data, float):
        data = number(data)
    return Val(data, file, line, literal=literal, sources=sources)


def computing(*names: str, arity: tuple[int, int | None] = (0, None)):
    """Register f(*python values) -> python value; called only when every
    argument is fully known."""

    def register(function):
        def handler(args: list[Val], node, scope: Scope) -> Val:
            low, high = arity
            if len(args) < low or (high is not None and len(args) > high):
                raise FunctionError(f"wrong number of arguments ({len(args)})")
            sources = all_sources(args)
            literal = all(arg.wholly_literal for arg in args)
            for arg in args:
                missing = arg.first_unknown()
                if missing is not None:
                    if missing.error:
                        return missing
                    return Val.unknown(missing.reason, scope.file, node.line, sources, literal)
            result = function(*[arg.to_python() for arg in args])
            check_size(result)
            return from_python(result, scope.file, node.line, literal, sources)

        for name in names:
            _FUNCTIONS[name] = handler
        return function

    return register


def structural(*names: str):
    """Register f(args: list[Val], node, scope) -> Val, positioned at the call."""

    def register(function):
        def handler(args: list[Val], node, scope: Scope) -> Val:
            result = function(args, node, scope)
            check_size(result.value)
            if result.file == "" and result.line == 0:
                return result.at(scope.file, node.line)
            return result

        for name in names:
            _FUNCTIONS[name] = handler
        return function

    return register


def unknown_or_none(node, scope: Scope, *values: Val) -> Val | None:
    """The first of `values` that is not known (to return as the result), located at the call."""
    for value in values:
        if not value.known:
            return value.at(scope.file, node.line)
    return None


def list_of(value: Val, what: str) -> list[Val]:
    if not isinstance(value.value, list):
        raise FunctionError(f"{what} must be a list, not a {type_name(value)}")
    return value.value


def new_value(value, node, scope: Scope, args: list[Val], **extra) -> Val:
    literal = all(arg.literal for arg in args)
    return Val(value, scope.file, node.line, literal=literal, **extra)
