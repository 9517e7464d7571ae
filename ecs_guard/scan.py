"""One scan, start to end: read the inputs into an Inventory, run the rules."""
from __future__ import annotations

from .engine import Report, run
from .rule import Rule, select_rules


def scan(paths: list[str], rules: list[Rule] | None = None) -> Report:
    from .inputs import load  # adapters import their parsers lazily

    inventory = load(paths)
    return run(inventory, rules if rules is not None else select_rules())
