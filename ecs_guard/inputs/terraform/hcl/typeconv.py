"""Terraform's automatic type conversions, on Vals.

Messages never repeat the value that did not convert: it could be a secret.

Used for variable type constraints and for the provider schema: a plan
holds ``cpu = "256"`` for ``cpu = 256`` because the attribute is a string,
``desired_count = 2`` for ``"2"``, and a set's elements sorted. Types are
in Terraform's JSON notation ("string", ["list", "string"],
["object", {"a": "number"}], "dynamic"), which is what the provider schema
uses; variables.py turns ``list(object({...}))`` into it, adding to object
types a third element (the optional attributes) and a fourth (their
defaults, as Vals).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ecs_guard.inputs.terraform.hcl.values import Val, make_set, number

_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")


def number_text(value) -> str:
    """A number as Terraform prints it in a string (no exponent, no .0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def to_string(value: Val) -> Val:
    if not value.known or value.value is None or isinstance(value.value, str):
        return value
    if isinstance(value.value, bool):
        return value.copy(value="true" if value.value else "false")
    if isinstance(value.value, (int, float)):
        return value.copy(value=number_text(value.value))
    return Val.failure(f"a {type_name(value)} cannot be used as a string", value.file, value.line)


def to_number(value: Val) -> Val:
    if not value.known or value.value is None:
        return value
    data = value.value
    if isinstance(data, bool):
        return Val.failure("a bool cannot be used as a number", value.file, value.line)
    if isinstance(data, (int, float)):
        return value
    if isinstance(data, str) and _NUMBER.match(data.strip()):
        try:
            parsed = Decimal(data.strip())
        except InvalidOperation:  # pragma: no cover - the pattern rules it out
            parsed = None
        if parsed is not None:
            return value.copy(value=number(int(parsed) if parsed == parsed.to_integral_value() else float(parsed)))
    return Val.failure(
        "a string that is not a number cannot be used as a number"
        if isinstance(data, str)
        else f"a {type_name(value)} cannot be used as a number",
        value.file,
        value.line,
    )


def to_bool(value: Val) -> Val:
    if not value.known or value.value is None or isinstance(value.value, bool):
        return value
    if value.value in ("true", "false"):
        return value.copy(value=value.value == "true")
    return Val.failure(
        'a string other than "true" or "false" cannot be used as a bool'
        if isinstance(value.value, str)
        else f"a {type_name(value)} cannot be used as a bool",
        value.file,
        value.line,
    )


def convert(value: Val, type_spec) -> Val:
    """`value` converted to `type_spec`; a failure Val when it cannot be.
    Unknown and null values stay as they are (a null of any type is null)."""
    if not value.known or value.value is None or type_spec in ("dynamic", None):
        return value
    if type_spec == "string":
        return to_string(value)
    if type_spec == "number":
        return to_number(value)
    if type_spec == "bool":
        return to_bool(value)
    kind, inner = type_spec[0], type_spec[1]
    if kind in ("list", "set"):
        if not isinstance(value.value, list):
            return Val.failure(f"a {type_name(value)} cannot be used as a {kind}", value.file, value.line)
        items = [convert(item, inner) for item in value.value]
        failed = next((item for item in items if item.error), None)
        if failed is not None:
            return failed
        if kind == "set":  # an unknown set keeps its elements' sources
            made = make_set(items, value.file, value.line, value.literal)
            return made.copy(sources=tuple(dict.fromkeys(value.sources + made.sources)))
        return value.copy(value=items, is_set=False)
    if kind == "tuple":
        if not isinstance(value.value, list) or len(value.value) != len(inner):
            return Val.failure(f"not a tuple of {len(inner)} elements", value.file, value.line)
        items = [convert(item, t) for item, t in zip(value.value, inner, strict=False)]
        failed = next((item for item in items if item.error), None)
        return failed or value.copy(value=items, is_set=False)
    if kind in ("map", "object"):
        if not isinstance(value.value, dict):
            return Val.failure(f"a {type_name(value)} cannot be used as a {kind}", value.file, value.line)
        if kind == "map":
            entries = {key: convert(item, inner) for key, item in value.value.items()}
        else:
            optional = set(type_spec[2]) if len(type_spec) > 2 else set()
            defaults = type_spec[3] if len(type_spec) > 3 else {}
            entries = {}
            for name, attribute_type in inner.items():
                present = name in value.value and not value.value[name].is_null
                if present:
                    entries[name] = convert(value.value[name], attribute_type)
                elif name in defaults:
                    entries[name] = convert(defaults[name].at(value.file, value.line), attribute_type)
                elif name in optional or len(type_spec) <= 2 or name in value.value:
                    entries[name] = Val(None, value.file, value.line, literal=value.literal)
                else:
                    return Val.failure(f'attribute "{name}" is required', value.file, value.line)
        failed = next((item for item in entries.values() if item.error), None)
        return failed or value.copy(value=entries, is_set=False)
    return value


def type_name(value: Val) -> str:
    """Terraform's name for the kind of a known value (for messages)."""
    data = value.value
    if isinstance(data, bool):
        return "bool"
    if isinstance(data, (int, float)):
        return "number"
    if isinstance(data, str):
        return "string"
    if isinstance(data, list):
        return "set" if value.is_set else "list"
    if isinstance(data, dict):
        return "object"
    return "null"
