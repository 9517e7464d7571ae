"""EG602 privileged-container."""

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG602",
    name="privileged-container",
    severity=Severity.HIGH,
    target=Container,
    peers={
        "Security Hub": "ECS.4",
        "Prowler": "ecs_task_definitions_no_privileged_containers",
        "checkov": "CKV_AWS_334 (broken: reads a `privilege` key)",
    },
)
def privileged_container(c: Container):
    """## What it does
    Flags a container that runs with `privileged = true`.

    ## Why is this bad?
    A privileged container gets every Linux capability and access to the
    host's devices: a compromise of the container is a compromise of the
    host and of every other task on it. Fargate rejects it; on EC2 it works,
    silently.

    ## Example
    ```json
    {"name": "web", "image": "nginx:1.27", "privileged": true}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "nginx:1.27", "linuxParameters": {"capabilities": {"add": ["NET_ADMIN"]}}}
    ```
    Grant the single capability the process needs instead.

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-4
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
    """
    if not c.privileged.known:
        yield c.privileged.not_evaluated()
    elif c.privileged.value is True:
        yield c.privileged.finding(f"container '{c.name.value}' runs privileged")
