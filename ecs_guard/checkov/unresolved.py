"""Values checkov computed from a reference it could not resolve.

checkov renders a reference to another resource's attribute from that
resource's configuration when it can (``aws_ecs_cluster.main.name``), and
notes it in the vertex's ``rendering_breadcrumbs_``. When it cannot
(``aws_ecr_repository.app.repository_url``, known after apply), the text of
the reference stays, and an expression around it is evaluated with that text
for its value: ``length(aws_ecr_repository.app.repository_url) > 0 ? 2 : 1``
reaches a check as 2. Such a value is unknown to Terraform until apply; here
it is made ``Unknown``, never taken.
"""

from __future__ import annotations

from typing import Any

from ecs_guard.checkov.conf import Document
from ecs_guard.checkov.graph import Vertex, address_of
from ecs_guard.inputs.unknown import Unknown, first_unknown

_MAX_DEPTH = 64


def computed_from_text(vertex: Vertex, by_index: dict[int, Vertex]) -> list[tuple[tuple[str, ...], str]]:
    """Attributes checkov computed from a reference it could not resolve.
    An attribute that refers to another resource (an edge) either keeps the
    reference's text (conf.py makes it unknown) or was rendered from that
    resource's configuration, which checkov notes in the vertex's
    ``rendering_breadcrumbs_``. Neither: checkov evaluated the expression
    with the reference's text for its value
    (``length(aws_ecr_repository.app.repository_url) > 0 ? 2 : 1`` is 2).
    The same holds for a value that reaches the attribute through a module
    argument, a local or a module output computed that way."""
    found = []
    for label, _ in vertex.edges:
        steps = _names(label)
        if not label.startswith("[") and steps:
            target = _unexplained(vertex, label, by_index, set())
            if target is not None:
                found.append((steps, target))
    return found


def _unexplained(vertex: Vertex, label: str, by_index: dict[int, Vertex], seen: set[int]) -> str | None:
    """The resource whose unresolved reference the value of `label` of
    `vertex` was computed from, if any (through variables, locals, outputs)."""
    if vertex.index in seen or len(seen) > _MAX_DEPTH:
        return None
    seen.add(vertex.index)
    crumbs = vertex.attributes.get("rendering_breadcrumbs_")
    explained = {_names(crumb) for crumb in crumbs} if isinstance(crumbs, dict) else set()
    steps = _names(label)
    for edge, target in vertex.edges:
        other = by_index.get(target)
        if edge.startswith("[") or other is None or _names(edge) != steps:
            continue
        if other.block_type in ("resource", "data"):
            if steps not in explained:
                return address_of(other)
            continue
        name = other.address.rsplit(".", 1)[-1]
        if other.block_type == "variable":  # its value: the module call's argument (a root variable's is no resource's)
            for default, call in other.edges:
                module = by_index.get(call)
                if default == "default" and module is not None and module.block_type == "module":
                    found = _unexplained(module, name, by_index, seen)
                    if found is not None:
                        return found
        elif other.block_type in ("locals", "output"):
            found = _unexplained(other, name if other.block_type == "locals" else "value", by_index, seen)
            if found is not None:
                return found
    return None


def _names(label: str) -> tuple[str, ...]:
    return tuple(step for step in label.split(".") if step and not step.isdigit())


def forget(values: dict[str, Any], steps: tuple[str, ...], reason: str) -> None:
    """The known value at `steps` (through every block on the way) made unknown."""
    node: Any = values
    for position, step in enumerate(steps):
        if isinstance(node, list):
            for item in node:
                forget(item, steps[position:], reason) if isinstance(item, dict) else None
            return
        if not isinstance(node, dict) or step not in node:
            return
        if position == len(steps) - 1:
            if first_unknown(_data(node[step])) is None:
                node[step] = Unknown(reason)
            return
        node = node[step]


def _data(value: Any) -> Any:
    return value.data if isinstance(value, Document) else value
