"""What the snapshot holds in place of a secret.

A task definition's `environment` value that EG501 would flag is written as
``ecs-guard:redacted:<reason>`` (ecs_guard.redact): the saved folder holds
no secret and can be shared, and EG501 reads the marker back with the same
reason, so a rescan reports the same finding at the same line. Only the
value is replaced; names, order and every other key stay as AWS returned
them. The classifier is EG501's own (imported when a snapshot is written,
never at start-up).
"""

from __future__ import annotations

from typing import Any


def redacted_task_definition(answer: dict) -> dict:
    """A describe-task-definition answer with every secret environment value
    replaced by its marker (a copy: `answer` is left as it was)."""
    task_definition = answer.get("taskDefinition")
    if not isinstance(task_definition, dict) or not isinstance(task_definition.get("containerDefinitions"), list):
        return answer
    containers = [_redacted_container(c) for c in task_definition["containerDefinitions"]]
    return {**answer, "taskDefinition": {**task_definition, "containerDefinitions": containers}}


def _redacted_container(container: Any) -> Any:
    if not isinstance(container, dict) or not isinstance(container.get("environment"), list):
        return container
    return {**container, "environment": [_redacted_entry(e) for e in container["environment"]]}


def _redacted_entry(entry: Any) -> Any:
    from ecs_guard.redact import redacted_marker
    from ecs_guard.rules._secrets import secret_reason

    if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
        return entry
    reason = secret_reason(str(entry.get("name") or ""), entry["value"])
    return {**entry, "value": redacted_marker(reason)} if reason else entry
