"""The references of an expression, spelled as Terraform spells them.

A plan's ``configuration`` lists, for every attribute, the traversals its
expression contains: each static traversal and its prefixes down to the
referenced object ("aws_iam_role.r[\"a\"].arn", "aws_iam_role.r[\"a\"]",
"aws_iam_role.r"), stopping at an index that is not a literal. This is
static analysis (untaken conditional branches count), done the same way
here so the HCL front end and the plan adapter can share their linking.
Names bound by the expression itself (for variables, a dynamic block's
iterator) are not references.
"""

from __future__ import annotations

import json

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

# How many steps after the root name make the referenced object.
_SUBJECT_STEPS = {
    "var": 1,
    "local": 1,
    "each": 1,
    "count": 1,
    "path": 1,
    "terraform": 1,
    "module": 1,
    "data": 2,
    "self": 0,
}


def references(node, bound: frozenset = frozenset()) -> list[str]:
    """In source order; like Terraform, a name referenced twice is listed twice."""
    found: list[str] = []
    _collect(node, bound, found)
    return found


def _collect(node, bound: frozenset, found: list) -> None:
    if node is None or isinstance(node, (str, Literal)):
        return
    if isinstance(node, (Variable, GetAttr, Index)):
        _traversal(node, bound, found)
        return
    if isinstance(node, Splat):
        _collect(node.obj, bound, found)
        for step in node.steps:
            if isinstance(step, Index):
                _collect(step.key, bound, found)
        return
    if isinstance(node, Template):
        for part in node.parts:
            _collect(part, bound, found)
        return
    if isinstance(node, TemplateIf):
        _collect(node.condition, bound, found)
        for part in node.then + node.otherwise:
            _collect(part, bound, found)
        return
    if isinstance(node, TemplateFor):
        _collect(node.collection, bound, found)
        inner = bound | {node.value_var} | ({node.key_var} if node.key_var else set())
        for part in node.body:
            _collect(part, frozenset(inner), found)
        return
    if isinstance(node, TupleExpr):
        for item in node.items:
            _collect(item, bound, found)
        return
    if isinstance(node, ObjectExpr):
        for item in node.items:
            _collect(item.key, bound, found)
            _collect(item.value, bound, found)
        return
    if isinstance(node, Call):
        for arg in node.args:
            _collect(arg, bound, found)
        return
    if isinstance(node, Conditional):
        for part in (node.condition, node.then, node.otherwise):
            _collect(part, bound, found)
        return
    if isinstance(node, Binary):
        _collect(node.left, bound, found)
        _collect(node.right, bound, found)
        return
    if isinstance(node, Unary):
        _collect(node.operand, bound, found)
        return
    if isinstance(node, ForExpr):
        _collect(node.collection, bound, found)
        inner = frozenset(bound | {node.value_var} | ({node.key_var} if node.key_var else set()))
        for part in (node.key, node.value, node.condition):
            _collect(part, inner, found)


def _traversal(node, bound: frozenset, found: list) -> None:
    chain = []
    current = node
    while isinstance(current, (GetAttr, Index)):
        chain.append(current)
        current = current.obj
    chain.reverse()
    if not isinstance(current, Variable):
        _collect(current, bound, found)
        for step in chain:
            if isinstance(step, Index):
                _collect(step.key, bound, found)
        return
    if current.name not in bound:
        _add_traversal(current.name, chain, found)
    for step in chain:
        if isinstance(step, Index):
            _collect(step.key, bound, found)


def _add_traversal(root: str, chain: list, found: list) -> None:
    texts = [root]
    for step in chain:
        if isinstance(step, GetAttr):
            texts.append(f"{texts[-1]}.{step.name}")
        elif (
            isinstance(step.key, Literal)
            and isinstance(step.key.value, (str, int))
            and not isinstance(step.key.value, bool)
        ):
            texts.append(f"{texts[-1]}[{json.dumps(step.key.value)}]")
        else:
            break
    minimum = 1 + _SUBJECT_STEPS.get(root, 1)  # a resource: type.name
    if root == "module" and len(texts) > 2 and texts[2].endswith("]"):
        minimum = 3  # module.api["blue"] is the object; module.api is not listed
    if len(texts) < minimum:
        return
    for text in reversed(texts[minimum - 1 :]):
        found.append(text)
