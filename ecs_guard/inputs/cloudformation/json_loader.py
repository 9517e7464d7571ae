"""JSON templates: the json module's C decoder, duplicate keys refused,
nesting bounded, lines found on demand (inputs/jsondocs/lines.py).

Floats keep their text (``parse_float=str``) as YAML's do (yaml_loader's
docstring says why): ``"Weight": 1.10`` is "1.10" in both forms. NaN and
Infinity, which JSON does not have, stay text too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ecs_guard.inputs.cloudformation.template import MAX_DEPTH, TemplateError

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]')


class JsonSyntaxError(TemplateError):
    """The text is not JSON at all (it may still be YAML)."""


class _DuplicateKey(Exception):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _DuplicateKey
    return data


def load_json(text: str) -> Any:
    """The data of a JSON text; TemplateError (with its line) if it is not
    valid JSON, has a duplicate key or nests deeper than MAX_DEPTH."""
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as error:
        raise JsonSyntaxError(f"JSON syntax: {error.msg}", error.lineno) from None
    except _DuplicateKey:
        raise _duplicate_key(text) from None
    except RecursionError:  # nested past the interpreter's limit: far past ours
        raise _too_deep(text) from None
    if _deeper_than(data, MAX_DEPTH):
        raise _too_deep(text)
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether any collection in `data` is nested more than `limit` deep."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return True
        for value in container.values() if type(container) is dict else container:
            if type(value) is dict or type(value) is list:
                stack.append((value, depth + 1))
    return False


def _tokens(text: str) -> Any:
    """(token, line) for every string and punctuation of a valid JSON text."""
    line, counted_to = 1, 0
    for match in _TOKEN.finditer(text):
        start = match.start()
        line += text.count("\n", counted_to, start)
        counted_to = start
        yield match.group(), line


def _duplicate_key(text: str) -> TemplateError:
    keys_stack: list[dict[str, int] | None] = []  # per open collection: an object's keys so far, None for an array
    expect_key = False
    for token, line in _tokens(text):
        if token == "{":
            keys_stack.append({})
            expect_key = True
        elif token == "[":
            keys_stack.append(None)
            expect_key = False
        elif token in "}]":
            keys_stack.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(keys_stack) and keys_stack[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key:
            keys = keys_stack[-1]
            assert keys is not None
            key = json.loads(token)
            if key in keys:
                return TemplateError(
                    f"duplicate key {key!r} (first at line {keys[key]}): CloudFormation rejects duplicate keys", line
                )
            keys[key] = line
            expect_key = False
    return TemplateError("duplicate key")  # not reached: the decoder found one


def _too_deep(text: str) -> TemplateError:
    depth = 0
    for token, line in _tokens(text):
        if token in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                return TemplateError(f"collections nested more than {MAX_DEPTH} levels deep", line)
        elif token in "}]":
            depth -= 1
    return TemplateError(f"collections nested more than {MAX_DEPTH} levels deep")
