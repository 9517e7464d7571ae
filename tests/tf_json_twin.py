"""A Terraform root written in HCL, rewritten in Terraform's JSON syntax.

For the equivalence tests: the same configuration in both syntaxes must
give the same findings. The HCL is parsed with ecs-guard's own parser
(syntax.py nodes) and written back as .tf.json: every expression that is
not a plain value becomes a ``"${...}"`` string (HCL written in full,
operators parenthesised), blocks nest by type and labels, a variable's
``type`` is a bare expression and its ``default`` a plain JSON value,
``depends_on`` a list of bare references, a ``dynamic`` block an object
keyed by its block type with a ``content`` object. Each file gets a
``"//"`` comment, which Terraform ignores.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from ecs_guard.inputs.terraform.hcl.parse import parse_hcl
from ecs_guard.inputs.terraform.hcl.syntax import (
    Binary,
    Body,
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

LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1}
BARE = {"depends_on", "provider", "iterator"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def json_twin(source: Path, target: Path) -> None:
    """Copy `source` (a root and its local modules) to `target`, every .tf
    file replaced by a .tf.json file of the same configuration."""
    shutil.copytree(source, target)
    for path in sorted(target.rglob("*.tf")):
        body = parse_hcl(path.read_text())
        document = {"//": f"JSON twin of {path.name}", **_top(body)}
        path.with_suffix(".tf.json").write_text(json.dumps(document, indent=2) + "\n")
        path.unlink()


def _top(body: Body) -> dict:
    document: dict = {}
    for block in body.blocks:
        labels = block.labels[: LABELS.get(block.type, 0)]
        content = _body(block.body, variable=block.type == "variable")
        if not labels:
            document.setdefault(block.type, []).append(content)
            continue
        level = document.setdefault(block.type, {})
        for label in labels[:-1]:
            level = level.setdefault(label, {})
        level[labels[-1]] = content
    return {key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in document.items()}


def _body(body: Body, variable: bool = False) -> dict:
    content: dict = {}
    for attribute in body.attributes:
        name = attribute.name
        if variable and name == "default":
            content[name] = _plain(attribute.expr)
        elif (variable and name == "type") or name in BARE:
            content[name] = _bare(attribute.expr)
        else:
            content[name] = _value(attribute.expr)
    for block in body.blocks:
        if block.type == "dynamic":
            inner = _body(block.body)
            inner["content"] = _body(block.body.blocks_of("content")[0].body)
            content.setdefault("dynamic", {}).setdefault(block.labels[0], []).append(inner)
        else:
            content.setdefault(block.type, []).append(_body(block.body))
    return content


def _bare(expr):
    if isinstance(expr, TupleExpr):
        return [_hcl(item) for item in expr.items]
    return _hcl(expr)


def _plain(expr):
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, TupleExpr):
        return [_plain(item) for item in expr.items]
    if isinstance(expr, ObjectExpr):
        return {_plain(item.key): _plain(item.value) for item in expr.items}
    raise ValueError("a variable default must be a plain value")


def _value(expr):
    """A JSON value where one says the same, else a "${...}" string."""
    if isinstance(expr, Literal):
        return _escape(expr.value) if isinstance(expr.value, str) else expr.value
    if isinstance(expr, TupleExpr):
        return [_value(item) for item in expr.items]
    if isinstance(expr, ObjectExpr) and all(isinstance(i.key, Literal) for i in expr.items):
        return {_escape(str(item.key.value)): _value(item.value) for item in expr.items}
    if isinstance(expr, Template):
        return "".join(_template_part(part, raw=True) for part in expr.parts)
    return "${" + _hcl(expr) + "}"


def _escape(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def _quoted(text: str) -> str:
    return json.dumps(_escape(text))[1:-1]


def _template_part(part, raw: bool) -> str:
    text = _escape if raw else _quoted
    if isinstance(part, str):
        return text(part)
    if isinstance(part, TemplateIf):
        inner = "".join(_template_part(p, raw) for p in part.then)
        otherwise = "".join(_template_part(p, raw) for p in part.otherwise)
        branch = f"%{{ else }}{otherwise}" if part.otherwise else ""
        return f"%{{ if {_hcl(part.condition)} }}{inner}{branch}%{{ endif }}"
    if isinstance(part, TemplateFor):
        names = f"{part.key_var}, {part.value_var}" if part.key_var else part.value_var
        body = "".join(_template_part(p, raw) for p in part.body)
        return f"%{{ for {names} in {_hcl(part.collection)} }}{body}%{{ endfor }}"
    return "${" + _hcl(part) + "}"


def _hcl(node) -> str:
    """The expression written as HCL, in full."""
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return '"' + _quoted(node.value) + '"'
        return "null" if node.value is None else json.dumps(node.value)
    if isinstance(node, Variable):
        return node.name
    if isinstance(node, GetAttr):
        return f"{_hcl(node.obj) if node.obj is not None else ''}.{node.name}"
    if isinstance(node, Index):
        return f"{_hcl(node.obj) if node.obj is not None else ''}[{_hcl(node.key)}]"
    if isinstance(node, Splat):
        return f"{_hcl(node.obj)}[*]" + "".join(_hcl(step) for step in node.steps)
    if isinstance(node, Call):
        arguments = ", ".join(_hcl(a) for a in node.args)
        return f"{node.name}({arguments}{'...' if node.expand_final else ''})"
    if isinstance(node, Template):
        return '"' + "".join(_template_part(part, raw=False) for part in node.parts) + '"'
    if isinstance(node, TupleExpr):
        return "[" + ", ".join(_hcl(item) for item in node.items) + "]"
    if isinstance(node, ObjectExpr):
        return "{" + ", ".join(f"{_key(i.key)} = {_hcl(i.value)}" for i in node.items) + "}"
    if isinstance(node, Conditional):
        return f"({_hcl(node.condition)} ? {_hcl(node.then)} : {_hcl(node.otherwise)})"
    if isinstance(node, Binary):
        return f"({_hcl(node.left)} {node.op} {_hcl(node.right)})"
    if isinstance(node, Unary):
        return f"({node.op}{_hcl(node.operand)})"
    if isinstance(node, ForExpr):
        names = f"{node.key_var}, {node.value_var}" if node.key_var else node.value_var
        value = _hcl(node.value) + ("..." if node.group else "")
        body = f"{_hcl(node.key)} => {value}" if node.key else value
        condition = f" if {_hcl(node.condition)}" if node.condition else ""
        open_, close = ("{", "}") if node.key else ("[", "]")
        return f"{open_}for {names} in {_hcl(node.collection)} : {body}{condition}{close}"
    raise ValueError(f"cannot write {type(node).__name__}")


def _key(node) -> str:
    if isinstance(node, Literal) and isinstance(node.value, str) and _IDENTIFIER.match(node.value):
        return node.value
    return f"({_hcl(node)})"
