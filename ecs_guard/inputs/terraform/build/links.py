"""Which resources an attribute points at, from the plan's configuration.

Most links between new resources (a service's task definition, a task
definition's roles, a service's subnets) are unknown until apply in the
planned values: the ARNs and ids do not exist yet. The configuration section
still says what each attribute was written from:
``expressions.<attr>.references`` lists ``aws_iam_role.exec.arn`` and
``aws_iam_role.exec``. This module follows those references to resource
instance addresses, across modules:

- ``var.x`` inside a module -> the module call's ``x`` expression, in the parent;
- ``module.m.out`` -> the output's expression, inside that module;
- ``aws_x.y`` with several instances -> the one with the referrer's own key
  when the expression uses ``each.key``/``count.index``, else all of them
  (``aws_subnet.private[*].id``); ``aws_x.y["k"]`` -> that one.

``local.*`` is opaque (the configuration does not show locals), so it
blocks: the caller then reports the attribute as unknown until apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

_KEY = r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]'
_MODULE_STEP = re.compile(r"module\.[A-Za-z0-9_-]+(?:" + _KEY + r")?\.")
_KEYS = re.compile(_KEY)
_REF_STEP = re.compile(r"\.?([^.\[]+)(" + _KEY + r")?")
_META = ("each", "count", "path", "terraform", "self")
_MAX_DEPTH = 32  # modules nest far less deeply; guards against a malformed configuration


def module_of(address: str) -> str:
    """The module instance part of a resource address ('' for the root module):
    ``module.api["x"].aws_ecs_service.this[0]`` -> ``module.api["x"]``."""
    if not address.startswith("module."):
        return ""
    return ".".join(_module_steps(address))


def _module_steps(address: str) -> list[str]:
    """The leading ``module.name[key]`` steps of an address or module path."""
    text, steps, pos = address + ".", [], 0
    match = _MODULE_STEP.match(text, 0)
    while match:
        steps.append(text[pos : match.end() - 1])
        pos = match.end()
        match = _MODULE_STEP.match(text, pos)
    return steps


def config_path(module: str) -> str:
    """A module instance without its instance keys, as the configuration names it."""
    return _KEYS.sub("", module) if "[" in module else module


def join(module: str, local: str) -> str:
    return f"{module}.{local}" if module else local


def key_suffix(key) -> str:
    """How Terraform writes an instance key in an address: [0] or ["blue"]."""
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    escaped = str(key).replace("\\", "\\\\").replace('"', '\\"')
    return f'["{escaped}"]'


class Resolved(NamedTuple):
    """Instance addresses an expression refers to, and the references that
    could not be followed (locals, missing module call arguments...)."""

    addresses: tuple[str, ...]
    blockers: tuple[str, ...]


class Instance(NamedTuple):
    address: str
    index: object  # type: ignore[assignment]  # the count index or for_each key; shadows tuple.index on purpose


def instances_of(records: Iterable) -> dict[tuple[str, str], list[Instance]]:
    """(module instance, local address) -> the instances of these records
    (anything with address, module, local and index)."""
    found: dict[tuple[str, str], list[Instance]] = {}
    for record in records:
        found.setdefault((record.module, record.local), []).append(Instance(record.address, record.index))
    return found


class Links:
    """Follows references through the plan's configuration.

    ``instances`` maps (module instance, local address such as
    ``aws_subnet.private``) to the instances in the plan; ``calls`` maps
    (module path, call name) to the call's flattened argument expressions;
    ``outputs`` maps (module path, output name) to the output's references.
    ``unexpanded`` lists the (module instance, local address) pairs whose
    instances are not known (Terraform source whose count or for_each is
    not known: one record stands for all of them); a reference to one
    cannot be followed, since which and how many objects it means is not known.
    """

    def __init__(
        self,
        instances: dict[tuple[str, str], list[Instance]],
        calls: dict[tuple[str, str], dict[str, list[str]]],
        outputs: dict[tuple[str, str], list[str]],
        unexpanded: frozenset[tuple[str, str]] = frozenset(),
    ):
        self.instances = instances
        self.calls = calls
        self.outputs = outputs
        self.unexpanded = unexpanded
        # Many resources write the same expression (every service of a module
        # passes var.subnet_ids): each one is followed once.
        self._resolved: dict[tuple, Resolved] = {}

    def resolve(self, references: Iterable[str], module: str, key, depth: int = 0) -> Resolved:
        """Follow `references`, written in module instance `module` by an object
        whose own instance key (each.key / count.index) is `key`."""
        references = tuple(references)
        own_key = key if "each.key" in references or "count.index" in references else _NO_KEY
        cache_key = (references, module, own_key)
        resolved = self._resolved.get(cache_key)
        if resolved is None:
            resolved = self._resolved[cache_key] = self._resolve(references, module, own_key, depth)
        return resolved

    def _resolve(self, references: tuple, module: str, own_key, depth: int) -> Resolved:
        addresses: list[str] = []
        blockers: list[str] = []
        by_resource: dict[str, set] = {}  # local address -> explicit instance keys used
        if depth > _MAX_DEPTH:
            return Resolved((), references)
        for reference in references:
            if reference.startswith("module.") and _has_longer(reference, references):
                continue  # Terraform lists each prefix of module.m.out.attr too; the longest one says it all
            steps = _steps(reference)
            head = steps[0][0] if steps else ""
            if head in _META:
                continue
            if head == "var" and len(steps) > 1:
                self._variable(steps[1][0], module, depth, addresses, blockers, reference)
            elif head == "module" and len(steps) > 2:
                self._output(steps, module, depth, addresses, blockers, reference)
            elif head == "data" and len(steps) > 2:
                if is_list_attribute(steps[1][0], "data", steps[3:]):
                    blockers.append(reference)  # how many elements it holds is not known
                    continue
                local = f"data.{steps[1][0]}.{steps[2][0]}"
                by_resource.setdefault(local, set()).add(_parse_key(steps[2][1]))
            elif len(steps) > 1 and head not in ("local", "module", "data", "var"):
                if is_list_attribute(head, "managed", steps[2:]):
                    blockers.append(reference)
                    continue
                by_resource.setdefault(f"{head}.{steps[1][0]}", set()).add(_parse_key(steps[1][1]))
            else:
                blockers.append(reference)
        for local, keys in by_resource.items():
            if (module, local) in self.unexpanded:
                blockers.append(join(module, local))
                continue
            addresses.extend(self._instances(module, local, keys, own_key))
        return Resolved(tuple(dict.fromkeys(addresses)), tuple(blockers))

    def _variable(self, name: str, module: str, depth: int, addresses: list, blockers: list, reference: str) -> None:
        if not module:  # a root variable: its value is in the plan, it links to no resource
            blockers.append(reference)
            return
        parent, call, call_key = _split_module(module)
        arguments = self.calls.get((config_path(parent), call))
        if arguments is None or name not in arguments:
            blockers.append(reference)
            return
        found = self.resolve(arguments[name], parent, call_key, depth + 1)
        addresses.extend(found.addresses)
        blockers.extend(found.blockers)

    def _output(self, steps: list, module: str, depth: int, addresses: list, blockers: list, reference: str) -> None:
        name, raw_key = steps[1]
        child = join(module, f"module.{name}" + (raw_key or ""))
        output = self.outputs.get((config_path(child), steps[2][0]))
        if output is None:
            blockers.append(reference)
            return
        found = self.resolve(output, child, None, depth + 1)
        addresses.extend(found.addresses)
        blockers.extend(found.blockers)

    def _instances(self, module: str, local: str, keys: set, own_key) -> list[str]:
        instances = self.instances.get((module, local))
        explicit = [k for k in keys if k is not None]
        if explicit:
            known = {i.index: i.address for i in instances or ()}
            return [known.get(k) or join(module, local) + key_suffix(k) for k in explicit]
        if not instances:  # not a resource the adapter keeps, or not in the plan
            return [join(module, local)]
        if own_key is not _NO_KEY:
            mine = [i.address for i in instances if i.index == own_key]
            if mine:
                return mine
        return [i.address for i in instances]


_NO_KEY = object()


def _split_module(module: str) -> tuple[str, str, object]:
    """('module.a', 'b', key) for 'module.a.module.b[key]'."""
    steps = _module_steps(module)
    name_and_key = steps[-1][len("module.") :]
    parent = ".".join(steps[:-1])
    bracket = name_and_key.find("[")
    if bracket < 0:
        return parent, name_and_key, None
    return parent, name_and_key[:bracket], _parse_key(name_and_key[bracket:])


def _steps(reference: str) -> list[tuple[str, str | None]]:
    """('aws_subnet', None), ('private', '[0]'), ('id', None) for 'aws_subnet.private[0].id'."""
    if "[" not in reference:
        return [(name, None) for name in reference.split(".")]
    return [(m.group(1), m.group(2)) for m in _REF_STEP.finditer(reference)]


# Attributes that hold a list of other objects' ids, for types whose schema
# ecs-guard does not carry: the AWS provider's list data sources
# (aws_subnets.ids, aws_subnet_ids.ids, aws_security_groups.ids,
# aws_iam_roles.arns, aws_availability_zones.names).
_LIST_ATTRIBUTE_NAMES = frozenset({"ids", "arns", "names", "zone_ids"})


def is_list_attribute(resource_type: str, mode: str, rest: list[tuple[str, str | None]]) -> bool:
    """Whether a reference's attribute steps (`rest`, after the resource's
    name) name a whole list or set attribute: ``data.aws_subnets.x.ids``. A
    link through it is to an unknown number of objects, not to the resource
    itself: the caller must not take it for one element."""
    if not rest or rest[0][1] is not None or len(rest) > 1:
        return False  # the resource itself, an element (ids[0]) or something inside
    from ecs_guard.inputs.terraform.provider.schema import resource_schema  # only for such references

    schema = resource_schema(resource_type, mode)
    kind = schema.attribute_type(rest[0][0]) if schema is not None else None
    if kind is not None:
        return isinstance(kind, list) and kind[0] in ("list", "set", "tuple")
    return rest[0][0] in _LIST_ATTRIBUTE_NAMES


def _has_longer(reference: str, references: tuple) -> bool:
    """Whether another reference continues this one (module.m -> module.m.out)."""
    return any(other.startswith((reference + ".", reference + "[")) for other in references if other != reference)


def _parse_key(raw: str | None):
    """'[0]' -> 0, '["blue"]' -> 'blue', '[*]' or None -> None (every instance)."""
    if not raw:
        return None
    inner = raw[1:-1]
    if inner.isdigit():
        return int(inner)
    if len(inner) >= 2 and inner[0] == '"' and inner[-1] == '"':
        return re.sub(r"\\(.)", r"\1", inner[1:-1])
    return None
