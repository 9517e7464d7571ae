"""Values Terraform marks sensitive are redacted in every report, like secrets.

``sensitive("...")``, a variable or an output declared ``sensitive = true``:
Terraform hides these values in its own output, so ecs-guard must not print
them either, wherever a rule happens to quote one (a container named by a
sensitive value, an image tag, a reason that quotes the expression's
result). The HCL evaluator collects their texts into the Inventory; after
the rules ran, every text a reporter prints (messages, reasons, container
and resource names, logical locations) has them replaced by the same mask
as secrets (ecs_guard.redact), before any reporter, baseline or suppression
sees the report.

Texts shorter than MIN_LENGTH are left alone: masking every "1" or "app"
in every message would hide more than the value and say nothing of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ecs_guard.redact import redact

if TYPE_CHECKING:
    from ecs_guard.engine import Report
    from ecs_guard.location import Location

MIN_LENGTH = 4


def redact_sensitive(report: Report, texts: Iterable[str]) -> None:
    """Mask every sensitive text in what the report's reporters print."""
    masked = sorted({text for text in texts if len(text) >= MIN_LENGTH}, key=len, reverse=True)
    if not masked:
        return

    def clean(text: str | None) -> str | None:
        if not text:
            return text
        for secret in masked:
            if secret in text:
                text = text.replace(secret, redact(secret))
        return text

    def clean_location(location: Location | None) -> None:
        if location is not None and location.address:
            location.address = clean(location.address) or ""

    for finding in report.findings:
        finding.message = clean(finding.message) or ""
        finding.container = clean(finding.container)
        finding.resource = clean(finding.resource) or ""
        clean_location(finding.location)
        clean_location(finding.resource_location)
    for entry in report.not_evaluated:
        entry.reason = clean(entry.reason) or ""
        entry.container = clean(entry.container)
        entry.resource = clean(entry.resource) or ""
        clean_location(entry.location)
    for error in report.errors:
        error.message = clean(error.message) or ""
        error.resource = clean(error.resource) or ""
        clean_location(error.location)
    report.problems[:] = [dataclasses.replace(p, message=clean(p.message) or "") for p in report.problems]
