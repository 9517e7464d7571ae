"""EG405 desired-count-zero."""

from ecs_guard.model import Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._service import is_replica


@rule(
    id="EG405",
    name="desired-count-zero",
    severity=Severity.LOW,
    target=Service,
    peers={"KICS": "91f16d09 ECS Service Without Running Tasks (Terraform)"},
)
def desired_count_zero(s: Service):
    """## What it does
    Flags a REPLICA service whose desired count is 0.

    A service without `scheduling_strategy` is a REPLICA service (the AWS
    default). Only a desired count that is 0 is flagged, not one that is not
    written: what that means depends on the tool (the Terraform provider
    sends 0; CloudFormation starts 1 task and keeps the current count on
    updates), and leaving it out is the recommended form when Application
    Auto Scaling owns the count, which then raises it to its minimum.
    Without autoscaling, EG406 (single-task-service) flags it. A desired
    count of 0 is this rule's alone: EG406 does not flag it as well.

    ## Why is this bad?
    A service that runs no tasks serves nothing: whatever depends on it is
    down, and nothing alarms because ECS sees no failing task. When it is
    parked on purpose, the parked configuration still drifts from what runs
    elsewhere and keeps its load balancer, alarms and permissions alive.
    Scale it with Application Auto Scaling (a scheduled action to 0 at
    night is explicit), or delete it.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 0
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

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html#ECS-CreateService-request-desiredCount
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service#desired_count
    """
    strategy = s.scheduling_strategy
    if not strategy.known:
        yield strategy.not_evaluated()
    elif is_replica(strategy.value):
        if not s.desired_count.known:
            yield s.desired_count.not_evaluated()
        elif s.desired_count.value == 0:
            yield s.desired_count.finding("the service's desired count is 0: it runs no tasks")
