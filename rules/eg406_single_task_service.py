"""EG406 single-task-service."""

from __future__ import annotations

from ecs_guard.model import Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._service import is_replica


@rule(id="EG406", name="single-task-service", severity=Severity.LOW, target=Service)
def single_task_service(s: Service):
    """## What it does
    Flags a REPLICA service that runs fewer than 2 tasks.

    That is a desired count below 2 with no Application Auto Scaling target
    that keeps at least 2 (`min_capacity >= 2`).

    A service without `scheduling_strategy` is a REPLICA service (the AWS
    default). A desired count that is not written counts as fewer than 2
    whatever tool deploys it: the Terraform provider's default is 0, and
    CloudFormation starts such a service with 1 task (the ECS API itself
    requires a count for REPLICA services). A desired count written as 0 is
    left to EG405 (desired-count-zero): one finding for one problem.

    Where the input cannot show whether autoscaling exists (a snapshot
    folder without `application-autoscaling describe-scalable-targets`
    output, or whose call was denied), a service with fewer than 2 tasks is
    not evaluated: an autoscaling minimum of 2 would keep it at 2.

    ## Why is this bad?
    One task is a single point of failure. Every deployment, Fargate task
    retirement, host patch or crash takes the service down until a
    replacement starts and passes its health checks, and the scheduler has
    nothing to spread across Availability Zones.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 1
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 2
    }
    ```
    or an `aws_appautoscaling_target` for the service with `min_capacity = 2`.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/availability.html
    - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html#ECS-CreateService-request-desiredCount
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service#desired_count
    """
    strategy = s.scheduling_strategy
    if not strategy.known:
        yield strategy.not_evaluated()
    elif is_replica(strategy.value):
        yield from _too_few_tasks(s)


def _too_few_tasks(s: Service):
    count = s.desired_count
    if count.known and count.value == 0:
        return  # a desired count of 0 is EG405's finding alone: one finding for one problem
    target = s.scalable_target
    minimum = target.value.min_capacity if target.is_set and target.value is not None else None
    if minimum is not None and minimum.is_set and minimum.value is not None and minimum.value >= 2:
        return
    if not count.known:
        yield count.not_evaluated()
        return
    if count.value is not None and count.value >= 2:
        return
    if not target.known:
        yield target.not_evaluated()
    elif minimum is not None and not minimum.known:
        yield minimum.not_evaluated()
    else:
        tasks = (
            "sets no desired count (Terraform then starts 0 tasks, CloudFormation 1)"
            if count.value is None
            else f"has a desired count of {count.value}"
        )
        floor = (
            f"its autoscaling minimum is {minimum.value}"
            if minimum is not None and minimum.is_set
            else "no autoscaling keeps 2 or more tasks"
        )
        yield count.finding(f"the service {tasks} and {floor}")
