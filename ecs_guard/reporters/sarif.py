"""SARIF 2.1.0, shaped for GitHub code scanning (docs/sarif.md).

GitHub rejects a whole upload for one result without a location or a
line, so every result gets exactly one physical location (relative URI
under %SRCROOT%, startLine >= 1) and the resource address as its logical
location. Alerts are matched across commits by ``partialFingerprints``,
built from what identifies a finding and not from where it stands, so an
edit above it or a re-indent does not close one alert and open another.
The fingerprint is ecs_guard.fingerprint's, the baseline's too.
Suppressed findings are results with ``suppressions`` (inSource for a
comment, external for the config file), which GitHub shows as dismissed.
Not-evaluated results, rule errors, input problems, suppression notices
and the count of findings left out by a baseline are not results: they go
to ``invocations[0].toolExecutionNotifications`` so nothing is dropped
silently. Evaluation notes go there too, at level "note" (as not-evaluated
results): never a warning, so they never make GitHub's tool status page
say the configuration "needs attention".
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ecs_guard import __version__
from ecs_guard.engine import Report, document_order
from ecs_guard.fingerprint import fingerprints_by_identity
from ecs_guard.links import rule_docs_url
from ecs_guard.reporters import rule_category, severity_key, start_line, subject
from ecs_guard.results import Finding
from ecs_guard.rule import Rule, section
from ecs_guard.suppress import Suppressed, Suppression

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://pypi.org/project/ecs-guard/"
FINGERPRINT = "ecsGuard/v1"
AUTOMATION_ID = "ecs-guard/"
MAX_RESULTS = 25_000  # GitHub rejects a run with more

# Kinds of tool execution notification, declared once in driver.notifications.
NOTIFICATIONS = {
    "not-evaluated": "A rule could not decide on a resource; never a pass.",
    "rule-error": "A rule crashed on a resource; the rest of the scan went on.",
    "input-unreadable": "An input could not be read or parsed and was not scanned.",
    "input-not-understood": "An input was read but is no input ecs-guard knows, or part of it was skipped.",
    "evaluation-note": "How an input was evaluated (a count not known, a pinned provider version); not a problem.",
    "results-dropped": "More results than GitHub accepts in one run; the most severe were kept.",
    "expired-ignore": "An ignore of the config file has expired and no longer applies.",
    "suppression-without-reason": "A suppression comment gives no reason; it still applies.",
    "unknown-rule-in-suppression": "A suppression comment names no rule, or a rule that does not exist.",
    "baselined": "Findings in the baseline are not reported as results.",
}
_NOTIFICATION_INDEX = {name: i for i, name in enumerate(NOTIFICATIONS)}


def render(report: Report, stream: TextIO, *, verbose: bool = False) -> None:
    """Not-evaluated results are always in the SARIF, so ``verbose`` changes nothing.
    Compact, not indented: GitHub limits the upload's size, and json's fast
    C encoder only runs without indentation."""
    json.dump(document(report), stream, ensure_ascii=False, separators=(",", ":"))
    stream.write("\n")


def document(report: Report) -> dict:
    rule_index = {r.id: i for i, r in enumerate(report.rules)}
    prints = fingerprints_by_identity(report.all_findings)
    # Reported findings first, then suppressed ones (GitHub shows them as
    # dismissed), each worst first: what is kept when a run has too many.
    ranked = sorted(report.findings, key=severity_key) + sorted(
        report.suppressed, key=lambda s: severity_key(s.finding)
    )
    kept, dropped = ranked[:MAX_RESULTS], len(ranked) - MAX_RESULTS
    notifications = _notifications(report, rule_index)
    if dropped > 0:
        notifications.append(
            _notification(
                "results-dropped",
                "warning",
                f"{dropped} results were dropped: GitHub accepts at most {MAX_RESULTS} per run, "
                f"so the {MAX_RESULTS} most severe were kept.",
            )
        )
    run = {
        "tool": {
            "driver": {
                "name": "ecs-guard",
                "informationUri": INFORMATION_URI,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in report.rules],
                "notifications": [_notification_descriptor(name, text) for name, text in NOTIFICATIONS.items()],
            }
        },
        "automationDetails": {"id": AUTOMATION_ID},
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
        "invocations": [
            {
                "executionSuccessful": not (report.errors or report.unreadable),
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": [_result(entry, rule_index, prints) for entry in kept],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


# ----------------------------------------------------------------- rules


def _rule(r: Rule) -> dict:
    what = " ".join(section(r.doc, "What it does").split())
    why = " ".join(section(r.doc, "Why is this bad?").split())
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": _sentence(r.summary)},
        "fullDescription": {"text": " ".join(t for t in (what, why) if t) or _sentence(r.summary)},
        "help": {"text": r.doc or r.summary, "markdown": r.doc or r.summary},
        "helpUri": rule_docs_url(r.id),
        "defaultConfiguration": {"level": r.severity.sarif_level},
        "properties": {
            "security-severity": r.severity.security_severity,
            "tags": ["security", "ecs", rule_category(r.id)],
        },
    }


# ----------------------------------------------------------------- results


def _result(entry: Finding | Suppressed, rule_index: dict[str, int], prints: dict[int, str]) -> dict:
    """A finding, or a suppressed finding with its ``suppressions``."""
    f = entry.finding if isinstance(entry, Suppressed) else entry
    assert f.severity is not None  # the engine sets it on every reported finding
    result = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index[f.rule_id],
        "level": f.severity.sarif_level,
        "message": {"text": _sentence(f"{subject(f.resource, f.container)}: {f.message}")},
        "locations": [_location(f.location.path, start_line(f.location), f.resource, f.location.end_line)],
        "partialFingerprints": {FINGERPRINT: prints[id(f)]},
    }
    if f.location.related:  # where the value is used, when it is located where it was written
        result["relatedLocations"] = [
            {
                "id": index,
                **_location(r.path, start_line(r), r.address),
                "message": {"text": "the value is used here"},
            }
            for index, r in enumerate(f.location.related, start=1)
        ]
    if isinstance(entry, Suppressed):
        result["suppressions"] = [_suppression(entry.suppression)]
    if f.container:
        result["properties"] = {"container": f.container}
    return result


def _suppression(s: Suppression) -> dict:
    """SARIF's suppression: inSource with the comment's location, or external (the config file)."""
    suppression: dict = {"kind": s.kind, "status": "accepted"}
    if s.justification:
        suppression["justification"] = s.justification
    if s.path:
        suppression["location"] = _location(s.path, s.line)
    return suppression


# ----------------------------------------------------------------- notifications


def _notifications(report: Report, rule_index: dict[str, int]) -> list[dict]:
    notes = []
    for n in sorted(report.not_evaluated, key=document_order):
        notes.append(
            _notification(
                "not-evaluated",
                "note",
                f"{n.rule_id} not evaluated for {subject(n.resource, n.container)}: {n.reason}",
                _location(n.location.path, start_line(n.location), n.resource),
                n.rule_id,
                rule_index,
            )
        )
    for e in report.errors:
        notes.append(
            _notification(
                "rule-error",
                "error",
                f"{e.rule_id} failed on {e.resource}: {e.message}",
                _location(e.location.path, start_line(e.location), e.resource),
                e.rule_id,
                rule_index,
            )
        )
    for p in report.problems:
        kind = "input-unreadable" if p.kind == "unreadable" else "input-not-understood"
        notes.append(
            _notification(
                kind,
                "error" if p.kind == "unreadable" else "warning",
                f"{p.path}: {p.message}",
                _location(p.path, p.line),
            )
        )
    for remark in report.evaluation_notes:  # level note: GitHub's tool status page flags warnings and errors
        notes.append(
            _notification(
                "evaluation-note", "note", f"{remark.path}: {remark.message}", _location(remark.path, remark.line)
            )
        )
    for notice in report.notices:
        notes.append(
            _notification(
                notice.kind, "warning", notice.message, _location(notice.path, notice.line) if notice.path else None
            )
        )
    if report.baselined:
        assert report.baseline_file is not None  # apply_baseline sets both
        notes.append(
            _notification(
                "baselined",
                "note",
                f"{len(report.baselined)} findings in the baseline {report.baseline_file} are not shown",
                _location(report.baseline_file, None),
            )
        )
    return notes


def _notification_descriptor(name: str, text: str) -> dict:
    """GitHub wants the same descriptions and help on these as on rules."""
    return {"id": name, "shortDescription": {"text": text}, "fullDescription": {"text": text}, "help": {"text": text}}


def _notification(
    kind: str,
    level: str,
    text: str,
    location: dict | None = None,
    rule_id: str | None = None,
    rule_index: dict[str, int] | None = None,
) -> dict:
    note: dict[str, object] = {
        "descriptor": {"id": kind, "index": _NOTIFICATION_INDEX[kind]},
        "level": level,
        "message": {"text": _sentence(text)},
    }
    if location:
        note["locations"] = [location]
    if rule_id and rule_index and rule_id in rule_index:
        note["associatedRule"] = {"id": rule_id, "index": rule_index[rule_id]}
    return note


# ----------------------------------------------------------------- locations


def _location(path: str, line: int | None, address: str = "", end_line: int | None = None) -> dict:
    physical: dict = {"artifactLocation": _artifact(path)}
    if line:
        region = {"startLine": line}
        if end_line and end_line > line:
            region["endLine"] = end_line
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    if address:
        location["logicalLocations"] = [{"fullyQualifiedName": address, "kind": "resource"}]
    return location


def _artifact(path: str) -> dict:
    """A relative path is relative to %SRCROOT% (the working directory the
    paths were made relative to); an input outside it keeps a file: URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": SRCROOT}


def _directory_uri(directory: Path) -> str:
    return directory.as_uri().rstrip("/") + "/"


def _sentence(text: str) -> str:
    """SARIF messages are sentences: GitHub and the SARIF validator want the final period."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
