"""EG401 missing-health-check."""

from __future__ import annotations

from collections.abc import Iterator

from ecs_guard.model import Container, Service, TargetGroup
from ecs_guard.results import Finding, NotEvaluated, Severity
from ecs_guard.rule import rule


@rule(
    id="EG401",
    name="missing-health-check",
    severity=Severity.MEDIUM,
    target=Service,
    peers={
        "KICS": "d24389b4 ECS Task Definition HealthCheck Missing (CloudFormation only)",
        "checkov": "CKV_AWS_261 (target group; different test, see below)",
    },
)
def missing_health_check(s: Service):
    """## What it does
    Flags a service whose tasks have no health check, or that is attached
    to a target group that turns health checking off.

    At most one finding per service. When a target group turns health
    checking off (`health_check { enabled = false }`), the finding is
    located at that setting of the target group and says so (naming every
    such target group of the service), whether or not a container checks
    health: the load balancer would keep sending requests to unhealthy tasks.

    A service's tasks are health-checked when at least one of its load
    balancer target groups checks health (the default for target groups), or
    at least one essential container defines a `healthCheck` (containers are
    essential unless they say `essential: false`). Target groups or containers
    that the input does not show (defined elsewhere, an API call denied) leave
    the rule not evaluated unless a finding already stands: even when a
    container checks health, an unseen target group may turn its checks off.

    ## Why is this bad?
    Without a health check, ECS only knows whether the process is running. A
    task that hangs, deadlocks or lost its database keeps receiving traffic and
    is never replaced, and a deployment of a broken image "succeeds" because
    nothing reports it unhealthy, so the circuit breaker cannot roll it back.

    The peers test parts of this in isolation: KICS asks every container of
    every CloudFormation task definition for a `HealthCheck`, and checkov
    CKV_AWS_261 asks every HTTP(S) target group for a `health_check` block
    with a `path`, attached or not. ecs-guard judges what the service's tasks
    actually get: a container without `healthCheck` behind a checking target
    group passes, a target group without a `health_check` block still checks
    `/` (the AWS default) and passes, and one with `enabled = false` fails even
    when it has a path.

    ## Example
    ```terraform
    resource "aws_lb_target_group" "web" {
      port        = 8080
      protocol    = "HTTP"
      target_type = "ip"
      vpc_id      = aws_vpc.main.id
      health_check {
        enabled = false
      }
    }
    ```
    and a task definition whose containers define no `healthCheck`.

    ## Use instead
    ```terraform
    resource "aws_lb_target_group" "web" {
      port        = 8080
      protocol    = "HTTP"
      target_type = "ip"
      vpc_id      = aws_vpc.main.id
      health_check {
        path    = "/healthz"
        matcher = "200"
      }
    }
    ```
    or, for a service without a load balancer, a container health check:
    ```json
    {"name": "worker", "image": "worker:3.1", "essential": true,
     "healthCheck": {"command": ["CMD-SHELL", "/app/healthcheck || exit 1"],
                     "interval": 30, "timeout": 5, "retries": 3}}
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_healthcheck
    - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
    """
    target_groups = s.target_groups.value if s.target_groups.known else ()
    disabled = [
        tg for tg in target_groups or () if tg.health_check_enabled.known and tg.health_check_enabled.value is False
    ]
    group_answers = list(_target_group_answers(s))
    answers = group_answers + list(_container_answers(s))
    if disabled:  # one finding for the service, at the target group that turns checks off
        yield _disabled_target_group_finding(disabled, tasks_checked=any(answer is True for answer in answers))
        return
    if any(answer is True for answer in answers):
        # The tasks are checked, but a target group the input cannot see may still turn checks off.
        open_questions = [answer for answer in group_answers if isinstance(answer, NotEvaluated)]
    else:
        open_questions = [answer for answer in answers if isinstance(answer, NotEvaluated)]
        if not open_questions:
            yield s.finding(
                "the service's tasks have no health check: no attached target group checks "
                "health and no essential container defines a healthCheck"
            )
    if open_questions:
        yield open_questions[0]


def _disabled_target_group_finding(disabled: list[TargetGroup], tasks_checked: bool) -> Finding:
    """The service's one EG401 when target groups turn health checking off:
    located at the first of them, naming every one."""
    others = f" (and {', '.join(_name(tg) for tg in disabled[1:])})" if disabled[1:] else ""
    consequence = (
        "the load balancer keeps sending requests to tasks that fail their container health check"
        if tasks_checked
        else "the service's tasks have no health check"
    )
    return disabled[0].health_check_enabled.finding(
        f"target group {_name(disabled[0])}{others} attached to the service has health checking disabled: {consequence}"
    )


def _target_group_answers(s: Service) -> Iterator[bool | NotEvaluated]:
    """For each target group: True when it checks the tasks' health, False
    when it turns checks off, NotEvaluated when the input cannot say."""
    if not s.target_groups.known:
        yield s.target_groups.not_evaluated()
    for tg in s.target_groups.value or ():
        enabled = tg.health_check_enabled
        # Not written means the target group default: health checks on.
        yield enabled.value is not False if enabled.known else enabled.not_evaluated()


def _container_answers(s: Service) -> Iterator[bool | NotEvaluated]:
    """The same for each container of the service's task definition."""
    task_definition = s.task_definition
    if not task_definition.known:
        yield task_definition.not_evaluated()
    elif task_definition.value is None:
        yield task_definition.not_evaluated(
            "the service names no task definition (its task sets carry them), so its containers are not known"
        )
    elif not task_definition.value.containers.known:
        yield task_definition.value.containers.not_evaluated()
    else:
        for container in task_definition.value.containers.value or ():
            yield _container_checks_health(container)


def _container_checks_health(c: Container) -> bool | NotEvaluated:
    """An essential container (essential unless it says false) with a healthCheck."""
    name = c.name.value
    if c.health_check.known and c.health_check.value is not True:
        return False
    if c.essential.known and c.essential.value is False:
        return False
    if not c.health_check.known:
        return c.health_check.not_evaluated(container=name)
    if not c.essential.known:
        return c.essential.not_evaluated(container=name)
    return True


def _name(tg: TargetGroup) -> str:
    arn = tg.arn.value if tg.arn.is_set else None
    return f"'{arn or tg.address}'"
