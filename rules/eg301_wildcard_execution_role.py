"""EG301 wildcard-execution-role."""

from __future__ import annotations

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._iam import wildcard_role_results


@rule(
    id="EG301",
    name="wildcard-execution-role",
    severity=Severity.HIGH,
    target=TaskDefinition,
    peers={"Security Hub": "IAM.1 (generic)"},
)
def wildcard_execution_role(td: TaskDefinition):
    """## What it does
    Flags a task definition whose execution role grants wildcard permissions.
    That is an `Allow` of every action (`*`) or of every action of a service
    (`s3:*`), alone or among others, or an `Allow` with `NotAction`, in an
    inline policy, a customer managed policy or an attached AWS managed
    policy. An AWS managed policy is judged by the document AWS publishes,
    from a table shipped with ecs-guard (see docs/iam.md):
    `AmazonS3FullAccess` (`s3:*`) fires and the message names its ARN;
    `AmazonECSTaskExecutionRolePolicy` does not. An AWS managed policy
    newer than the table is not evaluated, with the table's date in the
    reason; a snapshot that holds the policy's document is judged by that
    document.

    ## Why is this bad?
    The execution role is what the ECS agent uses to pull the image, write
    logs and fetch the task's secrets. It needs a handful of actions on a
    handful of resources (`AmazonECSTaskExecutionRolePolicy` plus reading
    the specific secrets). A wildcard turns a leak of its credentials into
    a leak of the account, and because the execution role is often shared
    between many task definitions the blast radius is large. The role is
    resolved from the input (inline policies, attached policies, policy
    documents); a role defined outside the input is reported as not
    evaluated, never as a pass.

    ## Example
    ```hcl
    resource "aws_iam_role_policy" "exec" {
      role = aws_iam_role.exec.id
      policy = jsonencode({
        Version   = "2012-10-17"
        Statement = [{ Effect = "Allow", Action = ["ecr:*", "logs:*"], Resource = "*" }]
      })
    }
    ```

    ```json
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ```

    ## Use instead
    ```hcl
    resource "aws_iam_role_policy_attachment" "exec" {
      role       = aws_iam_role.exec.name
      policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    }
    ```
    Add `secretsmanager:GetSecretValue` or `ssm:GetParameters` on the exact
    ARNs of the task's secrets when it has any.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
    - https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1
    """
    yield from wildcard_role_results(td.execution_role, "execution role")
