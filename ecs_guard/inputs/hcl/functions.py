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
"""
from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
from typing import Any, Callable

from . import gojson, typeconv
from .evaluate import Scope, evaluate, iterate
from .typeconv import type_name
from .jsondoc import parse_document
from .render import render
from .values import Val, make_set, number


class FunctionError(Exception):
    pass


Handler = Callable[[list, Any, Scope], Val]
_FUNCTIONS: dict[str, Handler] = {}


def call_function(node, args: list[Val], scope: Scope) -> Val:
    handler = _FUNCTIONS.get(node.name)
    if handler is None:
        return Val.unknown(f"{render(node)}: function {node.name}() is not evaluated by ecs-guard",
                           scope.file, node.line, _all_sources(args))
    try:
        return handler(args, node, scope)
    except FunctionError as error:
        return Val.failure(f"{render(node)}: {error}", scope.file, node.line)


def lazy_function(name: str):
    """try() and can() decide by evaluating their arguments themselves."""
    return {"try": _try, "can": _can}.get(name)


def _all_sources(args: list[Val]) -> tuple:
    seen: dict[str, None] = {}
    for arg in args:
        seen.update(dict.fromkeys(arg.all_sources()))
    return tuple(seen)


def _from_python(data: Any, file: str, line: int, literal: bool, sources: tuple = ()) -> Val:
    if isinstance(data, list):
        data = [_from_python(item, file, line, literal, sources) for item in data]
    elif isinstance(data, dict):
        data = {key: _from_python(item, file, line, literal, sources) for key, item in data.items()}
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
            sources = _all_sources(args)
            literal = all(arg.wholly_literal for arg in args)
            for arg in args:
                missing = arg.first_unknown()
                if missing is not None:
                    if missing.error:
                        return missing
                    return Val.unknown(missing.reason, scope.file, node.line, sources, literal)
            result = function(*[arg.to_python() for arg in args])
            return _from_python(result, scope.file, node.line, literal, sources)
        for name in names:
            _FUNCTIONS[name] = handler
        return function
    return register


def structural(*names: str):
    """Register f(args: list[Val], node, scope) -> Val, positioned at the call."""
    def register(function):
        def handler(args: list[Val], node, scope: Scope) -> Val:
            result = function(args, node, scope)
            if result.file == "" and result.line == 0:
                return result.at(scope.file, node.line)
            return result
        for name in names:
            _FUNCTIONS[name] = handler
        return function
    return register


def _known(value: Val, node, scope: Scope) -> Val | None:
    """The value itself when it is not known (to return as the result)."""
    if not value.known:
        return value.at(scope.file, node.line)
    return None


def _list_of(value: Val, what: str) -> list[Val]:
    if not isinstance(value.value, list):
        raise FunctionError(f"{what} must be a list, not a {type_name(value)}")
    return value.value


def _new(value, node, scope: Scope, args: list[Val], **extra) -> Val:
    literal = all(arg.literal for arg in args)
    return Val(value, scope.file, node.line, literal=literal, **extra)


# ----------------------------------------------------------------- JSON and files


@structural("jsonencode")
def _jsonencode(args, node, scope):
    if len(args) != 1:
        raise FunctionError("takes one argument")
    value = args[0]
    literal, sources = value.wholly_literal, value.all_sources()
    missing = value.first_unknown()
    if missing is not None:
        return Val(None, scope.file, node.line, known=False, reason=missing.reason, literal=literal,
                   sources=sources, document=value)
    return Val(gojson.compact(value.to_python()), scope.file, node.line, literal=literal,
               sources=sources, document=value)


@structural("jsondecode")
def _jsondecode(args, node, scope):
    (text,) = args
    if text.document is not None:
        return text.document
    if not text.known and text.pieces is None:
        return text.at(scope.file, node.line)
    try:
        return parse_document(text)
    except ValueError as error:
        if not text.known:
            return text.at(scope.file, node.line)
        raise FunctionError(f"not valid JSON ({error})") from None


@structural("file")
def _file(args, node, scope):
    (path,) = args
    unknown = _known(path, node, scope)
    if unknown is not None:
        return unknown
    try:
        text, display = scope.context.read_file(str(path.value), scope)
    except OSError as error:
        raise FunctionError(f"cannot read {path.value!r} ({error.strerror or error})") from None
    return Val(text, display, 1, literal=path.literal, origin=(display, 1))


@structural("templatefile")
def _templatefile(args, node, scope):
    path, variables = args
    for value in (path, variables):
        unknown = _known(value, node, scope)
        if unknown is not None:
            return unknown
    if not isinstance(variables.value, dict):
        raise FunctionError("the second argument must be an object of template variables")
    try:
        text, display = scope.context.read_file(str(path.value), scope)
    except OSError as error:
        raise FunctionError(f"cannot read {path.value!r} ({error.strerror or error})") from None
    try:
        template = scope.context.parse_template(text)
    except (OSError, ValueError) as error:
        raise FunctionError(f"{path.value}: {error}") from None
    inner = Scope(_TemplateContext(), display, dict(variables.value))
    return evaluate(template, inner).at(scope.file, node.line)


class _TemplateContext:
    """A template file sees only the variables passed to templatefile()."""

    def reference(self, root, steps, scope, node):
        return None

    def read_file(self, path, scope):
        raise OSError(f"file() inside a template file is not evaluated: {path}")

    def parse_template(self, text):
        raise OSError("templatefile() inside a template file is not evaluated")


# ----------------------------------------------------------------- collections (structural)


@structural("concat")
def _concat(args, node, scope):
    items: list[Val] = []
    for arg in args:
        unknown = _known(arg, node, scope)
        if unknown is not None:
            return unknown
        items.extend(_list_of(arg, "every argument"))
    return _new(items, node, scope, args)


@structural("merge")
def _merge(args, node, scope):
    entries: dict[str, Val] = {}
    for arg in args:
        if arg.is_null:
            continue
        unknown = _known(arg, node, scope)
        if unknown is not None:
            return unknown
        if not isinstance(arg.value, dict):
            raise FunctionError(f"arguments must be maps or objects, not a {type_name(arg)}")
        entries.update(arg.value)
    return _new(entries, node, scope, args)


@structural("tolist")
def _tolist(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None or value.is_null:
        return unknown or value
    return value.copy(value=list(_list_of(value, "the argument")), is_set=False)


@structural("toset")
def _toset(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None or value.is_null:
        return unknown or value
    return make_set(_list_of(value, "the argument"), scope.file, node.line, value.literal)


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


@structural("sensitive", "nonsensitive")
def _identity(args, node, scope):
    return args[0]


@structural("lookup")
def _lookup(args, node, scope):
    if len(args) not in (2, 3):
        raise FunctionError("takes 2 or 3 arguments")
    mapping, key = args[0], args[1]
    for value in (mapping, key):
        unknown = _known(value, node, scope)
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
    for value in (collection, index):
        unknown = _known(value, node, scope)
        if unknown is not None:
            return unknown
    items = _list_of(collection, "the first argument")
    position = typeconv.to_number(index)
    if not items or not position.is_number:
        raise FunctionError("needs a non-empty list and a number")
    return items[int(position.value) % len(items)]


@structural("one")
def _one(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    items = _list_of(value, "the argument")
    if len(items) > 1:
        raise FunctionError("the list has more than one element")
    return items[0] if items else Val(None, scope.file, node.line)


@structural("flatten")
def _flatten(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
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

    problem = add(_list_of(value, "the argument"))
    if problem is not None:
        return problem.at(scope.file, node.line)
    return _new(result, node, scope, args)


@structural("compact")
def _compact(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    items = _list_of(value, "the argument")
    for item in items:
        if not item.known:
            return item.at(scope.file, node.line)
    return _new([item for item in items if item.value not in (None, "")], node, scope, args)


@structural("distinct")
def _distinct(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    seen: dict[str, Val] = {}
    for item in _list_of(value, "the argument"):
        if not item.wholly_known:
            return item.first_unknown().at(scope.file, node.line)
        seen.setdefault(repr(item.to_python()), item)
    return _new(list(seen.values()), node, scope, args)


@structural("reverse")
def _reverse(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    return unknown or _new(list(reversed(_list_of(value, "the argument"))), node, scope, args)


@structural("slice")
def _slice(args, node, scope):
    value, start, end = args
    for arg in args:
        unknown = _known(arg, node, scope)
        if unknown is not None:
            return unknown
    items = _list_of(value, "the first argument")
    first, last = typeconv.to_number(start).value, typeconv.to_number(end).value
    return _new(items[int(first):int(last)], node, scope, args)


@structural("keys")
def _keys(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    if not isinstance(value.value, dict):
        raise FunctionError("the argument must be a map or object")
    return _new([Val(key, scope.file, node.line, literal=value.literal) for key in sorted(value.value)],
                node, scope, args)


@structural("values")
def _values(args, node, scope):
    (value,) = args
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    if not isinstance(value.value, dict):
        raise FunctionError("the argument must be a map or object")
    return _new([value.value[key] for key in sorted(value.value)], node, scope, args)


@structural("zipmap")
def _zipmap(args, node, scope):
    names, items = args
    for arg in args:
        unknown = _known(arg, node, scope)
        if unknown is not None:
            return unknown
    keys, values = _list_of(names, "the keys"), _list_of(items, "the values")
    if len(keys) != len(values):
        raise FunctionError("the lists have different lengths")
    entries: dict[str, Val] = {}
    for key, item in zip(keys, values):
        if not key.known:
            return key.at(scope.file, node.line)
        entries[typeconv.to_string(key).value] = item
    return _new(entries, node, scope, args)


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
    unknown = _known(value, node, scope)
    if unknown is not None:
        return unknown
    if isinstance(value.value, (list, dict, str)):
        return Val(len(value.value), scope.file, node.line, literal=value.wholly_literal,
                   sources=value.all_sources())
    raise FunctionError(f"a {type_name(value)} has no length")


@structural("timestamp", "uuid", "plantimestamp", "bcrypt")
def _apply_time(args, node, scope):
    return Val.unknown(f"{render(node)}: changes on every run", scope.file, node.line)


# ----------------------------------------------------------------- computing functions


@computing("format", arity=(1, None))
def _format(template, *values):
    return go_format(template, values)


@computing("join", arity=(2, None))
def _join(separator, *lists):
    parts = []
    for items in lists:
        parts.extend(_text(item) for item in items)
    return separator.join(parts)


@computing("split", arity=(2, 2))
def _split(separator, text):
    return text.split(separator) if separator else list(text)


@computing("lower", arity=(1, 1))
def _lower(text):
    return _text(text).lower()


@computing("upper", arity=(1, 1))
def _upper(text):
    return _text(text).upper()


@computing("title", arity=(1, 1))
def _title(text):
    return re.sub(r"\b\w", lambda m: m.group(0).upper(), _text(text))


@computing("trimspace", arity=(1, 1))
def _trimspace(text):
    return _text(text).strip()


@computing("trim", arity=(2, 2))
def _trim(text, characters):
    return _text(text).strip(characters)


@computing("trimprefix", arity=(2, 2))
def _trimprefix(text, prefix):
    text = _text(text)
    return text[len(prefix):] if prefix and text.startswith(prefix) else text


@computing("trimsuffix", arity=(2, 2))
def _trimsuffix(text, suffix):
    text = _text(text)
    return text[:-len(suffix)] if suffix and text.endswith(suffix) else text


@computing("chomp", arity=(1, 1))
def _chomp(text):
    return re.sub(r"(\r?\n)+\Z", "", _text(text))


@computing("replace", arity=(3, 3))
def _replace(text, search, replacement):
    text = _text(text)
    if len(search) > 1 and search.startswith("/") and search.endswith("/"):
        try:
            return re.sub(search[1:-1], re.sub(r"\$(\d+)", r"\\\1", replacement), text)
        except re.error as error:
            raise FunctionError(f"invalid pattern ({error})") from None
    return text.replace(search, replacement)


@computing("substr", arity=(3, 3))
def _substr(text, offset, length):
    text = _text(text)
    offset = int(offset) if offset >= 0 else len(text) + int(offset)
    return text[offset:] if length == -1 else text[offset:offset + int(length)]


@computing("startswith", arity=(2, 2))
def _startswith(text, prefix):
    return _text(text).startswith(prefix)


@computing("endswith", arity=(2, 2))
def _endswith(text, suffix):
    return _text(text).endswith(suffix)


@computing("strcontains", arity=(2, 2))
def _strcontains(text, part):
    return part in _text(text)


@computing("contains", arity=(2, 2))
def _contains(items, item):
    return item in items


@computing("range", arity=(1, 3))
def _range(*bounds):
    if len(bounds) == 1:
        start, stop, step = 0, bounds[0], 1
    else:
        start, stop = bounds[0], bounds[1]
        step = bounds[2] if len(bounds) == 3 else (1 if stop >= start else -1)
    if step == 0:
        raise FunctionError("step must not be 0")
    result, current = [], start
    while (step > 0 and current < stop) or (step < 0 and current > stop):
        result.append(current)
        current += step
    if len(result) > 1024:
        raise FunctionError("more than 1024 elements")
    return result


@computing("min", arity=(1, None))
def _min(*numbers):
    return min(numbers)


@computing("max", arity=(1, None))
def _max(*numbers):
    return max(numbers)


@computing("abs", arity=(1, 1))
def _abs(value):
    return abs(value)


@computing("ceil", arity=(1, 1))
def _ceil(value):
    return -int(-value // 1)


@computing("floor", arity=(1, 1))
def _floor(value):
    return int(value // 1)


@computing("sum", arity=(1, 1))
def _sum(values):
    return sum(values)


@computing("sort", arity=(1, 1))
def _sort(values):
    return sorted(_text(value) for value in values)


@computing("base64encode", arity=(1, 1))
def _base64encode(text):
    return base64.b64encode(_text(text).encode()).decode()


@computing("base64decode", arity=(1, 1))
def _base64decode(text):
    try:
        return base64.b64decode(text).decode()
    except ValueError as error:
        raise FunctionError(f"not base64 ({error})") from None


def _digest_function(algorithm: str):
    def digest(text):
        return hashlib.new(algorithm, _text(text).encode()).hexdigest()
    return digest


for _algorithm in ("md5", "sha1", "sha256"):
    computing(_algorithm, arity=(1, 1))(_digest_function(_algorithm))


@computing("basename", arity=(1, 1))
def _basename(path):
    return posixpath.basename(path)


@computing("dirname", arity=(1, 1))
def _dirname(path):
    return posixpath.dirname(path) or "."


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return typeconv.number_text(value)
    raise FunctionError(f"expected a string, got {type(value).__name__}")


# ----------------------------------------------------------------- format()

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_format(template: str, values: tuple) -> str:
    """Terraform's format(): Go-style verbs %s %d %f %v %q %t %x %%."""
    result: list[str] = []
    position = 0
    next_argument = 0
    for match in _VERB.finditer(template):
        result.append(template[position:match.start()])
        position = match.end()
        explicit, flags, width, precision, verb = match.groups()
        if verb == "%":
            result.append("%")
            continue
        index = int(explicit) - 1 if explicit else next_argument
        next_argument = index + 1
        if index >= len(values):
            raise FunctionError("not enough arguments for the format string")
        result.append(_format_one(values[index], flags, width, precision, verb))
    result.append(template[position:])
    return "".join(result)


def _format_one(value, flags: str, width: str | None, precision: str | None, verb: str) -> str:
    if verb in ("s", "v"):
        text = json.dumps(value, separators=(",", ":")) if isinstance(value, (list, dict)) else _text(value)
        if precision is not None:
            text = text[:int(precision)]
    elif verb == "q":
        text = json.dumps(_text(value), ensure_ascii=False)
    elif verb == "t":
        if not isinstance(value, bool):
            raise FunctionError("%t needs a bool")
        text = "true" if value else "false"
    elif verb in ("d", "x", "X", "o", "b"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
            raise FunctionError(f"%{verb} needs a whole number")
        text = format(int(value), {"d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}[verb])
        if "+" in flags and value >= 0:
            text = "+" + text
    elif verb in ("f", "e", "g"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FunctionError(f"%{verb} needs a number")
        text = format(float(value), f".{precision or 6}{verb}")
    else:
        raise FunctionError(f"unsupported format verb %{verb}")
    if width:
        size = int(width)
        if "-" in flags:
            text = text.ljust(size)
        elif "0" in flags and verb not in ("s", "q", "v"):
            text = text.rjust(size, "0")
        else:
            text = text.rjust(size)
    return text


# ----------------------------------------------------------------- try() and can()


def _try(node, scope: Scope) -> Val:
    last = None
    for arg in node.args:
        value = evaluate(arg, scope)
        if not value.error:
            return value
        last = value
    return Val.failure(f"{render(node)}: no argument could be evaluated ({last.reason if last else ''})",
                       scope.file, node.line)


def _can(node, scope: Scope) -> Val:
    if len(node.args) != 1:
        return Val.failure(f"{render(node)}: takes one argument", scope.file, node.line)
    value = evaluate(node.args[0], scope)
    if value.error:
        return Val(False, scope.file, node.line)
    if not value.wholly_known:
        return Val.unknown(value.first_unknown().reason, scope.file, node.line, value.all_sources())
    return Val(True, scope.file, node.line)


__all__ = ["call_function", "lazy_function", "go_format", "iterate"]
