"""Structural functions: they rearrange values, so each element keeps its
own line and flags, and collections with unknown elements still work."""

from __future__ import annotations

from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.functions.registry import (
    FunctionError,
    list_of,
    new_value,
    structural,
    unknown_or_none,
)
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.typeconv import type_name
from ecs_guard.inputs.terraform.hcl.values import Val, make_set


@structural("concat")
def _concat(args, node, scope):
    unknown = unknown_or_none(node, scope, *args)
    if unknown is not None:
        return unknown
    items: list[Val] = []
    for arg in args:
        items.extend(list_of(arg, "every argument"))
    return new_value(items, node, scope, args)


@structural("merge")
def _merge(args, node, scope):
    entries: dict[str, Val] = {}
    for arg in args:
        if arg.is_null:
            continue
        unknown = unknown_or_none(node, scope, arg)
        if unknown is not None:
            return unknown
        if not isinstance(arg.value, dict):
            raise FunctionError(f"arguments must be maps or objects, not a {type_name(arg)}")
        entries.update(arg.value)
    return new_value(entries, node, scope, args)


@structural("tolist")
def _tolist(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None or value.is_null:
        return unknown or value
    return value.copy(value=list(list_of(value, "the argument")), is_set=False)


@structural("toset")
def _toset(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None or value.is_null:
        return unknown or value
    return make_set(list_of(value, "the argument"), scope.file, node.line, value.literal)


@structural("tomap")
def _tomap(args, node, scope):
    (value,) = args
    if value.known and value.value is not None and not isinstance(value.value, dict):
        raise FunctionError(f"a {type_name(value)} cannot be used as a map")
    return value


@structural("tostring")
def _tostring(args, node, scope):
    return typeconv.to_string(args[0])


@structural("tonumber")
def _tonumber(args, node, scope):
    return typeconv.to_number(args[0])


@structural("tobool")
def _tobool(args, node, scope):
    return typeconv.to_bool(args[0])


@structural("sensitive")
def _sensitive(args, node, scope):
    """The value, its texts noted so that no report prints them (ecs_guard.sensitive)."""
    if len(args) != 1:
        raise FunctionError("takes one argument")
    evaluation = getattr(scope.context, "evaluation", None)
    if evaluation is not None:
        evaluation.mark_sensitive(args[0])
    return args[0]


@structural("nonsensitive")
def _identity(args, node, scope):
    return args[0]


@structural("lookup")
def _lookup(args, node, scope):
    if len(args) not in (2, 3):
        raise FunctionError("takes 2 or 3 arguments")
    mapping, key = args[0], args[1]
    unknown = unknown_or_none(node, scope, mapping, key)
    if unknown is not None:
        return unknown
    if not isinstance(mapping.value, dict):
        raise FunctionError(f"the first argument must be a map, not a {type_name(mapping)}")
    name = typeconv.to_string(key).value
    if name in mapping.value:
        return mapping.value[name]
    if len(args) == 3:
        return args[2]
    raise FunctionError(f'no key "{name}" and no default')


@structural("element")
def _element(args, node, scope):
    collection, index = args
    unknown = unknown_or_none(node, scope, collection, index)
    if unknown is not None:
        return unknown
    items = list_of(collection, "the first argument")
    position = typeconv.to_number(index)
    if not items or not position.is_number:
        raise FunctionError("needs a non-empty list and a number")
    return items[int(position.value) % len(items)]


@structural("one")
def _one(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown
    items = list_of(value, "the argument")
    if len(items) > 1:
        raise FunctionError("the list has more than one element")
    return items[0] if items else Val(None, scope.file, node.line)


@structural("flatten")
def _flatten(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown
    result: list[Val] = []

    def add(items: list[Val]) -> Val | None:
        for item in items:
            if not item.known:
                return item
            if isinstance(item.value, list):
                problem = add(item.value)
                if problem is not None:
                    return problem
            else:
                result.append(item)
        return None

    problem = add(list_of(value, "the argument"))
    if problem is not None:
        return problem.at(scope.file, node.line)
    return new_value(result, node, scope, args)


@structural("compact")
def _compact(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown
    items = list_of(value, "the argument")
    for item in items:
        if not item.known:
            return item.at(scope.file, node.line)
    return new_value([item for item in items if item.value not in (None, "")], node, scope, args)


@structural("distinct")
def _distinct(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown
    seen: dict[str, Val] = {}
    for item in list_of(value, "the argument"):
        if not item.wholly_known:
            unknown_part = item.first_unknown()
            assert unknown_part is not None  # the item is not wholly known
            return unknown_part.at(scope.file, node.line)
        seen.setdefault(repr(item.to_python()), item)
    return new_value(list(seen.values()), node, scope, args)


@structural("reverse")
def _reverse(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    return unknown or new_value(list(reversed(list_of(value, "the argument"))), node, scope, args)


@structural("slice")
def _slice(args, node, scope):
    value, start, end = args
    unknown = unknown_or_none(node, scope, *args)
    if unknown is not None:
        return unknown
    items = list_of(value, "the first argument")
    first, last = typeconv.to_number(start).value, typeconv.to_number(end).value
    return new_value(items[int(first) : int(last)], node, scope, args)


def _sorted_object(args, node, scope):
    """(the map or object argument, its keys in Terraform's order) or (the unknown argument, None)."""
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown, None
    if not isinstance(value.value, dict):
        raise FunctionError("the argument must be a map or object")
    return value, sorted(value.value)


@structural("keys")
def _keys(args, node, scope):
    value, keys = _sorted_object(args, node, scope)
    if keys is None:
        return value
    return new_value([Val(key, scope.file, node.line, literal=value.literal) for key in keys], node, scope, args)


@structural("values")
def _values(args, node, scope):
    value, keys = _sorted_object(args, node, scope)
    if keys is None:
        return value
    return new_value([value.value[key] for key in keys], node, scope, args)


@structural("zipmap")
def _zipmap(args, node, scope):
    names, items = args
    unknown = unknown_or_none(node, scope, *args)
    if unknown is not None:
        return unknown
    keys, values = list_of(names, "the keys"), list_of(items, "the values")
    if len(keys) != len(values):
        raise FunctionError("the lists have different lengths")
    entries: dict[str, Val] = {}
    for key, item in zip(keys, values, strict=False):
        if not key.known:
            return key.at(scope.file, node.line)
        entries[typeconv.to_string(key).value] = item
    return new_value(entries, node, scope, args)


@structural("coalesce")
def _coalesce(args, node, scope):
    for arg in args:
        if not arg.known:
            return arg.at(scope.file, node.line)
        if arg.value is not None and arg.value != "":
            return arg
    raise FunctionError("no non-null, non-empty argument")


@structural("coalescelist")
def _coalescelist(args, node, scope):
    for arg in args:
        if not arg.known:
            return arg.at(scope.file, node.line)
        if isinstance(arg.value, list) and arg.value:
            return arg
    raise FunctionError("no non-empty list")


@structural("length")
def _length(args, node, scope):
    (value,) = args
    unknown = unknown_or_none(node, scope, value)
    if unknown is not None:
        return unknown
    if isinstance(value.value, (list, dict, str)):
        return Val(len(value.value), scope.file, node.line, literal=value.wholly_literal, sources=value.all_sources())
    raise FunctionError(f"a {type_name(value)} has no length")


@structural("timestamp", "uuid", "plantimestamp", "bcrypt")
def _apply_time(args, node, scope):
    return Val.unknown(f"{render(node)}: changes on every run", scope.file, node.line)
