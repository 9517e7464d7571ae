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
    if execution.value is not None and task.value is not None and same_role(execution.value, task.value):
        # the same text names the same role, even a template placeholder not filled in yet
        yield task.finding(f"task role and execution role are the same role '{task.value}'")
        return
    unresolved = [ref for ref in (execution, task) if not ref.known]
    if len(unresolved) == 2:
        yield task.not_evaluated(
            "task role and execution role are both unresolved, so whether they are the same role is not known: "
            f"task role: {task.reason or 'not known'}; execution role: {execution.reason or 'not known'}"
        )
    elif unresolved:
        yield unresolved[0].not_evaluated()


_ROLE_ARN = re.compile(r"^arn:[a-z-]+:iam::\d{12}:role/(?:.*/)?(?P<name>[^/]+)$")


def same_role(first: str, second: str) -> bool:
    """ECS takes a role's ARN or its bare name (`taskRoleArn: "ecs"`):
    `arn:aws:iam::123456789012:role/ecs` and `ecs` are one role."""
    return _role_key(first) == _role_key(second)


def _role_key(ref: str) -> str:
    match = _ROLE_ARN.match(ref)
    return match.group("name") if match else ref
