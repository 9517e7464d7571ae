"""The ``json`` of ``aws_iam_policy_document`` data sources read from checkov's graph.

Terraform computes a policy document data source's ``json`` at plan time;
checkov leaves it as the text ``data.aws_iam_policy_document.x.json``. The
builders judge a document without ``json`` by its statement blocks, which
is all when it merges nothing; a document that merges others
(``source_json``, ``source_policy_documents``, ``override_policy_documents``,
``override_json``) needs them merged as the AWS provider merges them
(IAMPolicyDoc.Merge: a statement with the ``Sid`` of one already there
replaces it, any other is appended; sources first, then the document's own
statements, then the overrides). Only what the builders read is rendered:
each statement's Sid, Effect, Action and NotAction, Resource and NotResource.
A part that is not known (a block, a document not in the configuration)
leaves ``json`` unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from ecs_guard.inputs.terraform.build.links import join
from ecs_guard.inputs.terraform.build.records import PlanResource

KIND = "data.aws_iam_policy_document"
_REFERENCE = re.compile(r"^(data\.aws_iam_policy_document\.[\w-]+)\.json$")
_FIELDS = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)
_MAX_DEPTH = 32


def render_policy_documents(records: Sequence[PlanResource]) -> None:
    """Set ``json`` on every policy document whose parts are all known."""
    documents = {record.address: record for record in records if record.kind == KIND}
    rendered: dict[str, list[dict] | None] = {}
    for document in documents.values():
        if document.unknown.get("json") and _merges(document):
            statements = _statements(document, documents, rendered, 0)
            if statements is not None:
                document.values["json"] = json.dumps({"Version": "2012-10-17", "Statement": statements})
                document.unknown.pop("json", None)


def _merges(document: PlanResource) -> bool:
    expressions = document.expressions or {}
    return any(name in expressions for name in _SOURCES + _OVERRIDES)


_SOURCES = ("source_json", "source_policy_documents")
_OVERRIDES = ("override_policy_documents", "override_json")


def _statements(
    document: PlanResource, documents: dict[str, PlanResource], rendered: dict[str, list[dict] | None], depth: int
) -> list[dict] | None:
    if document.address in rendered:
        return rendered[document.address]
    rendered[document.address] = None  # a cycle, or too deep: not known
    if depth > _MAX_DEPTH:
        return None
    merged: list[dict] = []
    for part in (*_SOURCES, "statement", *_OVERRIDES):
        parts = _own(document) if part == "statement" else _merged(document, part, documents, rendered, depth)
        if parts is None:
            return None
        for statements in parts:
            _merge(merged, statements)
    rendered[document.address] = merged
    return merged


def _own(document: PlanResource) -> list[list[dict]] | None:
    """The document's statement blocks as JSON statements."""
    if document.is_unknown(("statement",)):
        return None
    blocks = document.values.get("statement") or []
    statements = []
    for block in blocks:
        if not isinstance(block, dict):
            return None
        statement: dict[str, Any] = {}
        for name, key in _FIELDS:
            value = block.get(name)
            if value not in (None, "", []):
                statement[key] = value
        statement.setdefault("Effect", "Allow")
        statements.append(statement)
    return [statements]


def _merged(
    document: PlanResource,
    name: str,
    documents: dict[str, PlanResource],
    rendered: dict[str, list[dict] | None],
    depth: int,
) -> list[list[dict]] | None:
    """The statements of each document attribute `name` merges in."""
    if name not in (document.expressions or {}):
        return []
    if not document.is_unknown((name,)):
        value = document.values.get(name)
        texts = value if isinstance(value, list) else [value]
        try:
            return [_parsed(text) for text in texts if text not in (None, "")]
        except ValueError:  # not JSON: Terraform would fail; not known here
            return None
    value = document.values.get(name)
    references = (document.expressions or {}).get(name, [])
    count = len(value) if isinstance(value, list) else 1
    if (isinstance(value, list) and any(item is not None for item in value)) or len(references) != count:
        return None  # partly known, or not one reference per document: which order is not known
    parts = []
    for reference in references:
        match = _REFERENCE.match(reference)
        other = documents.get(join(document.module, match.group(1))) if match else None
        if other is None:
            return None
        statements = _statements(other, documents, rendered, depth + 1)
        if statements is None:
            return None
        parts.append(statements)
    return parts


def _parsed(text: Any) -> list[dict]:
    """The statements of a document given as JSON text (or, as checkov evaluates jsonencode, as data)."""
    data = json.loads(text) if isinstance(text, str) else text
    raw = data.get("Statement", []) if isinstance(data, dict) else []
    raw = [raw] if isinstance(raw, dict) else raw
    return [s for s in raw if isinstance(s, dict)] if isinstance(raw, list) else []


def _merge(merged: list[dict], statements: list[dict]) -> None:
    for statement in statements:
        sid = statement.get("Sid")
        same = next((i for i, old in enumerate(merged) if sid and old.get("Sid") == sid), None)
        if same is None:
            merged.append(statement)
        else:
            merged[same] = statement
