"""IAM in a plan: roles with every policy that applies to them.

A role's policies come from many resources (RULES.md, "IAM resolution"):
its own ``inline_policy`` blocks and ``managed_policy_arns``,
``aws_iam_role_policy``, ``aws_iam_role_policy_attachment`` and
``aws_iam_policy_attachment`` pointing at it (by role name, or by reference
when the name is unknown until apply), customer ``aws_iam_policy``
resources, and documents from ``data.aws_iam_policy_document``: its
rendered ``json`` when it was read while planning, else its ``statement``
blocks. An attached AWS managed policy is judged by the document AWS
publishes (ecs_guard.inputs.managed_statements). A policy whose document
is not known (an AWS managed policy newer than ecs-guard's table, a
customer policy defined elsewhere, a document unknown until apply) is kept
with its statements not known, so the rules say "not evaluated" instead of
passing it.
"""

from __future__ import annotations

import re
from typing import Any

from ecs_guard.inputs.managed_statements import aws_managed_statements
from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.terraform.build.index import PlanIndex, parse_json
from ecs_guard.inputs.terraform.build.records import PlanResource, dotted
from ecs_guard.inputs.unknown import Unknown
from ecs_guard.model import Policy, Role, Statement, Value

ATTRIBUTES = {
    "aws_iam_role": ("name", "arn", "inline_policy", "managed_policy_arns"),
    "aws_iam_role_policy": ("name", "role", "policy"),
    "aws_iam_role_policy_attachment": ("role", "policy_arn"),
    "aws_iam_policy": ("name", "arn", "policy"),
    "aws_iam_policy_attachment": ("name", "roles", "policy_arn"),
    "data.aws_iam_policy_document": (
        "json",
        "statement",
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ),
}

_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/")
_ROLE_SOURCE = re.compile(r"(?:^|\.)(?:data\.)?aws_iam_role\.")  # an address of a role resource or data source
_MERGED_DOCUMENTS = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")


class Iam:
    """Builds every role of the plan and resolves task definitions' roles."""

    def __init__(self, index: PlanIndex):
        self.index = index
        role_records = index.of_kind("aws_iam_role")
        self._role_addresses = {r.address: r.address for r in role_records}
        self._role_by_arn = {r.known("arn"): r.address for r in role_records if isinstance(r.known("arn"), str)}
        self._role_by_name = {r.known("name"): r.address for r in role_records if isinstance(r.known("name"), str)}
        self._documents = {r.address: r for r in index.of_kind("data.aws_iam_policy_document")}
        self.policies = index.build_each(index.of_kind("aws_iam_policy"), self._customer_policy)
        self._policy_by_arn = {p.arn.value: p for p in self.policies.values() if p.arn.is_set}
        attached: dict[str, list[Policy]] = {}
        unplaced: list[Policy] = []  # policies whose role is unknown until apply: they may be any role's
        index.build_each(
            index.of_kind("aws_iam_role_policy"),
            lambda r: self._place([self._role_policy(r)], self._roles_of(r, ("role",)), attached, unplaced),
        )
        index.build_each(
            index.of_kind("aws_iam_role_policy_attachment"),
            lambda r: self._place(
                self._policies_by_arn(r, ("policy_arn",)), self._roles_of(r, ("role",)), attached, unplaced
            ),
        )
        index.build_each(
            index.of_kind("aws_iam_policy_attachment"),
            lambda r: self._place(
                self._policies_by_arn(r, ("policy_arn",)), self._roles_of(r, ("roles",)), attached, unplaced
            ),
        )
        self.roles = index.build_each(role_records, lambda r: self._role(r, attached.get(r.address, []) + unplaced))

    # ----------------------------------------------------------------- task definitions

    def role_for(self, record: PlanResource, attribute: str) -> tuple[Value, Value]:
        """(ref, role) of a task definition's execution_role_arn or task_role_arn.
        The ref names a role of the plan by its ARN when known, else by its
        address, so two refs are equal exactly when they name the same role."""
        written, role = self.index.link_one(
            record,
            (attribute,),
            lambda text: self.roles.get(self._find_role(text) or ""),
            self.roles,
            lambda name: f"role {name} is not defined in {self.index.holder}",
        )
        if role.is_set:
            resolved = role.value
            assert resolved is not None  # is_set
            return Value(resolved.arn.value if resolved.arn.is_set else resolved.address, written.location), role
        if written.is_set and not record.get(attribute).known and not _ROLE_SOURCE.search(str(written.value)):
            # a value unknown until apply taken from a resource that is not a role (a stack's or a
            # module's outputs): its address does not name a role, and two of its values may differ
            reason = f"{attribute} comes from {written.value} and is unknown until apply"
            return Value.unknown(reason, written.location), Value.unknown(reason, written.location)
        return written, role

    # ----------------------------------------------------------------- roles

    def _role(self, record: PlanResource, attached: list[Policy]) -> Role:
        where = record.location
        policies: list[Policy] = []
        inline = record.blocks("inline_policy")
        if not inline.known:
            policies.append(_unknown_policy(record, inline.reason))
        for i, block in enumerate(inline.value or ()):
            empty = block.get("name") is None and block.get("policy") is None
            if empty and not record.is_unknown(("inline_policy", i)):
                continue  # an empty inline_policy {} block: "no inline policies"
            policies.append(
                Policy(
                    address=record.address,
                    location=where,
                    name=record.get("inline_policy", i, "name"),
                    arn=record.absent,
                    statements=self._statements(record, ("inline_policy", i, "policy")),
                )
            )
        policies.extend(self._policies_by_arn(record, ("managed_policy_arns",)))
        policies.extend(attached)
        unique = {(p.address, p.name.value): p for p in policies}
        return Role(
            address=record.address,
            location=where,
            name=record.computed("name"),
            arn=record.computed("arn"),
            policies=Value(tuple(unique.values()), where),
        )

    def _find_role(self, text: str) -> str | None:
        """The address of the plan's role with this ARN or name. A role ARN
        whose role is created by the plan (ARN unknown) matches by its name."""
        if text in self._role_by_arn:
            return self._role_by_arn[text]
        name = text.rsplit("/", 1)[-1] if text.startswith("arn:") and ":role/" in text else text
        return self._role_by_name.get(name)

    def _roles_of(self, record: PlanResource, path: tuple) -> list[str] | None:
        """Addresses of the plan's roles an attachment names; None when that is unknown."""
        roles = self.index.link_many(record, path, self._find_role, self._role_addresses, lambda text, is_address: None)
        if not roles.known:
            return None
        return [r for r in roles.value or () if r is not None]

    @staticmethod
    def _place(policies: list[Policy], roles: list[str] | None, attached: dict, unplaced: list) -> None:
        if roles is None:
            unplaced.extend(_with_reason(p, "its role is unknown until apply") for p in policies)
            return
        for role in roles:
            attached.setdefault(role, []).extend(policies)

    # ----------------------------------------------------------------- policies

    def _role_policy(self, record: PlanResource) -> Policy:
        return Policy(
            address=record.address,
            location=record.location,
            name=record.get("name"),
            arn=record.absent,
            statements=self._statements(record, ("policy",)),
        )

    def _customer_policy(self, record: PlanResource) -> Policy:
        return Policy(
            address=record.address,
            location=record.location,
            name=record.computed("name"),
            arn=record.computed("arn"),
            statements=self._statements(record, ("policy",)),
        )

    def _policies_by_arn(self, record: PlanResource, path: tuple) -> list[Policy]:
        """The policies a policy_arn / managed_policy_arns names."""
        linked = self.index.link_many(
            record,
            path,
            lambda arn: self._policy_for_arn(arn, record),
            self.policies,
            lambda text, is_address: _policy_not_in_plan(text, record, self.index.holder),
        )
        if not linked.known:
            return [_unknown_policy(record, linked.reason)]
        return list(linked.value or ())

    def _policy_for_arn(self, arn: str, record: PlanResource) -> Policy | None:
        """An AWS managed policy, judged by the document AWS publishes (the
        table shipped with ecs-guard); any other ARN is the plan's policy."""
        statements = aws_managed_statements(arn, arn, record.location) if _AWS_MANAGED.match(arn) else None
        if statements is not None:
            return Policy(
                address=arn,
                location=record.location,
                name=Value(arn.rsplit("/", 1)[-1], record.location),
                arn=Value(arn, record.location),
                statements=statements,
                aws_managed=True,
            )
        return self._policy_by_arn.get(arn)

    def _statements(self, record: PlanResource, path: tuple) -> Value:
        """Value[tuple[Statement]] of the policy document in attribute `path`."""
        document = record.get(*path)
        if document.known:
            if document.value is None:
                return Value((), record.location)
            return Value(
                statements(parse_json(document.value, dotted(path)), record.address, record.location), record.location
            )
        resolved = self.index.resolve(record, dotted(path))
        if len(resolved.addresses) == 1 and resolved.addresses[0] in self._documents and not resolved.blockers:
            return self._document_statements(self._documents[resolved.addresses[0]])
        partial = record.document(path)  # the source's jsonencode, known but for a Resource ARN or so
        if partial is not None:
            return partial_statements(partial, record.address, record.location)
        return document

    def _document_statements(self, document: PlanResource) -> Value:
        """A policy document data source: its rendered JSON, or, when that is
        unknown until apply, its statement blocks."""
        rendered = document.computed("json")
        if rendered.is_set:
            return Value(
                statements(parse_json(rendered.value, "json"), document.address, document.location), document.location
            )
        merged = [document.get(name) for name in _MERGED_DOCUMENTS]  # their statements are in json only
        blocks = document.blocks("statement")
        if not blocks.known or any(not m.known or m.value not in (None, []) for m in merged):
            return Value.unknown(f"json of {document.address} is unknown until apply", document.location)
        assert blocks.value is not None  # known blocks are a list
        return Value(tuple(_block_statement(document, i) for i in range(len(blocks.value))), document.location)


def statements(document: Any, address: str, location) -> tuple[Statement, ...]:
    """The statements of a JSON policy document (Statement: an object or a
    list; Action/NotAction: a string or a list). A document from Terraform
    source may hold Unknown markers where a part is not known before apply:
    an Effect or an Action list that is not known is a value not known."""
    if not isinstance(document, dict):
        raise InputError("policy document is not a JSON object")
    raw = document.get("Statement", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise InputError("policy Statement is not a list of objects")
    return tuple(
        Statement(
            address=address,
            location=location,
            effect=_known(s.get("Effect"), location),
            actions=_actions(s.get("Action"), location, ()),
            not_actions=_actions(s.get("NotAction"), location, None),
        )
        for s in raw
    )


def partial_statements(document: Any, address: str, location) -> Value:
    """Value[tuple[Statement]] of a document from Terraform source, known in
    part: not known when which statements there are is not known."""
    raw = document.get("Statement") if isinstance(document, dict) else None
    missing = raw if raw.__class__ is Unknown else None
    if isinstance(raw, list):
        missing = next((s for s in raw if s.__class__ is Unknown), None)
    if missing is not None:
        return Value.unknown(missing.reason, location)
    return Value(statements(document, address, location), location)


def _known(value: Any, location) -> Value:
    if value.__class__ is Unknown:
        return Value.unknown(value.reason, location)
    return Value(value, location)


def _actions(value: Any, location, absent) -> Value:
    """Value[tuple[str]] of an Action or NotAction; `absent` when not written."""
    if value is None:
        return Value(absent, location)
    if isinstance(value, str):
        return Value((value,), location)
    if isinstance(value, list):
        missing = next((v for v in value if v.__class__ is Unknown), None)
        if missing is not None:
            return Value.unknown(missing.reason, location)
        return Value(tuple(str(v) for v in value), location)
    if value.__class__ is Unknown:
        return Value.unknown(value.reason, location)
    raise InputError("policy Action is not a string or a list")


def _block_statement(document: PlanResource, i: int) -> Statement:
    """A statement block of aws_iam_policy_document (effect defaults to Allow)."""
    effect = document.get("statement", i, "effect")
    if effect.known and effect.value is None:
        effect = Value("Allow", document.location)
    actions = document.get("statement", i, "actions")
    if actions.known:
        actions = Value(tuple(actions.value or ()), document.location)
    not_actions = document.get("statement", i, "not_actions")
    if not_actions.known:
        not_actions = Value(tuple(not_actions.value) if not_actions.value else None, document.location)
    return Statement(
        address=document.address, location=document.location, effect=effect, actions=actions, not_actions=not_actions
    )


def _unknown_policy(record: PlanResource, reason: str) -> Policy:
    unknown = Value.unknown(reason, record.location)
    return Policy(address=record.address, location=record.location, name=unknown, arn=unknown, statements=unknown)


def _policy_not_in_plan(text: str, record: PlanResource, holder: str) -> Policy:
    where = record.location
    is_arn = text.startswith("arn:")
    return Policy(
        address=text,
        location=where,
        name=Value(text.rsplit("/", 1)[-1], where) if is_arn else Value.unknown(f"not in {holder}", where),
        arn=Value(text, where) if is_arn else Value.unknown(f"arn of {text} is not in {holder}", where),
        statements=Value.unknown(f"policy {text} is not defined in {holder}", where),
    )


def _with_reason(policy: Policy, why: str) -> Policy:
    """A policy that may apply to any role: its statements count as not known for every role."""
    unknown = Value.unknown(f"{policy.address}: {why}", policy.location)
    return Policy(
        address=policy.address,
        location=policy.location,
        name=policy.name,
        arn=policy.arn,
        statements=unknown,
        aws_managed=policy.aws_managed,
    )
