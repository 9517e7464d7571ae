"""One scan, start to end: read the inputs into an Inventory, run the rules,
then apply what the configuration says (severities, suppressions)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ecs_guard.engine import Report, run
from ecs_guard.rule import Rule, select_rules

if TYPE_CHECKING:
    from ecs_guard.config import Config
    from ecs_guard.inputs.exclude import Exclusions
    from ecs_guard.inputs.terraform.options import TerraformOptions


def scan(
    paths: list[str],
    rules: list[Rule] | None = None,
    options: TerraformOptions | None = None,
    exclusions: Exclusions | None = None,
) -> Report:
    """`options`: var files and a plan's source for Terraform inputs; `exclusions`: what walks leave out."""
    from ecs_guard.inputs import load  # adapters import their parsers lazily
    from ecs_guard.sensitive import redact_sensitive

    inventory = load(paths, options, exclusions)
    report = run(inventory, rules if rules is not None else select_rules())
    redact_sensitive(report, inventory.sensitive)
    return report


def configured_scan(
    paths: list[str], config: Config, options: TerraformOptions | None = None, written: tuple[str, ...] = ()
) -> Report:
    """Scan with the configured rules and severities, then apply the suppressions.
    Used by `scan`, `baseline` and `audit`, so all three report alike. `written`:
    the files this run writes its reports to, which a walk must not read back."""
    from ecs_guard.suppress import apply_suppressions

    with collector_paused():
        report = scan(paths, config.rules(), options, config.exclusions(written))
    config.apply_severities(report)
    apply_suppressions(report, config)
    return report


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a scan runs. A scan builds
    hundreds of thousands of small objects (the model, then the findings)
    that form no cycles worth collecting; the collector would only walk them
    again and again as the heap grows (a tenth of a large snapshot's scan).
    Objects are still freed by reference counting; the collector's state is
    restored afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
