"""HCL text -> syntax nodes (syntax.py) in one pass of python-hcl2's LALR parser.

python-hcl2's own pipeline builds three trees for every file: lark's parse
tree (with positions on every node), python-hcl2's rule tree, then ours
(rule_tree.py). Building the first two was two thirds of a cold scan.
Here the same parser (python-hcl2's grammar and post-lexer, the same
tables) is given these callbacks as its lark transformer: each grammar
rule is turned into our node the moment the parser reduces it, and nothing
else is built. Lines are read from the tokens, so lark does not carry
positions through the tree either.

The result must be exactly what the rule-tree path makes (the reference,
tests/test_hcl_syntax_builder.py compares them on every fixture and on
text shaped to reach every rule), so each callback says which rule-tree
accessor it mirrors. It covers only text that parses cleanly: whatever is
not (a duplicate attribute, an interpolation in a block label, a template
error, a lark syntax error, anything unexpected) raises, and parse.py then
parses that file through the reference, which reports the problem as it
always has. So errors cost a second parse, and read exactly as before.

The callbacks are written for one grammar: ``RULES_DIGEST`` is a digest of
the rules they were checked against, and a python-hcl2 whose grammar differs
(an upgrade within 8.x) gets the reference path, correct and slower, until
this module is checked against it (a test fails when that happens).

A value passed up between callbacks is one of:

- a lark ``Token`` (a terminal; ``identifier``, ``keyword``,
  ``literal_value`` and ``new_line_or_comment`` pass their token on);
- an expression: ``(node, first line, end line, key)``, the lines those
  of its first and last token (``end line`` is what ``Attribute.end_line``
  needs; a rule may end with a newline token), ``key`` what the node means
  as an object key when that differs from the node (see object_elem_key);
- an ``Attribute``, ``Block`` or ``Body``, or a small value of one rule for
  its parent (an index step, a for clause, a template directive).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

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
from ecs_guard.inputs.terraform.hcl.templates import heredoc_body, parse_template

# sha256 of python-hcl2 8.1.4's rules as rules_digest() prints them.
RULES_DIGEST = "9b17fa2ddb0bf1b1c9b68ee5e60a8c3184ecb36c1a684d414ede152b706b2866"

_LITERAL_VALUES = {"true": True, "false": False, "null": None}

# Object keys that are simple (python-hcl2's ObjectElemKeyRule): what `key` holds.
_STRING_KEY = "string"  # a quoted string: the key is the string's node
_NUMBER_KEY = "number"  # a number: the key is its value as a string


class NotBuilt(Exception):
    """Text the callbacks do not turn into nodes: parse.py asks the reference."""


class _Directive:
    """A template directive inside a quoted string (only checked for nesting)."""

    def __init__(self, name: str):
        self.name = name


_IF, _ELSE, _ENDIF, _FOR, _ENDFOR = (_Directive(name) for name in ("if", "else", "endif", "for", "endfor"))


class _ForIntro:
    def __init__(self, key_var: str | None, value_var: str, collection: Any):
        self.key_var = key_var
        self.value_var = value_var
        self.collection = collection


class _ForCond:
    def __init__(self, condition: Any):
        self.condition = condition


class _Step:
    """An index or attribute step: `.name`, `.0` or `[key]` (after an object or in a splat)."""

    def __init__(self, line: int, name: str | None, key: Any, end_line: int):
        self.line = line
        self.name = name  # set for `.name`
        self.key = key  # set for an index
        self.end_line = end_line


def rules_digest(rules) -> str:
    """A digest of a lark grammar's rules: their names, aliases, expansions
    and the options that shape what a callback receives."""
    digest = hashlib.sha256()
    for rule in rules:
        options = rule.options
        digest.update(
            f"{rule.origin.name}|{rule.alias}|{int(options.expand1)}|{int(options.keep_all_tokens)}|"
            f"{' '.join(symbol.name for symbol in rule.expansion)}\n".encode()
        )
    return digest.hexdigest()


class SyntaxBuilder:
    """The callbacks, one method per grammar rule (lark looks them up by the
    rule's name or alias in ``transformer()``).

    One parse runs at a time per builder (a lock), but a parse may start
    another from inside a callback (a quoted string's interpolations are
    parsed as expressions, through `parse_expr`): ``source`` and ``delta``
    are saved around it."""

    def __init__(self, parse_expr: Callable[[str, int], Any]):
        self.parse_expr = parse_expr  # parse_template's: "${...}" text and its line -> node
        self.lark: Any = None  # the parser, loaded with transformer() (parse.py)
        self.source = ""
        self.delta = 0  # added to every line: a template expression's lines are the file's
        self._lock = threading.RLock()

    def transformer(self) -> SimpleNamespace:
        """What lark calls for each rule (a rule missing here would silently
        become a lark Tree: RULES_DIGEST pins the grammar these cover)."""
        return SimpleNamespace(
            start=self.start,
            body=self.body,
            attribute=self.attribute,
            block=self.block,
            new_line_or_comment=self.new_line_or_comment,
            identifier=self.name,
            keyword=self.name,
            literal_value=self.name,
            int_lit=self.int_lit,
            float_lit=self.float_lit,
            string=self.string,
            string_part=self.string_part,
            interpolation=self.interpolation,
            template_if_start=lambda children: _IF,
            template_else=lambda children: _ELSE,
            template_endif=lambda children: _ENDIF,
            template_for_start=lambda children: _FOR,
            template_endfor=lambda children: _ENDFOR,
            heredoc_template=self.heredoc,
            heredoc_template_trim=self.heredoc,
            template_string=self.template_string,
            expr_term=self.expr_term,
            unary_op=self.unary_op,
            binary_operator=self.binary_operator,
            binary_term=self.binary_term,
            binary_op=self.binary_op,
            conditional=self.conditional,
            tuple=self.tuple_expr,
            object=self.object_expr,
            object_elem=self.object_elem,
            object_elem_key=self.object_elem_key,
            function_call=self.function_call,
            arguments=self.arguments,
            get_attr=self.get_attr,
            braces_index=self.braces_index,
            short_index=self.short_index,
            get_attr_expr_term=self.get_attr_expr_term,
            index_expr_term=self.index_expr_term,
            attr_splat=self.splat_steps,
            full_splat=self.splat_steps,
            attr_splat_expr_term=self.splat_expr_term,
            full_splat_expr_term=self.splat_expr_term,
            for_intro=self.for_intro,
            for_cond=self.for_cond,
            for_tuple_expr=self.for_tuple_expr,
            for_object_expr=self.for_object_expr,
        )

    # ------------------------------------------------------------- entry points

    def parse_file(self, text: str) -> Body:
        """The syntax of one file's text. Raises NotBuilt or lark's errors."""
        return self._parse(text, 0)

    def parse_wrapped(self, source: str, delta: int) -> Any:
        """The expression of `source`, a file holding one attribute (parse.py's
        wrapper around a template's "${...}"), its lines shifted by `delta`."""
        body = self._parse(source, delta)
        if len(body.attributes) != 1 or body.blocks:
            raise NotBuilt("not one expression")
        return body.attributes[0].expr

    def _parse(self, text: str, delta: int) -> Body:
        # A newline appended, as python-hcl2's parses_to_tree does: the grammar
        # ends statements with one (and the last end lines count it).
        text += "\n"
        with self._lock:
            saved = self.source, self.delta
            self.source, self.delta = text, delta
            try:
                body = self.lark.parse(text)
            finally:
                self.source, self.delta = saved
        if body.__class__ is not Body:
            raise NotBuilt("not a body")
        return body

    # ------------------------------------------------------------- structure

    def start(self, children):
        return children[0]

    def body(self, children):  # Converter.body
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        seen: set[str] = set()
        for child in children:
            kind = child.__class__
            if kind is Attribute:
                if child.name in seen:
                    raise NotBuilt("attribute defined twice")
                seen.add(child.name)
                attributes.append(child)
            elif kind is Block:
                blocks.append(child)
        return Body(tuple(attributes), tuple(blocks))

    def attribute(self, children):
        # [name token, EQ, expression]; keywords and true/false/null are names here
        name, expression = children[0], children[2]
        return Attribute(name.line + self.delta, str(name), expression[0], expression[2])

    def block(self, children):
        # [type, labels (names or strings)..., NL?, LBRACE, body, RBRACE]
        block_type = children[0]
        labels = []
        for child in children[1:]:
            if child.__class__ is tuple:  # a quoted label: a string without interpolation
                node = child[0]
                if node.__class__ is not Literal:
                    raise NotBuilt("a block label with interpolations")
                labels.append(node.value)
            elif child.type == "LBRACE":
                break
            elif child.type != "NL_OR_COMMENT":
                labels.append(str(child))
        body, closing = children[-2], children[-1]
        return Block(block_type.line + self.delta, str(block_type), tuple(labels), body, closing.end_line + self.delta)

    def new_line_or_comment(self, children):
        return children[-1]  # the last token: where the rule ends

    def name(self, children):  # identifier, keyword, literal_value: the token (its text is the name)
        return children[0]

    # ------------------------------------------------------------- literals

    def int_lit(self, children):  # Converter._IntLitRule
        token = children[0]
        digits = str(token)  # past ~300 digits a float (inf), as int() refuses 4,300
        line = token.line + self.delta
        return (
            Literal(line, int(digits) if len(digits) <= 300 else _number(float(digits))),
            line,
            token.end_line + self.delta,
            _NUMBER_KEY,
        )

    def float_lit(self, children):  # Converter._FloatLitRule
        token = children[0]
        line = token.line + self.delta
        return (Literal(line, _number(float(str(token)))), line, token.end_line + self.delta, _NUMBER_KEY)

    def string(self, children):  # Converter.string: the raw text between the quotes
        opening, closing = children[0], children[-1]
        if len(children) > 2:
            _check_directives(children[1:-1])
        line = opening.line + self.delta
        raw = self.source[opening.start_pos + 1 : closing.end_pos - 1]
        node = parse_template(raw, line, True, self.parse_expr)
        return (node, line, closing.end_line + self.delta, _STRING_KEY)

    def string_part(self, children):
        part = children[0]
        return part if part.__class__ is _Directive else None

    def interpolation(self, children):
        return None  # the string's raw text is parsed again by parse_template

    def heredoc(self, children):  # Converter._HeredocTemplateRule (both kinds)
        token = children[0]
        body, offset = heredoc_body(str(token))
        line = token.line + self.delta
        node = parse_template(body, line + offset, False, self.parse_expr)
        return (node, line, token.end_line + self.delta, None)

    def template_string(self, children):  # Converter._TemplateStringRule
        token = children[0]
        raw = str(token)
        inner = raw[2:-2] if raw.startswith('\\"') and raw.endswith('\\"') else raw
        line = token.line + self.delta
        return (Literal(line, inner), line, token.end_line + self.delta, None)

    # ------------------------------------------------------------- expressions

    def expr_term(self, children):
        first = children[0]
        if len(children) == 1:
            if first.__class__ is tuple:
                return first  # a literal, string, collection, call, access...: already built
            line = first.line + self.delta
            end_line = first.end_line + self.delta
            if first.type == "NAME":
                return (Variable(line, str(first)), line, end_line, first)
            return (Literal(line, _LITERAL_VALUES[str(first)]), line, end_line, first)
        # ( expression ): the inner node; as a key it is an expression, not a name
        inner = children[2] if children[1].__class__ is not tuple else children[1]
        return (inner[0], first.line + self.delta, children[-1].end_line + self.delta, None)

    def unary_op(self, children):  # Converter._UnaryOpRule
        operator, operand = children[0], children[1]
        op = str(operator).strip()
        node = operand[0]
        line = operator.line + self.delta
        if op == "-" and node.__class__ is Literal and type(node.value) in (int, float):
            return (Literal(node.line, -node.value), line, operand[2], None)
        return (Unary(line, op, node), line, operand[2], None)

    def binary_operator(self, children):
        return children[0]

    def binary_term(self, children):
        # [operator token (may carry the newlines before it), NL?, operand]
        return (str(children[0]).strip(), children[-1])

    def binary_op(self, children):  # Converter._BinaryOpRule
        left, (op, right) = children[0], children[1]
        end_line = children[2].end_line + self.delta if len(children) > 2 else right[2]
        return (Binary(left[1], op, left[0], right[0]), left[1], end_line, None)

    def conditional(self, children):  # Converter._ConditionalRule
        condition, then, otherwise = (child for child in children if child.__class__ is tuple)
        return (Conditional(condition[1], condition[0], then[0], otherwise[0]), condition[1], otherwise[2], None)

    def tuple_expr(self, children):  # Converter._TupleRule
        opening, closing = children[0], children[-1]
        line = opening.line + self.delta
        items = tuple([child[0] for child in children if child.__class__ is tuple])
        return (TupleExpr(line, items), line, closing.end_line + self.delta, None)

    def object_expr(self, children):  # Converter._ObjectRule
        opening, closing = children[0], children[-1]
        line = opening.line + self.delta
        items = tuple([child for child in children if child.__class__ is ObjectItem])
        return (ObjectExpr(line, items), line, closing.end_line + self.delta, None)

    def object_elem(self, children):
        # [key (line, node), EQ or COLON, value]
        (line, key), value = children[0], children[2]
        return ObjectItem(line, key, value[0])

    def object_elem_key(self, children):
        """(line of the key, key node), as python-hcl2's transformer and
        Converter._ObjectRule decide: a bare name (true/false/null and
        keywords included) is its text, a quoted string its template, a
        number its text; anything else (parentheses included) is evaluated."""
        key = children[0]
        if key.__class__ is not tuple:  # a keyword
            line = key.line + self.delta
            return (line, Literal(line, str(key)))
        node, line, _, simple = key
        if simple is None or simple is _STRING_KEY:
            return (line, node)
        if simple is _NUMBER_KEY:
            return (line, Literal(node.line, str(node.value)))
        return (line, Literal(simple.line + self.delta, str(simple)))  # a name token

    def function_call(self, children):  # Converter._FunctionCallRule
        names = []
        args: tuple = ()
        expand_final = False
        for child in children:
            kind = child.__class__
            if kind is tuple:  # the arguments: (nodes, ends with ...)
                args, expand_final = child
            elif child.type == "NAME":
                names.append(str(child))
        first = children[0]
        line = first.line + self.delta
        return (Call(line, "::".join(names), args, expand_final), line, children[-1].end_line + self.delta, None)

    def arguments(self, children):
        nodes = []
        expand_final = False
        for child in children:
            if child.__class__ is tuple:
                nodes.append(child[0])
            elif child.type == "ELLIPSIS":
                expand_final = True
        return (tuple(nodes), expand_final)

    # ------------------------------------------------------------- access

    def get_attr(self, children):  # [DOT, name token]
        dot, name = children[0], children[1]
        return _Step(dot.line + self.delta, str(name), None, name.end_line + self.delta)

    def braces_index(self, children):  # [LSQB, NL?, expression, NL?, RSQB]
        opening = children[0]
        key = next(child for child in children if child.__class__ is tuple)
        return _Step(opening.line + self.delta, None, key[0], children[-1].end_line + self.delta)

    def short_index(self, children):  # Converter.index_key of a ShortIndexRule: `.0`
        dot, digits = children[0], children[1]
        line = dot.line + self.delta
        return _Step(line, None, Literal(line, int(str(digits))), digits.end_line + self.delta)

    def get_attr_expr_term(self, children):  # Converter._GetAttrExprTermRule
        obj, step = children[0], children[1]
        return (GetAttr(step.line, obj[0], step.name), obj[1], step.end_line, None)

    def index_expr_term(self, children):  # Converter._IndexExprTermRule
        obj, step = children[0], children[1]
        return (Index(step.line, obj[0], step.key), obj[1], step.end_line, None)

    def splat_steps(self, children):  # [ATTR_SPLAT or FULL_SPLAT_START, steps...]
        return children

    def splat_expr_term(self, children):  # Converter.splat
        obj, (marker, *steps) = children[0], children[1]
        nodes: list[GetAttr | Index] = []
        for step in steps:
            if step.name is not None:
                nodes.append(GetAttr(step.line, None, step.name))  # type: ignore[arg-type]  # no obj: see Splat
            else:
                nodes.append(Index(step.line, None, step.key))  # type: ignore[arg-type]  # no obj: see Splat
        end_line = steps[-1].end_line if steps else marker.end_line + self.delta
        return (Splat(marker.line + self.delta, obj[0], tuple(nodes)), obj[1], end_line, None)

    # ------------------------------------------------------------- for expressions

    def for_intro(self, children):  # Converter.for_intro
        names = [child for child in children if child.__class__ is not tuple and child.type == "NAME"]
        collection = next(child for child in children if child.__class__ is tuple)[0]
        if len(names) == 2:
            return _ForIntro(str(names[0]), str(names[1]), collection)
        return _ForIntro(None, str(names[0]), collection)

    def for_cond(self, children):  # [IF, NL?, expression]
        return _ForCond(children[-1][0])

    def for_tuple_expr(self, children):  # Converter._ForTupleExprRule
        intro, condition, values, _group = _for_parts(children)
        line = children[0].line + self.delta
        node = ForExpr(line, intro.key_var, intro.value_var, intro.collection, None, values[0], condition)
        return (node, line, children[-1].end_line + self.delta, None)

    def for_object_expr(self, children):  # Converter._ForObjectExprRule
        intro, condition, values, group = _for_parts(children)
        line = children[0].line + self.delta
        key, value = values
        node = ForExpr(line, intro.key_var, intro.value_var, intro.collection, key, value, condition, group)
        return (node, line, children[-1].end_line + self.delta, None)


def _for_parts(children: list) -> tuple[_ForIntro, Any, list, bool]:
    """(intro, condition, value expressions, grouped with ...) of a for expression's children."""
    intro, condition, values, group = None, None, [], False
    for child in children:
        kind = child.__class__
        if kind is _ForIntro:
            intro = child
        elif kind is _ForCond:
            condition = child.condition
        elif kind is tuple:
            values.append(child[0])
        elif getattr(child, "type", None) == "ELLIPSIS":
            group = True
    assert intro is not None
    return intro, condition, values, group


def _check_directives(parts: list) -> None:
    """Raise NotBuilt where python-hcl2's transformer fails a quoted string
    (RuleTransformer._assemble_directives: an %{if} or %{for} left open)."""
    if not any(part is not None for part in parts):
        return
    directives = [part for part in parts if part is not None]

    def collect(index: int, ends: tuple) -> tuple[_Directive | None, int]:
        while index < len(directives):
            part = directives[index]
            if part in ends:
                return part, index + 1
            index = nested(index) if part is _IF or part is _FOR else index + 1
        return None, index

    def nested(index: int) -> int:
        if directives[index] is _IF:
            end, index = collect(index + 1, (_ELSE, _ENDIF))
            if end is _ELSE:
                end, index = collect(index, (_ENDIF,))
            if end is not _ENDIF:
                raise NotBuilt("an %{if} without %{endif}")
            return index
        end, index = collect(index + 1, (_ENDFOR,))
        if end is not _ENDFOR:
            raise NotBuilt("a %{for} without %{endfor}")
        return index

    index = 0
    while index < len(directives):
        index = nested(index) if directives[index] is _IF or directives[index] is _FOR else index + 1


def _number(value: float):
    return int(value) if value.is_integer() and abs(value) < 2**63 else value
