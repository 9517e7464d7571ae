"""EG701 efs-transit-encryption-disabled."""

from __future__ import annotations

from ecs_guard.model import TaskDefinition
from ecs_guard.results import Severity
from ecs_guard.rule import rule


@rule(
    id="EG701",
    name="efs-transit-encryption-disabled",
    severity=Severity.HIGH,
    target=TaskDefinition,
    peers={"Security Hub": "ECS.18", "checkov": "CKV_AWS_97", "Trivy": "AVD-AWS-0035"},
)
def efs_transit_encryption_disabled(td: TaskDefinition):
    """## What it does
    Flags every EFS volume of a task definition that does not set
    `transit_encryption = "ENABLED"`, each with its own finding located at
    its own volume: at `transit_encryption` where it is written, else at the
    volume (the `volume` block, or the `dynamic "volume"` content that makes
    it, in Terraform; the `efsVolumeConfiguration` object in JSON).

    ## Why is this bad?
    Without transit encryption, the NFS traffic between the task and the
    file system crosses the VPC in clear text: anything that can capture
    traffic in the VPC (a compromised instance, a traffic mirror, a
    misrouted peering) reads and can tamper with the data. Transit
    encryption is off unless it is written, and it is also required for
    EFS IAM authorization and access points. Every EFS volume is checked,
    not only the first one as some scanners do.

    ## Example
    ```hcl
    volume {
      name = "uploads"
      efs_volume_configuration {
        file_system_id = aws_efs_file_system.uploads.id
      }
    }
    ```

    ```json
    {"volumes": [{"name": "uploads", "efsVolumeConfiguration": {"fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "DISABLED"}}]}
    ```

    ## Use instead
    ```hcl
    volume {
      name = "uploads"
      efs_volume_configuration {
        file_system_id     = aws_efs_file_system.uploads.id
        transit_encryption = "ENABLED"
        authorization_config {
          access_point_id = aws_efs_access_point.uploads.id
          iam             = "ENABLED"
        }
      }
    }
    ```

    ## References
    - https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-18
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
    """
    if not td.volumes.known:
        yield td.volumes.not_evaluated()
        return
    for volume in td.volumes.value or ():
        if not volume.efs:
            continue
        encryption = volume.transit_encryption
        label = volume.name.value if volume.name.is_set else "(unnamed)"
        if not encryption.known:
            yield encryption.not_evaluated()
        elif str(encryption.value or "").upper() != "ENABLED":
            state = f"sets {encryption.value}" if encryption.value else "does not enable"  # a plan writes "" when unset
            yield encryption.finding(f"EFS volume '{label}' {state} transit encryption")
