"""YAML templates: PyYAML's composer (libyaml's when present), our own
construction of the data and its line table.

Why not ``yaml.load`` with constructors for the tags: PyYAML's generic
construction costs more than ours does with the lines included (the
benchmark: benchmarks/bench_cfn_loader.py), and its YAML 1.1 resolvers
read things CloudFormation does not mean. We let the composer build the
node tree (in C when libyaml is there; its nodes carry their marks) and
walk it once, building the data and the line table side by side.

Plain (unquoted) scalars, and why:

- ``true``/``false`` (any case YAML 1.2 allows: ``True``, ``TRUE``) are
  booleans; ``null``, ``~`` and nothing are None.
- Decimal integers written canonically (``0`` or ``-?[1-9][0-9]*``) are ints:
  ``str(int(text)) == text``, so nothing written is lost, and the JSON
  form of the same template gives the same int.
- Everything else stays the text as written: ``yes``/``no``/``on``/``off``
  (YAML 1.1 booleans; CloudFormation templates mean the word),
  ``2010-09-09`` (a YAML 1.1 timestamp; the template format version is a
  string), ``1.10`` (a float would make it 1.1: an image tag, a version, a
  CPU value must keep its text), ``012`` and ``0x1F`` (YAML 1.1 octal and
  hex: a port written 012 is the string CloudFormation passes on, not 10),
  ``1_000``, ``.inf``. CloudFormation converts property values to the
  property's type itself, so a number kept as text loses nothing: the
  model reads numbers from text where a property is numeric. JSON
  templates keep floats as their text too (json_loader), for the same
  reason and so both forms agree.

Keys are always the text as written (``80:`` is the key "80"), as in JSON.

Refused, each a TemplateError at its line: syntax errors; duplicate keys
(CloudFormation rejects the template); merge keys (``<<``, which
CloudFormation does not support); tags other than CloudFormation's short
forms and the plain YAML ones (``!!str``...); keys that are not scalars;
collections nested deeper than MAX_DEPTH; aliases expanding to more than
ALIAS_BUDGET values (a "billion laughs" document). An alias gives the same
object as its anchor (as yaml.load does) and the lines of its inside are
those of the anchor's; the budget bounds what anything walking the data
later would see expanded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from ecs_guard.inputs.cloudformation.template import MAX_DEPTH, Lines, TemplateError

ALIAS_BUDGET = 10_000
"""Values that aliases may add to a document, counted expanded."""

# The tags our resolver gives untagged nodes. Compared by identity: the
# composer hands the object we return straight to the node.
PLAIN = "ecs-guard:plain"  # an unquoted scalar: true/false/null/int or its text
STR = "tag:yaml.org,2002:str"  # a quoted or block scalar, or !!str
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
_YAML_TAG = "tag:yaml.org,2002:"

INTRINSICS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "And",
            "Equals",
            "If",
            "Not",
            "Or",
            "Length",
            "ToJsonString",  # the AWS::LanguageExtensions transform's
        )
    },
}
_SCALAR_ONLY = frozenset({"!Ref", "!Condition"})

_CONSTANTS: dict[str, Any] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "null": None,
    "Null": None,
    "NULL": None,
    "~": None,
    "": None,
}
_NOT_CONSTANT = object()
_INT = re.compile(r"(?:0|-?[1-9][0-9]*)\Z").match
_NUMBER_START = frozenset("-0123456789")
_IN_PROGRESS: Any = object()


def _resolve(self: object, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged node: what a plain scalar means is decided
    while building (Builder), so this costs the composer one call and no
    regular expressions per node (PyYAML's resolver was a tenth of a
    load)."""
    if kind is ScalarNode:
        return PLAIN if implicit[0] else STR
    return MAP if kind is MappingNode else SEQ


def _descend_resolver(self: object, parent: object, index: object) -> None:
    pass


def _ascend_resolver(self: object) -> None:
    pass


class _PythonComposer(Reader, Scanner, Parser, Composer):
    """PyYAML's pure-Python reader, scanner, parser and composer, counting
    nesting as it composes: its composer recurses, so a deep document
    would otherwise end in a RecursionError before we see it."""

    resolve = _resolve
    descend_resolver = _descend_resolver
    ascend_resolver = _ascend_resolver

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        self.depth = 0

    def compose_sequence_node(self, anchor: Any) -> Any:
        return self._nested(Composer.compose_sequence_node, anchor)

    def compose_mapping_node(self, anchor: Any) -> Any:
        return self._nested(Composer.compose_mapping_node, anchor)

    def _nested(self, compose: Any, anchor: Any) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _too_deep(self.peek_event().start_mark.line + 1)
        try:
            return compose(self, anchor)
        finally:
            self.depth -= 1


def _c_composer() -> type | None:
    """libyaml's parser and composer (it refuses nesting past 1000 levels
    itself, and Builder past MAX_DEPTH), or None without libyaml."""
    try:
        from yaml.cyaml import CParser as parser
    except ImportError:  # PyYAML built without libyaml
        return None
    return type(
        "_CComposer",
        (parser,),
        {"resolve": _resolve, "descend_resolver": _descend_resolver, "ascend_resolver": _ascend_resolver},
    )


_C_COMPOSER = _c_composer()


def has_c_loader() -> bool:
    return _C_COMPOSER is not None


def load_yaml(text: str, pure_python: bool = False) -> tuple[Any, int, Lines | None]:
    """(data, line of the root, line table) of a one-document YAML text.
    `pure_python` forces PyYAML's Python composer (tests compare both)."""
    composer_class = _PythonComposer if pure_python or _C_COMPOSER is None else _C_COMPOSER
    composer = None
    try:
        composer = composer_class(text)
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, composer_class is _C_COMPOSER) from None
    except yaml.YAMLError as error:  # no mark: say what we know
        raise TemplateError(f"not valid YAML: {_first_line(str(error))}") from None
    finally:
        dispose = getattr(composer, "dispose", None)
        if dispose is not None:
            dispose()
    if root is None:  # an empty document
        return None, 1, None
    builder = Builder()
    root_line = root.start_mark.line + 1
    if root.__class__ is ScalarNode:
        data, table = builder.scalar(root)
    else:
        data, table = builder.collection(root, 1, root_line)
    return data, root_line, table


class Builder:
    """Builds the data and its line table from a composed node tree.

    The loops over mapping members and sequence items convert untagged
    scalars inline (most values are one): a function call per value was
    the largest cost of construction."""

    __slots__ = ("_aliased", "_built", "_sizes")

    def __init__(self) -> None:
        self._built: dict[Node, tuple[Any, Lines]] = {}  # collections built: an alias is one of them again
        self._aliased = 0
        self._sizes: dict[Node, int] = {}

    def collection(self, node: Any, depth: int, line: int) -> tuple[Any, Lines]:
        """A mapping or sequence (tagged or not): its data and table. `line`:
        where its key or item is, for the problems it raises."""
        built = self._built.get(node)
        if built is not None:
            return self._alias(node, built, line)
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark.line + 1)
        self._built[node] = _IN_PROGRESS
        tag = node.tag
        if tag is MAP or tag is SEQ:
            result = self._mapping(node, depth) if tag is MAP else self._sequence(node, depth)
        elif tag in INTRINSICS:
            result = self._intrinsic(node, depth)
        elif tag == MAP and node.__class__ is MappingNode:  # an explicit !!map
            result = self._mapping(node, depth)
        elif tag == SEQ and node.__class__ is SequenceNode:
            result = self._sequence(node, depth)
        else:
            raise _unknown_tag(node)
        self._built[node] = result
        return result

    def _mapping(self, node: MappingNode, depth: int) -> tuple[dict[str, Any], dict[str, Any]]:
        data: dict[str, Any] = {}
        lines: dict[str, Any] = {}
        depth += 1
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_node.__class__ is not ScalarNode or (key_tag is not PLAIN and key_tag is not STR and key_tag != STR):
                raise _bad_key(key_node)
            key = key_node.value
            line = key_node.start_mark.line + 1
            if value_node.__class__ is ScalarNode:
                tag = value_node.tag
                if tag is PLAIN:
                    value = value_node.value
                    constant = _CONSTANTS.get(value, _NOT_CONSTANT)
                    if constant is not _NOT_CONSTANT:
                        value = constant
                    elif value[0] in _NUMBER_START and _INT(value):
                        value = int(value)
                    data[key] = value
                    lines[key] = line
                elif tag is STR:
                    data[key] = value_node.value
                    lines[key] = line
                else:
                    data[key], table = self.scalar(value_node)
                    lines[key] = line if table is None else (line, table)
            else:
                data[key], table = self.collection(value_node, depth, line)
                lines[key] = (line, table)
        if len(data) != len(node.value):
            raise _duplicate_key(node)
        if "<<" in data:
            _refuse_merge(node)
        return data, lines

    def _sequence(self, node: SequenceNode, depth: int) -> tuple[list[Any], list[Any]]:
        data: list[Any] = []
        lines: list[Any] = []
        append, append_line = data.append, lines.append
        depth += 1
        for item in node.value:
            line = item.start_mark.line + 1
            if item.__class__ is ScalarNode:
                tag = item.tag
                if tag is PLAIN:
                    value = item.value
                    constant = _CONSTANTS.get(value, _NOT_CONSTANT)
                    if constant is not _NOT_CONSTANT:
                        value = constant
                    elif value[0] in _NUMBER_START and _INT(value):
                        value = int(value)
                    append(value)
                    append_line(line)
                elif tag is STR:
                    append(item.value)
                    append_line(line)
                else:
                    value, table = self.scalar(item)
                    append(value)
                    append_line(line if table is None else (line, table))
            else:
                # an alias in a sequence is reported at the sequence (its own position is not kept)
                value, table = self.collection(item, depth, node.start_mark.line + 1)
                append(value)
                append_line((line, table))
        return data, lines

    def scalar(self, node: ScalarNode) -> tuple[Any, Lines | None]:
        """Any scalar: its value, and a table when a tag made it a mapping."""
        tag = node.tag
        value = node.value
        if tag is PLAIN:
            constant = _CONSTANTS.get(value, _NOT_CONSTANT)
            if constant is not _NOT_CONSTANT:
                return constant, None
            return (int(value) if value[0] in _NUMBER_START and _INT(value) else value), None
        if tag is STR or tag == STR:
            return value, None
        if tag in INTRINSICS:
            return self._intrinsic(node, 0)
        if tag.startswith(_YAML_TAG):
            return _core_scalar(node), None
        raise _unknown_tag(node)

    def _intrinsic(self, node: Any, depth: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """``!Name value`` -> ``{"Fn::Name": value}`` (``Ref``, ``Condition``
        without the prefix), its one key at the tag's line."""
        tag = node.tag
        name = INTRINSICS[tag]
        line = node.start_mark.line + 1
        if node.__class__ is ScalarNode:
            if tag == "!GetAtt":
                resource, dot, attribute = node.value.partition(".")
                if not (resource and dot and attribute):
                    raise TemplateError("!GetAtt needs Resource.Attribute (or a list [Resource, Attribute])", line)
                return {name: [resource, attribute]}, {name: (line, [line, line])}
            return {name: node.value}, {name: line}
        if tag in _SCALAR_ONLY:
            raise TemplateError(
                f"{tag} takes a name, not a {'list' if node.__class__ is SequenceNode else 'mapping'}", line
            )
        value: Any
        table: Lines
        if node.__class__ is MappingNode:
            value, table = self._mapping(node, depth)
        else:
            value, table = self._sequence(node, depth)
        return {name: value}, {name: (line, table)}

    def _alias(self, node: Node, built: tuple[Any, Lines], line: int) -> tuple[Any, Lines]:
        if built is _IN_PROGRESS:
            raise TemplateError("an alias refers to a collection that contains it (a recursive YAML alias)", line)
        self._aliased += self._size(node)
        if self._aliased > ALIAS_BUDGET:
            raise TemplateError(f"YAML aliases expand to more than {ALIAS_BUDGET:,} values (an alias bomb?)", line)
        return built

    def _size(self, node: Node) -> int:
        """Values in `node` with aliases expanded (each node counted once,
        so a chain of aliases of aliases costs nothing to measure)."""
        size = self._sizes.get(node)
        if size is None:
            if node.__class__ is MappingNode:
                size = 1 + sum(1 + self._size(value) for _, value in node.value)
            elif node.__class__ is SequenceNode:
                size = 1 + sum(self._size(item) for item in node.value)
            else:
                size = 1
            self._sizes[node] = size
        return size


def _core_scalar(node: ScalarNode) -> Any:
    """An explicitly tagged scalar (``!!str 1.0``, ``!!int 8080``...)."""
    kind = node.tag[len(_YAML_TAG) :]
    value = node.value
    line = node.start_mark.line + 1
    if kind in ("str", "float"):  # floats keep their text (see the module's docstring)
        return value
    if kind == "int":
        if _INT(value.lstrip("+")):
            return int(value)
        raise TemplateError("!!int on a value that is not a decimal integer", line)
    if kind == "bool":
        constant = _CONSTANTS.get(value, _NOT_CONSTANT)
        if isinstance(constant, bool):
            return constant
        raise TemplateError("!!bool on a value that is not true or false", line)
    if kind == "null":
        return None
    raise TemplateError(f"the YAML tag !!{kind} is not supported by CloudFormation", line)


def _too_deep(line: int | None) -> TemplateError:
    return TemplateError(f"collections nested more than {MAX_DEPTH} levels deep", line)


def _unknown_tag(node: Node) -> TemplateError:
    tag = node.tag
    shown = "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag
    if tag.startswith(_YAML_TAG):
        return TemplateError(f"the YAML tag {shown} cannot be used on a {_kind(node)}", node.start_mark.line + 1)
    return TemplateError(
        f"unknown tag {shown}: CloudFormation's are !Ref, !GetAtt, !Sub, !If... (the Fn:: names)",
        node.start_mark.line + 1,
    )


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "mapping"
    return "list" if isinstance(node, SequenceNode) else "scalar"


def _bad_key(key_node: Node) -> TemplateError:
    line = key_node.start_mark.line + 1
    if key_node.__class__ is not ScalarNode:
        return TemplateError(f"a {_kind(key_node)} used as a key: keys must be names", line)
    return TemplateError(f"a key with the tag {key_node.tag}: keys must be plain names", line)


def _duplicate_key(node: MappingNode) -> TemplateError:
    first: dict[str, int] = {}
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 1
        if key_node.value in first:
            return TemplateError(
                f"duplicate key {key_node.value!r} (first at line {first[key_node.value]}): "
                "CloudFormation rejects duplicate keys",
                line,
            )
        first[key_node.value] = line
    return TemplateError("duplicate key", node.start_mark.line + 1)  # not reached: the counts differed


def _refuse_merge(node: MappingNode) -> None:
    for key_node, _ in node.value:
        if key_node.value == "<<" and key_node.tag is PLAIN:
            raise TemplateError(
                "YAML merge keys (<<) are not supported by CloudFormation", key_node.start_mark.line + 1
            )


def _syntax_error(error: yaml.MarkedYAMLError) -> TemplateError:
    """PyYAML's problem (and context), never its snippet of the source:
    the line quoted could hold a secret."""
    mark = error.problem_mark or error.context_mark
    if "maximum nesting depth" in (error.problem or ""):  # libyaml's own bound (1000 levels)
        return _too_deep(mark.line + 1 if mark is not None else None)
    parts = [part for part in (error.context, error.problem) if part]
    message = "; ".join(_first_line(part) for part in parts) or "not valid YAML"
    return TemplateError(f"YAML syntax: {message}", mark.line + 1 if mark is not None else None)


def _reader_error(error: yaml.reader.ReaderError, text: str, c_offsets: bool) -> TemplateError:
    """A character YAML does not allow (a control character: binary data).
    libyaml's position counts UTF-8 bytes, PyYAML's characters."""
    position = error.position
    before = text.encode("utf-8")[:position].decode("utf-8", "replace") if c_offsets else text[:position]
    character = error.character
    shown = (
        f"U+{character:04X}"
        if isinstance(character, int)
        else (
            f"U+{ord(character):04X}" if isinstance(character, str) and len(character) == 1 else "a control character"
        )
    )
    return TemplateError(f"{shown} is not allowed in YAML (a binary file?)", before.count("\n") + 1)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
