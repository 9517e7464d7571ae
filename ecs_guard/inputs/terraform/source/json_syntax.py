"""Terraform's JSON syntax (.tf.json) -> the same syntax tree as HCL text.

In JSON, what a property means depends on where it is: a block type, a
label, an argument or a nested block. Terraform decides with the schema
(https://developer.hashicorp.com/terraform/language/syntax/json), and so
does this module: the top level holds block types (``"resource":
{"aws_ecs_service": {"web": {...}}}``), a resource's nested blocks are the
ones the provider schema declares (an object, or an array of objects for
several), and everything else is an argument. Strings in arguments are
templates (``"${var.name}-web"``; one whole ``"${expr}"`` is the expression
itself); numbers, booleans, null, arrays and objects are what they look
like. A variable's ``type`` is a type expression, its ``default`` a plain
value; ``depends_on`` and ``provider`` hold references. A property named
``"//"`` is a comment where a body is expected.

Every node carries the line of its key (arguments, blocks) or value
(expressions) in the JSON text, so findings point into the .tf.json file.
The result is cached like parsed HCL (parse.py).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

from ecs_guard.inputs.terraform.hcl.parse import (
    HclSyntaxError,
    cached_syntax,
    parse_expression,
)
from ecs_guard.inputs.terraform.hcl.syntax import (
    Attribute,
    Block,
    Body,
    Literal,
    ObjectExpr,
    ObjectItem,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
)
from ecs_guard.inputs.terraform.hcl.templates import TemplateError, parse_template
from ecs_guard.inputs.terraform.provider.schema import BlockSchema, resource_schema

COMMENT = "//"
LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1}
REFERENCE_LISTS = frozenset({"depends_on", "ignore_changes", "replace_triggered_by"})
RESOURCE_META_BLOCKS = {"lifecycle": 0, "provisioner": 1, "connection": 0, "dynamic": 1}
CONDITION_BLOCKS = {"precondition": 0, "postcondition": 0, "validation": 0}

# ----------------------------------------------------------------- JSON with lines


@dataclass(frozen=True, slots=True)
class JsonNode:
    """A JSON value and where it is: ``members`` for an object ((key, key line,
    value), duplicates kept, in order), ``items`` for an array, else ``value``."""

    line: int
    end_line: int
    kind: str  # "object" | "array" | "string" | "scalar"
    value: object = None
    members: tuple = ()
    items: tuple = ()


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_WORDS = {"true": True, "false": False, "null": None}


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def fail(self, offset: int, what: str) -> HclSyntaxError:
        return HclSyntaxError(f"invalid JSON: {what}", self.line(min(offset, len(self.text))))

    def skip(self, offset: int) -> int:
        return _SPACE.match(self.text, offset).end()  # type: ignore[union-attr]

    def document(self) -> JsonNode:
        node, end = self.value(self.skip(0))
        if self.skip(end) != len(self.text):
            raise self.fail(self.skip(end), "unexpected text after the document")
        return node

    def value(self, offset: int) -> tuple[JsonNode, int]:
        text = self.text
        if offset >= len(text):
            raise self.fail(offset, "unexpected end of file")
        char = text[offset]
        line = self.line(offset)
        if char == "{":
            return self.object(offset)
        if char == "[":
            return self.array(offset)
        if char == '"':
            try:
                string, end = scanstring(text, offset + 1)
            except ValueError:
                raise self.fail(offset, "unterminated or invalid string") from None
            return JsonNode(line, line, "string", string), end
        number = _NUMBER.match(text, offset)
        if number and number.end() > offset:
            raw = number.group()
            parsed = float(raw) if any(c in raw for c in ".eE") else int(raw)
            return JsonNode(line, line, "scalar", parsed), number.end()
        for word, constant in _WORDS.items():
            if text.startswith(word, offset):
                return JsonNode(line, line, "scalar", constant), offset + len(word)
        raise self.fail(offset, f"unexpected {char!r}" if char in "{}[],:" else "unexpected character")

    def object(self, offset: int) -> tuple[JsonNode, int]:
        line, members = self.line(offset), []
        offset = self.skip(offset + 1)
        if self.text.startswith("}", offset):
            return JsonNode(line, self.line(offset), "object"), offset + 1
        while True:
            if not self.text.startswith('"', offset):
                raise self.fail(offset, "expected a property name in double quotes")
            key_line = self.line(offset)
            try:
                key, offset = scanstring(self.text, offset + 1)
            except ValueError:
                raise self.fail(offset, "unterminated or invalid string") from None
            offset = self.skip(offset)
            if not self.text.startswith(":", offset):
                raise self.fail(offset, "expected ':'")
            node, offset = self.value(self.skip(offset + 1))
            members.append((key, key_line, node))
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset = self.skip(offset + 1)
                continue
            if self.text.startswith("}", offset):
                return JsonNode(line, self.line(offset), "object", members=tuple(members)), offset + 1
            raise self.fail(offset, "expected ',' or '}'")

    def array(self, offset: int) -> tuple[JsonNode, int]:
        line, items = self.line(offset), []
        offset = self.skip(offset + 1)
        if self.text.startswith("]", offset):
            return JsonNode(line, self.line(offset), "array"), offset + 1
        while True:
            node, offset = self.value(offset)
            items.append(node)
            offset = self.skip(offset)
            if self.text.startswith(",", offset):
                offset = self.skip(offset + 1)
                continue
            if self.text.startswith("]", offset):
                return JsonNode(line, self.line(offset), "array", items=tuple(items)), offset + 1
            raise self.fail(offset, "expected ',' or ']'")


def read_json(text: str) -> JsonNode:
    """The JSON document with lines. Raises HclSyntaxError (with the line)."""
    return _Reader(text).document()


# ----------------------------------------------------------------- expressions


def expression(node: JsonNode):
    """A JSON value in expression mode: strings are templates."""
    if node.kind == "string":
        return template(str(node.value), node.line)
    if node.kind == "array":
        return TupleExpr(node.line, tuple(expression(item) for item in node.items))
    if node.kind == "object":
        items = [
            ObjectItem(key_line, template(key, key_line), expression(value)) for key, key_line, value in node.members
        ]
        return ObjectExpr(node.line, tuple(items))
    return Literal(node.line, node.value)


def plain(node: JsonNode):
    """A JSON value taken literally (a variable's default): no templates."""
    if node.kind == "array":
        return TupleExpr(node.line, tuple(plain(item) for item in node.items))
    if node.kind == "object":
        items = [ObjectItem(key_line, Literal(key_line, key), plain(value)) for key, key_line, value in node.members]
        return ObjectExpr(node.line, tuple(items))
    return Literal(node.line, node.value)


def template(text: str, line: int):
    try:
        parsed = parse_template(text, line, False, parse_expression)
    except TemplateError as error:
        raise HclSyntaxError(error.message, error.line) from None
    if isinstance(parsed, Template) and len(parsed.parts) == 1:
        (only,) = parsed.parts
        if not isinstance(only, (str, TemplateIf, TemplateFor)):
            return only  # "${expr}" alone is the expression's value, not its string
    return parsed


def bare_expression(node: JsonNode):
    """A string holding an expression without "${}": a reference in
    depends_on, a type in a variable's type, an iterator's name."""
    if node.kind != "string":
        return expression(node)
    try:
        return parse_expression(str(node.value), node.line)
    except TemplateError as error:
        raise HclSyntaxError(error.message, error.line) from None


# ----------------------------------------------------------------- bodies


@dataclass(frozen=True)
class Spec:
    """What the properties of one kind of body are."""

    blocks: dict  # nested block type -> (number of labels, Spec)
    plain: frozenset = frozenset()  # arguments taken literally
    bare: frozenset = frozenset()  # arguments that are expressions without "${}"


ARGUMENTS = Spec({})
CONDITION = Spec({})


def schema_spec(schema: BlockSchema | None) -> Spec:
    if schema is None:
        return ARGUMENTS
    return Spec({name: (0, schema_spec(schema.block(name)[1])) for name in schema.blocks})  # type: ignore[index]


def resource_spec(resource_type: str, mode: str) -> Spec:
    base = schema_spec(resource_schema(resource_type, mode))
    blocks = dict(base.blocks)
    lifecycle = Spec(dict.fromkeys(("precondition", "postcondition"), (0, CONDITION)), bare=REFERENCE_LISTS)
    blocks.update(
        {
            "lifecycle": (0, lifecycle),
            "provisioner": (1, Spec({"connection": (0, ARGUMENTS)})),
            "connection": (0, ARGUMENTS),
            "dynamic": (1, None),  # its content block is the labelled block's (below)
        }
    )
    return Spec(blocks, bare=frozenset({"depends_on", "provider"}))


TOP_LEVEL = {
    "variable": Spec({"validation": (0, CONDITION)}, plain=frozenset({"default"}), bare=frozenset({"type"})),
    "output": Spec({"precondition": (0, CONDITION)}, bare=frozenset({"depends_on"})),
    "module": Spec({}, bare=frozenset({"depends_on"})),
    "locals": ARGUMENTS,
    "terraform": Spec({"backend": (1, ARGUMENTS), "cloud": (0, ARGUMENTS)}),
}


class _Builder:
    def body(self, node: JsonNode, spec: Spec) -> Body:
        if node.kind != "object":
            raise HclSyntaxError("a block's body must be a JSON object", node.line)
        attributes, blocks = [], []
        for key, key_line, value in node.members:
            if key == COMMENT:
                continue
            nested = spec.blocks.get(key)
            if nested is None:
                attributes.append(self.argument(key, key_line, value, spec))
                continue
            labels, inner = nested
            if key == "dynamic":
                blocks.extend(self.dynamic(key_line, value, spec))
            else:
                blocks.extend(self.blocks(key, key_line, value, labels, inner))
        return Body(tuple(attributes), tuple(blocks))

    def argument(self, name: str, line: int, value: JsonNode, spec: Spec) -> Attribute:
        if name in spec.plain:
            expr = plain(value)
        elif name in spec.bare and value.kind == "array":
            expr = TupleExpr(value.line, tuple(bare_expression(item) for item in value.items))
        elif name in spec.bare:
            expr = bare_expression(value)
        else:
            expr = expression(value)
        return Attribute(line, name, expr, value.end_line)

    def blocks(self, block_type: str, line: int, node: JsonNode, labels: int, spec, prefix: tuple = ()) -> list:
        """One block per body: a label level is an object keyed by label;
        the body an object, or an array of objects for several blocks."""
        if node.kind == "array":  # several blocks (or label objects) of one type
            return [block for item in node.items for block in self.blocks(block_type, line, item, labels, spec, prefix)]
        if labels == 0:
            return [Block(line, block_type, prefix, self.body(node, spec), node.end_line)]
        if node.kind != "object":
            raise HclSyntaxError(f'"{block_type}" needs an object keyed by its label', node.line)
        found = []
        for label, label_line, value in node.members:
            if label == COMMENT:
                continue
            if block_type in ("resource", "data") and labels == 1:
                spec = resource_spec(prefix[0], "managed" if block_type == "resource" else "data")
            found.extend(self.blocks(block_type, label_line, value, labels - 1, spec, (*prefix, label)))
        return found

    def dynamic(self, line: int, node: JsonNode, spec: Spec) -> list:
        if node.kind != "object":
            raise HclSyntaxError('"dynamic" needs an object keyed by the block type', node.line)
        found = []
        for block_type, label_line, value in node.members:
            if block_type == COMMENT:
                continue
            content = spec.blocks.get(block_type, (0, ARGUMENTS))[1] or ARGUMENTS
            dynamic_spec = Spec({"content": (0, content)}, bare=frozenset({"iterator"}))
            found.extend(self.blocks("dynamic", label_line, value, 0, dynamic_spec, (block_type,)))
        return found

    def top(self, node: JsonNode) -> Body:
        if node.kind != "object":
            raise HclSyntaxError("a Terraform JSON file must hold one JSON object", node.line)
        attributes: list = []
        blocks: list = []
        for block_type, line, value in node.members:
            if block_type == COMMENT:
                continue
            labels = LABELS.get(block_type, 0)
            spec = TOP_LEVEL.get(block_type, ARGUMENTS)
            blocks.extend(self.blocks(block_type, line, value, labels, spec))
        return Body(tuple(attributes), tuple(blocks))


def parse_tf_json(text: str) -> Body:
    """A .tf.json file's text -> Body. Raises HclSyntaxError."""
    return _Builder().top(read_json(text))


def parse_tf_json_cached(text: str, use_cache: bool = True) -> tuple[Body, bool]:
    """(Body, whether it came from the parse cache)."""
    return cached_syntax("tf.json-1", text, lambda: parse_tf_json(text), Body, use_cache)
