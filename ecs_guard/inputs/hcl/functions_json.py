"""JSON and file functions: jsonencode (keeping the encoded tree, so a
container definition keeps its lines), jsondecode, file, templatefile."""
from __future__ import annotations

from . import gojson
from .evaluate import Scope, evaluate
from .functions import FunctionError, structural, unknown_or_none
from .jsondoc import parse_document
from .values import Val


@structural("jsonencode")
def _jsonencode(args, node, scope):
    if len(args) != 1:
        raise FunctionError("takes one argument")
    value = args[0]
    literal, sources = value.wholly_literal, value.all_sources()
    missing = value.first_unknown()
    if missing is not None:
        return Val(None, scope.file, node.line, known=False, reason=missing.reason, literal=literal,
                   sources=sources, document=value)
    return Val(gojson.compact(value.to_python()), scope.file, node.line, literal=literal,
               sources=sources, document=value)


@structural("jsondecode")
def _jsondecode(args, node, scope):
    (text,) = args
    if text.document is not None:
        return text.document
    if not text.known and text.pieces is None:
        return text.at(scope.file, node.line)
    try:
        return parse_document(text)
    except ValueError as error:
        if not text.known:
            return text.at(scope.file, node.line)
        raise FunctionError(f"not valid JSON ({error})") from None


@structural("file")
def _file(args, node, scope):
    (path,) = args
    unknown = unknown_or_none(node, scope, path)
    if unknown is not None:
        return unknown
    try:
        text, display = scope.context.read_file(str(path.value), scope)
    except OSError as error:
        raise FunctionError(f"cannot read {path.value!r} ({error.strerror or error})") from None
    return Val(text, display, 1, literal=path.literal, origin=(display, 1))


@structural("templatefile")
def _templatefile(args, node, scope):
    path, variables = args
    unknown = unknown_or_none(node, scope, path, variables)
    if unknown is not None:
        return unknown
    if not isinstance(variables.value, dict):
        raise FunctionError("the second argument must be an object of template variables")
    try:
        text, display = scope.context.read_file(str(path.value), scope)
    except OSError as error:
        raise FunctionError(f"cannot read {path.value!r} ({error.strerror or error})") from None
    try:
        template = scope.context.parse_template(text)
    except (OSError, ValueError) as error:
        raise FunctionError(f"{path.value}: {error}") from None
    inner = Scope(_TemplateContext(), display, dict(variables.value))
    return evaluate(template, inner).at(scope.file, node.line)


class _TemplateContext:
    """A template file sees only the variables passed to templatefile()."""

    def reference(self, root, steps, scope, node):
        return None

    def read_file(self, path, scope):
        raise OSError(f"file() inside a template file is not evaluated: {path}")

    def parse_template(self, text):
        raise OSError("templatefile() inside a template file is not evaluated")


