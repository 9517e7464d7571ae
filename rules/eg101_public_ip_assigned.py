"""EG101 public-ip-assigned."""

from __future__ import annotations

from ecs_guard.model import Service, TaskSet
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG101",
    name="public-ip-assigned",
    severity=Severity.HIGH,
    target=(Service, TaskSet),
    peers={"Security Hub": "ECS.2 / ECS.16", "checkov": "CKV_AWS_333"},
)
def public_ip_assigned(owner: Service | TaskSet):
    """## What it does
    Flags a service or task set that assigns a public IP address to its tasks.

    ## Why is this bad?
    A task with a public IP is reachable from the internet on every port its
    security group allows, bypassing the load balancer, WAF and private
    subnets that were meant to sit in front of it. It is also usually a
    workaround for a missing NAT gateway or VPC endpoints, which hides the
    real network design. Tasks that only pull images and call AWS APIs do
    not need a public IP: a NAT gateway or VPC endpoints give them egress.

    ## Example
    ```hcl
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      launch_type     = "FARGATE"
      network_configuration {
        subnets          = [aws_subnet.public_a.id]
        assign_public_ip = true
      }
    }
    ```

    ```json
    {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1"], "assignPublicIp": "ENABLED"}}}
    ```

    ## Use instead
    ```hcl
    network_configuration {
      subnets          = [aws_subnet.private_a.id, aws_subnet.private_b.id]
      assign_public_ip = false
    }
    ```
    Run tasks in private subnets, put a load balancer in front of them for
    inbound traffic, and give them egress through a NAT gateway or VPC
    endpoints (ECR, S3, CloudWatch Logs, Secrets Manager).

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-16
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
    """
    assign = owner.assign_public_ip
    if not assign.known:
        yield assign.not_evaluated()
    elif assign.value is True:
        yield assign.finding("tasks get a public IP address, reachable from the internet")
