"""One rule's answer for one resource, from a file's scan: what a checkov check returns.

A finding fails the resource; otherwise a result ecs-guard could not decide
(not evaluated, a rule that raised, a resource ecs-guard did not model, a
file it could not read) is UNKNOWN, never a pass. checkov drops UNKNOWN from
its reports, so each one is logged; ECS_GUARD_CHECKOV_FAIL_ON_UNKNOWN=1
makes it a failure instead.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from ecs_guard.checkov.estate import Estate

LOG = logging.getLogger("ecs_guard.checkov")
FAIL_ON_UNKNOWN = "ECS_GUARD_CHECKOV_FAIL_ON_UNKNOWN"

PASSED, FAILED, UNKNOWN = "PASSED", "FAILED", "UNKNOWN"
SECRET_RULE = "EG501"


@dataclass
class Verdict:
    result: str
    details: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # values checkov must mask in its code block


def verdict(estate: Estate, rule_id: str, address: str, where: str) -> Verdict:
    """`where`: the file and resource as checkov names them, for the log."""
    key = (rule_id, address)
    findings = estate.findings.get(key)
    if findings:
        details = [_detail(f.message, f.container, f.location.path, f.location.line) for f in findings]
        return Verdict(FAILED, details, _secrets(estate, address))
    if estate.problem is not None:
        reasons = [estate.problem]
    elif key in estate.not_evaluated:
        reasons = [_detail(u.reason, u.container, u.location.path, u.location.line) for u in estate.not_evaluated[key]]
    elif key in estate.errors:
        reasons = [f"the rule raised {e.message}" for e in estate.errors[key]]
        for reason in reasons:
            LOG.error("ecs-guard: %s %s: %s", rule_id, where, reason)
    elif address not in estate.modelled.get(rule_id, set()):
        reasons = ["ecs-guard did not model this resource"]
    else:
        return Verdict(PASSED, secrets=_secrets(estate, address))
    details = [f"not evaluated: {reason}" for reason in reasons]
    for detail in details:
        LOG.warning("ecs-guard: %s %s: %s", rule_id, where, detail)
    if os.environ.get(FAIL_ON_UNKNOWN, "").strip().lower() in ("1", "true", "yes"):
        return Verdict(FAILED, details, _secrets(estate, address))
    return Verdict(UNKNOWN, details, _secrets(estate, address))


def _secrets(estate: Estate, address: str) -> list[str]:
    """The values to mask in checkov's code block of the resource: its
    environment values, when EG501 found a secret among them. checkov prints
    (and writes into JSON) the resource's code for every check's result, not
    only for EG501's."""
    return estate.secrets.get(address, []) if (SECRET_RULE, address) in estate.findings else []


def _detail(message: str, container: str | None, path: str, line: int | None) -> str:
    subject = f"container {container}: " if container else ""
    at = f" ({path}:{line})" if line else f" ({path})"
    return f"{subject}{message}{at}"
