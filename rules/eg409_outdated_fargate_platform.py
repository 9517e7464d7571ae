"""EG409 outdated-fargate-platform."""

from __future__ import annotations

import re

from ecs_guard.model import Service, TaskSet
from ecs_guard.results import NotEvaluated, Severity
from ecs_guard.rule import rule
from ecs_guard.rules._platform import is_windows

NEWEST_LINUX = (1, 4, 0)
NEWEST_WINDOWS = (1, 0, 0)
FARGATE_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
_VERSION = re.compile(r"^\d+(\.\d+)*$")


@rule(
    id="EG409",
    name="outdated-fargate-platform",
    severity=Severity.MEDIUM,
    target=(Service, TaskSet),
    peers={
        "Security Hub": "ECS.10",
        "checkov": "CKV_AWS_332 (flags every value but LATEST)",
        "Prowler": "ecs_service_fargate_latest_platform_version",
    },
)
def outdated_fargate_platform(s: Service | TaskSet):
    """## What it does
    Flags a Fargate service or task set that pins a platform version older
    than the newest one: `1.4.0` for Linux, `1.0.0` for Windows.

    `LATEST` and an unset version (which means `LATEST`) pass, and so does the
    newest version pinned. Deliberate difference: checkov CKV_AWS_332 and
    Security Hub ECS.10 (as the ecs-guard catalogue lists them) flag every
    value other than `LATEST`; ecs-guard flags only a version that is behind,
    because a pinned newest version runs the same patched platform revisions
    as `LATEST`, and pinning it keeps a future version from arriving
    unannounced.

    The operating system comes from the task definition's
    `runtimePlatform.operatingSystemFamily` (`WINDOWS_SERVER_*` is Windows,
    anything else or nothing is Linux); it is only needed for `1.0.0`, which
    is current on Windows and outdated on Linux (`1.1.0` to `1.3.0` exist for
    Linux only). Only Fargate
    accepts a platform version, so one is checked unless the service is
    known to run elsewhere (launch type `EC2`/`EXTERNAL`, or a capacity
    provider strategy without `FARGATE`/`FARGATE_SPOT`).

    ## Why is this bad?
    A platform version is the kernel, container runtime and Fargate agent
    the tasks run on. Old Linux versions run Docker instead of containerd and
    miss what later versions brought (EFS volumes, encrypted ephemeral
    storage of 20 GiB and more, ECS Exec, the `SYS_PTRACE` capability), and
    they receive fixes only as long as AWS keeps them alive.

    ## Example
    ```terraform
    resource "aws_ecs_service" "web" {
      name             = "web"
      task_definition  = aws_ecs_task_definition.web.arn
      launch_type      = "FARGATE"
      platform_version = "1.3.0"
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_service" "web" {
      name             = "web"
      task_definition  = aws_ecs_task_definition.web.arn
      launch_type      = "FARGATE"
      platform_version = "LATEST"
    }
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-fargate.html
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10
    - https://docs.aws.amazon.com/config/latest/developerguide/ecs-fargate-latest-platform-version.html
    """
    if _known_not_fargate(s):
        return
    version = s.platform_version
    if not version.known:
        yield version.not_evaluated()
        return
    if version.value is None or version.value.upper() == "LATEST":
        return
    if not _VERSION.match(version.value.strip()):
        yield version.not_evaluated(f"platform version '{version.value}' is not a Fargate version ecs-guard knows")
        return
    parts = [int(part) for part in version.value.strip().split(".")]
    pinned = tuple(parts + [0] * (3 - len(parts)))  # "1.4" is 1.4.0
    if pinned >= NEWEST_LINUX:
        return
    if pinned == NEWEST_WINDOWS:  # 1.1.0 to 1.3.0 exist for Linux only: no need to ask
        os_family = _os_family(s)
        if isinstance(os_family, NotEvaluated):
            yield os_family
            return
        if os_family == "Windows":
            return
    newest = ".".join(map(str, NEWEST_LINUX))
    yield version.finding(
        f"platform version {version.value} is older than the newest Fargate version ({newest} for Linux); use LATEST"
    )


def _known_not_fargate(s: Service | TaskSet) -> bool:
    """True only when the input says the tasks run on EC2 or external instances."""
    if s.launch_type.is_set:
        assert s.launch_type.value is not None  # is_set
        return s.launch_type.value.upper() != "FARGATE"
    providers = s.capacity_providers
    if providers.is_set and providers.value:
        return not any(p.upper() in FARGATE_CAPACITY_PROVIDERS for p in providers.value)
    return False


def _os_family(s: Service | TaskSet) -> str | NotEvaluated:
    """ "Windows" or "Linux" (the default runtime platform)."""
    task_definition = s.task_definition
    if not task_definition.known:
        return task_definition.not_evaluated()
    if task_definition.value is None:
        return task_definition.not_evaluated("no task definition to tell Linux from Windows")
    family = task_definition.value.os_family
    if not family.known:
        return family.not_evaluated()
    return "Windows" if is_windows(family.value) else "Linux"
