"""EG501 plaintext-secret-in-environment."""

from __future__ import annotations

from ecs_guard.model import Container
from ecs_guard.redact import redact
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._secrets import secret_reason


@rule(
    id="EG501",
    name="plaintext-secret-in-environment",
    severity=Severity.CRITICAL,
    target=Container,
    peers={
        "Security Hub": "ECS.8",
        "Trivy": "AVD-AWS-0036",
        "Prowler": "ecs_task_definitions_no_environment_secrets",
        "checkov": "CKV_SECRET_*",
    },
)
def plaintext_secret_in_environment(c: Container):
    """## What it does
    Flags a container `environment` entry that holds a literal secret. That
    is a secret-like name (PASSWORD, PASSWD, SECRET, TOKEN, API_KEY,
    PRIVATE_KEY, ACCESS_KEY, CREDENTIAL, and always AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA) with a non-empty value that
    can be a secret, or a value in a known secret format whatever its name:
    an AWS access key id, a private key block, a GitHub / Slack / Stripe
    token, a JWT, or a URL or connection string with an embedded password
    (`scheme://user:password@host`, `jdbc:...?user=app&password=...`,
    `?password=` / `pwd=` / `token=` / `api_key=` / `access_token=` query
    values, `Server=db;Password=...;` connection strings).

    ## Why is this bad?
    Environment values are plain text in the task definition: anyone with
    `ecs:DescribeTaskDefinition` (a read-only permission most roles have)
    can read them, every revision keeps them forever, and they end up in
    Terraform state, CloudFormation templates, CI logs and crash dumps.
    Rotating the secret means registering a new revision.

    ## Not secrets
    References are not flagged: `secrets`/`valueFrom` entries, ARNs, SSM
    parameter paths, `${...}`, `{{resolve:...}}`, placeholders such as
    `{{DB_PASSWORD}}` or `<password>` (also where a password would be:
    `password=${DB_PASSWORD}`), and variables that have no value in the
    scanned code (set at apply time, by `TF_VAR_...` or a CI secret). A
    literal that reaches `environment` through a variable (its `default`, a
    `.tfvars` value), a local or a module argument is still a literal and
    fires, as the plan of the same code does: the finding is located where
    the literal is written, with the `environment` entry as its related
    location. Nor are values that cannot be
    a secret: boolean-like switches (`yes`, `no`, `true`, `false`, `on`,
    `off`, `0`, `1`: `MYSQL_ALLOW_EMPTY_PASSWORD=yes`), numbers
    (`MAX_TOKENS=4096`), durations (`TOKEN_TTL=15m`), and URLs or paths with
    no credentials in them (`SECRET_FILE=/run/secrets/db`). A name whose last
    word describes the secret rather than holding it is not secret-like:
    `_NAME`, `_ID` (but `AWS_ACCESS_KEY_ID` is), `_ARN`, `_PATH`, `_FILE`,
    `_DIR`, `_URL`, `_URI`, `_ENDPOINT`, `_HOST`, `_PORT`, `_LENGTH`,
    `_SIZE`, `_COUNT`, `_MIN`, `_MAX`, `_TTL`, `_TIMEOUT`, `_EXPIRY`,
    `_ENABLED`, `_TYPE`, `_HEADER`, `_FIELD`, `_PARAM`, `_REGION`,
    `_VERSION`: `SECRET_NAME=prod/db/password` names a secret,
    `PASSWORD_MIN_LENGTH=12` sizes one, `TOKEN_URL=https://auth.example.com/token`
    locates one. A known secret format in the value still fires, whatever
    the name (`SERVICE_AUTH_HEADER=Bearer eyJ...`). Unlike Security Hub ECS.8
    and Trivy, a secret-like name with an empty value or a reference is not a
    finding. Findings show the variable's name and a redacted value, never
    the value. In a CloudFormation template, a `{{resolve:secretsmanager:...}}`
    in `Environment` fires too: CloudFormation resolves it into the task
    definition, where it is readable in clear text (`{{resolve:ssm:...}}` is
    a reference).

    ## Example
    ```hcl
    container_definitions = jsonencode([{
      name  = "api"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.3.0"
      environment = [{ name = "DB_PASSWORD", value = "correct-horse-battery" }]
    }])
    ```

    ```json
    {"name": "api", "environment": [{"name": "DATABASE_URL", "value": "postgres://api:hunter2@db.internal:5432/api"}]}
    ```

    ## Use instead
    ```hcl
    container_definitions = jsonencode([{
      name  = "api"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2.3.0"
      secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    }])
    ```
    Keep the secret in Secrets Manager or SSM Parameter Store and let ECS
    inject it (`secrets` with `valueFrom`); the execution role needs read
    access to exactly that secret. Then rotate the secret that leaked.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-8
    """
    if not c.environment.known:
        yield c.environment.not_evaluated()
        return
    for env in c.environment.value or ():
        value = env.value
        if env.resolved_secret:
            name = str(env.name.value or "?") if env.name.known else "?"
            yield env.name.finding(
                f"environment variable '{name}' is a {{{{resolve:secretsmanager:...}}}} reference: CloudFormation "
                "resolves it into the task definition, where anyone who may describe it reads the secret in clear "
                "text (use Secrets with ValueFrom instead)"
            )
            continue
        if not value.literal:
            continue  # a reference (var.x, Ref) points at the secret, it is not one
        if not value.known:
            yield value.not_evaluated()
            continue
        text = "" if value.value is None else str(value.value)
        name = str(env.name.value or "") if env.name.known else ""  # unknown: judged by the value alone
        reason = secret_reason(name, text)
        if reason:  # located at the value: where it is written, when it came through a variable
            yield value.finding(
                f"environment variable '{name or '?'}' holds a literal secret ({reason}): value {redact(text)}"
            )
        elif not env.name.known:
            yield env.name.not_evaluated()
