"""A block's configuration as checkov renders it -> the values a plan would hold.

checkov hands a check each attribute wrapped in a list (``'cpu': ['256']``,
``'subnets': [['subnet-a']]``) and each nested block as a list of such
dicts; its own checks read ``conf["cpu"][0]``. Here the wrapping is taken
off the way they do, with the AWS provider's schema telling blocks from
attributes and the types a plan would hold (``cpu = 256`` is planned "256").

What checkov could not evaluate stays in its rendered text: a reference
(``aws_iam_role.exec.arn``, ``var.tag``, ``data.x.y.json``,
``aws_lb_target_group.this[green].arn``), a template with ``${...}`` left
in it, a function call it did not run (``concat(...)``). Each becomes an
``Unknown`` marker (ecs_guard/inputs/unknown.py), so the rules say "not
evaluated", never pass; an image whose known end is literal keeps it as
``tail`` (EG201 judges ``aws_ecr_repository.app.repository_url:latest``).
Reasons name the references only, never the text: a text checkov could not
evaluate may hold a secret.

The reference texts found under each attribute are kept too: they are
what links the resource to others (hcl_records.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ecs_guard.checkov.literals import Literals
from ecs_guard.inputs.terraform.provider.schema import BlockSchema
from ecs_guard.inputs.unknown import Unknown

META_ATTRIBUTES = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"})
# Attributes holding a JSON document, which jsonencode() makes data in checkov's conf.
JSON_ATTRIBUTES: dict[str, set[tuple[str, ...]]] = {
    "aws_ecs_task_definition": {("container_definitions",)},
    "aws_iam_policy": {("policy",)},
    "aws_iam_role": {("assume_role_policy",), ("inline_policy", "policy")},
    "aws_iam_role_policy": {("policy",)},
}

_NAME = r"[A-Za-z_][\w-]*"
_KEY = r"\[[^\]\s]*\]"
_STEPS = rf"(?:\.{_NAME}|{_KEY})*"
# References Terraform allows, as checkov leaves them in a rendered text.
_REFERENCE = re.compile(
    r"(?<![\w.\-/:@$])"
    rf"(?:var\.{_NAME}|local\.{_NAME}|module\.{_NAME}(?:{_KEY})?\.{_NAME}|data\.{_NAME}\.{_NAME}(?:{_KEY})?"
    rf"|each\.(?:key|value)|count\.index|path\.(?:module|root|cwd)|terraform\.workspace"
    rf"|(?P<type>[a-z][a-z0-9]*_[a-z0-9_]+)\.{_NAME}(?:{_KEY})?)"
    rf"{_STEPS}"
)
_TEMPLATE = re.compile(r"(?<!\$)\$\{[^}]*\}?")  # not Terraform's escaped $${, which checkov leaves as written
_FUNCTIONS = (
    "abs|base64decode|base64encode|can|ceil|chomp|cidrhost|cidrsubnet|coalesce|coalescelist|compact|concat|contains"
    "|distinct|element|file|filebase64|flatten|floor|format|formatlist|index|join|jsondecode|jsonencode|keys|length"
    "|lookup|lower|max|merge|min|nonsensitive|one|range|regex|replace|reverse|sensitive|setproduct|slice|sort|split"
    "|substr|templatefile|timestamp|title|tobool|tolist|tomap|tonumber|toset|tostring|trim|trimprefix|trimspace"
    "|trimsuffix|try|upper|urlencode|values|yamldecode|yamlencode|zipmap"
)
_CALL = re.compile(rf"(?<![\w.\-/])(?P<name>{_FUNCTIONS})\(")
_FOR = re.compile(r"[\[{]\s*for\s+\w")
_KEY_COMPARED = re.compile(
    r'\$\{\s*(?P<left>"[^"\\]*"|[\w-]+)\s*(?P<operator>==|!=)\s*(?P<right>"[^"\\]*"|[\w-]+)\s*\}'
)
_ELEMENT = re.compile(r'(?:\$\{)?(?P<kind>var|local)\.(?P<name>[\w-]+)\[("?)(?P<index>[\w-]+)\3\]\}?')
_VARIABLE = re.compile(r"(?:\$\{)?var\.([A-Za-z_][\w-]*)\}?")
# file("${path.module}/containers.json"), as checkov leaves it: read here, relative to the module's folder
_FILE = re.compile(r'(?:\$\{)?file\("\$\{path\.module\}/([^"$]+)"\)\}?')
MAX_FILE = 5 * 1024 * 1024


@dataclass
class Read:
    """One block's values (with Unknown markers where checkov could not
    evaluate) and, by dotted attribute, the reference texts written there."""

    module: str = ""  # the module instance the block is in ('' for the root)
    directory: str = ""  # the folder of its file: path.module
    key: Any = None  # its for_each key (each.key), None for none
    values: dict[str, Any] = field(default_factory=dict)
    references: dict[str, list[str]] = field(default_factory=dict)
    # The Unknown markers (by id) of values taken from other resources'
    # attributes alone: not written literally (EG501 judges literals only).
    from_resources: set[int] = field(default_factory=set)


class ConfReader:
    """Reads blocks of one graph. `types`: the resource types the graph has,
    so that ``random_password.db.result`` is known for a reference while a
    literal that merely looks like one (``my_app.prod.example``) is not;
    `literals`: the strings written in its files (literals.py). checkov
    leaves ``var.x`` as text when the variable's value is null (``default =
    null``, no argument): that one is null, as in Terraform."""

    def __init__(self, types: set[str], literals: Literals, null_variables: set[str], collections: dict[str, Any]):
        self.types = types
        self.literals = literals
        self.null_variables = null_variables  # addresses of variables whose value is null (default = null)
        self.collections = collections  # "var.module.api.x" / "local.x": values checkov rendered

    def block(
        self,
        conf: dict[str, Any],
        schema: BlockSchema | None,
        resource_type: str,
        module: str,
        directory: str,
        key: Any = None,
    ) -> Read:
        read = Read(module, directory, key)
        read.values = self._body(conf, schema, (), resource_type, read, top=True)
        return read

    # ----------------------------------------------------------------- blocks and attributes

    def _body(
        self, conf: dict, schema: BlockSchema | None, path: tuple, resource_type: str, read: Read, top: bool = False
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, raw in conf.items():
            if name.startswith("__") or (top and name in META_ATTRIBUTES):
                continue
            here = (*path, name)
            dotted = _dotted(here)
            read.references.setdefault(dotted, [])
            if name == "dynamic":  # a dynamic block checkov could not expand: which blocks there are is not known
                for block_type in _dynamic_names(raw):
                    read.references.setdefault(_dotted((*path, block_type)), [])
                    result[block_type] = Unknown(f"dynamic {block_type!r} blocks were not expanded by checkov")
                continue
            nested = schema.block(name) if schema is not None else None
            if nested is None and schema is not None and name not in schema.attributes:
                nested = schema.attribute_as_blocks(name)
            if nested is not None or (schema is None and _looks_like_blocks(raw)):
                inner = nested[1] if nested else None
                blocks = raw if isinstance(raw, list) else [raw]
                result[name] = [
                    self._body(b, inner, (*here, i), resource_type, read)
                    if isinstance(b, dict)
                    else self._text(b, read, dotted)
                    for i, b in enumerate(blocks)
                ]
                continue
            value = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
            names = tuple(step for step in here if isinstance(step, str))
            if names in JSON_ATTRIBUTES.get(resource_type, set()):
                result[name] = Document(self._document(value, read, dotted))
            else:
                kind = schema.attribute_type(name) if schema is not None else None
                result[name] = self._value(value, kind, read, dotted)
        return result

    def _document(self, value: Any, read: Read, dotted: str) -> Any:
        """A JSON attribute: data (jsonencode, which checkov evaluates) or a JSON text."""
        if isinstance(value, str) and value.startswith("jsonencode(") and value.endswith(")"):
            value = _literal(value[len("jsonencode(") : -1], value)
        if isinstance(value, str):
            written = _FILE.fullmatch(value)
            if written is not None:  # the file's text is taken as written: file() interpolates nothing
                text = _read_file(written.group(1), read.directory, dotted)
                try:
                    return text if isinstance(text, Unknown) else json.loads(text)
                except ValueError:
                    return text  # not JSON: the builders report it as a problem, as for a plan
            unknown = self._unresolved(value, read, dotted)
            if unknown is not None:
                return unknown
            try:
                parsed = json.loads(value)
            except ValueError:
                return value  # not JSON: the builders report it as a problem, as for a plan
            return self._value(parsed, None, read, dotted, in_map=None)  # JSON text: checkov did not rewrite it
        return self._value(value, None, read, dotted)

    def _value(self, value: Any, kind: Any, read: Read, dotted: str, in_map: bool | None = False) -> Any:
        """`in_map`: inside an HCL object checkov evaluated, where it rewrites
        "=" as ":" (literals.py); None: inside a JSON text, which it does not."""
        if isinstance(value, str):
            variable = _VARIABLE.fullmatch(value)
            if variable is not None and _join(read.module, variable.group(1)) in self.null_variables:
                return None
            compared = _each_key_compared(value, read.key)
            if compared is not None:
                return compared
            element = self._element(value, read)
            if element is not None:
                return _converted(self.literals.restore(element) if ":" in element else element, kind)
            if "${" in value and in_map is not None:
                written = self.literals.escaped(value)  # "$${NAME}" written: a literal "${NAME}"
                if written is not None:
                    return written
            unknown = self._unresolved(value, read, dotted)
            if unknown is not None:
                return unknown
            if isinstance(kind, list) and kind[0] in ("list", "set", "tuple", "map", "object"):
                return Unknown(f"{dotted}: checkov left an expression it could not evaluate")
            if "$${" in value or "%%{" in value:
                value = value.replace("$${", "${").replace("%%{", "%{")  # Terraform's escapes, as written
            if in_map and ":" in value:
                return self.literals.restore(value)
            return _converted(value, kind)
        if isinstance(value, (bool, int, float)):
            return _converted(value, kind)
        if isinstance(value, list):
            element = kind[1] if isinstance(kind, list) and kind[0] in ("list", "set") else None
            return [self._value(item, element, read, dotted, in_map) for item in value]
        if isinstance(value, dict):
            members = kind[1] if isinstance(kind, list) and kind[0] == "object" else {}
            element = kind[1] if isinstance(kind, list) and kind[0] == "map" else None
            inside = None if in_map is None else True
            return {
                key: self._value(item, members.get(key) if members else element, read, dotted, inside)
                for key, item in value.items()
            }
        return value

    def _element(self, text: str, read: Read) -> str | None:
        """The element a whole ``var.x[N]`` / ``local.x["k"]`` text names, when checkov knows the collection."""
        match = _ELEMENT.fullmatch(text)
        if match is None:
            return None
        collection = self.collections.get(f"{match.group('kind')}.{_join(read.module, match.group('name'))}")
        index = match.group("index")
        if isinstance(collection, list) and index.isdigit() and int(index) < len(collection):
            found = collection[int(index)]
        elif isinstance(collection, dict):
            found = collection.get(index)
        else:
            return None
        return found if isinstance(found, str) and not _REFERENCE.search(found) and "${" not in found else None

    def _text(self, value: Any, read: Read, dotted: str) -> Any:
        if isinstance(value, str):
            unknown = self._unresolved(value, read, dotted)
            if unknown is not None:
                return unknown
        return Unknown(f"{dotted}: checkov left a block it could not evaluate")

    # ----------------------------------------------------------------- what checkov could not evaluate

    def _unresolved(self, text: str, read: Read, dotted: str) -> Unknown | None:
        """An Unknown for a text that still holds an expression, else None.
        The reference texts found are noted for `dotted`."""
        ends: list[int] = []
        names: list[str] = []
        from_resources = True  # only references to other resources' attributes: not a literal
        for match in _REFERENCE.finditer(text):
            kind = match.group("type")
            if kind is not None and kind not in self.types and not kind.startswith("aws_"):
                continue  # looks like a reference to a resource type the configuration does not have
            reference = match.group(0)
            from_resources = from_resources and (kind is not None or reference.startswith("data."))
            read.references[dotted].append(reference)
            names.append(reference)
            ends.append(match.end())
        from_resources = from_resources and bool(names)
        for match in _TEMPLATE.finditer(text):
            names.append("a template")
            ends.append(match.end())
        call = _CALL.search(text)
        if call is not None or _FOR.search(text):
            names.append(f"{call.group('name')}()" if call is not None else "a for expression")
            ends.append(len(text))
            from_resources = False
        if not names:
            return None
        tail = text[max(ends) :]
        reason = f"{dotted}: checkov could not evaluate {', '.join(dict.fromkeys(names))}"
        unknown = Unknown(reason, tail=tail or None)
        if from_resources:
            read.from_resources.add(id(unknown))
        return unknown


class Document:
    """Marks a JSON attribute's data until the record writes it as a JSON string."""

    __slots__ = ("data",)

    def __init__(self, data: Any):
        self.data = data


def _each_key_compared(text: str, key: Any) -> bool | None:
    """``each.key == "green"`` as checkov leaves it, with the key put in
    unquoted (``${blue == "green"}``): compared, for the block's own key."""
    if not isinstance(key, str) or "${" not in text:
        return None
    match = _KEY_COMPARED.fullmatch(text)
    if match is None:
        return None
    left, operator, right = match.group("left"), match.group("operator"), match.group("right")
    if left.startswith('"'):
        left, right = right, left
    if left != key or not right.startswith('"'):
        return None
    equal = right[1:-1] == key
    return equal if operator == "==" else not equal


def _join(module: str, name: str) -> str:
    return f"{module}.{name}" if module else name


def _read_file(relative: str, directory: str, dotted: str) -> Any:
    """The text of file("${path.module}/RELATIVE"), which checkov does not read."""
    import os

    path = os.path.normpath(os.path.join(directory, relative))
    try:
        if not directory or os.path.getsize(path) > MAX_FILE:
            return Unknown(f"{dotted}: file() of a file ecs-guard does not read in checkov")
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return Unknown(f"{dotted}: file() of a file that cannot be read")


def _literal(inner: str, text: str) -> Any:
    """The data of a ``jsonencode(...)`` checkov left as text when its
    argument is a plain Python literal (it rendered the object, then failed
    to finish the call): the data, else the text (not known)."""
    import ast

    try:
        data = ast.literal_eval(inner)
    except Exception:  # not a literal (a reference or a call left in it), too deep: not known
        return text
    return data if isinstance(data, (list, dict)) else text


def _dotted(path: tuple) -> str:
    """An attribute path as a plan's configuration names it: network_configuration.subnets."""
    return ".".join(step for step in path if isinstance(step, str))


def _converted(value: Any, kind: Any) -> Any:
    """A known scalar as a plan holds it: the provider converts to the schema's type."""
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
    elif kind == "number" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    elif kind == "bool" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _looks_like_blocks(raw: Any) -> bool:
    """A type without a schema: a block is a dict of wrapped (list) values."""
    return (
        isinstance(raw, list)
        and bool(raw)
        and all(isinstance(b, dict) and b and all(isinstance(v, list) for v in b.values()) for b in raw)
    )


def _dynamic_names(raw: Any) -> list[str]:
    blocks = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            try:
                block = json.loads(block)
            except ValueError:
                continue
        if isinstance(block, dict):
            names.extend(str(name) for name in block)
    return names
