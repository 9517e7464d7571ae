"""HCL text -> our syntax tree (syntax.py), through python-hcl2's rule tree.

This is the only module that knows python-hcl2's classes (by name, so an
unused class costs no import). Lines come from the rule tree's lark meta
(``_meta.line``); ``hcl2.loads(..., with_meta=...)`` does nothing in 8.1.4.
Parsed files are cached by content (cache.py), so a warm run imports no
hcl2 at all; parse_file reports how long each file took.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from ecs_guard.inputs.terraform.hcl.cache import ContentCache, EntryKey
from ecs_guard.inputs.terraform.hcl.library import hcl2_module, hcl2_version
from ecs_guard.inputs.terraform.hcl.nesting import MAX_NESTING, too_deep_line
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
    Template,
    TupleExpr,
    Unary,
    Variable,
    from_json,
    to_json,
)
from ecs_guard.inputs.terraform.hcl.templates import TemplateError, heredoc_body, parse_template

CACHE_FORMAT = "ecs-guard-hcl-syntax-1"
_WRAPPER = "__ecs_guard_expression__ = ("
# Tokens made of the user's text (strings, heredocs), never quoted in messages.
_TEXT_TOKENS = frozenset(
    {
        "STRING_CHARS",
        "HEREDOC_TEMPLATE",
        "HEREDOC_TEMPLATE_TRIM",
        "TEMPLATE_STRING",
        "ESCAPED_INTERPOLATION",
        "ESCAPED_DIRECTIVE",
    }
)
_PUNCTUATION = re.compile(r"[{}\[\](),=:]+\Z")


class HclSyntaxError(Exception):
    """Text that is not valid HCL: a one-line message and the line."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ParsedFile:
    path: str  # as given (display path)
    body: Body
    seconds: float  # time to parse, or to load from the cache
    cached: bool


def parse_cache() -> ContentCache:
    """The cache of parsed files (its directory read from the environment each time)."""
    return ContentCache("parsed")


def parse_cache_key(kind: str, text: str) -> EntryKey:
    """The parse cache's key for `text` ("hcl": a file, "template": a templatefile() template)."""
    return parse_cache().key(CACHE_FORMAT, hcl2_version(), kind, text)


def parse_file(path: Path, text: str, use_cache: bool = True) -> ParsedFile:
    """Parse one .tf/.tfvars file's text. Raises HclSyntaxError."""
    started = time.perf_counter()
    try:
        body, cached = _cached("hcl", text, lambda: parse_hcl(text), Body, use_cache)
    except RecursionError:
        raise HclSyntaxError("too deeply nested to parse", None) from None
    return ParsedFile(str(path), body, time.perf_counter() - started, cached)


def parse_template_text(text: str, use_cache: bool = True):
    """A templatefile() template: Literal or Template (cached like files).
    Raises HclSyntaxError."""

    def build():
        try:
            return parse_template(text, 1, False, parse_expression)
        except TemplateError as error:
            raise HclSyntaxError(error.message, error.line) from None

    node, _ = _cached("template", text, build, (Literal, Template), use_cache)
    return node


def _cached(kind: str, text: str, build, expected, use_cache: bool):
    """(syntax tree, whether it came from the cache). A cache entry that does
    not decode to the expected node is damaged: built again and overwritten."""
    if not use_cache:
        return build(), False
    cache = parse_cache()
    key = parse_cache_key(kind, text)
    entry = cache.get(key)
    if entry is not None:
        try:
            node = from_json(entry)
            if isinstance(node, expected):
                return node, True
        except (ValueError, TypeError):
            pass
    node = build()
    cache.put(key, to_json(node))
    return node, False


_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def trim_heredoc_markers(text: str) -> str:
    """The text with spaces after each heredoc's closing marker removed.

    Terraform ends a heredoc at the first line that is its marker once
    trimmed of spaces on both sides (``  EOF  ``); python-hcl2's grammar
    allows them only before the marker, and would reject the whole file.
    Only trailing blanks on closing lines change, so every line and column
    stays where it was.
    """
    if "<<" not in text:
        return text
    out: list[str] = []
    position = 0
    for opener in _HEREDOC_OPENER.finditer(text):
        if opener.start() < position:
            continue  # inside a heredoc already closed below
        marker = re.escape(opener.group(1))
        closing = re.compile(r"^[ \t]*" + marker + r"([ \t]+)(?=\r?$)|^[ \t]*" + marker + r"(?=\r?$)", re.M)
        found = closing.search(text, opener.end())
        if found is None:
            continue
        if found.group(1):
            out.append(text[position : found.start(1)])
            position = found.end(1)
        else:
            out.append(text[position : found.end()])
            position = found.end()
    out.append(text[position:])
    return "".join(out)


def parse_hcl(text: str) -> Body:
    too_deep = too_deep_line(text)  # refused before the parser spends seconds on it
    if too_deep is not None:
        raise HclSyntaxError(f"nested more than {MAX_NESTING} levels deep: not parsed", too_deep)
    hcl2 = hcl2_module()
    text = trim_heredoc_markers(text)
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except RecursionError:
        raise HclSyntaxError("too deeply nested to parse", None) from None
    except Exception as error:  # lark raises many kinds; all mean "not HCL"
        raise _syntax_error(error) from None
    try:
        return _Converter(text, 0).body(tree.body)
    except TemplateError as error:
        raise HclSyntaxError(error.message, error.line) from None


def parse_expression(text: str, line: int):
    """One expression (from inside "${...}"), its first line being `line`."""
    hcl2 = hcl2_module()
    source = f"{_WRAPPER}{text}\n)\n"
    try:
        tree = hcl2.parses(source, discard_comments=True)
    except Exception as error:
        problem = _syntax_error(error)
        raise TemplateError(f"in template expression: {problem.message}", line + (problem.line or 1) - 1) from None
    attribute = next(child for child in tree.body.children if type(child).__name__ == "AttributeRule")
    return _Converter(source, line - 1).expression(attribute.expression)


def _syntax_error(error: Exception) -> HclSyntaxError:
    line = getattr(error, "line", None)
    line = line if isinstance(line, int) and line > 0 else None
    kind = type(error).__name__
    if kind == "UnexpectedToken":
        token = error.token  # type: ignore[attr-defined]  # lark's UnexpectedToken, matched by name
        raw = str(token.value)
        if line is not None:  # the token may start with the newlines before it: the line of what is unexpected
            line += raw[: len(raw) - len(raw.lstrip())].count("\n")
        lines = raw.strip().splitlines()
        value = lines[0].strip() if lines else token.type
        if token.type == "$END":
            what = "end of file"
        elif token.type in _TEXT_TOKENS and not _PUNCTUATION.match(value):
            what = "text"  # not repeated: it could be part of a secret
        else:
            what = repr(value if len(value) <= 30 else value[:27] + "...")
        return HclSyntaxError(f"syntax error: unexpected {what}", line)
    if kind == "UnexpectedCharacters":
        char = error.char if error.char in "{}[]()=,:?!.<>*/+-%&|#'\\" else "character"  # type: ignore[attr-defined]  # lark's UnexpectedCharacters, matched by name
        return HclSyntaxError(
            f"syntax error: unexpected {char!r}" if char != "character" else "syntax error: unexpected character", line
        )
    if kind == "UnexpectedEOF":
        return HclSyntaxError("syntax error: unexpected end of file", line)
    return HclSyntaxError(f"syntax error ({kind})", line)


class _Converter:
    """python-hcl2 rule tree -> syntax nodes. ``line_delta`` shifts lines of
    a sub-parse (a template expression) to the file's lines."""

    def __init__(self, source: str, line_delta: int):
        self.source = source
        self.line_delta = line_delta

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
        return parse_template(raw, self.line(rule), True, parse_expression)

    def _StringRule(self, rule):
        return self.string(rule)

    def _HeredocTemplateRule(self, rule):
        token = str(rule.heredoc.value)
        body, offset = heredoc_body(token)
        return parse_template(body, self.line(rule) + offset, False, parse_expression)

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
