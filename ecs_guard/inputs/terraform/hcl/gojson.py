"""JSON text exactly as Go's encoding/json writes it.

Terraform's jsonencode(), the AWS provider's policy and container-definition
normalisers and the aws_iam_policy_document data source are all Go; to
produce the same strings a plan holds, we write JSON the way Go does: no
spaces, HTML-significant characters and U+2028/U+2029 escaped as \\u003c
etc., map keys sorted (Go sorts map keys; structs keep field order).
"""

from __future__ import annotations

import json
from typing import Any

_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_escape(text: str) -> str:
    if not any(char in text for char in _GO_ESCAPES):
        return text
    return "".join(_GO_ESCAPES.get(char, char) for char in text)


def compact(data: Any, sort_keys: bool = True) -> str:
    """json.Marshal: compact, keys sorted (Go maps) unless the caller built
    the dicts in a struct's field order."""
    return _go_escape(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False))


def indented(data: Any) -> str:
    """json.MarshalIndent(v, "", "  ") of structs (keys in the given order)."""
    return _go_escape(json.dumps(data, ensure_ascii=False, indent=2, separators=(",", ": "), allow_nan=False))


def struct_fields(members: dict, names) -> dict:
    """json.Unmarshal into a struct: each member goes to the field of the same
    name, else to one whose name matches ignoring case; unknown members are
    dropped; a later member for the same field wins."""
    by_lower = {name.lower(): name for name in names}
    found: dict = {}
    for key, value in members.items():
        name = key if key in names else by_lower.get(key.lower())
        if name is not None:
            found[name] = value
    return found
