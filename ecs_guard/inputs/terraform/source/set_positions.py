"""Which element of a nested-block set in the source is which in a plan.

Blocks the provider keeps as sets (a task definition's ``volume``, a
service's ``load_balancer`` and ``capacity_provider_strategy``, a
cluster's ``setting``) come out of a plan in the provider's hash order,
not in the order they were written; the HCL front end keeps the written
order. So the plan's ``("volume", 1, ...)`` may be the source's
``("volume", 2, ...)``. The elements are matched by content: a source
element matches a plan element when everything it writes equals the
plan's value (the plan adds defaults and computed attributes; what the
plan does not know does not count against a match).
"""

from __future__ import annotations

from typing import Any

Positions = dict[tuple, dict[int, int]]  # plan path of a set -> {plan index: source index}


def set_positions(planned: dict, written: dict, schema) -> Positions:
    """The positions of every nested-block set element of a resource.
    `planned`: the plan's values; `written`: the source's values; `schema`:
    the resource type's hcl.schema.BlockSchema (None: nothing to match)."""
    found: Positions = {}
    if schema is not None:
        _blocks(planned, written, schema, (), found)
    return found


def source_path(path: tuple, positions: Positions) -> tuple:
    """The source's path for a plan's path (an unmatched element: None,
    which the source locates at the nearest matched ancestor)."""
    if not positions:
        return path
    translated = []
    for depth, step in enumerate(path):
        mapping = positions.get(path[:depth]) if step.__class__ is int else None
        translated.append(mapping.get(step) if mapping is not None else step)
    return tuple(translated)


def _blocks(planned: Any, written: Any, schema, path: tuple, found: Positions) -> None:
    if not isinstance(planned, dict) or not isinstance(written, dict):
        return
    for name, (nesting, inner) in schema.blocks.items():
        theirs, mine = planned.get(name), written.get(name)
        if not isinstance(theirs, list) or not isinstance(mine, list):
            continue
        here = (*path, name)
        if nesting == "set":
            mapping = _match(theirs, mine)
            found[here] = mapping
        else:
            mapping = {index: index for index in range(min(len(theirs), len(mine)))}
        for plan_index, source_index in mapping.items():
            _blocks(theirs[plan_index], mine[source_index], inner, (*here, plan_index), found)


def _match(planned: list, written: list) -> dict[int, int]:
    """{plan index: source index}, each source element used once."""
    unused = list(range(len(written)))
    mapping = {}
    for plan_index, element in enumerate(planned):
        source_index = next((i for i in unused if _agrees(written[i], element)), None)
        if source_index is not None:
            mapping[plan_index] = source_index
            unused.remove(source_index)
    return mapping


def _agrees(written: Any, planned: Any) -> bool:
    """Whether everything `written` sets equals the plan's value (a member
    the plan does not have, being unknown there, does not disagree)."""
    if isinstance(written, dict):
        return isinstance(planned, dict) and all(
            key not in planned or planned[key] is None or _agrees(value, planned[key]) for key, value in written.items()
        )
    if isinstance(written, list):
        if not isinstance(planned, list) or len(planned) != len(written):
            return False
        return all(_agrees(a, b) for a, b in zip(written, planned, strict=False))
    return written == planned
