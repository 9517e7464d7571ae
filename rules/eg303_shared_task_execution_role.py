"""EG303 shared-task-execution-role."""

from __future__ import annotations

import re

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG303",
    name="shared-task-execution-role",
    severity=Severity.MEDIUM,
    target=TaskDefinition,
    peers={"checkov": "CKV_AWS_249"},
)
def shared_task_execution_role(td: TaskDefinition):
    """## What it does
    Flags a task definition whose task role and execution role are the same role.

    Two references are the same role when they name it the same way (the
    same ARN, name or Terraform resource, or the same template placeholder
    twice). When a reference is unresolved (a template placeholder such as
    `${TASK_ROLE}` in a task definition file, a value unknown until apply),
    whether the two are the same role is not known: not evaluated, never a
    pass. Two references to different known roles pass.

    ## Why is this bad?
    The two roles serve different principals. The execution role is used by
    the ECS agent before the application starts (pull the image, write logs,
    read the task's secrets); the task role is handed to the application
    itself. One role for both gives the application every permission the
    agent needs, above all reading the secrets of the task definition, and
    usually of every other task definition that shares the role.

    ## Example
    ```hcl
    resource "aws_ecs_task_definition" "web" {
      family             = "web"
      execution_role_arn = aws_iam_role.ecs.arn
      task_role_arn      = aws_iam_role.ecs.arn
      # ...
    }
    ```

    ```json
    {"family": "web",
     "executionRoleArn": "arn:aws:iam::123456789012:role/ecs",
     "taskRoleArn": "arn:aws:iam::123456789012:role/ecs"}
    ```

    ## Use instead
    ```hcl
    resource "aws_ecs_task_definition" "web" {
      family             = "web"
      execution_role_arn = aws_iam_role.web_execution.arn
      task_role_arn      = aws_iam_role.web_task.arn
      # ...
    }
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
    """
    execution, task = td.execution_role_ref, td.task_role_ref
    if (execution.known and execution.value is None) or (task.known and task.value is None):
        return  # one of the roles is not set: nothing is shared
    unknown = [ref for ref in (execution, task) if not ref.known]
    if unknown:
        yield (
            task.not_evaluated(_both_unresolved(f"task role: {task.reason}", f"execution role: {execution.reason}"))
            if len(unknown) == 2
            else unknown[0].not_evaluated()
        )
        return
    assert execution.value is not None and task.value is not None  # both known, and neither absent (above)
    if same_role(execution.value, task.value):
        # the same text is the same role, even a template placeholder that is not filled in yet
        yield task.finding(f"task role and execution role are the same role '{task.value}'")
    elif placeholder_role(execution.value) or placeholder_role(task.value):
        yield task.not_evaluated(
            _both_unresolved(f"task role '{task.value}'", f"execution role '{execution.value}'")
            if placeholder_role(execution.value) and placeholder_role(task.value)
            else "a role reference is a template placeholder (filled in when the task definition is deployed): "
            f"task role '{task.value}', execution role '{execution.value}'"
        )


def _both_unresolved(task: str, execution: str) -> str:
    return (
        "task role and execution role are both unresolved, so whether they are the same role is not known "
        f"({task}; {execution})"
    )


# ${NAME} (envsubst, ecs-deploy), {{ name }} (Jinja, Go templates), <name>, #{NAME} (Octopus)
_PLACEHOLDER = re.compile(r"\$\{[^{}]*\}|\{\{[^{}]*\}\}|<[^<>\s]+>|#\{[^{}]*\}")


def placeholder_role(ref: str) -> bool:
    """Whether a role reference names its role only through a template
    placeholder (`${TASK_ROLE}`, `{{ exec_role }}`, `<task-role-arn>`,
    `arn:aws:iam::123456789012:role/${ROLE}`), filled in by whatever deploys
    the task definition file: two different ones may be the same role. A
    placeholder elsewhere in an ARN (`arn:aws:iam::${ACCOUNT_ID}:role/app`)
    still names the role."""
    name = ref.split(":role/", 1)[1] if ref.startswith("arn:") and ":role/" in ref else ref
    return _PLACEHOLDER.search(name) is not None


_ROLE_ARN = re.compile(r"^arn:[a-z-]+:iam::\d{12}:role/(?:.*/)?(?P<name>[^/]+)$")


def same_role(first: str, second: str) -> bool:
    """ECS takes a role's ARN or its bare name (`taskRoleArn: "ecs"`):
    `arn:aws:iam::123456789012:role/ecs` and `ecs` are one role."""
    return _role_key(first) == _role_key(second)


def _role_key(ref: str) -> str:
    match = _ROLE_ARN.match(ref)
    return match.group("name") if match else ref
