"""Our own small syntax tree for HCL, independent of python-hcl2's classes.

python-hcl2's rule tree changed shape completely between 7.x and 8.x; the
evaluator works on this tree instead, so a parser change touches parse.py
only. It is also what the parse cache stores (as JSON, see to_json/from_json),
so a warm run needs neither hcl2 nor lark. Every node carries the 1-based
line it starts on: findings point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

# ----------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal:
    line: int
    value: Any  # str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Template:
    """A string with interpolations or directives. parts: str | expression |
    TemplateIf | TemplateFor. A string without any is a Literal instead."""

    line: int
    parts: tuple


@dataclass(frozen=True, slots=True)
class TemplateIf:
    line: int
    condition: Expr
    then: tuple
    otherwise: tuple


@dataclass(frozen=True, slots=True)
class TemplateFor:
    line: int
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple


@dataclass(frozen=True, slots=True)
class TupleExpr:
    line: int
    items: tuple


@dataclass(frozen=True, slots=True)
class ObjectItem:
    line: int
    key: Expr  # a Literal string for `name = ...`, else the key expression
    value: Expr


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    line: int
    items: tuple  # of ObjectItem


@dataclass(frozen=True, slots=True)
class Variable:
    """A bare name: var, local, aws_ecs_service, each, count, a for variable..."""

    line: int
    name: str


@dataclass(frozen=True, slots=True)
class GetAttr:
    line: int
    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    line: int
    obj: Expr
    key: Expr


@dataclass(frozen=True, slots=True)
class Splat:
    """obj[*].a.b (full) or obj.*.a (attribute-only); steps are GetAttr/Index
    nodes whose obj is None, applied to every element."""

    line: int
    obj: Expr
    steps: tuple


@dataclass(frozen=True, slots=True)
class Call:
    line: int
    name: str
    args: tuple
    expand_final: bool = False  # f(list...)


@dataclass(frozen=True, slots=True)
class Conditional:
    line: int
    condition: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    line: int
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Unary:
    line: int
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class ForExpr:
    line: int
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # set for {for ...: k => v}
    value: Expr
    condition: Expr | None
    group: bool = False  # v... in an object for


Expr = (
    Literal
    | Template
    | TupleExpr
    | ObjectExpr
    | Variable
    | GetAttr
    | Index
    | Splat
    | Call
    | Conditional
    | Binary
    | Unary
    | ForExpr
)

# ----------------------------------------------------------------- structure


@dataclass(frozen=True, slots=True)
class Attribute:
    line: int
    name: str
    expr: Expr
    end_line: int = 0
    file: str = ""  # set only when merged from an override file: the file it is written in


@dataclass(frozen=True, slots=True)
class Block:
    line: int
    type: str
    labels: tuple
    body: Body
    end_line: int = 0
    file: str = ""  # set only when merged from an override file: the file it is written in


@dataclass(frozen=True, slots=True)
class Body:
    attributes: tuple  # of Attribute, in source order
    blocks: tuple  # of Block, in source order

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    def blocks_of(self, block_type: str) -> list:
        return [block for block in self.blocks if block.type == block_type]


_NODES = {
    cls.__name__: cls
    for cls in (
        Literal,
        Template,
        TemplateIf,
        TemplateFor,
        TupleExpr,
        ObjectItem,
        ObjectExpr,
        Variable,
        GetAttr,
        Index,
        Splat,
        Call,
        Conditional,
        Binary,
        Unary,
        ForExpr,
        Attribute,
        Block,
        Body,
    )
}


def to_json(node: Any) -> Any:
    """A JSON-able form: nodes become {"@": class name, "f": [field values]}."""
    if type(node).__name__ in _NODES and not isinstance(node, (str, int, float, bool)):
        return {"@": type(node).__name__, "f": [to_json(getattr(node, f.name)) for f in fields(node)]}
    if isinstance(node, tuple):
        return [to_json(item) for item in node]
    return node


_ARITY = {name: (cls, len(fields(cls))) for name, cls in _NODES.items()}
_SCALARS = (str, int, float, bool, type(None))


def from_json(data: Any) -> Any:
    """Inverse of to_json (lists come back as tuples). Raises ValueError on
    anything that is not such a form, so a damaged cache entry is a miss.
    (It runs for every node of every cached file: kept tight.)"""
    kind = data.__class__
    if kind is dict:
        entry = _ARITY.get(data.get("@"))
        values = data.get("f")
        if entry is None or values.__class__ is not list or len(values) != entry[1]:
            raise ValueError("not a syntax node")
        return entry[0](*[from_json(value) for value in values])
    if kind is list:
        return tuple([from_json(item) for item in data])
    if kind in _SCALARS:
        return data
    raise ValueError("not a syntax node")
