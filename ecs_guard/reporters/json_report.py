"""The JSON report: every result of a scan in a documented, versioned shape.

The shape is ecs_guard/schemas/report.schema.json (docs/json-output.md).
``schema_version`` changes only when a field is removed or changes meaning;
new fields may appear in any release, so consumers ignore keys they do not
know (``suppressed``, ``baseline``, ``notices``, ``evaluation_notes`` and a
finding's ``root`` were added that way).
JSON always carries everything (not-evaluated results and suppressed
findings included), so ``verbose`` changes nothing here.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from ecs_guard import __version__
from ecs_guard.engine import Report, document_order
from ecs_guard.fingerprint import fingerprints_by_identity
from ecs_guard.links import rule_docs_url
from ecs_guard.reporters import start_line
from ecs_guard.results import Severity

SCHEMA_VERSION = 1


def _entry_encoder():
    """json.dumps(value, ensure_ascii=False) for one entry at a time, with one
    encoder made for them all: json.dumps sets up a new C encoder per call,
    which costs more than encoding a finding (a large estate has 10,000s).
    Python builds without the C encoder (or with one whose arguments have
    changed) use the pure-Python one."""
    python_encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    try:
        encode_entry = make(  # type: ignore[misc]  # None (no C encoder) raises TypeError, handled below
            None, python_encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
        )
    except TypeError:  # no C encoder, or one that takes other arguments
        return python_encoder.encode
    return lambda value: "".join(encode_entry(value, 0))


_encode = _entry_encoder()


def render(report: Report, stream: TextIO, *, verbose: bool = False) -> None:
    for piece in _pieces(document(report)):
        stream.write(piece)


def one_entry_per_line(doc: dict) -> str:
    """The document with each top-level key, and each entry of a top-level
    list, on a line of its own: as easy to grep and diff as indented JSON,
    and written by the C encoder (json.dump with an indent runs the
    pure-Python one, several times slower for a large estate)."""
    return "".join(_pieces(doc))


_ENTRIES_PER_PIECE = 500


def _pieces(doc: dict) -> Iterator[str]:
    """one_entry_per_line's text in pieces of a few hundred entries, written
    as they are made: the report of a large estate (megabytes) never exists
    whole in memory, where each fresh megabyte costs page faults."""
    separator = "{\n"
    for key, value in doc.items():
        yield f"{separator}  {json.dumps(key)}: "
        separator = ",\n"
        if isinstance(value, list):
            value = _Entries(value, _encode)
        if not isinstance(value, _Entries):
            yield _encode(value)
        elif not value.items:
            yield "[]"
        else:
            yield "[\n    "
            for start in range(0, len(value.items), _ENTRIES_PER_PIECE):
                entries = ",\n    ".join(map(value.write, value.items[start : start + _ENTRIES_PER_PIECE]))
                yield entries if start == 0 else ",\n    " + entries
            yield "\n  ]"
    yield "\n}\n"


class _Entries:
    """A list of the report whose entries are written as JSON text by
    `write` only when _pieces writes them out, a few hundred at a time: the
    10,000s of finding entries of a large estate are megabytes of text."""

    __slots__ = ("items", "write")

    def __init__(self, items: list, write: Callable[[Any], str]):
        self.items = items
        self.write = write


_encode_string = json.encoder.encode_basestring


class _Strings(dict):
    """The JSON text of each distinct string (and of None), made once: a large
    report repeats a rule's name and documentation URL, a file, a resource
    and a message thousands of times."""

    def __missing__(self, text: str | None) -> str:
        encoded = self[text] = "null" if text is None else _encode_string(text)
        return encoded


class _DocsUrls(dict):
    """The JSON text of each rule's documentation URL, by rule ID, made once."""

    def __missing__(self, rule_id: str) -> str:
        encoded = self[rule_id] = _encode_string(rule_docs_url(rule_id))
        return encoded


def _finding(f, names: dict[str, str], prints: dict[int, str], strings: _Strings, urls: _DocsUrls) -> str:
    """A finding's entry, as json.dumps(ensure_ascii=False) writes the object
    with these keys in this order, made directly: findings are most of a
    large report, and building and encoding a dict per finding cost more
    than the rest of the report. ``fingerprint`` is SARIF's
    partialFingerprints value and the baseline's key; ``end_line`` is known
    for findings at a block (HCL), else null; ``related`` lists where the
    value is used, when the finding is located where it was written. A
    fingerprint is met once, so it is encoded without the string memo."""
    location = f.location
    line = start_line(location)
    end_line = location.end_line
    related = ", ".join(f'{{"file": {strings[r.path]}, "line": {start_line(r)}}}' for r in location.related)
    return (
        f'{{"rule_id": {strings[f.rule_id]}, "rule_name": {strings[names.get(f.rule_id, "")]}, '
        f'"severity": {strings[f.severity.value]}, "message": {strings[f.message]}, '
        f'"resource": {strings[f.resource]}, "root": {strings[f.root or None]}, '
        f'"container": {strings[f.container]}, "file": {strings[location.path]}, "line": {line}, '
        f'"end_line": {end_line if end_line and end_line >= line else "null"}, '
        f'"fingerprint": {_encode_string(prints[id(f)])}, "docs_url": {urls[f.rule_id]}, '
        f'"related": [{related}]}}'
    )


def _suppressed(s, names: dict[str, str], prints: dict[int, str], strings: _Strings, urls: _DocsUrls) -> str:
    """A suppressed finding's entry: the finding's, and what suppressed it."""
    suppression = {
        "kind": s.suppression.kind,
        "reason": s.suppression.justification,
        "file": s.suppression.path,
        "line": s.suppression.line,
    }
    return f'{_finding(s.finding, names, prints, strings, urls)[:-1]}, "suppression": {_encode(suppression)}}}'


def document(report: Report) -> dict:
    """The report as one_entry_per_line writes it; its findings and
    suppressed findings are _Entries, written as text only then."""
    names = {r.id: r.name for r in report.rules}
    prints = fingerprints_by_identity(report.all_findings)  # numbered over every finding, as SARIF's
    strings, urls = _Strings(), _DocsUrls()
    by_severity = report.count_by_severity()
    problems = report.problems
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ecs-guard", "version": __version__},
        "summary": {
            "findings": len(report.findings),
            "by_severity": {s.value: by_severity[s] for s in Severity},
            "not_evaluated": len(report.not_evaluated),
            "rule_errors": len(report.errors),
            "inputs_unreadable": sum(p.kind == "unreadable" for p in problems),
            "inputs_not_understood": sum(p.kind != "unreadable" for p in problems),
            "evaluation_notes": len(report.evaluation_notes),
            "files_scanned": len(report.files),
            "paths_skipped": len(report.skipped),
            "rules_run": len(report.rules),
        },
        "rules": [
            {"id": r.id, "name": r.name, "severity": r.severity.value, "enabled_by_default": r.enabled_by_default}
            for r in report.rules
        ],
        "files": list(report.files),
        "skipped": list(report.skipped),
        "findings": _Entries(report.findings, lambda f: _finding(f, names, prints, strings, urls)),
        "suppressed": _Entries(
            sorted(report.suppressed, key=lambda s: document_order(s.finding)),
            lambda s: _suppressed(s, names, prints, strings, urls),
        ),
        "baseline": None
        if report.baseline_file is None
        else {"file": report.baseline_file, "findings_not_shown": len(report.baselined)},
        "notices": [{"kind": n.kind, "message": n.message, "file": n.path, "line": n.line} for n in report.notices],
        "not_evaluated": [
            {
                "rule_id": n.rule_id,
                "rule_name": names.get(n.rule_id, ""),
                "resource": n.resource,
                "container": n.container,
                "reason": n.reason,
                "file": n.location.path,
                "line": start_line(n.location),
            }
            for n in report.not_evaluated
        ],
        "errors": [
            {
                "rule_id": e.rule_id,
                "resource": e.resource,
                "message": e.message,
                "file": e.location.path,
                "line": start_line(e.location),
            }
            for e in report.errors
        ],
        "input_problems": [{"kind": p.kind, "file": p.path, "line": p.line, "message": p.message} for p in problems],
        "evaluation_notes": [{"file": n.path, "line": n.line, "message": n.message} for n in report.evaluation_notes],
    }
