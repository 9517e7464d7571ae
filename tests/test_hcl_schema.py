"""The carried AWS provider schema: aliases are written once and read as their target."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ecs_guard.inputs.terraform.provider.schema import resource_schema

_GENERATOR = Path(__file__).resolve().parent.parent / "tools" / "gen_aws_schema.py"
_spec = importlib.util.spec_from_file_location("gen_aws_schema", _GENERATOR)
assert _spec is not None and _spec.loader is not None
gen_aws_schema = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen_aws_schema)
split_aliases = gen_aws_schema.split_aliases


def test_a_type_with_an_earlier_types_schema_is_written_as_its_alias():
    lb = {"attributes": {"arn": ["string", "c"]}, "blocks": {}}
    other = {"attributes": {"name": ["string", "r"]}, "blocks": {}}
    schemas, aliases = split_aliases({"aws_lb": lb, "aws_vpc": other, "aws_alb": dict(lb)})
    assert schemas == {"aws_lb": lb, "aws_vpc": other}
    assert aliases == {"aws_alb": "aws_lb"}


def test_an_alias_type_reads_its_targets_schema():
    for alias, target in (
        ("aws_alb_listener", "aws_lb_listener"),
        ("aws_alb", "aws_lb"),
        ("aws_alb_target_group", "aws_lb_target_group"),
    ):
        schema = resource_schema(alias)
        assert schema is not None and schema == resource_schema(target)
    assert resource_schema("aws_alb_listener").block("default_action") is not None
    assert resource_schema("aws_alb_target_group").is_computed("arn")
