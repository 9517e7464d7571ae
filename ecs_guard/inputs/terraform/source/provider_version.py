"""Which major version of the AWS provider a configuration pins, and what
that means for arguments the carried schema does not know.

ecs-guard carries one provider schema (provider/aws_schema.py, hashicorp/aws
5.x). An argument it does not have is "not understood" when the code is
written for that schema: a typo, or an argument the provider removed. But a
root that pins another major version (``version = "~> 3.74"`` in
``required_providers``) is written for that version's schema: provider 3
has ``capacity_providers`` on ``aws_ecs_cluster``, which 5 does not. There
such an argument is no fault of the input, only a limit of the evaluation,
so it becomes an evaluation note instead (the argument's value is not read,
as before).

Terraform combines the constraints of every module of a configuration (and
the legacy ``version`` argument of a ``provider "aws"`` block); so does
this. The pin is "another major version" when no 5.x version satisfies all
of them; a configuration that names no constraint is taken as 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ecs_guard.inputs.problems import EVALUATION_NOTE, InputProblem

SCHEMA_MAJOR = 5  # the major version of the carried schema (aws_schema.py)
_VERSION = re.compile(r"\s*(?P<op>~>|>=|<=|!=|=|>|<)?\s*v?(?P<version>\d+(?:\.\d+){0,2})(?:[-+][\w.-]*)?\s*\Z")

Version = tuple[int, int, int]


def schema_problems(problems: list[InputProblem], modules: Iterable) -> list[InputProblem]:
    """`problems` (arguments and blocks the schema lacks) as they are to be
    reported: evaluation notes, naming the constraint, when `modules`
    (source.module.ModuleSource) pin an AWS provider major version other
    than the schema's; else as they are."""
    if not problems:
        return []
    constraints = aws_constraints(modules)
    if admits_major(constraints, SCHEMA_MAJOR):
        return problems
    pinned = ", ".join(dict.fromkeys(constraints))
    return [
        InputProblem(
            p.path,
            f"{p.message} in the AWS provider {SCHEMA_MAJOR}.x schema ecs-guard carries; "
            f"this configuration pins hashicorp/aws {pinned}, so the argument is not checked",
            p.line,
            EVALUATION_NOTE,
        )
        for p in problems
    ]


def aws_constraints(modules: Iterable) -> list[str]:
    """The version constraints the modules' ``required_providers`` (and legacy
    ``provider "aws" { version }``) put on hashicorp/aws, as written."""
    from ecs_guard.inputs.terraform.source.variables import constant

    found = []
    for module in modules:
        for parsed in module.files:
            for block in parsed.body.blocks:
                if block.type == "terraform":
                    for required in block.body.blocks_of("required_providers"):
                        for attribute in required.body.attributes:
                            value = constant(attribute.expr, parsed.path).to_python()
                            version = _aws_version(attribute.name, value)
                            if version:
                                found.append(version)
                elif block.type == "provider" and block.labels == ("aws",):
                    attribute = block.body.attribute("version")
                    value = constant(attribute.expr, parsed.path).to_python() if attribute is not None else None
                    if isinstance(value, str) and value.strip():
                        found.append(value.strip())
    return found


def _aws_version(local_name: str, value) -> str | None:
    """The version constraint of one required_providers entry when it is the
    AWS provider (``aws = "~> 3.0"``, or an object whose source is
    hashicorp/aws, or no source under the local name aws)."""
    if isinstance(value, str):
        return value.strip() if local_name == "aws" and value.strip() else None
    if not isinstance(value, dict):
        return None
    source = value.get("source")
    if source is None:
        is_aws = local_name == "aws"
    else:  # "hashicorp/aws" or "registry.terraform.io/hashicorp/aws", in any case
        is_aws = isinstance(source, str) and source.strip().lower().split("/")[-2:] == ["hashicorp", "aws"]
    version = value.get("version")
    return version.strip() if is_aws and isinstance(version, str) and version.strip() else None


def admits_major(constraints: list[str], major: int) -> bool:
    """Whether some version `major`.x.y satisfies every constraint. A
    constraint that cannot be read admits anything (it decides nothing)."""
    low: tuple[Version, bool] = ((major, 0, 0), True)  # (bound, inclusive)
    high: tuple[Version, bool] = ((major + 1, 0, 0), False)
    for text in constraints:
        for part in text.split(","):
            bounds = _bounds(part)
            if bounds is None:
                continue
            lower, upper = bounds
            if lower is not None and _tighter_low(lower, low):
                low = lower
            if upper is not None and _tighter_high(upper, high):
                high = upper
    if low[0] < high[0]:
        return True
    return low[0] == high[0] and low[1] and high[1]


def _bounds(text: str) -> tuple[tuple[Version, bool] | None, tuple[Version, bool] | None] | None:
    """(lower, upper) bound of one constraint; None when it is not read."""
    match = _VERSION.match(text)
    if match is None:
        return None
    op = match.group("op") or "="
    numbers = [int(n) for n in match.group("version").split(".")]
    version: Version = (*numbers, 0, 0)[:3]  # type: ignore[assignment]
    if op == "=":
        return (version, True), (version, True)
    if op == "!=":
        return None, None
    if op == ">=":
        return (version, True), None
    if op == ">":
        return (version, False), None
    if op == "<=":
        return None, (version, True)
    if op == "<":
        return None, (version, False)
    # ~>: the rightmost given number may grow; "~> 3" is ">= 3.0.0, < 4.0.0"
    if len(numbers) == 1:
        upper: Version = (numbers[0] + 1, 0, 0)
    elif len(numbers) == 2:
        upper = (numbers[0] + 1, 0, 0)
    else:
        upper = (numbers[0], numbers[1] + 1, 0)
    return (version, True), (upper, False)


def _tighter_low(candidate: tuple[Version, bool], current: tuple[Version, bool]) -> bool:
    return candidate[0] > current[0] or (candidate[0] == current[0] and not candidate[1])


def _tighter_high(candidate: tuple[Version, bool], current: tuple[Version, bool]) -> bool:
    return candidate[0] < current[0] or (candidate[0] == current[0] and not candidate[1])
