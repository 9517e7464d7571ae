"""The marker for a part of a JSON document that is not known before apply.

Terraform source can know most of a ``jsonencode([...])`` and not all of
it (one environment value is a resource's ARN). The HCL front end keeps
such documents as plain data with ``Unknown(reason)`` where a part is not
known, and jsondocs/ecs.py turns each marker into a Value that is not known. A
module of its own so that jsondocs/ecs.py can recognise the marker without
importing the HCL front end.
"""

from __future__ import annotations

from typing import Any


class Unknown:
    """Marks an unknown part in plain Python data. ``tail`` is the known end
    of a string that is not known as a whole (``:latest`` of
    ``"${aws_ecr_repository.app.repository_url}:latest"``), None when its end
    is not known either."""

    __slots__ = ("reason", "tail")

    def __init__(self, reason: str, tail: str | None = None):
        self.reason = reason
        self.tail = tail

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(self.reason)


def first_unknown(data: Any) -> Unknown | None:
    """The first Unknown in plain data (dicts, lists), depth first; None when all of it is known."""
    if data.__class__ is Unknown:
        return data
    items = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for item in items:
        found = first_unknown(item)
        if found is not None:
            return found
    return None


def reason_at(reasons: dict[tuple, str], path: tuple) -> str | None:
    """Why the value at `path` is not known, from `reasons` (path -> why):
    the reason recorded at the path or the nearest part holding it, else
    the first reason recorded inside it; None when there is none."""
    for depth in range(len(path), 0, -1):
        reason = reasons.get(path[:depth])
        if reason is not None:
            return reason
    depth = len(path)
    return next((why for where, why in reasons.items() if where[:depth] == path), None)
