"""An expression written back as HCL text, for "why not known" reasons
("data.aws_ssm_parameter.db.value: read from AWS during plan").

Reasons end up in reports, so string literals are not written out: one
could be a secret (``upper("hunter2")``). Only instance keys in
references (``aws_iam_role.r["blue"]``), which are parts of addresses, are.
"""

from __future__ import annotations

import json
import re

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

_MAX = 120
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def render(node) -> str:
    text = _render(node)
    return text if len(text) <= _MAX else text[: _MAX - 3] + "..."


def _render(node) -> str:
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return '"…"'
        return "null" if node.value is None else json.dumps(node.value)
    if isinstance(node, Variable):
        return node.name
    if isinstance(node, GetAttr):
        return f"{_render(node.obj) if node.obj is not None else ''}.{node.name}"
    if isinstance(node, Index):
        key = node.key
        shown = json.dumps(key.value) if isinstance(key, Literal) and isinstance(key.value, str) else _render(key)
        return f"{_render(node.obj) if node.obj is not None else ''}[{shown}]"
    if isinstance(node, Splat):
        return _render(node.obj) + "[*]" + "".join(_render(step) for step in node.steps)
    if isinstance(node, Call):
        arguments = ", ".join(_render(a) for a in node.args)
        return f"{node.name}({arguments}{'...' if node.expand_final else ''})"
    if isinstance(node, Template):
        return '"' + "".join(_template_part(part) for part in node.parts) + '"'
    if isinstance(node, TupleExpr):
        return "[" + ", ".join(_render(item) for item in node.items) + "]"
    if isinstance(node, ObjectExpr):
        return "{" + ", ".join(f"{_key(i.key)} = {_render(i.value)}" for i in node.items) + "}"
    if isinstance(node, Conditional):
        return f"{_render(node.condition)} ? {_render(node.then)} : {_render(node.otherwise)}"
    if isinstance(node, Binary):
        return f"{_render(node.left)} {node.op} {_render(node.right)}"
    if isinstance(node, Unary):
        return f"{node.op}{_render(node.operand)}"
    if isinstance(node, ForExpr):
        names = f"{node.key_var}, {node.value_var}" if node.key_var else node.value_var
        body = f"{_render(node.key)} => {_render(node.value)}" if node.key else _render(node.value)
        condition = f" if {_render(node.condition)}" if node.condition else ""
        open_, close = ("{", "}") if node.key else ("[", "]")
        return f"{open_}for {names} in {_render(node.collection)} : {body}{condition}{close}"
    return type(node).__name__


def _key(node) -> str:
    if isinstance(node, Literal) and isinstance(node.value, str) and _IDENTIFIER.match(node.value):
        return node.value
    return _render(node)


def _template_part(part) -> str:
    if isinstance(part, str):
        return "…"
    if isinstance(part, TemplateIf):
        return f"%{{if {_render(part.condition)}}}...%{{endif}}"
    if isinstance(part, TemplateFor):
        return f"%{{for {part.value_var} in {_render(part.collection)}}}...%{{endfor}}"
    return "${" + _render(part) + "}"
