"""The table of AWS managed policies shipped with ecs-guard, looked up by ARN.

An attached AWS managed policy (``arn:aws:iam::aws:policy/...``) is rarely in
the scanned input with its document: Terraform, plans and task definitions
only name it. EG301/EG302 judge it by the document AWS publishes, from
``ecs_guard/data/aws_managed_policies.json`` (made by
tools/gen_managed_policies.py; see docs/iam.md). The table keeps, per policy,
only the Allow statements with a wildcard action (``*``, ``service:*``, whose
text it keeps so a finding can quote it) or a NotAction; a policy with none
has an empty list, because a policy known to be safe is not the same as a
policy the table does not know.

``lookup(arn)`` answers one of three things:

- ``None``: the ARN is not an AWS managed policy ARN at all (a customer
  managed policy, a role, not an ARN): judge it by its own document;
- ``ManagedPolicy``: the policy and its (reduced) statements;
- ``NotInTable``: an AWS managed policy the table does not know (newer than
  the table): not evaluated, with ``reason`` naming the table's date; never
  a pass (RULES.md, EG3xx).

Standard library only, and the table is read on the first lookup, not at
import: most scans never attach an AWS managed policy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# Any partition (aws, aws-cn, aws-us-gov, aws-iso...): AWS managed policies
# have the same names in each, and Terraform code often writes the partition
# as ${data.aws_partition.current.partition}, so it is not checked.
_AWS_MANAGED_ARN = re.compile(r"^arn:(?P<partition>[^:]+):iam::aws:policy/(?P<path>(?:.+/)?)(?P<name>[^/]+)$")
_TABLE = "aws_managed_policies.json"


@dataclass(frozen=True, slots=True)
class ManagedStatement:
    """One Allow statement of an AWS managed policy, reduced to what the
    rules judge. ``actions`` holds only its wildcard actions (``*``,
    ``service:*``) in document order, () when it uses NotAction;
    ``not_actions`` is its whole NotAction list, None when it uses Action.
    Statements with neither are not in the table, nor are Deny statements:
    ``effect`` is always "Allow"."""

    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    """An AWS managed policy the table knows. ``arn`` is the ARN as looked up;
    ``path`` is the policy's path from the table ("/", "/service-role/", ...),
    None where the dataset has no ARN for it (some deprecated policies).
    ``statements`` is empty when the policy grants no wildcard."""

    arn: str
    name: str
    path: str | None
    deprecated: bool
    statements: tuple[ManagedStatement, ...]
    table_date: str


@dataclass(frozen=True, slots=True)
class NotInTable:
    """An AWS managed policy ARN whose policy the table does not know:
    newer than the table, or (``document_missing``) listed by the dataset
    without its document. The rules report it not evaluated with ``reason``."""

    arn: str
    name: str
    table_date: str
    document_missing: bool = False

    @property
    def reason(self) -> str:
        if self.document_missing:
            return (
                f"AWS managed policy {self.name} is known, but its document is missing from ecs-guard's "
                f"table of AWS managed policies (data as of {self.table_date})"
            )
        return (
            f"AWS managed policy {self.name} is not in ecs-guard's table of AWS managed policies "
            f"(data as of {self.table_date}; the policy may be newer)"
        )


def lookup(arn: str) -> ManagedPolicy | NotInTable | None:
    """What the table says about the policy with this ARN: None when the ARN
    is not an AWS managed policy ARN. The policy is found by its name, which
    is unique in the `aws` account whatever its path, so an ARN written with
    a wrong or missing path still finds it."""
    match = _AWS_MANAGED_ARN.match(arn.strip())
    if match is None:
        return None
    name = match.group("name")
    table = _table()
    entry = table.policies.get(name)
    if entry is None:
        return NotInTable(arn.strip(), name, table.date, document_missing=name in table.absent)
    path, deprecated, statements = entry
    return ManagedPolicy(arn.strip(), name, path, deprecated, statements, table.date)


def aws_managed_policy_name(arn: str) -> str | None:
    """The name in an AWS managed policy ARN (any partition, any path), else None."""
    match = _AWS_MANAGED_ARN.match(arn.strip())
    return match.group("name") if match else None


def table_date() -> str:
    """YYYY-MM-DD: the newest create or update date of a policy in the table."""
    return _table().date


def __getattr__(name: str) -> str:
    """``TABLE_DATE``, read from the table when first asked for, so that
    importing this module does not read the table."""
    if name == "TABLE_DATE":
        return table_date()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Table:
    date: str
    absent: frozenset[str]
    policies: dict[str, tuple[str | None, bool, tuple[ManagedStatement, ...]]]


@lru_cache(maxsize=1)
def _table() -> _Table:
    """The packaged table, read once."""
    resource = _table_path()
    try:
        raw = json.loads(resource.read_text(encoding="utf-8"))
        return _Table(
            date=raw["source"]["date"],
            absent=frozenset(raw.get("absent", ())),
            policies={
                name: (
                    entry["path"],
                    bool(entry.get("deprecated", False)),
                    tuple(_statement(s) for s in entry["statements"]),
                )
                for name, entry in raw["policies"].items()
            },
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise RuntimeError(
            f"ecs-guard's table of AWS managed policies ({resource}) cannot be read "
            f"({error.__class__.__name__}: {error}); reinstall ecs-guard"
        ) from None


def _table_path() -> Path:
    """The table in the installed ecs_guard package (a wheel installs it as
    package data; see pyproject.toml). Found from the package, not from this
    module, so it stays right if this module moves; a plain path rather than
    importlib.resources, whose import alone costs more than reading the table."""
    import ecs_guard

    return Path(ecs_guard.__file__).resolve().parent / "data" / _TABLE


def _statement(raw: dict[str, Any]) -> ManagedStatement:
    not_actions = raw.get("not_actions")
    return ManagedStatement(
        effect="Allow",
        actions=tuple(raw.get("actions", ())),
        not_actions=tuple(not_actions) if not_actions is not None else None,
    )
