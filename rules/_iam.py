"""Whether an IAM role grants wildcard permissions: shared by EG301 (the
execution role) and EG302 (the task role).

A role grants wildcard permissions when one of its policies has an `Allow`
statement whose Action is `*` or `service:*` (alone or among others), or an
`Allow` statement with `NotAction` (everything except a list). Every policy
is judged by its statements, AWS managed ones included: the adapters give an
attached AWS managed policy the statements of the document AWS publishes
(ecs_guard.inputs.managed_statements), so `AmazonS3FullAccess` grants `s3:*`
like any policy that says so. A policy whose statements are not known (an
AWS managed policy newer than ecs-guard's table, a customer policy defined
elsewhere) leaves the question open (NotEvaluated), unless the role already
grants a wildcard elsewhere; it is never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecs_guard.model import Policy, Role, Statement, Value
from ecs_guard.results import Finding, NotEvaluated

_AWS_MANAGED_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.+/)?(?P<name>[^/]+)$")
_WILDCARD_ACTION = re.compile(r"^(\*|[^:]+:\*)$")


def wildcard_role_results(role: Value[Role | None], which: str) -> Iterator[Finding | NotEvaluated]:
    """One Finding when the role grants wildcard permissions, else one
    NotEvaluated when something needed to decide is not known, else nothing.
    Both point at the task definition's role attribute (`role`'s location);
    `which` names the role in messages ("execution role", "task role")."""
    if not role.known:
        yield role.not_evaluated(f"{which} not resolved: {role.reason or 'not in the input'}")
        return
    if role.value is None:  # no role set: nothing to grant
        return
    grants, unknowns = role_wildcard_grants(role.value)
    if grants:
        yield role.finding(f"{which} '{role_label(role.value)}' grants wildcard permissions: " + "; ".join(grants))
    elif unknowns:
        yield role.not_evaluated(f"{which} '{role_label(role.value)}' not fully known: " + "; ".join(unknowns))


def role_wildcard_grants(role: Role) -> tuple[list[str], list[str]]:
    """(what grants wildcard permissions, what could not be judged), each a
    list of short human descriptions."""
    if not role.policies.known:
        return [], [f"its policies are not known ({role.policies.reason or 'not in the input'})"]
    grants: list[str] = []
    unknowns: list[str] = []
    for policy in role.policies.value or ():
        policy_grants, policy_unknowns = policy_wildcard_grants(policy)
        grants += policy_grants
        unknowns += policy_unknowns
    return grants, unknowns


def policy_wildcard_grants(policy: Policy) -> tuple[list[str], list[str]]:
    """The policy's label is made once, and only for what is reported: most policies grant no wildcard."""
    if not policy.statements.known:
        return [], [f"{policy_label(policy)} not known ({policy.statements.reason or 'not in the input'})"]
    grants: list[str] = []
    unknown_reasons: list[str] = []
    for statement in policy.statements.value or ():
        grant = statement_wildcard_grant(statement)
        if grant is None:
            unknown_reasons.append(_first_unknown_reason(statement))
        elif grant:
            grants.append(grant)
    if not grants and not unknown_reasons:
        return [], []
    label = policy_label(policy)
    return [f"{label} {grant}" for grant in grants], [
        f"a statement of {label} not known ({reason})" for reason in unknown_reasons
    ]


def statement_wildcard_grant(statement: Statement) -> str | None:
    """What the statement grants that is a wildcard ("" for nothing), or None
    when a value needed to decide is not known."""
    if not statement.effect.known:
        return None
    if str(statement.effect.value or "").lower() != "allow":
        return ""
    if statement.not_actions.is_set:
        return "allows every action but a list (Allow with NotAction)"
    wildcards = [a for a in (statement.actions.value or ()) if is_wildcard_action(a)]
    if wildcards:
        return "allows " + ", ".join(f"'{a}'" for a in wildcards)
    if not (statement.actions.known and statement.not_actions.known):
        return None
    return ""


def is_wildcard_action(action: str) -> bool:
    """`*`, or every action of a service (`s3:*`, `IAM:*`); `s3:Get*` is not."""
    return bool(_WILDCARD_ACTION.match(str(action).strip()))


def aws_managed_name(arn: str | None) -> str | None:
    """The policy name of an arn:aws:iam::aws:policy/... ARN (any partition), else None."""
    match = _AWS_MANAGED_ARN.match(arn or "")
    return match.group("name") if match else None


def role_label(role: Role) -> str:
    return _label((role.name, role.arn), role.address)


def policy_label(policy: Policy) -> str:
    """How a message names the policy: "policy 'name'", and an AWS managed
    policy by its ARN ("AWS managed policy 'arn:aws:iam::aws:policy/...'"),
    which says exactly which document was judged."""
    arn = policy.arn.value if policy.arn.is_set else None
    if arn and (policy.aws_managed or aws_managed_name(arn)):
        return f"AWS managed policy '{arn}'"
    return f"policy '{_label((policy.name, policy.arn), policy.address)}'"


def _label(values: tuple[Value, ...], fallback: str) -> str:
    """The first known, set value (a name, else an ARN), else the address."""
    return next((str(v.value) for v in values if v.is_set), fallback)


def _first_unknown_reason(statement: Statement) -> str:
    for value in (statement.effect, statement.not_actions, statement.actions):
        if not value.known:
            return value.reason or "not known"
    return "not known"
