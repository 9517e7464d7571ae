"""EG702 exec-logging-disabled."""

from __future__ import annotations

from ecs_guard.model import Cluster, Service
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG702",
    name="exec-logging-disabled",
    severity=Severity.LOW,
    target=(Cluster, Service),
    peers={"checkov": "CKV_AWS_223"},
)
def exec_logging_disabled(resource: Cluster | Service):
    """## What it does
    Flags ECS Exec sessions that are not logged.

    That is a cluster whose ECS Exec configuration sets logging to `NONE`,
    and a service that enables ECS Exec (`enable_execute_command = true`) in
    a cluster with no ECS Exec logging configured (no exec configuration, or
    logging `NONE`). Without a configuration ECS falls back to `DEFAULT`,
    which logs a session only when the container uses the `awslogs` driver,
    into the application's own log stream: nothing in the cluster says that
    sessions are recorded, or where.

    `aws ecs describe-clusters` prints a cluster's configuration only with
    `--include CONFIGURATIONS`, and prints none for a cluster without one
    even then. So in a snapshot, a cluster without a `configuration` is not
    evaluated unless the output is known to include configurations: it was
    written by `ecs-guard audit` (which always asks for them), or another
    cluster in the same file has one.

    ## Why is this bad?
    ECS Exec opens an interactive shell in a running container. Without a
    session log, nobody can tell afterwards who ran what inside production
    tasks: an attacker with `ecs:ExecuteCommand`, or an operator fixing data
    by hand, leaves no trace beyond the CloudTrail event that a session was
    opened.

    ## Example
    ```terraform
    resource "aws_ecs_cluster" "main" {
      name = "main"
      configuration {
        execute_command_configuration {
          logging = "NONE"
        }
      }
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_cluster" "main" {
      name = "main"
      configuration {
        execute_command_configuration {
          logging = "OVERRIDE"
          log_configuration {
            cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
            cloud_watch_encryption_enabled = true
          }
        }
      }
    }
    ```
    `DEFAULT` also logs, to the `awslogs` destination of the task
    definition's container.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
    - https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandConfiguration.html
    """
    if isinstance(resource, Service):
        yield from _service_exec_without_logging(resource)
        return
    logging = resource.exec_logging
    if not logging.known:
        yield logging.not_evaluated()
    elif logging.value is not None and logging.value.upper() == "NONE":
        yield logging.finding(
            "the cluster's ECS Exec configuration sets logging to NONE: exec sessions leave no record"
        )


def _service_exec_without_logging(s: Service):
    enabled = s.enable_execute_command
    if not enabled.known:
        yield enabled.not_evaluated()
        return
    if enabled.value is not True:
        return
    if not s.cluster.known:
        yield s.cluster.not_evaluated()
    elif s.cluster.value is None:
        yield s.cluster.not_evaluated("the service runs in the default cluster, which is not in the input")
    elif not s.cluster.value.exec_logging.known:
        yield s.cluster.value.exec_logging.not_evaluated()
    elif s.cluster.value.exec_logging.value is None:
        yield enabled.finding(
            "the service enables ECS Exec in a cluster without an ECS Exec configuration: "
            "sessions are logged only if a container happens to use awslogs"
        )
    elif s.cluster.value.exec_logging.value.upper() == "NONE":
        yield enabled.finding(
            "the service enables ECS Exec in a cluster whose ECS Exec logging is NONE: exec sessions leave no record"
        )
