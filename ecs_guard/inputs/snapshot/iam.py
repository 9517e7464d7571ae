"""IAM roles and their policies from a snapshot.

`iam get-account-authorization-details` is the one output that lists every
policy of a role: inline (RolePolicyList) and attached
(AttachedManagedPolicies), and, in its Policies list, the versions of the
managed policies with their documents. `get-role` has the role but no
policy list; `get-role-policy` adds one inline policy; `get-policy` is
metadata without a document. Documents come as objects (the CLI decodes
them) or URL-encoded strings (the raw API): both are read.

An attached AWS managed policy whose document the snapshot lacks is judged
by the document AWS publishes (ecs_guard.inputs.managed_statements); a
document in the snapshot always wins. Whatever else the files do not say
stays not known, with the reason: an AWS managed policy newer than
ecs-guard's table, a customer policy that is not in the Policies list, the
attached policies of a role seen only through get-role.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ecs_guard.inputs.jsondocs.ecs import attribute
from ecs_guard.inputs.managed_statements import aws_managed_statements
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.snapshot import shapes
from ecs_guard.inputs.snapshot.links import ROLE_DATA, Sources
from ecs_guard.inputs.snapshot.records import Record, read_each
from ecs_guard.location import Location
from ecs_guard.model import Policy, Role, Statement, Value

_AWS_MANAGED = re.compile(r"^arn:[^:]+:iam::aws:policy/")

Locate = Callable[[tuple], Location]


class Roles:
    """The estate's roles, found by ARN (or by name, for a task definition
    that names its role instead of giving the ARN)."""

    def __init__(self, records: dict[shapes.Shape, list[Record]], sources: Sources, problems: list[InputProblem]):
        self.sources = sources
        self.managed: dict[str, Policy] = {}
        for policy in read_each(_policy_records(records), self._managed_policy, problems):
            self.managed.setdefault(policy.address, policy)
        self.metadata_only = {r.data["Policy"].get("Arn") for r in records.get(shapes.POLICY, ())}
        self.role_policies: dict[str, list[Record]] = {}
        for record in records.get(shapes.ROLE_POLICY, ()):
            self.role_policies.setdefault(record.data["RoleName"], []).append(record)

        self.roles: list[Role] = []
        self._by_arn: dict[str, Role] = {}
        self._by_name: dict[str, Role] = {}
        self._add(read_each(_role_records(records), self._detailed_role, problems))
        self._add(read_each(records.get(shapes.ROLE, ()), self._described_role, problems))

    def resolve(self, arn: Any, location: Location) -> tuple[Value, Value]:
        """jsondocs.ecs's resolve_role: the role as written, and the Role."""
        if arn is None or arn == "":
            return Value(None, location), Value(None, location)
        arn = str(arn)
        # a name is looked up by name; an ARN only as itself (another account's role may have the same name)
        role = self._by_arn.get(arn) if arn.startswith("arn:") else self._by_name.get(arn)
        return Value(arn, location), self.sources.reference(role, ROLE_DATA, None, f"role {arn}", location)

    def _add(self, roles: list[Role]) -> None:
        for role in roles:
            if role.address in self._by_arn:
                continue  # the same role in two files: the first is as good as the second
            self.roles.append(role)
            self._by_arn[role.address] = role
            if role.name.is_set:
                assert role.name.value is not None  # is_set
                self._by_name.setdefault(role.name.value, role)

    # ------------------------------------------------------------ roles

    def _detailed_role(self, record: Record) -> Role:
        """A RoleDetailList entry: every inline and attached policy is listed."""
        d = record.data
        arn = _required(d, "Arn")
        locate = record.locator(arn)
        owner = locate(("Arn",))
        inline = [
            _inline_policy(entry, locate, ("RolePolicyList", i), arn)
            for i, entry in enumerate(_list(d, "RolePolicyList"))
        ]
        attached = [
            self._attached_policy(entry, locate, ("AttachedManagedPolicies", i))
            for i, entry in enumerate(_list(d, "AttachedManagedPolicies"))
        ]
        return Role(
            address=arn,
            location=owner,
            name=attribute(d, "RoleName", locate, (), owner),
            arn=Value(arn, owner),
            policies=Value(tuple(inline + attached), owner),
        )

    def _described_role(self, record: Record) -> Role:
        """A get-role output: the role, but not the list of its policies."""
        d = record.data["Role"]
        arn = _required(d, "Arn")
        locate = record.locator(arn)
        owner = locate(("Role", "Arn"))
        name = attribute(d, "RoleName", locate, ("Role",), owner)
        inline = []
        for policy_record in self.role_policies.get(name.value, ()) if name.value is not None else ():
            policy_locate = policy_record.locator(arn)
            inline.append(_inline_policy(policy_record.data, policy_locate, (), arn))
        reason = (
            self.sources.gap(ROLE_DATA, None)
            or f"the attached policies of role {name.value} are not in the snapshot (iam get-role "
            f"does not list them; iam get-account-authorization-details does)"
        )
        if inline:  # what get-role-policy shows is known; what is attached is not
            rest = Policy(
                address=arn,
                location=owner,
                name=Value.unknown(reason, owner),
                arn=Value.unknown(reason, owner),
                statements=Value.unknown(reason, owner),
            )
            policies = Value((*tuple(inline), rest), owner)
        else:
            policies = Value.unknown(reason, owner)
        return Role(address=arn, location=owner, name=name, arn=Value(arn, owner), policies=policies)

    # ------------------------------------------------------------ policies

    def _managed_policy(self, record: Record) -> Policy:
        """A Policies entry: a managed policy with its versions' documents."""
        d = record.data
        arn = _required(d, "Arn")
        locate = record.locator(arn)
        owner = locate(("Arn",))
        versions = _list(d, "PolicyVersionList")
        default = next(
            (i for i, v in enumerate(versions) if isinstance(v, dict) and v.get("IsDefaultVersion")),
            next(
                (
                    i
                    for i, v in enumerate(versions)
                    if isinstance(v, dict) and v.get("VersionId") == d.get("DefaultVersionId")
                ),
                None,
            ),
        )
        if default is None:
            statements = aws_managed_statements(arn, arn, owner) or Value.unknown(
                f"the default version of policy {arn} is not in the snapshot", owner
            )
        else:
            statements = policy_statements(
                versions[default].get("Document"), locate, ("PolicyVersionList", default, "Document"), arn
            )
        return Policy(
            address=arn,
            location=owner,
            name=attribute(d, "PolicyName", locate, (), owner),
            arn=Value(arn, owner),
            statements=statements,
            aws_managed=is_aws_managed(arn),
        )

    def _attached_policy(self, entry: Any, locate: Locate, path: tuple) -> Policy:
        if not isinstance(entry, dict) or not isinstance(entry.get("PolicyArn"), str):
            raise InputError("an AttachedManagedPolicies entry has no PolicyArn")
        arn = entry["PolicyArn"]
        if arn in self.managed:
            return self.managed[arn]
        where = locate((*path, "PolicyArn"))
        name = attribute(entry, "PolicyName", locate, path, where)
        # The snapshot lacks the document: an AWS managed policy is judged by the one AWS publishes.
        statements = aws_managed_statements(arn, arn, where) if is_aws_managed(arn) else None
        return Policy(
            address=arn,
            location=where,
            name=name,
            arn=Value(arn, where),
            statements=statements or Value.unknown(self._missing_document(arn, name.value), where),
            aws_managed=is_aws_managed(arn),
        )

    def _missing_document(self, arn: str, name: str | None) -> str:
        """Why an attached policy's document is not known."""
        failure = self.sources.gap(ROLE_DATA, None)
        if failure:
            return failure
        if is_aws_managed(arn):
            return f"the document of AWS managed policy {name or arn} is not in the snapshot"
        if arn in self.metadata_only:
            return f"the document of policy {arn} is not in the snapshot (iam get-policy has none)"
        return f"policy {arn} not in the snapshot"


def is_aws_managed(arn: str) -> bool:
    return _AWS_MANAGED.match(arn) is not None


def _inline_policy(entry: Any, locate: Locate, path: tuple, role_arn: str) -> Policy:
    """An inline policy ({PolicyName, PolicyDocument}); it has no ARN of its
    own, so its address is its role's."""
    if not isinstance(entry, dict):
        raise InputError("an inline policy entry is not an object")
    where = locate((*path, "PolicyName"))
    return Policy(
        address=role_arn,
        location=where,
        name=attribute(entry, "PolicyName", locate, path, where),
        arn=Value(None, where),
        statements=policy_statements(entry.get("PolicyDocument"), locate, (*path, "PolicyDocument"), role_arn),
    )


def policy_statements(document: Any, locate: Locate, path: tuple, address: str) -> Value:
    """Value[tuple[Statement]] of a policy document at `path`. A URL-encoded
    document has no lines of its own: everything in it is located at its key."""
    if isinstance(document, str):
        from urllib.parse import unquote  # rare (raw API output), and slow to import on every scan

        where = locate(path)
        try:
            document = json.loads(unquote(document))
        except ValueError:
            raise InputError("a policy document is neither JSON nor URL-encoded JSON") from None
        locate, path = (lambda _relative: where), ()
    if not isinstance(document, dict):
        raise InputError("a policy document is not an object")
    found = document.get("Statement")
    if isinstance(found, dict):
        entries = [(found, (*path, "Statement"))]
    elif isinstance(found, list):
        entries = [(s, (*path, "Statement", i)) for i, s in enumerate(found)]
    else:
        raise InputError("a policy document has no Statement")
    return Value(tuple(_statement(s, p, locate, address) for s, p in entries), locate((*path, "Statement")))


def _statement(s: Any, path: tuple, locate: Locate, address: str) -> Statement:
    if not isinstance(s, dict):
        raise InputError("a policy statement is not an object")
    where = locate(path)
    actions = s.get("Action")
    not_actions = s.get("NotAction")
    return Statement(
        address=address,
        location=where,
        effect=attribute(s, "Effect", locate, path, where),
        actions=Value(_strings(actions), locate((*path, "Action"))) if actions is not None else Value((), where),
        not_actions=(
            Value(_strings(not_actions), locate((*path, "NotAction")))
            if not_actions is not None
            else Value(None, where)
        ),
    )


def _strings(value: Any) -> tuple[str, ...]:
    """Action / NotAction: one string or a list of them."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError("a statement's Action is neither a string nor a list of strings")


def _policy_records(records: dict[shapes.Shape, list[Record]]):
    for record in records.get(shapes.AUTHORIZATION_DETAILS, ()):
        yield from _entries(record, "Policies")


def _role_records(records: dict[shapes.Shape, list[Record]]):
    for record in records.get(shapes.AUTHORIZATION_DETAILS, ()):
        yield from _entries(record, "RoleDetailList")


def _entries(record: Record, key: str):
    for i, entry in enumerate(record.data.get(key) or ()):
        yield Record(record.text, (*record.path, key, i), entry)


def _list(d: dict, key: str) -> list:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{key} is not a list")
    return value


def _required(d: Any, key: str) -> str:
    if not isinstance(d, dict) or not isinstance(d.get(key), str):
        raise InputError(f"an entry has no {key}")
    return d[key]
