"""EG604 host-pid-namespace."""

from __future__ import annotations

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG604",
    name="host-pid-namespace",
    severity=Severity.HIGH,
    target=TaskDefinition,
    peers={
        "Security Hub": "ECS.3",
        "Prowler": "ecs_task_definitions_host_namespace_not_shared",
        "checkov": "CKV_AWS_335 (broken: reads a container-level `pidMode`)",
    },
)
def host_pid_namespace(td: TaskDefinition):
    """## What it does
    Flags a task definition that sets `pid_mode = "host"` (`pidMode: "host"`).

    ## Why is this bad?
    The containers then share the instance's process namespace: they see
    every process on the host, including other tasks' processes and their
    command lines and environment, and with enough privileges can signal or
    trace them. It removes one of the main isolation layers between a
    container and its host. `task` (shared between the task's containers)
    or no PID mode are the safe choices.

    ## Example
    ```hcl
    resource "aws_ecs_task_definition" "debug" {
      family                = "debug"
      pid_mode              = "host"
      container_definitions = jsonencode([{ name = "debug", image = "busybox:1.36" }])
    }
    ```

    ```json
    {"family": "debug", "pidMode": "host", "containerDefinitions": [{"name": "debug", "image": "busybox:1.36"}]}
    ```

    ## Use instead
    ```hcl
    resource "aws_ecs_task_definition" "debug" {
      family                = "debug"
      pid_mode              = "task"
      container_definitions = jsonencode([{ name = "debug", image = "busybox:1.36" }])
    }
    ```

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_pidmode
    """
    pid_mode = td.pid_mode
    if not pid_mode.known:
        yield pid_mode.not_evaluated()
    elif str(pid_mode.value).lower() == "host":
        yield pid_mode.finding("the containers share the host's process namespace (pidMode 'host')")
