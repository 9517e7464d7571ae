"""The HCL front end against real plans of the same code.

Each fixtures/hcl/<name>/ with a plan.json was planned by terraform 1.11.4
and hashicorp/aws 5.100.0 (python tools/make_plans.py hcl; docs/plans.md).
For every resource instance the plan has, the front end must produce the
same address and, on every attribute it produces, the same value (sets
compared as sets; JSON attributes as parsed JSON and as exact text); what
it says is unknown must be unknown in the plan and the reverse; its
references must be the plan configuration's, in the same order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.build.records import unknown_paths
from ecs_guard.inputs.terraform.provider.schema import resource_schema
from ecs_guard.inputs.terraform.source.root import load_root

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hcl"
PLANNED = sorted(path.parent.name for path in FIXTURES.glob("*/plan.json"))
JSON_ATTRIBUTES = {"container_definitions", "policy", "assume_role_policy", "json", "minified_json"}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _load(name: str):
    plan = json.loads((FIXTURES / name / "plan.json").read_text())
    return plan, load_root(FIXTURES / name)


def _instances(plan: dict) -> dict:
    found = {}

    def walk(module: dict) -> None:
        for resource in module.get("resources", []):
            found[resource["address"]] = resource
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    walk(plan.get("prior_state", {}).get("values", {}).get("root_module", {}))
    return found


def _differences(mine, theirs, schema, nesting, path: tuple, found: list) -> None:
    if isinstance(mine, dict):
        if not isinstance(theirs, dict):
            found.append((path, mine, theirs))
            return
        for key, value in mine.items():
            inner_schema, inner_nesting = None, None
            if schema is not None and key in schema.blocks:
                inner_nesting, inner_schema = schema.blocks[key]
            elif schema is not None and key in schema.attributes:
                inner_nesting = schema.attributes[key][0]
            _differences(value, theirs.get(key, "<absent>"), inner_schema, inner_nesting, (*path, key), found)
        return
    if isinstance(mine, list):
        if not isinstance(theirs, list) or len(mine) != len(theirs):
            found.append((path, mine, theirs))
            return
        if nesting == "set" or (isinstance(nesting, list) and nesting[0] == "set"):
            remaining = list(theirs)
            for item in mine:
                match = next((c for c in remaining if not _collect(item, c, schema, path)), None)
                if match is None:
                    found.append((path, item, theirs))
                    return
                remaining.remove(match)
            return
        element = nesting[1] if isinstance(nesting, list) else None
        for index, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            _differences(a, b, schema, element, (*path, index), found)
        return
    if path and path[-1] in JSON_ATTRIBUTES and isinstance(mine, str) and isinstance(theirs, str):
        if json.loads(mine) != json.loads(theirs) or mine != theirs:
            found.append((path, mine, theirs))
        return
    if mine != theirs or type(mine) is not type(theirs):
        found.append((path, mine, theirs))


def _collect(mine, theirs, schema, path) -> list:
    found: list = []
    _differences(mine, theirs, schema, None, path, found)
    return found


@pytest.mark.parametrize("name", PLANNED)
def test_every_planned_instance_has_a_record_and_no_more(name):
    plan, root = _load(name)
    planned = set(_instances(plan))
    assert {record.address for record in root.resources} == planned
    assert [problem for problem in root.problems if problem.kind == "unreadable"] == []


@pytest.mark.parametrize("name", PLANNED)
def test_values_equal_the_planned_values_on_every_attribute_produced(name):
    plan, root = _load(name)
    planned = _instances(plan)
    checked = 0
    for record in root.resources:
        differences = _collect(
            record.values,
            planned[record.address]["values"],
            resource_schema(record.type, record.mode),
            (record.address,),
        )
        assert differences == []
        checked += len(record.values)
    assert checked > 0


@pytest.mark.parametrize("name", PLANNED)
def test_unknown_and_computed_match_after_unknown(name):
    plan, root = _load(name)
    changes = {change["address"]: change["change"]["after_unknown"] for change in plan["resource_changes"]}
    for record in root.resources:
        if record.mode == "data":
            continue  # read during the plan: in prior_state, fully known
        assert set(unknown_paths(record.after_unknown())) == set(unknown_paths(changes[record.address])), record.address


@pytest.mark.parametrize("name", PLANNED)
def test_references_are_the_plan_configurations(name):
    plan, root = _load(name)
    configured = {}

    def walk(module: dict, calls: tuple) -> None:
        for resource in module.get("resources", []):
            configured[(calls, resource["mode"], resource["type"], resource["name"])] = resource
        for call_name, call in module.get("module_calls", {}).items():
            walk(call["module"], (*calls, call_name))

    walk(plan["configuration"]["root_module"], ())
    compared = 0
    for record in root.resources:
        calls = tuple(re.findall(r"module\.([^.\[]+)", record.module))
        expressions = configured[(calls, record.mode, record.type, record.name)].get("expressions", {})
        for path, references in _expression_references(expressions, ()):
            assert record.references.get(path) == references, (record.address, path)
            compared += 1
    assert compared > 0 or name == "container_normalisation"


def _expression_references(expression, path: tuple):
    if isinstance(expression, dict):
        if "references" in expression:
            yield path, expression["references"]
        elif "constant_value" not in expression:
            for key, value in expression.items():
                yield from _expression_references(value, (*path, key))
    elif isinstance(expression, list):
        for index, value in enumerate(expression):
            yield from _expression_references(value, (*path, index))


def test_policy_documents_render_the_providers_json_text():
    plan, root = _load("ecs_stack")
    prior = _instances(plan)
    documents = [r for r in root.resources if r.type == "aws_iam_policy_document"]
    assert len(documents) == 2
    for record in documents:
        for attribute in ("json", "minified_json", "id"):
            assert record.values[attribute] == prior[record.address]["values"][attribute]


def test_container_definitions_normalisation_matches_the_plan_text_exactly():
    plan, root = _load("container_normalisation")
    planned = _instances(plan)
    for record in root.resources:
        assert record.values["container_definitions"] == planned[record.address]["values"]["container_definitions"]
