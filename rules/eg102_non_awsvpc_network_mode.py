"""EG102 non-awsvpc-network-mode."""

from __future__ import annotations

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG102",
    name="non-awsvpc-network-mode",
    severity=Severity.HIGH,
    other_severities=(Severity.LOW,),
    target=TaskDefinition,
    peers={"Security Hub": "ECS.17"},
)
def non_awsvpc_network_mode(td: TaskDefinition):
    """## What it does
    Flags a task definition whose network mode is not `awsvpc`. `host` is
    high severity; `bridge`, `none`, or no network mode on EC2 (which means
    `bridge`) are low.

    ## Why is this bad?
    With `host` networking the containers share the instance's network
    stack: they can bind any port of the host, reach services listening on
    localhost (including the instance metadata endpoint) and cannot have a
    security group of their own. `bridge` (the default on EC2 when no mode
    is written) and `none` are less dangerous but still give up per-task
    security groups and VPC flow logs per task. Only `awsvpc` gives every
    task its own network interface and security group. A Fargate-only task
    definition without a network mode is not flagged: Fargate accepts only
    `awsvpc`.

    ## Example
    ```hcl
    resource "aws_ecs_task_definition" "agent" {
      family                   = "agent"
      requires_compatibilities = ["EC2"]
      network_mode             = "host"
      container_definitions    = jsonencode([{ name = "agent", image = "datadog/agent:7.57.2" }])
    }
    ```

    ```json
    {"family": "agent", "networkMode": "host", "containerDefinitions": [{"name": "agent", "image": "datadog/agent:7.57.2"}]}
    ```

    ## Use instead
    ```hcl
    resource "aws_ecs_task_definition" "agent" {
      family                   = "agent"
      requires_compatibilities = ["EC2"]
      network_mode             = "awsvpc"
      container_definitions    = jsonencode([{ name = "agent", image = "datadog/agent:7.57.2" }])
    }
    ```
    Give the service a `network_configuration` with private subnets and a
    security group that allows only the traffic the task needs.

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-17
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html
    """
    mode = td.network_mode
    if mode.is_set:
        written = str(mode.value).lower()
        if written == "host":
            yield mode.finding("network mode 'host' shares the instance's network stack with the containers")
        elif written != "awsvpc":
            yield mode.finding(f"network mode '{mode.value}' instead of 'awsvpc'", severity=Severity.LOW)
        return
    # No mode written, or not known: Fargate runs only awsvpc, so it matters only off Fargate.
    compatibilities = td.requires_compatibilities
    if not compatibilities.known:
        yield compatibilities.not_evaluated(f"where the tasks run is not known: {compatibilities.reason}")
    elif fargate_only(compatibilities.value or ()):
        return
    elif not mode.known:
        yield mode.not_evaluated()
    else:
        yield mode.finding("no network mode: tasks on EC2 use 'bridge' instead of 'awsvpc'", severity=Severity.LOW)


def fargate_only(compatibilities: tuple[str, ...]) -> bool:
    """Only Fargate, which accepts `awsvpc` alone, so no mode written means awsvpc."""
    return bool(compatibilities) and all(c.upper() == "FARGATE" for c in compatibilities)
