"""What the AWS provider says about a resource type's attributes.

A plan's values follow the provider schema, not the code: ``cpu = 256``
is planned as "256" (a string attribute), sets come back sorted, an
attribute the code leaves out is null or, when the provider computes it,
unknown until apply. The schema (aws_schema.py, generated) tells which.
Types outside it are taken as written, and an attribute they leave out
is reported as not known rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Attributes the provider fills in when the code leaves them out, whatever
# the schema says (the ``id`` of every resource).
ALWAYS_COMPUTED = frozenset({"id"})

# Nested blocks the provider computes when the code leaves them out (planned
# as unknown). The schema JSON does not say so; these were seen in real plans.
COMPUTED_BLOCKS = {
    "aws_ecs_cluster": frozenset({"setting"}),
    "aws_iam_role": frozenset({"inline_policy"}),
    "aws_lb_target_group": frozenset(
        {"stickiness", "target_failover", "target_group_health", "target_health_state", "health_check"}
    ),
    "aws_alb_target_group": frozenset(
        {"stickiness", "target_failover", "target_group_health", "target_health_state", "health_check"}
    ),
    "aws_appautoscaling_target": frozenset({"suspended_state"}),
}


@dataclass
class BlockSchema:
    attributes: dict = field(default_factory=dict)  # name -> (type, flags)
    blocks: dict = field(default_factory=dict)  # name -> (nesting, BlockSchema)

    def attribute_type(self, name: str):
        entry = self.attributes.get(name)
        return entry[0] if entry else None

    def is_computed(self, name: str) -> bool:
        entry = self.attributes.get(name)
        return bool(entry and "c" in entry[1]) or name in ALWAYS_COMPUTED

    def block(self, name: str) -> tuple[str, BlockSchema] | None:
        return self.blocks.get(name)

    def attribute_as_blocks(self, name: str) -> tuple[str, BlockSchema] | None:
        """(nesting, schema of one element) when argument `name` may be written
        as nested blocks, else None.

        Terraform's "attributes as blocks" mode: an argument (not a block) of
        type list or set of objects, like aws_security_group's ``ingress``
        and ``egress``, may be written as repeated blocks named after it
        (terraform's lang/blocktoattr); each block is one object. Arguments
        the provider only computes cannot be written at all."""
        entry = self.attributes.get(name)
        if entry is None or not ("o" in entry[1] or "r" in entry[1]):
            return None
        kind = entry[0]
        if not (isinstance(kind, list) and kind[0] in ("list", "set")):
            return None
        element = kind[1]
        if not (isinstance(element, list) and element[0] == "object"):
            return None
        return kind[0], BlockSchema(attributes={key: (t, "o") for key, t in element[1].items()})


_CACHE: dict[tuple[str, str], BlockSchema | None] = {}


def resource_schema(resource_type: str, mode: str = "managed") -> BlockSchema | None:
    """The schema of a resource (or, mode "data", data source) type; None
    when we do not carry it."""
    key = (mode, resource_type)
    if key not in _CACHE:
        from ecs_guard.inputs.terraform.provider.aws_schema import ALIASES, DATA_SOURCES, RESOURCES

        if mode == "managed":
            raw = RESOURCES.get(ALIASES.get(resource_type, resource_type))
        else:
            raw = DATA_SOURCES.get(resource_type)
        _CACHE[key] = _block(raw) if isinstance(raw, dict) else None  # every schema is a dict
    return _CACHE[key]


def _block(raw: dict) -> BlockSchema:
    return BlockSchema(
        attributes={name: (_type(entry[0]), entry[1]) for name, entry in raw["attributes"].items()},
        blocks={name: (entry[0], _block(entry[1])) for name, entry in raw["blocks"].items()},
    )


def _type(raw):
    """JSON type notation with lists turned into tuples where it nests."""
    if isinstance(raw, list):
        kind, inner = raw[0], raw[1]
        if kind == "object":
            return ["object", {name: _type(t) for name, t in inner.items()}]
        if kind == "tuple":
            return ["tuple", [_type(t) for t in inner]]
        return [kind, _type(inner)]
    return raw
