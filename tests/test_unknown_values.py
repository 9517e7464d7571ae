"""An unknown value never passes silently, for every rule and every model
field it reads.

For each failing case of fixtures/rules/*.yaml, the rule runs once with
every model field read recorded; then each known field it read is made
unknown in turn and the rule runs again on the same object. The rule must
then still say something about that object (a finding, or not evaluated):
saying nothing is a pass, and a pass must never come from a value nobody
knows. A field that is only in a message (a container's name) keeps the
finding, which is fine; a field the verdict depends on must turn it into
"not evaluated".
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

import pytest
from fixture_cases import all_cases

from ecs_guard import model
from ecs_guard.engine import targets
from ecs_guard.inputs import load
from ecs_guard.model import Value
from ecs_guard.rule import get_rule

FAILING = [case for case in all_cases() if case.expect and case.kind in ("plan", "taskdef", "snapshot")]
MODEL_TYPES = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls is not model.Inventory
]


class _Recording:
    """A slot descriptor that notes which (object, field) a rule reads."""

    def __init__(self, name: str, slot, reads: list):
        self.name, self.slot, self.reads = name, slot, reads

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = self.slot.__get__(obj, owner)
        if isinstance(value, Value):
            self.reads.append((obj, self.name, self.slot))
        return value

    def __set__(self, obj, value):
        self.slot.__set__(obj, value)


@contextmanager
def recorded_reads(reads: list):
    """While active, every Value read from a model object is noted in `reads`."""
    saved = []
    for cls in MODEL_TYPES:
        for f in dataclasses.fields(cls):
            slot = cls.__dict__.get(f.name)
            if slot is not None and not isinstance(slot, _Recording):
                saved.append((cls, f.name, slot))
                setattr(cls, f.name, _Recording(f.name, slot, reads))
    try:
        yield
    finally:
        for cls, name, slot in saved:
            setattr(cls, name, slot)


def _said(rule, checked) -> list:
    return list(rule.check(checked) or ())


@pytest.mark.parametrize("case", FAILING, ids=[c.id for c in FAILING])
def test_every_field_a_rule_reads_made_unknown_is_never_a_silent_pass(case, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    case.write(tmp_path)
    monkeypatch.chdir(tmp_path)
    inventory = load(["."])
    rule = get_rule(case.rule)
    subjects = [checked for target in rule.targets for checked, _ in targets(inventory, target) if checked]
    failing = [checked for checked in subjects if _said(rule, checked)]
    assert failing, f"{case.id}: the case fails on no object"
    mutated = 0
    for checked in failing:
        reads: list = []
        with recorded_reads(reads):
            _said(rule, checked)
        seen = set()
        for obj, name, slot in reads:
            if (id(obj), name) in seen:
                continue
            seen.add((id(obj), name))
            original = slot.__get__(obj, type(obj))
            if not original.known:
                continue
            slot.__set__(obj, Value.unknown("made unknown by the test", original.location))
            try:
                results = _said(rule, checked)
            finally:
                slot.__set__(obj, original)
            mutated += 1
            assert results, f"{case.id}: {type(obj).__name__}.{name} unknown gives a silent pass"
    assert mutated, f"{case.id}: the rule read no known field"
