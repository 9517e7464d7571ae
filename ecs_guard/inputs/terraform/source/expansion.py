"""count and for_each: which instances a resource or module call has, their
keys and addresses, and the each/count values their expressions see.

Keys come in Terraform's order (count by index, for_each by key); a
collection that is not known gives one stand-in instance and the reason.
"""

from __future__ import annotations

import json

from ecs_guard.inputs.problems import EVALUATION_NOTE, InputProblem
from ecs_guard.inputs.terraform.hcl import typeconv
from ecs_guard.inputs.terraform.hcl.evaluate import Scope, evaluate, iterate
from ecs_guard.inputs.terraform.hcl.render import render
from ecs_guard.inputs.terraform.hcl.values import Val

# More instances than any real configuration has (AWS's own quotas stop far
# below: 5,000 services per cluster); a count or for_each past it is not
# expanded, so `count = 1e9` cannot make a billion resources in memory.
MAX_INSTANCES = 10_000


def instance_key_text(key) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key)}]"


def expand(owner: str, body, scope: Scope, evaluation, file: str):
    """("single", [(None, None)]) | ("count"/"for_each", [(key, each.value)]) |
    ("unknown", reason). Keys in Terraform's order."""
    count, for_each = body.attribute("count"), body.attribute("for_each")
    if count is not None:
        value = typeconv.to_number(evaluate(count.expr, scope))
        if not value.known:
            return "unknown", f"{owner}: count not known ({value.reason})"
        if not value.is_number or value.value < 0 or not float(value.value).is_integer():
            evaluation.problem(
                InputProblem(file, f"{owner}: count must be a whole number >= 0", count.line, "not-understood")
            )
            return "unknown", f"{owner}: count is not a whole number"
        if value.value > MAX_INSTANCES:
            return "unknown", f"{owner}: count is {too_many(value.value)}"
        return "count", [(index, None) for index in range(int(value.value))]
    if for_each is not None:
        value = evaluate(for_each.expr, scope)
        if not value.known:
            return "unknown", f"{owner}: for_each not known ({value.reason})"
        if value.is_null:
            return "for_each", []
        if isinstance(value.value, (list, dict)) and len(value.value) > MAX_INSTANCES:
            return "unknown", f"{owner}: for_each has {too_many(len(value.value))}"
        if isinstance(value.value, list):
            if not value.is_set:
                evaluation.problem(
                    InputProblem(
                        file,
                        f"{owner}: for_each needs a map or a set of strings (wrap a list in toset())",
                        for_each.line,
                        "not-understood",
                    )
                )
            keys = []
            for item in value.value:
                if not item.known:
                    return "unknown", f"{owner}: for_each not known ({item.reason})"
                keys.append(typeconv.to_string(item).value)
            return "for_each", [
                (key, Val(key, item.file, item.line, literal=item.literal))
                for key, item in zip(keys, value.value, strict=False)
            ]
        if isinstance(value.value, dict):
            return "for_each", [(key.value, item) for key, item in iterate(value)]
        evaluation.problem(
            InputProblem(file, f"{owner}: for_each needs a map or a set of strings", for_each.line, "not-understood")
        )
        return "unknown", f"{owner}: for_each is not a map or set"
    return "single", [(None, None)]


def too_many(count: float) -> str:
    return f"{count:,.0f} (more instances than ecs-guard expands: {MAX_INSTANCES:,})"


def unknown_expansion_problem(reason: str, address: str, file: str, line: int) -> InputProblem:
    """What is said when count or for_each is not known: one stand-in instance
    is evaluated, without an instance key, for all of them."""
    return InputProblem(file, f"{reason}: its instances are checked as one, {address}", line, EVALUATION_NOTE)


def select_instance(instances: dict, key: Val, address: str, scope: Scope, node):
    """(instance, None) for `address[key]`, or (None, a Val saying why not)."""
    if not key.known:
        return None, Val.unknown(
            f"{render(node)}: instance key not known ({key.reason})", scope.file, node.line, (address,)
        )
    wanted = key.value
    if isinstance(wanted, float) and wanted.is_integer():
        wanted = int(wanted)
    if any(isinstance(existing, int) for existing in instances) and isinstance(wanted, str) and wanted.isdigit():
        wanted = int(wanted)
    instance = instances.get(wanted)
    if instance is None:
        return None, Val.failure(
            f"{render(node)}: {address} has no instance {instance_key_text(wanted)}", scope.file, node.line
        )
    return instance, None


def iteration_names(kind: str, key, each_value: Val | None, file: str, line: int, reason: str = "") -> dict:
    if kind == "count":
        return {"count": Val({"index": Val(key, file, line)}, file, line)}
    if kind == "for_each":
        return {"each": Val({"key": Val(key, file, line), "value": each_value}, file, line)}
    if kind == "unknown":
        missing = Val.unknown(reason, file, line)
        return {
            "count": Val({"index": missing}, file, line),
            "each": Val({"key": missing, "value": missing}, file, line),
        }
    return {}
