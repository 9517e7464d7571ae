"""`ecs-guard scan`'s answers for paths, as JSON on stdout: run by the main
environment's Python (where ecs-guard reads Terraform source with
python-hcl2), since checkov's environment cannot import it.

    python tests_checkov/ecs_guard_answers.py PATH...

prints {path: {"failed": [[rule, resource]...], "passed": [...], "unknown": [...],
"secrets": [the literal environment values EG501 flags]}}.
The checkov bridge's tests call it through ECS_GUARD_PYTHON (noxfile.py,
session checkov). Results are compared before sensitive texts are masked
(checkov_run.through_ecs_guard says why).
"""

from __future__ import annotations

import json
import sys
from unittest import mock


def answers(path: str) -> dict[str, list[list[str]]]:
    from ecs_guard.engine import targets
    from ecs_guard.scan import scan

    with mock.patch("ecs_guard.sensitive.redact_sensitive", lambda report, texts: None):
        report = scan([path])
    failed = {(f.rule_id, f.resource) for f in report.findings}
    unknown = {(u.rule_id, u.resource) for u in report.not_evaluated} - failed
    assert report.inventory is not None
    ran = {
        (rule.id, owner.address)
        for rule in report.rules
        for target in rule.targets
        for _, owner in targets(report.inventory, target)
    }
    return {
        "failed": sorted(map(list, failed)),
        "passed": sorted(map(list, ran - failed - unknown)),
        "unknown": sorted(map(list, unknown)),
        "secrets": secrets_of(report),
    }


def secrets_of(report) -> list[str]:
    """The literal values of the environment variables EG501 flags in the report."""
    assert report.inventory is not None
    flagged = {(f.resource, f.container) for f in report.findings if f.rule_id == "EG501"}
    messages = " ".join(f.message for f in report.findings if f.rule_id == "EG501")
    return [
        entry.value.value
        for definition in report.inventory.task_definitions
        for container in definition.containers.value or ()
        if (definition.address, container.name.value) in flagged
        for entry in container.environment.value or ()
        if entry.value.known
        and isinstance(entry.value.value, str)
        and entry.value.value
        and f"'{entry.name.value}'" in messages
    ]


if __name__ == "__main__":
    json.dump({path: answers(path) for path in sys.argv[1:]}, sys.stdout)
