"""What a rule can say about a resource: a Finding, or NotEvaluated.

Rules create these from model Values (``value.finding(...)``,
``value.not_evaluated()``) with only a message and a location; the engine
fills in the rule, the severity and the resource they belong to. A pass is
saying nothing at all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ecs_guard.location import Location

# Results are slotted dataclasses, not frozen ones (a large scan makes tens
# of thousands; see ecs_guard.model): treat them as immutable all the same.


class Severity(enum.Enum):
    """Severities of RULES.md, with their SARIF level and security-severity."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    # A member is its own identity (enum members are singletons), so it is
    # hashed as one, in C: Enum's own __hash__ is a Python method, and a
    # report counts 10,000s of findings by severity.
    __hash__ = object.__hash__

    @property
    def rank(self) -> int:
        """Higher is worse; used by --fail-on and for sorting."""
        return _RANK[self]

    @property
    def sarif_level(self) -> str:
        return {"critical": "error", "high": "error", "medium": "warning"}.get(self.value, "note")

    @property
    def security_severity(self) -> str:
        """GitHub wants this as a string: it maps 9.0+ to critical, 7.0+ high, 4.0+ medium."""
        return _SECURITY_SEVERITY[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity '{text}' (expected one of: {names})") from None


_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


@dataclass(slots=True)
class Finding:
    """A rule's verdict that a resource breaks it.

    ``message`` says what is wrong without naming the resource (reporters add
    the resource address); ``container`` names the container for
    container-level findings. ``severity`` is None unless the rule overrides
    its default for this finding (EG102: host is high, bridge is low).
    Never put a secret value in a message: see ecs_guard.redact.
    """

    message: str
    location: Location
    container: str | None = None
    severity: Severity | None = None
    rule_id: str = ""
    resource: str = ""
    # Where the resource is defined (HCL: its block's first and last line): an
    # inline suppression on the resource's line covers all its findings.
    resource_location: Location | None = None
    # The Terraform root folder the resource was reached through, when it is
    # part of the resource's identity (model.Resource.root): `resource` then
    # starts with it, and a config `path:` glob matching the root matches.
    root: str = ""


@dataclass(slots=True)
class NotEvaluated:
    """A rule could not decide (value unknown until apply, role defined
    elsewhere, API call denied). Never a pass: it is counted and reported."""

    reason: str
    location: Location
    container: str | None = None
    rule_id: str = ""
    resource: str = ""


@dataclass(slots=True)
class RuleError:
    """A rule raised on a resource: reported as an internal error, the scan goes on."""

    rule_id: str
    resource: str
    location: Location
    message: str
