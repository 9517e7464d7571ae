"""The plan's resources by address and kind, and how one attribute links to
the model objects of other resources.

An attribute links in one of two ways, and every link in the plan adapter
goes through ``link_one`` or ``link_many`` so they all behave alike:

- its value is known (an ARN, an id, a name): the object found by that value,
  or, when no resource of the plan has it, what the caller makes of a
  resource that is not in the plan (an unknown Value with a reason, or a
  placeholder object whose facts are unknown);
- its value is unknown until apply: the objects its configuration
  expression refers to (links.py); an expression that cannot be followed
  (a local) leaves the link unknown, with the attribute named in the
  reason, unless the record is read from Terraform source, which knows
  what the value is derived from (``derived_from``).

Building a model object from a record is guarded: a resource whose shape is
wrong becomes an InputProblem naming it, and the rest of the plan is scanned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.terraform.build.links import Links, Resolved
from ecs_guard.inputs.terraform.build.records import PlanResource, dotted
from ecs_guard.model import Value

T = TypeVar("T")


class PlanIndex:
    def __init__(self, records: Sequence[PlanResource], links: Links, holder: str = "the plan"):
        self.links = links
        self.holder = holder  # what holds the resources, for reasons: "cluster x is not in the plan"
        self.by_address = {r.address: r for r in records}
        self.by_kind: dict[str, list[PlanResource]] = {}
        for record in records:
            self.by_kind.setdefault(record.kind, []).append(record)
        self.problems: list[InputProblem] = []
        self.unreadable: set[str] = set()  # resources whose shape was wrong: reported, not modelled

    def of_kind(self, *kinds: str) -> list[PlanResource]:
        return [r for kind in kinds for r in self.by_kind.get(kind, ())]

    def resolve(self, record: PlanResource, attribute: str) -> Resolved:
        references = record.references(attribute)
        if references is None:
            return Resolved((), ("the plan has no configuration section",))
        resolved = self.links.resolve(references, record.module, record.index)
        if resolved.blockers or not resolved.addresses:
            # a local, or each.value over a for_each of role ARNs: the source may know what it comes from
            derived = record.derived_from(attribute)
            if derived and all(address in self.by_address for address in derived):
                return Resolved(derived, ())
        return resolved

    def build_each(self, records: Iterable[PlanResource], build: Callable[[PlanResource], T]) -> dict[str, T]:
        """{address: build(record)} for every record that could be read."""
        built = {}
        for record in records:
            try:
                built[record.address] = build(record)
            except InputError as error:
                self.problem(record, error.message)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
                # Never str(error): a value from the plan (a secret) could be in it.
                self.problem(record, f"unexpected shape of the resource ({type(error).__name__})")
            else:
                continue
            self.unreadable.add(record.address)
        return built

    def problem(self, record: PlanResource, message: str) -> None:
        self.problems.append(
            InputProblem(
                record.location.path, f"{record.address}: {message}", record.location.line, kind="not-understood"
            )
        )

    def link_one(
        self,
        record: PlanResource,
        path: tuple,
        find: Callable[[str], Any],
        built: dict[str, Any],
        missing: Callable[[str], str],
    ) -> tuple[Value, Value]:
        """(as written, linked object) for a single-valued link such as a
        service's cluster. "As written" is the known value, or the address of
        the one resource the expression refers to."""
        value = record.get(*path)
        where = record.locate(path)
        if value.known:
            if value.value is None:
                return value, value
            target = find(value.value)
            if target is not None:
                return value, Value(target, where)
            return value, Value.unknown(missing(value.value), where)
        resolved = self.resolve(record, dotted(path))
        targets = [a for a in resolved.addresses if a in built]
        others = [a for a in resolved.addresses if a not in built]
        if len(targets) == 1 and not others:
            return Value(targets[0], where), Value(built[targets[0]], where)
        if not targets and len(others) == 1 and not resolved.blockers:
            return Value(others[0], where), Value.unknown(self._missing(others[0], missing), where)
        return value, value

    def _missing(self, address: str, missing: Callable[[str], str]) -> str:
        if address in self.unreadable:
            return f"{address} could not be read (see the input problems)"
        return missing(address)

    def link_many(
        self,
        record: PlanResource,
        path: tuple,
        find: Callable[[str], Any],
        built: dict[str, Any],
        missing: Callable[[str, bool], Any],
    ) -> Value:
        """Value[tuple] for a list of links such as a service's subnets.
        ``missing(text, is_address)`` makes the object for an id (or, when
        is_address, a resource address) that is not in the plan. A list that
        is partly known combines its known elements with the references."""
        value = record.get(*path)
        if value.known:
            if value.value is None:
                return value
            linked = [find(v) or missing(v, False) for v in _strings(value.value)]
            return Value(unique_by_address(linked), value.location)
        resolved = self.resolve(record, dotted(path))
        known_part = _strings(record.raw(path) or [])
        if resolved.blockers or not resolved.addresses:
            return value
        linked = [find(v) or missing(v, False) for v in known_part]
        linked += [built.get(a) or missing(a, True) for a in resolved.addresses]
        return Value(unique_by_address(linked), record.locate(path))


def parse_json(text: Any, attribute: str) -> Any:
    """A JSON document held in a string attribute (container_definitions, policy)."""
    if not isinstance(text, str):
        raise InputError(f"{attribute} is not a string")
    try:
        return json.loads(text)
    except ValueError as error:  # the message has no content of the document, only where it broke
        raise InputError(
            f"{attribute} is not valid JSON ({error.__class__.__name__} at char {getattr(error, 'pos', '?')})"
        ) from None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise InputError("expected a list of strings")
    return [v for v in value if isinstance(v, str)]


def unique_by_address(objects: Iterable[Any]) -> tuple:
    """Each linked object once, in order (an object is identified by its address)."""
    seen: dict[str, Any] = {}
    for obj in objects:
        seen.setdefault(getattr(obj, "address", obj), obj)
    return tuple(seen.values())
