"""Reporters turn a Report into one output format: ``render(report, stream, *, verbose=False)``.

Each format lives in its own module and is imported only when chosen, so
``ecs-guard --version`` and a JSON scan never import rich. What several
formats need to say the same way (how a result names its resource, which
order results come in, a rule's category) is here, once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_guard.results import Severity

FORMATS = {
    "console": "ecs_guard.reporters.console",
    "json": "ecs_guard.reporters.json_report",
    "sarif": "ecs_guard.reporters.sarif",
    "github": "ecs_guard.reporters.github",
    "junit": "ecs_guard.reporters.junit",
}

# The rule catalogue's sections (RULES.md): the hundreds digit of an ID.
CATEGORIES = {
    "1": "network",
    "2": "images",
    "3": "iam",
    "4": "resilience",
    "5": "secrets",
    "6": "runtime-hardening",
    "7": "data-protection",
}


def renderer(format_name: str) -> Callable[..., None]:
    """The render function of one output format, imported on demand."""
    return importlib.import_module(FORMATS[format_name]).render


def rule_category(rule_id: str) -> str:
    """The catalogue section of a rule ID: EG602 -> runtime-hardening."""
    return CATEGORIES.get(rule_id[2:3], "other")


def subject(resource: str, container: str | None) -> str:
    """How every format names what a result is about:
    ``family:web (container 'web')`` or ``aws_ecs_service.app``."""
    return f"{resource} (container '{container}')" if container else resource


def severity_key(finding) -> tuple:
    """Worst first, then document order: the order in which results are kept
    when a format has to drop some."""
    from ecs_guard.engine import document_order  # not at import: `ecs-guard --version` loads this package

    return (-finding.severity.rank, *document_order(finding))


def start_line(location) -> int:
    """A result's line, never below 1: SARIF and GitHub reject results without one."""
    return max(1, location.line or 1)


def reported_severity(finding) -> Severity:
    """A reported finding's severity, which the engine always sets (the rule's when the finding has none)."""
    assert finding.severity is not None, f"{finding.rule_id} finding without a severity: not made by the engine"
    return finding.severity
