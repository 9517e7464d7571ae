"""python-hcl2's rule tree -> syntax nodes: the reference parse.

python-hcl2's own pipeline (``hcl2.parses``: lark's parse tree with
positions, then python-hcl2's typed rule tree) read into our nodes. It was
the only path; it is now the reference the fast path (syntax_builder.py)
is tested against, and what parse.py falls back to for any text the fast
path does not build cleanly: its errors are the ones a user sees. This is
the only module that knows python-hcl2's rule classes (by name, so an
unused class costs no import). Lines come from the rule tree's lark meta
(``_meta.line``).
"""

from __future__ import annotations

from ecs_guard.inputs.terraform.hcl.syntax import (
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    ObjectItem,
    Splat,
    TupleExpr,
    Unary,
    Variable,
)
from ecs_guard.inputs.terraform.hcl.syntax_error import HclSyntaxError
from ecs_guard.inputs.terraform.hcl.templates import ParseExpr, heredoc_body, parse_template


class Converter:
    """python-hcl2 rule tree -> syntax nodes. ``line_delta`` shifts lines of
    a sub-parse (a template expression) to the file's lines; ``parse_expr``
    parses the expressions of the templates met."""

    def __init__(self, source: str, line_delta: int, parse_expr: ParseExpr):
        self.source = source
        self.line_delta = line_delta
        self.parse_expr = parse_expr

    def line(self, rule) -> int:
        meta = getattr(rule, "_meta", None)
        return (getattr(meta, "line", 1) or 1) + self.line_delta

    def end_line(self, rule) -> int:
        meta = getattr(rule, "_meta", None)
        return (getattr(meta, "end_line", 0) or 0) + self.line_delta

    # ------------------------------------------------------------- structure

    def body(self, rule) -> Body:
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        seen: dict[str, int] = {}
        for child in rule.children:
            kind = type(child).__name__
            if kind == "AttributeRule":
                name = _name(child.identifier)
                line = self.line(child)
                if name in seen:
                    raise HclSyntaxError(f'attribute "{name}" is defined twice (first on line {seen[name]})', line)
                seen[name] = line
                attributes.append(Attribute(line, name, self.expression(child.expression), self.end_line(child)))
            elif kind == "BlockRule":
                labels = child.labels
                block_type = _name(labels[0])
                names = tuple(self.label(label) for label in labels[1:])
                blocks.append(Block(self.line(child), block_type, names, self.body(child.body), self.end_line(child)))
        return Body(tuple(attributes), tuple(blocks))

    def label(self, rule) -> str:
        if type(rule).__name__ == "StringRule":
            node = self.string(rule)
            if isinstance(node, Literal):
                return node.value
            raise HclSyntaxError("a block label cannot contain interpolations", self.line(rule))
        return _name(rule)

    # ------------------------------------------------------------- expressions

    def expression(self, rule):
        kind = type(rule).__name__
        method = getattr(self, "_" + kind, None)
        if method is None:
            raise HclSyntaxError(f"unsupported syntax ({kind})", self.line(rule))
        return method(rule)

    def _ExprTermRule(self, rule):
        return self.expression(rule.expression)

    def _IntLitRule(self, rule):
        digits = str(rule.token.value)  # past ~300 digits a float (inf), as int() refuses 4,300
        return Literal(self.line(rule), int(digits) if len(digits) <= 300 else _number(float(digits)))

    def _FloatLitRule(self, rule):
        return Literal(self.line(rule), _number(float(str(rule.token.value))))

    def _LiteralValueRule(self, rule):
        return Literal(self.line(rule), {"true": True, "false": False, "null": None}[str(rule.token.value)])

    def _IdentifierRule(self, rule):
        return Variable(self.line(rule), _name(rule))

    def _KeywordRule(self, rule):
        return Variable(self.line(rule), _name(rule))

    def string(self, rule):
        meta = rule._meta
        raw = self.source[meta.start_pos + 1 : meta.end_pos - 1]
        return parse_template(raw, self.line(rule), True, self.parse_expr)

    def _StringRule(self, rule):
        return self.string(rule)

    def _HeredocTemplateRule(self, rule):
        token = str(rule.heredoc.value)
        body, offset = heredoc_body(token)
        return parse_template(body, self.line(rule) + offset, False, self.parse_expr)

    _HeredocTrimTemplateRule = _HeredocTemplateRule

    def _TemplateStringRule(self, rule):
        return Literal(self.line(rule), rule.inner_value)

    def _TupleRule(self, rule):
        return TupleExpr(self.line(rule), tuple(self.expression(e) for e in rule.elements))

    def _ObjectRule(self, rule):
        items = []
        for element in rule.elements:
            key_rule = element.key
            if type(key_rule).__name__ == "ObjectElemKeyRule":
                inner = key_rule.value
                inner_kind = type(inner).__name__
                if inner_kind in ("IdentifierRule", "KeywordRule", "LiteralValueRule"):
                    key = Literal(self.line(inner), _name(inner))
                elif inner_kind == "StringRule":
                    key = self.string(inner)
                else:  # a number used as a key is its string
                    key = Literal(self.line(inner), str(self.expression(inner).value))
            else:
                key = self.expression(key_rule.expression)
            items.append(ObjectItem(self.line(element), key, self.expression(element.expression)))
        return ObjectExpr(self.line(rule), tuple(items))

    def _GetAttrExprTermRule(self, rule):
        return GetAttr(self.line(rule.get_attr), self.expression(rule.expr_term), _name(rule.get_attr.identifier))

    def _IndexExprTermRule(self, rule):
        obj, index = rule.children[0], rule.children[1]
        return Index(self.line(index), self.expression(obj), self.index_key(index))

    def index_key(self, rule):
        if type(rule).__name__ == "ShortIndexRule":
            return Literal(self.line(rule), int(str(rule.index.value)))
        return self.expression(rule.index_expression)

    def splat(self, rule, splat_rule):
        steps: list[GetAttr | Index] = []
        for step in splat_rule.get_attrs:
            if type(step).__name__ == "GetAttrRule":
                steps.append(GetAttr(self.line(step), None, _name(step.identifier)))  # type: ignore[arg-type]  # no obj: see Splat
            else:
                steps.append(Index(self.line(step), None, self.index_key(step)))  # type: ignore[arg-type]  # no obj: see Splat
        return Splat(self.line(splat_rule), self.expression(rule.expr_term), tuple(steps))

    def _AttrSplatExprTermRule(self, rule):
        return self.splat(rule, rule.attr_splat)

    def _FullSplatExprTermRule(self, rule):
        return self.splat(rule, rule.attr_splat)

    def _FunctionCallRule(self, rule):
        name = "::".join(_name(identifier) for identifier in rule.identifiers)
        arguments = rule.arguments
        args = tuple(self.expression(a) for a in arguments.arguments) if arguments else ()
        return Call(self.line(rule), name, args, bool(arguments and arguments.has_ellipsis))

    def _ConditionalRule(self, rule):
        return Conditional(
            self.line(rule),
            self.expression(rule.condition),
            self.expression(rule.if_true),
            self.expression(rule.if_false),
        )

    def _BinaryOpRule(self, rule):
        operator = str(rule.binary_term.binary_operator.token.value).strip()
        return Binary(
            self.line(rule), operator, self.expression(rule.expr_term), self.expression(rule.binary_term.expr_term)
        )

    def _UnaryOpRule(self, rule):
        operand = self.expression(rule.expr_term)
        operator = rule.operator.strip()
        if operator == "-" and isinstance(operand, Literal) and type(operand.value) in (int, float):
            return Literal(operand.line, -operand.value)
        return Unary(self.line(rule), operator, operand)

    def for_intro(self, intro):
        first = _name(intro.first_iterator)
        second = intro.second_iterator
        if second is not None:
            return first, _name(second), self.expression(intro.iterable)
        return None, first, self.expression(intro.iterable)

    def _ForTupleExprRule(self, rule):
        key_var, value_var, collection = self.for_intro(rule.for_intro)
        condition = self.expression(rule.condition.condition_expr) if rule.condition else None
        return ForExpr(
            self.line(rule), key_var, value_var, collection, None, self.expression(rule.value_expr), condition
        )

    def _ForObjectExprRule(self, rule):
        key_var, value_var, collection = self.for_intro(rule.for_intro)
        condition = self.expression(rule.condition.condition_expr) if rule.condition else None
        return ForExpr(
            self.line(rule),
            key_var,
            value_var,
            collection,
            self.expression(rule.key_expr),
            self.expression(rule.value_expr),
            condition,
            rule.ellipsis is not None,
        )


def _name(rule) -> str:
    return str(rule.token.value)


def _number(value: float):
    return int(value) if value.is_integer() and abs(value) < 2**63 else value
