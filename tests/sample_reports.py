"""Reports for the reporter and CLI tests, made by the real engine from
model_factory inventories: every kind of entry a report can hold.

The test-only rules here are Rule objects that are never registered, so
they do not leak into the catalogue (`ecs-guard rules`, docs/rules).
"""

from __future__ import annotations

from model_factory import loc, make_container, make_task_definition

from ecs_guard.engine import Report, run
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import Location
from ecs_guard.model import Inventory, TaskDefinition, Value
from ecs_guard.results import Severity
from ecs_guard.rule import Rule, get_rule

DOC = """## What it does
Flags every task definition, for tests.

## Why is this bad?
It is not; it makes findings on demand.

## Example
```json
{"family": "web"}
```

## Use instead
Nothing.

## References
- https://example.com/
"""


def make_rule(rule_id: str, check, severity: Severity = Severity.LOW, name: str = "test-rule") -> Rule:
    """An unregistered rule over task definitions."""
    return Rule(id=rule_id, name=name, severity=severity, target=TaskDefinition, check=check, doc=DOC)


def _flag_family(td: TaskDefinition):
    yield td.family.finding(f"family '{td.family.value}' is flagged")


def _crash(td: TaskDefinition):
    raise KeyError("boom")


CRASH_LINE = _crash.__code__.co_firstlineno + 1  # where the rule error says it was raised


FLAG_FAMILY = make_rule("EG991", _flag_family, Severity.LOW, "flag-family")
CRASHES = make_rule("EG992", _crash, Severity.MEDIUM, "always-crashes")

UNREADABLE = InputProblem("broken.json", "not valid JSON: Expecting value", 3, "unreadable")
NOT_UNDERSTOOD = InputProblem("notes.json", "not an input ecs-guard knows", None, "not-understood")


def web_task_definition(privileged_line: int = 7) -> TaskDefinition:
    """family:web in web.json: container 'web' privileged, container 'side' not known."""
    address = "family:web"

    def at(line: int) -> Location:
        return loc(line, address, "web.json")

    return make_task_definition(
        address=address,
        location=at(2),
        family=Value("web", at(2)),
        containers=(
            make_container(
                address=address, location=at(4), name=Value("web", at(4)), privileged=Value(True, at(privileged_line))
            ),
            make_container(
                address=address,
                location=at(12),
                name=Value("side", at(12)),
                privileged=Value.unknown("known after apply", at(14)),
            ),
        ),
    )


def sample_inventory(privileged_line: int = 7) -> Inventory:
    return Inventory(
        task_definitions=[web_task_definition(privileged_line)],
        files=["web.json"],
        problems=[UNREADABLE, NOT_UNDERSTOOD],
    )


def sample_report(privileged_line: int = 7) -> Report:
    """One finding each of EG602 (high) and EG991 (low), one not evaluated,
    one rule error, one unreadable and one not-understood input."""
    return run(sample_inventory(privileged_line), [get_rule("EG602"), FLAG_FAMILY, CRASHES])


def clean_report() -> Report:
    """Nothing wrong: a compliant task definition, EG602 only."""
    return run(Inventory(task_definitions=[make_task_definition()], files=["input.json"]), [get_rule("EG602")])
