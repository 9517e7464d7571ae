"""JSON string attributes as the AWS provider plans them (its StateFuncs).

A plan does not hold what the code wrote for these attributes but the
provider's normalised form:

- container_definitions: see container_definitions.py;
- aws_iam_policy.policy and aws_iam_role.assume_role_policy:
  NormalizeJsonString (compact, keys sorted);
- aws_iam_role_policy.policy and aws_iam_role's inline_policy.policy:
  LegacyPolicyNormalize (the same, then "Version":"2012-10-17" moved first).

Each keeps the parsed document (Val.document) so its elements keep their
lines; the string is known when every part of the document is.
"""

from __future__ import annotations

import re

from ecs_guard.inputs.terraform.hcl import gojson
from ecs_guard.inputs.terraform.hcl.jsondoc import parse_document
from ecs_guard.inputs.terraform.hcl.values import Val
from ecs_guard.inputs.terraform.provider import container_definitions


class InvalidJsonAttribute(Exception):
    """The plan would fail on this attribute (the message says why); `file` and
    `line`, when known, are where in the JSON text the problem is."""

    def __init__(self, message: str, file: str = "", line: int = 0):
        super().__init__(message)
        self.file = file
        self.line = line


def _policy(data) -> str:
    return gojson.compact(data)


_VERSION_FIRST = re.compile(r'(?s)^(\{\n?)(.*?)(,\s*)?(  )?("Version":\s*"2012-10-17")(,)?(\n)?(.*?)(\})')


def _legacy_policy(data) -> str:
    text = gojson.compact(data)
    return _VERSION_FIRST.sub(lambda m: "".join(m.group(i) or "" for i in (1, 4, 5, 3, 2, 6, 7, 8, 9)), text, count=1)


def _containers(data) -> str:
    return gojson.compact(data)


# (resource type, attribute path without list indexes) -> (tree normaliser, serializer)
NORMALISERS = {
    ("aws_ecs_task_definition", ("container_definitions",)): (container_definitions.normalise, _containers),
    ("aws_iam_policy", ("policy",)): (None, _policy),
    ("aws_iam_role", ("assume_role_policy",)): (None, _policy),
    ("aws_iam_role_policy", ("policy",)): (None, _legacy_policy),
    ("aws_iam_role", ("inline_policy", "policy")): (None, _legacy_policy),
}


def normalise(resource_type: str, names: tuple, value: Val) -> Val:
    """The planned form of attribute `names` of `resource_type`.
    Raises InvalidJsonAttribute when the plan would fail."""
    entry = NORMALISERS.get((resource_type, names))
    if entry is None or value.is_null:
        return value
    tree_normaliser, serialize = entry
    tree = value.document
    if tree is None:
        if not value.known and value.pieces is None:
            return value
        try:
            tree = parse_document(value)
        except ValueError as error:
            if not value.known:
                return value
            raise InvalidJsonAttribute(
                f"{names[-1]} is not valid JSON: {error}", getattr(error, "file", ""), getattr(error, "line", 0)
            ) from None
    if tree_normaliser is not None:
        try:
            tree = tree_normaliser(tree)
        except container_definitions.InvalidDefinitions as error:
            raise InvalidJsonAttribute(f"{names[-1]} is invalid: {error}") from None
    missing = tree.first_unknown()
    if missing is not None:
        return value.copy(value=None, known=False, reason=value.reason or missing.reason, document=tree)
    return value.copy(value=serialize(tree.to_python()), known=True, reason="", document=tree)
