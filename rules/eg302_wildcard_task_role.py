"""EG302 wildcard-task-role."""

from __future__ import annotations

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._iam import wildcard_role_results


@rule(id="EG302", name="wildcard-task-role", severity=Severity.HIGH, target=TaskDefinition, peers={})
def wildcard_task_role(td: TaskDefinition):
    """## What it does
    Flags a task definition whose task role grants wildcard permissions.
    That is an `Allow` of every action (`*`) or of every action of a service
    (`dynamodb:*`), alone or among others, or an `Allow` with `NotAction`, in an
    inline policy, a customer managed policy or an attached AWS managed
    policy. An AWS managed policy is judged by the document AWS publishes,
    from a table shipped with ecs-guard (see docs/iam.md):
    `AmazonS3FullAccess` (`s3:*`) fires and the message names its ARN;
    `AmazonECSTaskExecutionRolePolicy` does not. An AWS managed policy
    newer than the table is not evaluated, with the table's date in the
    reason; a snapshot that holds the policy's document is judged by that
    document.

    ## Why is this bad?
    The task role's credentials are handed to the application inside every
    container of the task: any code execution bug, SSRF to the credentials
    endpoint or malicious dependency gets them. A wildcard makes that bug an
    account compromise instead of access to one table or bucket. The role
    is resolved from the input; a role defined outside the input is
    reported as not evaluated, never as a pass.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "app" {
      statement {
        actions   = ["dynamodb:*"]
        resources = ["*"]
      }
    }
    ```

    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    ```

    ## Use instead
    ```hcl
    data "aws_iam_policy_document" "app" {
      statement {
        actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
        resources = [aws_dynamodb_table.orders.arn]
      }
    }
    ```
    Grant the actions the application calls, on the resources it uses. IAM
    Access Analyzer can generate such a policy from CloudTrail activity.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    """
    yield from wildcard_role_results(td.task_role, "task role")
