"""EG404 single-az-placement."""

from __future__ import annotations

from ecs_guard.model import Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(id="EG404", name="single-az-placement", severity=Severity.MEDIUM, target=Service)
def single_az_placement(s: Service):
    """## What it does
    Flags a service whose tasks can only run in one Availability Zone.

    It lists a single subnet, or all of its subnets are in the same zone.

    Subnets are resolved to their zone through `aws_subnet` resources in
    Terraform and `ec2 describe-subnets` in snapshots. A service without an
    `awsvpc` network configuration (bridge or host networking on EC2) places
    tasks by its instances, not by subnets, and is not checked. A subnet whose
    zone is not in the input (defined elsewhere, or chosen by AWS at apply
    time) leaves the rule not evaluated, unless the service lists a single
    subnet or two of its subnets are already known to be in different zones.
    A subnet list whose length is not known (`data.aws_subnets.x.ids`, a
    splat over a resource whose `count` is unknown, a variable with no value,
    a string split at apply time) is not evaluated: an unknown list is never
    "a single subnet".

    ## Why is this bad?
    An Availability Zone is a failure domain: a power, network or capacity
    event in it stops every task of the service at once, however many there
    are. The service scheduler spreads tasks across the zones of the listed
    subnets, so with one zone there is nothing to spread across.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 3
      network_configuration {
        subnets = [aws_subnet.private_a.id]
      }
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 3
      network_configuration {
        subnets = [aws_subnet.private_a.id, aws_subnet.private_b.id, aws_subnet.private_c.id]
      }
    }
    ```
    with the subnets in different Availability Zones.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
    - https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/availability.html
    """
    if not s.subnets.known:
        yield s.subnets.not_evaluated()
        return
    subnets = s.subnets.value
    if not subnets:  # None: no awsvpc configuration; empty: AWS rejects it anyway
        return
    ids = [subnet.subnet_id.value for subnet in subnets if subnet.subnet_id.is_set]
    if len(subnets) == 1 or (len(ids) == len(subnets) and len(set(ids)) == 1):
        yield s.subnets.finding("the service lists a single subnet: all its tasks run in one Availability Zone")
        return

    zones = {subnet.availability_zone.value for subnet in subnets if subnet.availability_zone.is_set}
    if len(zones) > 1:
        return
    unresolved = [subnet for subnet in subnets if not subnet.availability_zone.is_set]
    if unresolved:
        zone = unresolved[0].availability_zone
        name = unresolved[0].subnet_id.value or unresolved[0].address
        yield zone.not_evaluated(zone.reason or f"the Availability Zone of subnet '{name}' is not in the input")
    else:
        yield s.subnets.finding(
            f"all {len(subnets)} subnets of the service are in one Availability Zone ({zones.pop()})"
        )
