"""EG403 missing-autoscaling."""

from __future__ import annotations

from ecs_guard.model import ScalableTarget, Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._service import is_replica


@rule(id="EG403", name="missing-autoscaling", severity=Severity.MEDIUM, target=Service)
def missing_autoscaling(s: Service):
    """## What it does
    Flags a REPLICA service whose task count Application Auto Scaling never
    changes.

    That is a service with no scalable target for `ecs:service:DesiredCount`
    (resource id `service/<cluster>/<service>`), or whose target has neither
    a scaling policy nor a scheduled action, or whose target's
    `max_capacity` is not above its `min_capacity`.

    A service without `scheduling_strategy` is a REPLICA service (the AWS
    default); DAEMON services run one task per instance and are not checked.

    ## Why is this bad?
    A fixed task count is sized for one load. A traffic peak then saturates
    every task and the service fails for everyone, and a quiet night pays for
    capacity nobody uses. A scalable target alone does nothing: without a
    policy or a schedule nothing ever changes the count, and with
    `max_capacity <= min_capacity` there is no room to change it.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      cluster         = aws_ecs_cluster.main.id
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 2
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_appautoscaling_target" "web" {
      service_namespace  = "ecs"
      scalable_dimension = "ecs:service:DesiredCount"
      resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.web.name}"
      min_capacity       = 2
      max_capacity       = 10
    }

    resource "aws_appautoscaling_policy" "web_cpu" {
      name               = "web-cpu"
      policy_type        = "TargetTrackingScaling"
      service_namespace  = aws_appautoscaling_target.web.service_namespace
      scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
      resource_id        = aws_appautoscaling_target.web.resource_id
      target_tracking_scaling_policy_configuration {
        target_value = 60
        predefined_metric_specification {
          predefined_metric_type = "ECSServiceAverageCPUUtilization"
        }
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html
    - https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scheduled-scaling.html
    """
    strategy = s.scheduling_strategy
    if not strategy.known:
        yield strategy.not_evaluated()
    elif is_replica(strategy.value):
        if not s.scalable_target.known:
            yield s.scalable_target.not_evaluated()
        elif s.scalable_target.value is None:
            yield s.scalable_target.finding(
                "the service has no Application Auto Scaling target (ecs:service:DesiredCount): "
                "its task count never follows the load"
            )
        else:
            yield from _target_problems(s.scalable_target.value)


def _target_problems(target: ScalableTarget):
    scalers = (target.policies, target.scheduled_actions)
    if any(v.known and v.value for v in scalers):
        idle = False  # one policy or scheduled action is enough
    elif all(v.known for v in scalers):
        idle = True
        yield target.finding(
            "the service's scalable target has no scaling policy and no scheduled action: "
            "nothing ever changes its task count"
        )
    else:
        yield next(v for v in scalers if not v.known).not_evaluated()
        return
    low, high = target.min_capacity, target.max_capacity
    if low.is_set and high.is_set:
        assert low.value is not None and high.value is not None  # is_set
        if high.value <= low.value:
            yield high.finding(
                f"the service's scalable target cannot scale: max_capacity {high.value} "
                f"is not above min_capacity {low.value}"
            )
    elif not idle:  # with a finding already made, an unknown bound adds nothing
        for bound in (low, high):
            if not bound.known:
                yield bound.not_evaluated()
                return
