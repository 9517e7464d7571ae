"""JUnit XML for Jenkins and GitLab: one test case per rule and resource.

CI servers show JUnit results as a list of tests that passed, failed or
were skipped, and count them from run to run. ecs-guard's natural "test"
is one rule checked on one resource, so:

- one ``<testsuite>`` per rule that ran (``EG602 privileged-container``),
  with the rule's severity and docs link as ``<properties>``;
- in it one ``<testcase>`` per resource the rule ran on: ``name`` is the
  resource address (with its file when resources of two files share it, as
  a Terraform root and its plan do), ``classname`` ``ecs-guard.EG602-privileged-container``
  (Jenkins splits a classname at its last dot into package and class, so
  the tree reads ecs-guard > rule > resource);
- a resource the rule flagged has one ``<failure>`` holding all its
  findings (several containers, several variables), ``type`` the worst
  severity; a rule that crashed on it has an ``<error>``; one the rule could
  not decide is ``<skipped>`` with the reason (never a pass); one whose
  findings are all suppressed or in the baseline is ``<skipped>`` too;
- every other resource the rule ran on passed. The engine runs each rule on
  every resource of its target type, so the report's model says which ones
  those are. A report without its model (built by hand) has test cases
  only for the resources with a result.

Inputs that could not be read are ``<error>`` cases, inputs not understood
``<skipped>``, in a last suite ``ecs-guard inputs``, whose ``<system-out>``
lists the notices about suppressions. Findings fail their test case
whatever ``--fail-on`` says: the exit code decides whether the build fails,
the report says what was found. Text is the rules' own (never a secret)
with characters XML 1.0 cannot hold replaced, so any input gives a file
that parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TextIO

from ecs_guard.engine import Report, document_order, targets
from ecs_guard.links import rule_docs_url
from ecs_guard.reporters import reported_severity, start_line, subject
from ecs_guard.results import Finding, NotEvaluated, RuleError
from ecs_guard.rule import Rule
from ecs_guard.suppress import IN_SOURCE, Suppressed

INPUTS_SUITE = "ecs-guard inputs"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report, stream: TextIO, *, verbose: bool = False) -> None:
    """Every case, whatever ``verbose`` says: a CI server keeps the file, not the log."""
    root = document(report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


@dataclass
class _Case:
    """What one rule said about one resource."""

    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[NotEvaluated] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    accepted: list[tuple[Finding, str]] = field(default_factory=list)  # suppressed or baselined, and why


def document(report: Report) -> ET.Element:
    cases = _cases(report)
    suites = [_rule_suite(rule, cases.get(rule.id, {})) for rule in report.rules]
    if report.problems or report.notices:
        suites.append(_inputs_suite(report))
    root = ET.Element("testsuites", {"name": "ecs-guard"})
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(suite.get(total, "0")) for suite in suites)))
    root.extend(suites)
    return root


def _cases(report: Report) -> dict[str, dict[tuple[str, str], _Case]]:
    """{rule id: {(resource address, resource file): case}}: every resource each
    rule ran on, in the model's order, then the results' resources the model
    does not name. The file is part of the key: a scan of a Terraform root and
    its plan has two resources with one address."""
    cases: dict[str, dict[tuple[str, str], _Case]] = {}
    files: dict[str, list[str]] = {}  # address -> the files resources of that address are in
    if report.inventory is not None:
        subjects: dict[type, list[tuple[str, str]]] = {}
        for rule in report.rules:
            by_resource = cases.setdefault(rule.id, {})
            for target in rule.targets:
                if target not in subjects:
                    subjects[target] = list(
                        dict.fromkeys(
                            (owner.address, owner.location.path)
                            for part in report.inventory.every_branch()
                            for _, owner in targets(part, target)
                        )
                    )
                    for address, path in subjects[target]:
                        if path not in files.setdefault(address, []):
                            files[address].append(path)
                for key in subjects[target]:
                    by_resource.setdefault(key, _Case())

    def case(result, path: str) -> _Case:
        """A result's resource: the one of its address when there is one, else the one in its file."""
        known = files.get(result.resource, [])
        key = (result.resource, known[0] if len(known) == 1 else path)
        return cases.setdefault(result.rule_id, {}).setdefault(key, _Case())

    def resource_path(f: Finding) -> str:
        return (f.resource_location or f.location).path

    for f in sorted(report.findings, key=document_order):
        case(f, resource_path(f)).findings.append(f)
    for n in sorted(report.not_evaluated, key=document_order):
        case(n, n.location.path).not_evaluated.append(n)
    for e in report.errors:
        case(e, e.location.path).errors.append(e)
    for s in sorted(report.suppressed, key=lambda s: document_order(s.finding)):
        case(s.finding, resource_path(s.finding)).accepted.append((s.finding, _suppressed_because(s)))
    for f in sorted(report.baselined, key=document_order):
        case(f, resource_path(f)).accepted.append((f, f"in the baseline {report.baseline_file}"))
    return cases


def _rule_suite(rule: Rule, cases: dict[tuple[str, str], _Case]) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _xml(f"{rule.id} {rule.name}")})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("severity", rule.severity.value), ("docs", rule_docs_url(rule.id))):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    classname = _xml(f"ecs-guard.{rule.id}-{rule.name}")
    files_of: dict[str, int] = {}
    for address, _ in cases:
        files_of[address] = files_of.get(address, 0) + 1
    for (address, path), case in cases.items():
        name = address if files_of[address] == 1 else f"{address} in {path}"
        testcase = ET.SubElement(suite, "testcase", {"name": _xml(name), "classname": classname})
        outcome = _outcome(rule, case)
        if outcome is not None:
            testcase.append(outcome)
    _count(suite)
    return suite


def _outcome(rule: Rule, case: _Case) -> ET.Element | None:
    """The worst thing said about the resource, with everything said about it as text."""
    lines = [
        *(f"rule error at {e.location.path}:{start_line(e.location)}: {e.message}" for e in case.errors),
        *(
            f"{reported_severity(f).value} at {f.location.path}:{start_line(f.location)}: "
            f"{subject(f.resource, f.container)}: {f.message}"
            for f in case.findings
        ),
        *(
            f"not evaluated at {n.location.path}:{start_line(n.location)}: "
            f"{subject(n.resource, n.container)}: {n.reason}"
            for n in case.not_evaluated
        ),
        *(
            f"accepted at {f.location.path}:{start_line(f.location)}: "
            f"{subject(f.resource, f.container)}: {f.message} ({why})"
            for f, why in case.accepted
        ),
    ]
    if not lines:
        return None
    if case.errors:
        element = ET.Element(
            "error", {"type": "rule-error", "message": "; ".join(f"{rule.id} failed: {e.message}" for e in case.errors)}
        )
    elif case.findings:
        worst = max((reported_severity(f) for f in case.findings), key=lambda severity: severity.rank)
        element = ET.Element("failure", {"type": worst.value, "message": "; ".join(f.message for f in case.findings)})
    elif case.not_evaluated:
        reasons = "; ".join(n.reason for n in case.not_evaluated)
        element = ET.Element("skipped", {"type": "not-evaluated", "message": f"not evaluated: {reasons}"})
    else:
        element = ET.Element(
            "skipped", {"type": "accepted", "message": "; ".join(f"{f.message} ({why})" for f, why in case.accepted)}
        )
    element.set("message", _xml(element.get("message", "")))
    element.text = _xml("\n".join([*lines, f"{rule.id} {rule.name}: {rule_docs_url(rule.id)}"]))
    return element


def _inputs_suite(report: Report) -> ET.Element:
    suite = ET.Element("testsuite", {"name": INPUTS_SUITE})
    for p in report.problems:
        where = f"{p.path}:{p.line}" if p.line else p.path
        testcase = ET.SubElement(suite, "testcase", {"name": _xml(where), "classname": "ecs-guard.inputs"})
        unreadable = p.kind == "unreadable"
        ET.SubElement(
            testcase,
            "error" if unreadable else "skipped",
            {"type": p.kind, "message": _xml(f"{'not read' if unreadable else 'not understood'}: {p.message}")},
        )
    if report.notices:
        out = ET.SubElement(suite, "system-out")
        out.text = _xml("\n".join(f"{n.kind}: {n.message}" for n in report.notices))
    _count(suite)
    return suite


def _count(suite: ET.Element) -> None:
    testcases = suite.findall("testcase")
    suite.set("tests", str(len(testcases)))
    for total, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(total, str(sum(case.find(tag) is not None for case in testcases)))


def _suppressed_because(s: Suppressed) -> str:
    why = s.suppression
    where = f"comment at {why.path}:{why.line}" if why.kind == IN_SOURCE else f"ignore in {why.path}"
    return f"suppressed by {where}: {why.justification or 'no reason given'}"


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: control characters (but tab and newlines) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
