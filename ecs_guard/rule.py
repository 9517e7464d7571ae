"""The public rule API: ``@rule``, and the catalogue of registered rules.

A rule is a generator function over one kind of model object (its target)
that yields Findings and NotEvaluated results built from the object's
Values; yielding nothing is a pass. Built-in rules live in the top-level
rules/ folder (installed as ``ecs_guard.rules``), one module per rule,
with their documentation in the docstring:

    @rule(id="EG602", name="privileged-container", severity=Severity.HIGH,
          target=Container, peers={"Security Hub": "ECS.4"})
    def privileged_container(c: Container):
        '''## What it does ... ## Why is this bad? ... ## Example ...
        ## Use instead ... ## References'''
        if not c.privileged.known:
            yield c.privileged.not_evaluated()  # unknown until apply, not captured...: never a pass
        elif c.privileged.value is True:
            yield c.privileged.finding(f"container '{c.name.value}' runs privileged")

Check `known` before judging `value`: an unknown Value's value is None, and
`value is True` on it would pass silently. tests/test_unknown_values.py
makes every field a rule reads unknown in turn and fails on a silent pass.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ecs_guard.results import Severity

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
RULE_ID = re.compile(r"^EG\d{3}$")

_REGISTRY: dict[str, Rule] = {}


@dataclass(frozen=True)
class Rule:
    """A registered rule: its metadata (RULES.md) and its check."""

    id: str
    name: str
    severity: Severity
    target: type | tuple[type, ...]
    check: Callable[..., Iterable | None]  # a check that is not a generator may return None
    peers: dict[str, str] = field(default_factory=dict)
    enabled_by_default: bool = True
    doc: str = ""
    other_severities: tuple[Severity, ...] = ()  # what some findings take instead (EG102: low for bridge)

    @property
    def summary(self) -> str:
        """The first sentence of "What it does": the rule's one-line description."""
        text = section(self.doc, "What it does") or self.name
        first = re.split(r"(?<=\.)\s", " ".join(text.split()), maxsplit=1)[0]
        return first

    @property
    def targets(self) -> tuple[type, ...]:
        """The model types the rule runs on (EG101 runs on services and task sets)."""
        return self.target if isinstance(self.target, tuple) else (self.target,)

    @property
    def module(self) -> str:
        return self.check.__module__


def rule(
    *,
    id: str,
    name: str,
    severity: Severity,
    target: type | tuple[type, ...],
    peers: dict[str, str] | None = None,
    enabled: bool = True,
    other_severities: tuple[Severity, ...] = (),
):
    """Register a rule. IDs are stable: once released, an ID never changes meaning.
    ``target`` is a model type, or a tuple of them for a rule that applies to
    several (a public IP on a service or on a task set is the same problem).
    ``other_severities``: severities some of its findings take instead of
    ``severity`` (the catalogue lists them: "high / low")."""
    if not RULE_ID.match(id):
        raise ValueError(f"rule id '{id}' must look like EG123")

    def register(check):
        if id in _REGISTRY and _REGISTRY[id].check.__qualname__ != check.__qualname__:
            raise ValueError(f"rule id {id} is registered twice ({_REGISTRY[id].module} and {check.__module__})")
        _REGISTRY[id] = Rule(
            id=id,
            name=name,
            severity=severity,
            target=target,
            check=check,
            peers=dict(peers or {}),
            enabled_by_default=enabled,
            doc=inspect.cleandoc(check.__doc__ or ""),
            other_severities=other_severities,
        )
        return check

    return register


def all_rules() -> list[Rule]:
    """Every built-in rule, sorted by ID. Imports the rule pack on first use."""
    _load_builtin_rules()
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule | None:
    _load_builtin_rules()
    return _REGISTRY.get(rule_id.upper())


def select_rules(select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
    """The rules to run. ``select``/``ignore`` take IDs or prefixes (EG4, EG40);
    with no select, the rules enabled by default run; a rule that is off by
    default runs when selected by its full ID or a prefix."""
    chosen = []
    for r in all_rules():
        on = any(r.id.startswith(p.upper()) for p in select) if select else r.enabled_by_default
        if on and not any(r.id.startswith(p.upper()) for p in (ignore or [])):
            chosen.append(r)
    return chosen


def unknown_rule_codes(codes: list[str]) -> list[str]:
    """Codes given to --select/--ignore that match no rule (a usage error)."""
    ids = [r.id for r in all_rules()]
    return [c for c in codes if not any(i.startswith(c.upper()) for i in ids)]


def section(doc: str, title: str) -> str:
    """The text of one '## Title' section of a rule docstring."""
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return match.group(1).strip() if match else ""


_loaded = False


def _load_builtin_rules() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    package = importlib.import_module("ecs_guard.rules")
    # the folder's eg*.py modules, listed directly: pkgutil costs milliseconds of every start
    names = {
        name.partition(".")[0]
        for folder in package.__path__
        for name in os.listdir(folder)
        if name.startswith("eg") and name.endswith((".py", ".pyc"))
    }
    for name in sorted(names):
        importlib.import_module(f"ecs_guard.rules.{name}")
