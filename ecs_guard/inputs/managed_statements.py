"""An attached AWS managed policy's statements, as model Statements, from the
table shipped with ecs-guard (ecs_guard.inputs.managed_policies).

Terraform, plans and most snapshots only name an AWS managed policy by its
ARN. Every adapter that meets such an ARN without the policy's document asks
this module, so the policy is judged by the document AWS publishes, like any
other policy (RULES.md, EG3xx): ``AmazonS3FullAccess`` gives a statement
allowing ``s3:*``; ``AmazonECSTaskExecutionRolePolicy`` gives none (known
to grant no wildcard); a policy the table does not know gives statements
that are not known, with the table's date in the reason, so the rules say
"not evaluated" instead of passing it.
"""

from __future__ import annotations

from ecs_guard.location import Location
from ecs_guard.model import Statement, Value


def aws_managed_statements(arn: str, address: str, location: Location) -> Value | None:
    """Value[tuple[Statement, ...]] of the AWS managed policy with this ARN,
    located at `location` (where the input names the policy); not known when
    the table does not know the policy; None when `arn` is not an AWS managed
    policy ARN (judge that policy by its own document)."""
    # here, not at import: most scans attach no AWS managed policy, and the
    # table's module costs milliseconds of every start
    from ecs_guard.inputs.managed_policies import ManagedPolicy, lookup

    found = lookup(arn)
    if found is None:
        return None
    if not isinstance(found, ManagedPolicy):
        return Value.unknown(found.reason, location)
    return Value(
        tuple(
            Statement(
                address=address,
                location=location,
                effect=Value(s.effect, location),
                actions=Value(s.actions, location),
                not_actions=Value(s.not_actions, location),
            )
            for s in found.statements
        ),
        location,
    )
