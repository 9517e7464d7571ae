"""GitHub Actions workflow commands: annotations on the lines a pull request changed.

A step that prints ``::error file=F,line=L,endLine=E,title=T::message``
makes the runner attach an annotation to that line, which GitHub shows in
the pull request's diff and in the run's summary. Each finding is one
command, chosen as its SARIF level is (critical/high ``error``, medium
``warning``, low/info ``notice``), so the annotations and code scanning
agree. Findings come worst first: GitHub shows only the first few
annotations of each kind per step (10) and per job (50).

What the report holds besides findings is annotated too, so nothing is
dropped silently: a not-evaluated result is a notice at its line, a rule
error and an unreadable input are errors, an input not understood and a
notice about suppressions are warnings. Suppressed findings and findings
in the baseline are not annotated (they are accepted; the last line counts
them, and ``--verbose`` lists the suppressed ones in a collapsed log group).
That last line is plain text, not a command.

Escaping is the runner's (actions/runner ActionCommand.cs, the same as
@actions/core's command.ts): in the message ``%``, CR and LF become
``%25``, ``%0D``, ``%0A``; in a property also ``:`` and ``,`` become
``%3A`` and ``%2C``, since the command ends at the first ``::`` and
properties are split at commas. A hostile resource name or message can so
neither end a command early nor start a new one on a line of its own.

File paths: the runner reads a relative ``file`` as relative to the
repository (``GITHUB_WORKSPACE``), while reports give paths relative to the
working directory, which a workflow may have changed (``working-directory:
infra``). Under Actions the paths are therefore made relative to
``GITHUB_WORKSPACE``; elsewhere they are written as the report has them.
Messages are the rules' own, which never hold a secret (ecs_guard.redact).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TextIO

from ecs_guard.engine import Report, document_order
from ecs_guard.links import rule_docs_url
from ecs_guard.location import display_path
from ecs_guard.reporters import reported_severity, severity_key, start_line, subject
from ecs_guard.results import Severity
from ecs_guard.suppress import IN_SOURCE

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}  # SARIF level -> workflow command


def render(report: Report, stream: TextIO, *, verbose: bool = False) -> None:
    """Every annotation, whatever ``verbose`` says: they are the only record a CI log keeps.
    ``verbose`` adds the suppressed findings, as plain text in a collapsed group."""
    workspace = os.environ.get("GITHUB_WORKSPACE") or None
    stream.write("".join(line + "\n" for line in commands(report, workspace, verbose=verbose)))


def commands(report: Report, workspace: str | None = None, *, verbose: bool = False) -> Iterator[str]:
    """The report's lines: findings worst first, then what is not a finding, then the summary."""
    names = {r.id: r.name for r in report.rules}

    def path(p: str) -> str:
        return annotation_path(p, workspace)

    for f in sorted(report.findings, key=severity_key):
        severity = reported_severity(f)
        yield command(
            COMMANDS[severity.sarif_level],
            f"{subject(f.resource, f.container)}: {f.message}\n"
            f"{f.rule_id} {names.get(f.rule_id, '')}: {rule_docs_url(f.rule_id)}",
            file=path(f.location.path),
            line=start_line(f.location),
            end_line=f.location.end_line,
            title=f"ecs-guard {f.rule_id} ({severity.value})",
        )
    for n in sorted(report.not_evaluated, key=document_order):
        yield command(
            "notice",
            f"{subject(n.resource, n.container)}: {n.reason}",
            file=path(n.location.path),
            line=start_line(n.location),
            title=f"ecs-guard {n.rule_id} not evaluated",
        )
    for e in report.errors:
        yield command(
            "error",
            f"{e.resource}: {e.message} (an internal error; the rest of the scan went on)",
            file=path(e.location.path),
            line=start_line(e.location),
            title=f"ecs-guard {e.rule_id} rule error",
        )
    for p in report.problems:
        unreadable = p.kind == "unreadable"
        yield command(
            "error" if unreadable else "warning",
            p.message,
            file=path(p.path),
            line=p.line or 1,
            title="ecs-guard: input not read" if unreadable else "ecs-guard: input not understood",
        )
    for notice in report.notices:
        yield command(
            "warning",
            notice.message,
            file=path(notice.path) if notice.path else None,
            line=(notice.line or 1) if notice.path else None,
            title=f"ecs-guard: {notice.kind}",
        )
    if verbose and report.suppressed:
        yield from suppressed_group(report, path)
    yield summary(report)


def command(
    name: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    end_line: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command. Properties in @actions/core's order (title,
    file, line, endLine), so the last one is a number: the runner trims the
    text between the command name and ``::``, which would eat a trailing
    space of a last title or path."""
    properties = {
        "title": title,
        "file": file,
        "line": line,
        "endLine": end_line if end_line and line and end_line > line else None,
    }
    written = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value not in (None, "")
    )
    return f"::{name} {written}::{escape_data(message)}" if written else f"::{name}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """The message after ``::``: only what would end the line, and ``%`` itself."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also what would end the property (``,``) or the command (``:``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str, workspace: str | None) -> str:
    """The path as the runner wants it: relative to the repository (GITHUB_WORKSPACE) when
    it lies below it, else as the report has it (relative to the working directory, or absolute)."""
    if not workspace:
        return path
    return display_path(os.path.join(os.getcwd(), path), workspace)


def suppressed_group(report: Report, path: Callable[[str], str]) -> Iterator[str]:
    """Suppressed findings as log lines, not annotations: accepted, so not shown on
    the diff, but listed for whoever reads the log. Every line starts with a rule
    ID, never with ``::``, and holds no control character, so none is a command."""
    yield f"::group::ecs-guard: {len(report.suppressed)} suppressed findings"
    for s in sorted(report.suppressed, key=lambda s: document_order(s.finding)):
        f, why = s.finding, s.suppression
        source = f"comment at {why.path}:{why.line}" if why.kind == IN_SOURCE else f"ignore in {why.path}"
        yield _plain(
            f"{f.rule_id} {path(f.location.path)}:{start_line(f.location)} "
            f"{subject(f.resource, f.container)}: {f.message} "
            f"[{source}: {why.justification or 'no reason given'}]"
        )
    yield "::endgroup::"


_CONTROL = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def _plain(text: str) -> str:
    return text.translate(_CONTROL)


def summary(report: Report) -> str:
    """Counts only, never a resource or message: plain text that cannot be a command."""
    counts = report.count_by_severity()
    parts = [
        f"{len(report.findings)} findings (" + ", ".join(f"{counts[s]} {s.value}" for s in Severity) + ")",
        f"{len(report.not_evaluated)} not evaluated",
        f"{len(report.suppressed)} suppressed",
    ]
    if report.baseline_file is not None:
        parts.append(f"{len(report.baselined)} in baseline")
    parts += [
        f"{len(report.errors)} rule errors",
        f"{len(report.unreadable)} inputs not read",
        f"{len(report.problems) - len(report.unreadable)} not understood",
        f"{len(report.files)} files",
        f"{len(report.rules)} rules",
    ]
    return "ecs-guard: " + "; ".join(parts) + "."
