"""The texts a plan marks sensitive, so that no report prints them.

A plan holds every value in clear, sensitive ones included, and says which
are sensitive beside them: ``sensitive_values`` next to a resource's
``values``, ``after_sensitive`` / ``before_sensitive`` next to a change's
``after`` / ``before``, each the same shape as the value with ``true``
where it is sensitive; a root variable declared ``sensitive = true`` in the
configuration; an output's ``after_sensitive``. The texts found here go to
``Inventory.sensitive`` and are masked like secrets (ecs_guard.sensitive),
as for Terraform source.

Terraform marks a whole attribute when any part of it is sensitive: a
``jsonencode()`` with one ``sensitive()`` inside is one sensitive string. A
plan cannot tell which part was, so every string inside such a JSON string
(container_definitions, a policy) is taken as sensitive, as Terraform hides
the whole attribute in its own output.
"""

from __future__ import annotations

import json
from typing import Any


def marked_texts(value: Any, marks: Any, into: dict[str, None]) -> None:
    """Add to `into` the texts of every part of `value` that `marks` marks
    ``true``. `marks` is a sensitive_values tree; anything else (a missing
    or malformed tree) marks nothing."""
    if marks is True:
        all_texts(value, into)
    elif marks.__class__ is dict:
        if value.__class__ is dict:
            for key, inner in marks.items():
                if inner:  # {} and [] and false: nothing marked below (the common case: skip at once)
                    marked_texts(value.get(key), inner, into)
    elif marks.__class__ is list and value.__class__ is list:
        for inner_value, inner in zip(value, marks, strict=False):  # a malformed tree marks what it covers
            if inner:
                marked_texts(inner_value, inner, into)


def all_texts(value: Any, into: dict[str, None]) -> None:
    """Every string in `value`, and every string in a string that holds JSON."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            into.setdefault(current)
            stack.extend(_json_strings(current))
        elif isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())


def _json_strings(text: str) -> list[Any]:
    """The decoded JSON document of a string that holds an array or an object, else nothing."""
    start = text.lstrip()[:1]
    if start not in ("[", "{"):
        return []
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    return [document] if isinstance(document, (list, dict)) else []
