"""Suppressions written in a resource's ``Metadata``, for templates that
cannot hold comments (JSON) or are generated (the CDK writes a construct's
metadata into its resource)::

    "Metadata": {"ecs-guard": {"ignore": [{"rule": "EG201", "reason": "pinned by the build"}]}}

Each entry is read as an ``ecs-guard:ignore`` comment on the resource's
logical ID line (ecs_guard/suppress.py): it covers every finding of those
rules in the resource, it is shown as an ``inSource`` suppression located at
the entry, and an entry without a rule or a reason is a notice, as a comment
would be. ``rule`` is an ID or a prefix (``EG2``), or several separated by
commas, or a list of them.
"""

from __future__ import annotations

import re
from typing import Any

from ecs_guard.inputs.cloudformation.template import Template
from ecs_guard.suppress import Comment

KEY = "ecs-guard"
_CODE = re.compile(r"EG\d+\Z", re.IGNORECASE)


def metadata_ignores(template: Template) -> list[Comment]:
    """The ``Metadata: {ecs-guard: {ignore: [...]}}`` entries of every resource."""
    resources = template.data.get("Resources")
    if not isinstance(resources, dict):
        return []
    comments: list[Comment] = []
    for logical_id, resource in resources.items():
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        block = metadata.get(KEY) if isinstance(metadata, dict) else None
        if block is None:
            continue
        base = ("Resources", logical_id, "Metadata", KEY)
        target = template.line_of(("Resources", logical_id))
        entries = block.get("ignore") if isinstance(block, dict) else None
        if not isinstance(entries, list):  # a notice: names no rule
            comments.append(Comment(template.display, template.line_of(base), target, (), ""))
            continue
        for index, entry in enumerate(entries):
            line = template.line_of((*base, "ignore", index))
            codes, reason = _entry(entry)
            comments.append(Comment(template.display, line, target, codes, reason))
    return comments


def _entry(entry: Any) -> tuple[tuple[str, ...], str]:
    """(rule codes, reason) of one ignore entry; no codes when it names none."""
    if not isinstance(entry, dict):
        return (), ""
    rule = entry.get("rule")
    written = rule if isinstance(rule, list) else str(rule).split(",") if isinstance(rule, str) else []
    codes = tuple(str(code).strip().upper() for code in written)
    if not codes or not all(_CODE.match(code) for code in codes):
        codes = ()
    reason = entry.get("reason")
    return codes, reason.strip() if isinstance(reason, str) else ""
