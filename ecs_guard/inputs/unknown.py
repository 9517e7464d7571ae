"""The marker for a part of a JSON document that is not known before apply.

Terraform source can know most of a ``jsonencode([...])`` and not all of
it (one environment value is a resource's ARN). The HCL front end keeps
such documents as plain data with ``Unknown(reason)`` where a part is not
known, and jsondocs/ecs.py turns each marker into a Value that is not known. A
module of its own so that jsondocs/ecs.py can recognise the marker without
importing the HCL front end.
"""

from __future__ import annotations


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
