"""A partial evaluator of HCL expressions over our syntax tree.

It computes what Terraform would compute at plan time as far as the
configuration alone allows, and says why when it cannot (values.py): a
reference to an attribute known only after apply, a data source read from
AWS, a function we do not evaluate. It never guesses.

Names are resolved in two layers: a Scope holds the names an expression
binds itself (for-expression variables, ``each``, ``count``, a dynamic
block's iterator, a template's variables); everything else (var, local,
module, data, resources, path, terraform) goes to the Scope's context,
the module instance the expression belongs to (instances.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.scope import Scope, Step
from ecs_guard.inputs.terraform.hcl.syntax import (
    Binary,
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    Splat,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    Unary,
    Variable,
)
from ecs_guard.inputs.terraform.hcl.typeconv import type_name
from ecs_guard.inputs.terraform.hcl.values import Val, number

# Bounds on what one expression may make, far past real configurations, so
# hostile input ends "not evaluated" with the reason instead of a hang or
# gigabytes: iterations of the for expressions and template loops nested in
# one another, characters of a template's result, bits of a whole number
# (Terraform's numbers are 512-bit floats; a chain of squares must not make
# a million-digit integer).
MAX_ITERATIONS = 200_000
MAX_TEMPLATE = 10 * 1024 * 1024
MAX_INTEGER_BITS = 1000


class _IterationBudget:
    """Iterations spent by the outermost for expression (or template loop)
    being evaluated and everything nested in it."""

    depth = 0
    used = 0

    def enter(self) -> None:
        if self.depth == 0:
            self.used = 0
        self.depth += 1

    def leave(self) -> None:
        self.depth -= 1

    def spend(self, count: int) -> bool:
        """False once more than MAX_ITERATIONS are spent."""
        self.used += count
        return self.used <= MAX_ITERATIONS


_budget = _IterationBudget()


def _too_many_iterations(node, scope: Scope) -> Val:
    return Val.unknown(
        f"{render(node)}: more than {MAX_ITERATIONS:,} iterations of nested for expressions: not evaluated",
        scope.file,
        node.line,
    )


def evaluate(node, scope: Scope) -> Val:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        return Val.failure(f"{render(node)}: unsupported expression", scope.file, getattr(node, "line", 0))
    return handler(node, scope)


# ----------------------------------------------------------------- literals and constructors


def _literal(node: Literal, scope: Scope) -> Val:
    origin = (scope.file, node.line) if isinstance(node.value, str) else None
    return Val(node.value, scope.file, node.line, origin=origin)


def _tuple(node: TupleExpr, scope: Scope) -> Val:
    return Val([evaluate(item, scope) for item in node.items], scope.file, node.line)


def _object(node: ObjectExpr, scope: Scope) -> Val:
    result: dict[str, Val] = {}
    for item in node.items:
        key = evaluate(item.key, scope)
        if not key.known:
            return Val.unknown(
                f"{render(item.key)}: object key not known ({key.reason})", scope.file, item.line, key.all_sources()
            )
        text = typeconv.to_string(key)
        if not text.is_string:
            return Val.failure(f"{render(item.key)}: an object key must be a string", scope.file, item.line)
        result[text.value] = evaluate(item.value, scope).at(scope.file, item.line)
    return Val(result, scope.file, node.line)


# ----------------------------------------------------------------- references


def _traversal(node, scope: Scope) -> Val:
    chain = []
    current = node
    while isinstance(current, (GetAttr, Index)) and current.obj is not None:
        chain.append(current)
        current = current.obj
    chain.reverse()
    steps = [
        Step("attr", s.name, s.line) if isinstance(s, GetAttr) else Step("index", evaluate(s.key, scope), s.line)
        for s in chain
    ]
    if isinstance(current, Variable):
        bound = scope.lookup(current.name)
        if bound is not None:
            # a name the expression binds (for, each, a dynamic iterator) is an alias:
            # the value keeps the line where it was written
            for step in steps:
                bound = apply_step(bound, step, node, scope)
            return bound
        resolved = scope.context.reference(current.name, steps, scope, node)
        if resolved is None:
            return Val.failure(f'{render(node)}: "{current.name}" is not defined', scope.file, node.line)
        value, consumed = resolved
    else:
        value, consumed = evaluate(current, scope), 0
    for step in steps[consumed:]:
        value = apply_step(value, step, node, scope)
    if isinstance(current, Variable) and current.name in ("var", "local"):
        value = keep_where_written(value)
    return value.at(scope.file, node.line)


def keep_where_written(value: Val) -> Val:
    """A literal scalar reached through a variable or a local, remembering
    where it was written before it is located where it is used."""
    if value.written is not None or not value.known or not value.literal or not value.file:
        return value
    if value.value is None or isinstance(value.value, (list, dict)):
        return value  # a collection's elements keep their own lines already
    return value.copy(written=(value.file, value.line))


def apply_step(value: Val, step: Step, node, scope: Scope) -> Val:
    """value.name or value[key], as HCL does it on plain values."""
    if not value.known:
        return value
    if step.kind == "attr":
        if isinstance(value.value, dict):
            if step.key in value.value:
                return value.value[step.key]
            return Val.failure(f'{render(node)}: no attribute "{step.key}"', scope.file, step.line)
        what = "null" if value.value is None else type_name(value)
        return Val.failure(f'{render(node)}: a {what} value has no attribute "{step.key}"', scope.file, step.line)
    key = step.key
    if not key.known:
        return Val.unknown(f"{render(node)}: index not known ({key.reason})", scope.file, step.line, key.all_sources())
    if isinstance(value.value, list) and not value.is_set:
        position = typeconv.to_number(key)
        if not position.is_number or not float(position.value).is_integer():
            return Val.failure(f"{render(node)}: a list index must be a whole number", scope.file, step.line)
        index = int(position.value)
        if 0 <= index < len(value.value):
            return value.value[index]
        return Val.failure(
            f"{render(node)}: index {index} out of range (length {len(value.value)})", scope.file, step.line
        )
    if isinstance(value.value, dict):
        name = typeconv.to_string(key)
        if name.is_string and name.value in value.value:
            return value.value[name.value]
        return Val.failure(f'{render(node)}: no element "{name.value}"', scope.file, step.line)
    return Val.failure(f"{render(node)}: a {type_name(value)} value cannot be indexed", scope.file, step.line)


def _splat(node: Splat, scope: Scope) -> Val:
    base = evaluate(node.obj, scope)
    if not base.known:
        return base.at(scope.file, node.line)
    if base.value is None:
        return Val([], scope.file, node.line)
    items = base.value if isinstance(base.value, list) else [base]
    results = []
    for item in items:
        for step in node.steps:
            key = step.name if isinstance(step, GetAttr) else evaluate(step.key, scope)
            item = apply_step(item, Step("attr" if isinstance(step, GetAttr) else "index", key, step.line), node, scope)
        results.append(item)
    return Val(results, scope.file, node.line, literal=base.literal, sources=base.sources)


# ----------------------------------------------------------------- templates


def _template(node: Template, scope: Scope) -> Val:
    """Render a template. Besides the string, keep its pieces (text, literal,
    known, reason, line): the line each piece of text starts on, so a JSON
    document in the result can point at lines of the template, loops included."""
    pieces: list[tuple] = []
    sources: dict[str, None] = {}
    line = [node.line]

    def text_piece(text: str) -> None:
        pieces.append((text, True, True, "", line[0]))
        line[0] += text.count("\n")

    def emit(parts, inner: Scope) -> None:
        for part in parts:
            if isinstance(part, str):
                text_piece(part)
            elif isinstance(part, TemplateIf):
                line[0] = part.line
                condition = typeconv.to_bool(evaluate(part.condition, inner))
                sources.update(dict.fromkeys(condition.all_sources()))
                if not condition.known:
                    pieces.append(("", False, False, condition.reason, part.line))
                else:
                    emit(part.then if condition.value else part.otherwise, inner)
            elif isinstance(part, TemplateFor):
                collection = evaluate(part.collection, inner)
                sources.update(dict.fromkeys(collection.all_sources()))
                if not collection.known:
                    pieces.append(("", False, False, collection.reason, part.line))
                    continue
                pairs = iterate(collection)
                if not _budget.spend(len(pairs)):
                    pieces.append(("", False, False, _too_many_iterations(part, inner).reason, part.line))
                    continue
                for key, value in pairs:
                    line[0] = part.line
                    names = {part.value_var: value}
                    if part.key_var:
                        names[part.key_var] = key
                    emit(part.body, inner.child(names))
            else:
                line[0] = part.line
                value = evaluate(part, inner)
                sources.update(dict.fromkeys(value.all_sources()))
                if not value.known:
                    pieces.append(("", value.literal, False, value.reason, part.line))
                    continue
                text = typeconv.to_string(value)
                if not text.is_string:
                    reason = text.reason if not text.known else "not a string"
                    pieces.append(("", False, False, f"{render(part)}: {reason}", part.line))
                    continue
                pieces.append((text.value, value.literal, True, "", part.line))
                line[0] += text.value.count("\n")

    _budget.enter()
    try:
        emit(node.parts, scope)
    finally:
        _budget.leave()
    if sum(len(piece[0]) for piece in pieces) > MAX_TEMPLATE:
        return Val.unknown(
            f"{render(node)}: a string of more than {MAX_TEMPLATE:,} characters: not evaluated", scope.file, node.line
        )
    text = "".join(piece[0] for piece in pieces)
    literal = all(piece[1] for piece in pieces)
    missing = next((piece for piece in pieces if not piece[2]), None)
    common: dict[str, Any] = {
        "literal": literal,
        "sources": tuple(sources),
        "pieces": tuple(pieces),
        "origin": (scope.file, node.line),
    }
    if missing is not None:
        return Val(None, scope.file, node.line, known=False, reason=missing[3], **common)
    return Val(text, scope.file, node.line, **common)


# ----------------------------------------------------------------- operators


def _conditional(node: Conditional, scope: Scope) -> Val:
    condition = typeconv.to_bool(evaluate(node.condition, scope))
    if not condition.known:
        return Val.unknown(condition.reason, scope.file, node.line, condition.all_sources())
    if not condition.is_bool:
        return Val.failure(f"{render(node.condition)}: the condition is not a bool", scope.file, node.line)
    return evaluate(node.then if condition.value else node.otherwise, scope)


_ARITHMETIC = {"+", "-", "*", "/", "%"}
_ORDER = {"<", ">", "<=", ">="}


def _binary(node: Binary, scope: Scope) -> Val:
    left, right = evaluate(node.left, scope), evaluate(node.right, scope)
    literal = left.wholly_literal and right.wholly_literal
    sources = tuple(dict.fromkeys(left.all_sources() + right.all_sources()))
    if node.op in ("==", "!=") and left.known and right.known and (left.is_null or right.is_null):
        # comparing with null needs only the top of the other value (cty does the same)
        equal = left.is_null and right.is_null
        return Val(equal if node.op == "==" else not equal, scope.file, node.line, literal=literal, sources=sources)
    for side in (left, right):
        missing = side.first_unknown()
        if missing is not None:
            return Val.unknown(missing.reason, scope.file, node.line, sources, literal)

    def result(value) -> Val:
        return Val(value, scope.file, node.line, literal=literal, sources=sources)

    op = node.op
    if op in ("==", "!="):
        equal = _plain(left) == _plain(right)
        return result(equal if op == "==" else not equal)
    if op in ("&&", "||"):
        a, b = typeconv.to_bool(left), typeconv.to_bool(right)
        if not (a.is_bool and b.is_bool):
            return Val.failure(f"{render(node)}: {op} needs bool operands", scope.file, node.line)
        return result(a.value and b.value if op == "&&" else a.value or b.value)
    a, b = typeconv.to_number(left), typeconv.to_number(right)
    if not (a.is_number and b.is_number):
        return Val.failure(f"{render(node)}: {op} needs number operands", scope.file, node.line)
    x, y = a.value, b.value
    if op in _ORDER:
        return result({"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op])
    if op in ("/", "%") and y == 0:
        return Val.failure(f"{render(node)}: division by zero", scope.file, node.line)
    if op == "+":
        value = x + y
    elif op == "-":
        value = x - y
    elif op == "*":
        value = x * y
    elif op == "/":
        value = x / y
    else:
        value = x - y * int(x / y)  # Go's remainder truncates toward zero
    if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
        return Val.unknown(
            f"{render(node)}: a number larger than 2^{MAX_INTEGER_BITS}: not evaluated", scope.file, node.line
        )
    return result(number(value))


def _unary(node: Unary, scope: Scope) -> Val:
    operand = evaluate(node.operand, scope)
    if not operand.known:
        return operand.at(scope.file, node.line)
    if node.op == "!":
        value = typeconv.to_bool(operand)
        if not value.is_bool:
            return Val.failure(f"{render(node)}: ! needs a bool", scope.file, node.line)
        return Val(not value.value, scope.file, node.line, literal=operand.literal, sources=operand.sources)
    value = typeconv.to_number(operand)
    if not value.is_number:
        return Val.failure(f"{render(node)}: - needs a number", scope.file, node.line)
    return Val(-value.value, scope.file, node.line, literal=operand.literal, sources=operand.sources)


def _plain(value: Val) -> Any:
    data = value.to_python()
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, (int, float)):
        return float(data)
    return data


# ----------------------------------------------------------------- for expressions


def iterate(collection: Val) -> list[tuple[Val, Val]]:
    """(key, value) pairs in Terraform's order: lists by index, maps and
    objects by key (lexical), sets by element."""
    file, line = collection.file, collection.line
    if isinstance(collection.value, list):
        if collection.is_set:
            return [(item, item) for item in collection.value]
        return [(Val(index, file, line), item) for index, item in enumerate(collection.value)]
    if isinstance(collection.value, dict):
        return [
            (Val(key, file, line, literal=collection.literal), collection.value[key])
            for key in sorted(collection.value)
        ]
    return []


def _for(node: ForExpr, scope: Scope) -> Val:
    _budget.enter()
    try:
        return _for_in_budget(node, scope)
    finally:
        _budget.leave()


def _for_in_budget(node: ForExpr, scope: Scope) -> Val:
    collection = evaluate(node.collection, scope)
    if not collection.known:
        return Val.unknown(collection.reason, scope.file, node.line, collection.all_sources())
    if not isinstance(collection.value, (list, dict)):
        return Val.failure(
            f"{render(node.collection)}: cannot iterate over a {type_name(collection)}", scope.file, node.line
        )
    items: list[Val] = []
    entries: dict[str, Val] = {}
    pairs = iterate(collection)
    if not _budget.spend(len(pairs)):
        return _too_many_iterations(node, scope)
    for key, value in pairs:
        names = {node.value_var: value}
        if node.key_var:
            names[node.key_var] = key
        inner = scope.child(names)
        if node.condition is not None:
            keep = typeconv.to_bool(evaluate(node.condition, inner))
            if not keep.known:
                return Val.unknown(keep.reason, scope.file, node.line, keep.all_sources())
            if not keep.is_bool:
                return Val.failure(f"{render(node.condition)}: the condition is not a bool", scope.file, node.line)
            if not keep.value:
                continue
        element = evaluate(node.value, inner)
        if node.key is None:
            items.append(element)
            continue
        name = evaluate(node.key, inner)
        if not name.known:
            return Val.unknown(name.reason, scope.file, node.line, name.all_sources())
        text = typeconv.to_string(name)
        if not text.is_string:
            return Val.failure(f"{render(node.key)}: an object key must be a string", scope.file, node.line)
        if node.group:
            group = entries.setdefault(text.value, Val([], scope.file, node.line))
            group.value.append(element)
        elif text.value in entries:
            return Val.failure(f'{render(node)}: duplicate key "{text.value}"', scope.file, node.line)
        else:
            entries[text.value] = element
    if node.key is None:
        return Val(items, scope.file, node.line)
    return Val(entries, scope.file, node.line)


# ----------------------------------------------------------------- calls


def _call(node: Call, scope: Scope) -> Val:
    from ecs_guard.inputs.terraform.hcl.functions import call_function  # the library, loaded on first call

    lazy = _LAZY_CALLS.get(node.name)
    if lazy is not None:
        return lazy(node, scope)
    args = [evaluate(arg, scope) for arg in node.args]
    if node.expand_final and args:
        last = args.pop()
        if not last.known:
            return Val.unknown(last.reason, scope.file, node.line, last.all_sources())
        if not isinstance(last.value, list):
            return Val.failure(f"{render(node)}: ... needs a list", scope.file, node.line)
        args.extend(last.value)
    if node.name == "templatefile":
        return _templatefile_call(args, node, scope)
    return call_function(node, args, scope)


# ----------------------------------------------------------------- calls that evaluate expressions themselves
# try() and can() evaluate their arguments one by one; templatefile() evaluates a template file.


def _try(node, scope: Scope) -> Val:
    last = None
    for arg in node.args:
        value = evaluate(arg, scope)
        if not value.error:
            return value
        last = value
    return Val.failure(
        f"{render(node)}: no argument could be evaluated ({last.reason if last else ''})", scope.file, node.line
    )


def _can(node, scope: Scope) -> Val:
    if len(node.args) != 1:
        return Val.failure(f"{render(node)}: takes one argument", scope.file, node.line)
    value = evaluate(node.args[0], scope)
    if value.error:
        return Val(False, scope.file, node.line)
    if not value.wholly_known:
        unknown_part = value.first_unknown()
        assert unknown_part is not None  # the value is not wholly known
        return Val.unknown(unknown_part.reason, scope.file, node.line, value.all_sources())
    return Val(True, scope.file, node.line)


_LAZY_CALLS = {"try": _try, "can": _can}


def _templatefile_call(args: list[Val], node: Call, scope: Scope) -> Val:
    """templatefile(path, vars): the file's template evaluated with only `vars` in scope."""
    if len(args) != 2:
        return Val.failure(f"{render(node)}: wrong number of arguments ({len(args)})", scope.file, node.line)
    path, variables = args
    for value in (path, variables):
        if not value.known:
            return value.at(scope.file, node.line)
    if not isinstance(variables.value, dict):
        return _call_failure(node, scope, "the second argument must be an object of template variables")
    try:
        text, display = scope.context.read_file(str(path.value), scope)
    except OSError as error:
        return _call_failure(node, scope, f"cannot read {path.value!r} ({error.strerror or error})")
    try:
        template = scope.context.parse_template(text)
    except (OSError, ValueError) as error:
        return _call_failure(node, scope, f"{path.value}: {error}")
    inner = Scope(_TemplateContext(), display, dict(variables.value))
    return evaluate(template, inner).at(scope.file, node.line)


def _call_failure(node: Call, scope: Scope, message: str) -> Val:
    return Val.failure(f"{render(node)}: {message}", scope.file, node.line)


class _TemplateContext:
    """A template file sees only the variables passed to templatefile()."""

    def reference(self, root, steps, scope, node):
        return None

    def read_file(self, path, scope):
        raise OSError(f"file() inside a template file is not evaluated: {path}")

    def parse_template(self, text):
        raise OSError("templatefile() inside a template file is not evaluated")


_HANDLERS: dict[type, Callable[[Any, Scope], Val]] = {
    Literal: _literal,
    Template: _template,
    TupleExpr: _tuple,
    ObjectExpr: _object,
    Variable: _traversal,
    GetAttr: _traversal,
    Index: _traversal,
    Splat: _splat,
    Call: _call,
    Conditional: _conditional,
    Binary: _binary,
    Unary: _unary,
    ForExpr: _for,
}
