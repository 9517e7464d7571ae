"""EG407 no-deployment-circuit-breaker."""

from ecs_guard.model import Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(id="EG407", name="no-deployment-circuit-breaker", severity=Severity.LOW, target=Service)
def no_deployment_circuit_breaker(s: Service):
    """## What it does
    Flags a rolling-update service without a deployment circuit breaker that
    rolls back.

    The service uses the ECS deployment controller (the default) and does not
    set both `enable` and `rollback` of `deployment_circuit_breaker`.

    Services deployed by CodeDeploy (blue/green) or an external controller
    roll back through that controller and are not checked.

    ## Why is this bad?
    Without the circuit breaker, a deployment whose tasks never become
    healthy (a bad image, a missing secret, a failing health check) keeps
    launching and stopping tasks for hours, and ECS never marks it failed.
    With `enable` but without `rollback` the deployment is marked failed but
    the service stays on the broken revision; with both, ECS returns to the
    last revision that worked.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 2
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_service" "web" {
      name            = "web"
      task_definition = aws_ecs_task_definition.web.arn
      desired_count   = 2
      deployment_circuit_breaker {
        enable   = true
        rollback = true
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
    - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
    """
    controller = s.deployment_controller
    if not controller.known:
        yield controller.not_evaluated()
        return
    if controller.value not in (None, "ECS"):
        return
    enabled, rollback = s.circuit_breaker_enabled, s.circuit_breaker_rollback
    if enabled.known and enabled.value is not True:
        yield enabled.finding(
            "the service does not enable the deployment circuit breaker: a failing deployment "
            "is never stopped or rolled back"
        )
    elif rollback.known and rollback.value is not True:
        yield rollback.finding(
            "the service's deployment circuit breaker does not roll back: a failed "
            "deployment stays on the broken revision"
        )
    elif not enabled.known:
        yield enabled.not_evaluated()
    elif not rollback.known:
        yield rollback.not_evaluated()
