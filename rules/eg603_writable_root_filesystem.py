"""EG603 writable-root-filesystem."""

from __future__ import annotations

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._platform import is_windows


@rule(
    id="EG603",
    name="writable-root-filesystem",
    severity=Severity.LOW,
    target=Container,
    peers={"Security Hub": "ECS.5", "checkov": "CKV_AWS_336"},
)
def writable_root_filesystem(c: Container):
    """## What it does
    Flags a container that does not set `readonlyRootFilesystem = true`.
    Windows containers are not checked: ECS does not support the setting
    on Windows.

    ## Why is this bad?
    A writable root filesystem lets an attacker who gets code execution
    drop tools, modify the application's code or configuration, or plant a
    persistent backdoor for the life of the task. It also hides state that
    should have been in a volume. With a read-only root, the only writable
    places are the volumes and tmpfs mounts you chose.

    ## Example
    ```hcl
    container_definitions = jsonencode([{
      name  = "web"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"
      readonlyRootFilesystem = false
    }])
    ```

    ```json
    {"name": "web", "image": "nginx:1.27"}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "nginx:1.27", "readonlyRootFilesystem": true,
     "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}]}
    ```
    Mount a volume (or a bind mount of an ephemeral task volume) where the
    process really has to write, such as `/tmp` or a cache directory.

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_storage
    """
    if not c.os_family.known:
        yield c.os_family.not_evaluated(f"operating system not known: {c.os_family.reason}")
        return
    if is_windows(c.os_family.value):
        return  # ECS does not support readonlyRootFilesystem on Windows containers
    readonly = c.readonly_root_filesystem
    if not readonly.known:
        yield readonly.not_evaluated()
    elif readonly.value is None:
        yield readonly.finding(
            f"container '{c.name.value}' does not set readonlyRootFilesystem: its root filesystem is writable"
        )
    elif readonly.value is not True:
        yield readonly.finding(f"container '{c.name.value}' sets readonlyRootFilesystem to false")
