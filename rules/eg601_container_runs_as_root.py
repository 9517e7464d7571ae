"""EG601 container-runs-as-root."""

from __future__ import annotations

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._platform import is_windows

ROOT_USERS = ("root", "0")


@rule(
    id="EG601",
    name="container-runs-as-root",
    severity=Severity.MEDIUM,
    target=Container,
    peers={"AWS Config": "ecs-task-definition-linux-user-non-root", "Security Hub": "ECS.20"},
)
def container_runs_as_root(c: Container):
    """## What it does
    Flags a Linux container that sets no `user`, or runs as `root` / `0`
    (`0:0`, `root:root`, any group).

    ## Why is this bad?
    Without `user`, the process runs as whatever the image's `USER` says,
    which for most images is root. Root inside the container is root on the
    host's kernel: together with a kernel bug, a mounted host path, a
    privileged flag or an added capability, a container escape gives root
    on the instance and access to every other task on it. Running as an
    unprivileged user closes most of those paths. Windows containers
    (`runtimePlatform.operatingSystemFamily` WINDOWS_*) are not checked;
    no runtime platform means Linux.

    ## Example
    ```hcl
    container_definitions = jsonencode([{
      name  = "web"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"
      user  = "root"
    }])
    ```

    ```json
    {"name": "web", "image": "nginx:1.27"}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "nginxinc/nginx-unprivileged:1.27", "user": "101:101"}
    ```
    Use a numeric UID (and GID) that exists in the image and owns only what
    the process must write.

    ## References
    - https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-linux-user-non-root.html
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security
    """
    user = c.user
    if user.known and user.value and not runs_as_root(user.value):
        return  # a non-root user is safe on any OS
    os_family = c.os_family
    if not os_family.known:
        yield os_family.not_evaluated(f"operating system not known: {os_family.reason}")
        return
    if is_windows(os_family.value):
        return
    if not user.known:
        yield user.not_evaluated()
    elif not user.value:
        yield user.finding(f"container '{c.name.value}' sets no user, so it runs as the image's user (root by default)")
    else:
        yield user.finding(f"container '{c.name.value}' runs as root (user '{user.value}')")


def runs_as_root(user: str) -> bool:
    """`root`, `0`, or either with any group (`0:0`, `root:root`, `0:1000`)."""
    return user.strip().split(":", 1)[0].strip().lower() in ROOT_USERS
