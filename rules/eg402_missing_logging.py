"""EG402 missing-logging."""

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG402",
    name="missing-logging",
    severity=Severity.MEDIUM,
    target=Container,
    peers={
        "Security Hub": "ECS.9",
        "Prowler": "ecs_task_definitions_logging_enabled",
        "AWS Config": "ecs-task-definition-log-configuration",
    },
)
def missing_logging(c: Container):
    """## What it does
    Flags a container that has no `logConfiguration`, or whose log driver is
    `none`.

    ## Why is this bad?
    Without a log driver, what the container writes to stdout and stderr is
    lost when the task stops: there is nothing to investigate an incident,
    a crash loop or an intrusion with. On Fargate the output is not even kept
    on a host you could log in to.

    ## Example
    ```json
    {"name": "web", "image": "nginx:1.27"}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "nginx:1.27",
     "logConfiguration": {"logDriver": "awslogs",
                          "options": {"awslogs-group": "/ecs/web",
                                      "awslogs-region": "eu-west-1",
                                      "awslogs-stream-prefix": "web"}}}
    ```

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-9
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
    """
    driver = c.log_driver
    if not driver.known:
        yield driver.not_evaluated()
    elif driver.value is None:
        yield driver.finding(f"container '{c.name.value}' has no logConfiguration: its output is not kept")
    elif driver.value.lower() == "none":
        yield driver.finding(f"container '{c.name.value}' uses the log driver 'none': its output is discarded")
