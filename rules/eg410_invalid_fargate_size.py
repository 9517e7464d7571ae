"""EG410 invalid-fargate-size."""

from __future__ import annotations

import re

from ecs_guard.model import TaskDefinition, Value
from ecs_guard.results import Severity
from ecs_guard.rule import rule

GIB = 1024

# CPU units -> the memory sizes (MiB) Fargate accepts with them.
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1 * GIB, 2 * GIB),
    512: tuple(range(1 * GIB, 4 * GIB + 1, GIB)),
    1024: tuple(range(2 * GIB, 8 * GIB + 1, GIB)),
    2048: tuple(range(4 * GIB, 16 * GIB + 1, GIB)),
    4096: tuple(range(8 * GIB, 30 * GIB + 1, GIB)),
    8192: tuple(range(16 * GIB, 60 * GIB + 1, 4 * GIB)),
    16384: tuple(range(32 * GIB, 120 * GIB + 1, 8 * GIB)),
}

WINDOWS_CPU = (1024, 2048, 4096)

# "1024" (CPU units / MiB) or the forms AWS converts on registration: "1 vCPU", "0.5 vcpu", "2 GB", "2GB".
_AMOUNT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>vcpu|gb)?\s*$", re.IGNORECASE)


@rule(
    id="EG410",
    name="invalid-fargate-size",
    severity=Severity.HIGH,
    target=TaskDefinition,
    peers={"KICS": "ECS Task Definition Invalid CPU or Memory (CloudFormation only, outdated table)"},
)
def invalid_fargate_size(td: TaskDefinition):
    """## What it does
    Flags a Fargate task definition whose task-level `cpu` and `memory` are
    not a size Fargate accepts.

    A task definition that requires Fargate must set both, as one of these
    pairs (CPU units: memory):
    - 256 (.25 vCPU): 512 MiB, 1 GB, 2 GB
    - 512 (.5 vCPU): 1 GB to 4 GB in 1 GB steps
    - 1024 (1 vCPU): 2 GB to 8 GB in 1 GB steps
    - 2048 (2 vCPU): 4 GB to 16 GB in 1 GB steps
    - 4096 (4 vCPU): 8 GB to 30 GB in 1 GB steps
    - 8192 (8 vCPU): 16 GB to 60 GB in 4 GB steps
    - 16384 (16 vCPU): 32 GB to 120 GB in 8 GB steps

    Windows containers (`runtimePlatform.operatingSystemFamily` =
    `WINDOWS_SERVER_*`) run only with 1, 2 or 4 vCPU. Values may be written
    as the API stores them (`"1024"`, `"2048"`) or in the forms AWS converts
    on registration (`"1 vCPU"`, `"2 GB"`). The peer KICS query knows only
    the table from before 8 and 16 vCPU existed.

    ## Why is this bad?
    AWS rejects the task definition when it is registered ("Invalid 'cpu'
    setting for task", "No Fargate configuration exists for given values"),
    so the apply or pipeline that carries it fails part-way, with the rest of
    the change already deployed or rolled back, and the fix ships late.
    `terraform plan` and template validation do not catch it.

    ## Example
    ```terraform
    resource "aws_ecs_task_definition" "web" {
      family                   = "web"
      requires_compatibilities = ["FARGATE"]
      network_mode             = "awsvpc"
      cpu                      = "256"
      memory                   = "4096"
      container_definitions    = jsonencode([{ name = "web", image = "nginx:1.27" }])
    }
    ```

    ## Use instead
    ```terraform
    resource "aws_ecs_task_definition" "web" {
      family                   = "web"
      requires_compatibilities = ["FARGATE"]
      network_mode             = "awsvpc"
      cpu                      = "512"
      memory                   = "4096"
      container_definitions    = jsonencode([{ name = "web", image = "nginx:1.27" }])
    }
    ```

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
    """
    compatibilities = td.requires_compatibilities
    if not compatibilities.known:
        yield compatibilities.not_evaluated()
        return
    if "FARGATE" not in {c.upper() for c in compatibilities.value or ()}:
        return
    for size in (td.cpu, td.memory):
        if not size.known:
            yield size.not_evaluated()
            return
    missing = [name for name, size in (("cpu", td.cpu), ("memory", td.memory)) if size.value is None]
    if missing:
        where = td.cpu if td.cpu.value is None else td.memory
        yield where.finding(
            f"the task definition requires Fargate but sets no task-level {' and '.join(missing)}: Fargate needs both"
        )
        return

    cpu, memory = _amount(td.cpu, "vcpu"), _amount(td.memory, "gb")
    if cpu not in FARGATE_SIZES:
        choices = ", ".join(map(str, FARGATE_SIZES))
        yield td.cpu.finding(f"cpu '{td.cpu.value}' is not a Fargate CPU size (CPU units: {choices})")
    elif memory not in FARGATE_SIZES[cpu]:
        yield td.memory.finding(
            f"memory '{td.memory.value}' does not go with cpu '{td.cpu.value}' on Fargate "
            f"(with {cpu} CPU units: {_describe(FARGATE_SIZES[cpu])} MiB)"
        )
    elif cpu not in WINDOWS_CPU:
        if not td.os_family.known:
            yield td.os_family.not_evaluated()
        elif (td.os_family.value or "").upper().startswith("WINDOWS"):
            yield td.cpu.finding(
                f"cpu '{td.cpu.value}' is not a Fargate size for Windows containers (CPU units: 1024, 2048, 4096)"
            )


def _amount(size: Value, unit: str) -> int | None:
    """CPU units or MiB from "1024", "1 vCPU" or "2 GB"; None when it is neither a
    whole number of units nor of the given unit."""
    match = _AMOUNT.match(str(size.value))
    if not match or (match.group("unit") and match.group("unit").lower() != unit):
        return None
    # exact arithmetic on the digits: "0.25 vCPU" is 256 units, "0.3 vCPU" none
    whole, _, fraction = match.group("number").partition(".")
    scaled = int(whole + fraction) * (1024 if match.group("unit") else 1)
    units, rest = divmod(scaled, 10 ** len(fraction))
    return None if rest else units


def _describe(sizes: tuple[int, ...]) -> str:
    if len(sizes) <= 3:
        return ", ".join(map(str, sizes))
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"
