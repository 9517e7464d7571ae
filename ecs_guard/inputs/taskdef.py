"""Task definition JSON as people keep it in repositories.

Three forms carry the same camelCase object: the `register-task-definition
--cli-input-json` input (family + containerDefinitions), the console's JSON
export (the same plus taskDefinitionArn, compatibilities, registeredAt,
status...), and `describe-task-definition` output, which wraps it in
``{"taskDefinition": ...}`` and is read as a snapshot file. All three go
through ``read_task_definition``; the snapshot adapter calls it, because a
task definition file belongs to the estate of the files next to it (that
is where its roles are found).
"""

from __future__ import annotations

from ecs_guard.inputs.jsondocs import ecs as ecs_json
from ecs_guard.inputs.jsondocs.lines import JsonText
from ecs_guard.model import TaskDefinition


def address_of(td: dict) -> str:
    """The task definition's ARN when the file has one, else ``family:<family>``."""
    arn = td.get("taskDefinitionArn")
    if isinstance(arn, str) and arn:
        return arn
    return f"family:{td.get('family')}"


def read_task_definition(td: dict, text: JsonText, path: tuple, resolve_role: ecs_json.ResolveRole) -> TaskDefinition:
    """The TaskDefinition of the object at `path` in `text` (``()`` for a
    task definition file, ``("taskDefinition",)`` for describe-task-definition)."""
    address = address_of(td)
    return ecs_json.task_definition(td, address, text.locator(path, address), resolve_role)
