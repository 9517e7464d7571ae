"""JSON and file functions: jsonencode (keeping the encoded tree, so a
container definition keeps its lines), jsondecode, file (templatefile() is the evaluator's own: evaluate.py)."""

from __future__ import annotations

from ecs_guard.inputs.terraform.hcl import gojson
from ecs_guard.inputs.terraform.hcl.functions.registry import FunctionError, structural, unknown_or_none
from ecs_guard.inputs.terraform.hcl.jsondoc import parse_document
from ecs_guard.inputs.terraform.hcl.values import Val


@structural("jsonencode")
def _jsonencode(args, node, scope):
    if len(args) != 1:
        raise FunctionError("takes one argument")
    value = args[0]
    literal, sources = value.wholly_literal, value.all_sources()
    missing = value.first_unknown()
    if missing is not None:
        return Val(
            None,
            scope.file,
            node.line,
            known=False,
            reason=missing.reason,
            literal=literal,
            sources=sources,
            document=value,
        )
    return Val(
        gojson.compact(value.to_python()), scope.file, node.line, literal=literal, sources=sources, document=value
    )


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
