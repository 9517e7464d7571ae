"""EG408 container-insights-disabled."""

from ecs_guard.model import Cluster
from ecs_guard.results import Severity
from ecs_guard.rule import rule

ON = ("enabled", "enhanced")


@rule(
    id="EG408",
    name="container-insights-disabled",
    severity=Severity.LOW,
    target=Cluster,
    peers={"Security Hub": "ECS.12", "checkov": "CKV_AWS_65", "Prowler": "ecs_cluster_container_insights_enabled"},
)
def container_insights_disabled(c: Cluster):
    """## What it does
    Flags a cluster that does not turn Container Insights on.

    Its `containerInsights` setting is `disabled` or not written. Both
    `enabled` and `enhanced` (Container Insights with enhanced observability)
    pass.

    A cluster that does not write the setting gets the account's default
    (`aws ecs put-account-setting-default --name containerInsights`), which
    the input does not show; like checkov, ecs-guard flags it, so the
    cluster's own configuration says what it gets.

    ## Why is this bad?
    Without Container Insights there are no per-service and per-task CPU,
    memory, network and storage metrics, and no task and deployment events
    to alarm on: a memory leak, a throttled service or a crash loop is seen
    by users first.

    ## Example
    ```terraform
    resource "aws_ecs_cluster" "main" {
      name = "main"
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_cluster" "main" {
      name = "main"
      setting {
        name  = "containerInsights"
        value = "enhanced"
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-12
    - https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html
    """
    insights = c.container_insights
    if not insights.known:
        yield insights.not_evaluated()
    elif insights.value is None:
        yield insights.finding("the cluster does not enable Container Insights (containerInsights is not set)")
    elif insights.value.lower() not in ON:
        yield insights.finding(f"the cluster sets containerInsights to '{insights.value}'")
