"""One scan, start to end: read the inputs into an Inventory, run the rules,
then apply what the configuration says (severities, suppressions)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .engine import Report, run
from .rule import Rule, select_rules

if TYPE_CHECKING:
    from .config import Config
    from .inputs.options import TerraformOptions


def scan(paths: list[str], rules: list[Rule] | None = None, options: "TerraformOptions | None" = None) -> Report:
    """`options`: var files and a plan's source for Terraform inputs."""
    from .inputs import load  # adapters import their parsers lazily

    inventory = load(paths, options)
    return run(inventory, rules if rules is not None else select_rules())


def configured_scan(paths: list[str], config: "Config", options: "TerraformOptions | None" = None) -> Report:
    """Scan with the configured rules and severities, then apply the suppressions.
    Used by `scan`, `baseline` and `audit`, so all three report alike."""
    from .suppress import apply_suppressions

    report = scan(paths, config.rules(), options)
    config.apply_severities(report)
    apply_suppressions(report, config)
    return report
