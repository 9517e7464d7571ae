"""The report for people: findings grouped by file and resource, then a summary.

Every line is built once as styled segments and then written either plain
(not a terminal: a pipe, a CI log, ``--output FILE``) or through rich (a
terminal); ``--color``, FORCE_COLOR and NO_COLOR change that choice
(reporters/terminal.py). The plain path never imports
rich, so 10,000 findings in a CI log cost only string joins.

Rule errors and unreadable inputs are always listed, since they mean part
of the scan is missing; not-evaluated results and not-understood inputs are
counted always and listed with ``--verbose``. Evaluation notes (count not
known, a pinned provider version) are quieter still: with ``--verbose``
only, listed and counted; without it, not a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ecs_guard.engine import Report, document_order
from ecs_guard.links import rule_docs_url
from ecs_guard.reporters import start_line, subject
from ecs_guard.reporters.terminal import rich_console, styled
from ecs_guard.results import Severity
from ecs_guard.rule import Rule
from ecs_guard.suppress import IN_SOURCE

# A line is a list of (text, style) segments; style is a rich style or "".
Segment = tuple[str, str]
Line = list[Segment]

SEVERITY_STYLES = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def render(report: Report, stream: TextIO, *, verbose: bool = False) -> None:
    write_lines(report_lines(report, verbose), stream)


def render_rules(rules: Iterable[Rule], stream: TextIO) -> None:
    """The rule catalogue (`ecs-guard rules`): a table on a terminal, aligned columns otherwise."""
    rules = list(rules)
    header = ("ID", "Name", "Severity", "Default", "Summary")
    rows = [(r.id, r.name, r.severity.value, "on" if r.enabled_by_default else "off", r.summary) for r in rules]
    if not _is_terminal(stream):
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            stream.write("  ".join([*cells, row[-1]]) + "\n")
        return
    from rich.table import Table

    table = Table(*header, box=None, header_style="bold")
    for r, row in zip(rules, rows, strict=False):
        table.add_row(row[0], row[1], f"[{SEVERITY_STYLES[r.severity]}]{row[2]}[/]", row[3], row[4])
    _rich_console(stream).print(table)


def render_markdown(text: str, stream: TextIO) -> None:
    """A rule's documentation (`ecs-guard explain`): rendered on a terminal, raw Markdown otherwise."""
    if not _is_terminal(stream):
        stream.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.markdown import Markdown

    _rich_console(stream).print(Markdown(text), soft_wrap=False)


# ----------------------------------------------------------------- the report's lines


def render_summary(report: Report, stream: TextIO) -> None:
    """What a CI log must show when the report itself goes elsewhere (a file, or
    JSON/SARIF/JUnit on standard output): the rule errors and inputs not read
    that make exit code 3, and the one-line summary, prefixed ``ecs-guard:``."""
    not_understood = sum(p.kind != "unreadable" for p in report.problems)
    write_lines([*_problem_lines(report), [("ecs-guard: ", ""), *_summary(report, False, not_understood)]], stream)


def report_lines(report: Report, verbose: bool) -> list[Line]:
    lines: list[Line] = []
    lines += _finding_lines(report)
    lines += _problem_lines(report)
    not_understood = [p for p in report.problems if p.kind != "unreadable"]
    if verbose and not_understood:
        lines += [[("Inputs not understood:", "bold yellow")]] + [[(f"  {p}", "")] for p in not_understood] + [[]]
    if verbose and report.evaluation_notes:
        lines += [[("Evaluation notes (how the input was evaluated; not problems):", "bold")]]
        lines += [[(f"  {n}", "")] for n in report.evaluation_notes] + [[]]
    if verbose and report.not_evaluated:
        lines += [[("Not evaluated (neither a pass nor a fail):", "bold")]]
        lines += [
            [
                (f"  {n.location.path}:{start_line(n.location)}  ", "dim"),
                (n.rule_id, "bold"),
                (f"  {subject(n.resource, n.container)}: {n.reason}", ""),
            ]
            for n in report.not_evaluated
        ]
        lines.append([])
    if verbose and report.suppressed:
        lines += [[("Suppressed (not counted toward the exit code):", "bold")]]
        lines += [_suppressed_line(s) for s in sorted(report.suppressed, key=lambda s: document_order(s.finding))]
        lines.append([])
    if verbose and report.notices:
        lines += [[("Notices:", "bold yellow")]] + [[(f"  {n.message}", "")] for n in report.notices] + [[]]
    if verbose and report.skipped:
        lines += [[("Skipped (not scanned: default folders and --exclude/exclude):", "bold")]]
        lines += [[(f"  {path}", "")] for path in report.skipped] + [[]]
    lines += _docs_lines(report)
    lines.append(_summary(report, verbose, len(not_understood)))
    return lines


def _docs_lines(report: Report) -> list[Line]:
    """Where to read about each rule that has findings: its page, and `ecs-guard explain`."""
    found = sorted({f.rule_id for f in report.findings})
    if not found:
        return []
    names = {r.id: r.name for r in report.rules}
    width = max(len(names.get(rule_id, "")) for rule_id in found)
    lines: list[Line] = [[("Rule docs (or `ecs-guard explain RULE`):", "bold")]]
    lines += [
        [(f"  {rule_id} ", "bold"), (f"{names.get(rule_id, ''):<{width}}  ", ""), (rule_docs_url(rule_id), "dim")]
        for rule_id in found
    ]
    return [*lines, []]


def _problem_lines(report: Report) -> list[Line]:
    """Rule errors and inputs not read: what makes the scan incomplete (exit code 3)."""
    lines: list[Line] = []
    if report.errors:
        lines += [[("Rule errors (internal errors, the rest of the scan went on):", "bold red")]]
        lines += [
            [
                (f"  {e.location.path}:{start_line(e.location)}  ", "dim"),
                (e.rule_id, "bold"),
                (f"  {e.resource}: {e.message}", ""),
            ]
            for e in report.errors
        ]
        lines.append([])
    if report.unreadable:
        lines += [[("Inputs not read:", "bold red")]] + [[(f"  {p}", "")] for p in report.unreadable] + [[]]
    return lines


def _finding_lines(report: Report) -> list[Line]:
    """Findings grouped by file, then resource; each group in line order, worst first on a line."""
    groups: dict[tuple[str, str], list] = {}
    for f in report.findings:
        groups.setdefault((f.location.path, f.resource), []).append(f)
    lines: list[Line] = []
    for (path, resource), findings in sorted(groups.items()):
        lines.append([(path, "bold"), ("  ", ""), (resource, "bold cyan")])
        findings.sort(key=lambda f: (start_line(f.location), -f.severity.rank, f.rule_id, f.container or ""))
        width = len(str(start_line(findings[-1].location)))
        for f in findings:
            line: Line = [
                (f"  {start_line(f.location):>{width}}  ", "dim"),
                (f"{f.severity.value.upper():<8}", SEVERITY_STYLES[f.severity]),
                (f" {f.rule_id}  ", "bold"),
                (f.message, ""),
            ]
            if f.container and f"'{f.container}'" not in f.message:  # most messages name it already
                line.append((f"  (container {f.container})", "dim"))
            lines.append(line)
            for used in f.location.related:  # the value is written here, used there
                lines.append([(f"  {'':>{width}}  ", ""), (f"used at {used.path}:{start_line(used)}", "dim")])
        lines.append([])
    return lines


def _suppressed_line(s) -> Line:
    f, why = s.finding, s.suppression
    source = f"comment at {why.path}:{why.line}" if why.kind == IN_SOURCE else f"ignore in {why.path}"
    return [
        (f"  {f.location.path}:{start_line(f.location)}  ", "dim"),
        (f.rule_id, "bold"),
        (f"  {subject(f.resource, f.container)}: {f.message}", ""),
        (f"  [{source}: {why.justification or 'no reason given'}]", "dim"),
    ]


def _summary(report: Report, verbose: bool, not_understood: int) -> Line:
    counts = report.count_by_severity()
    total = len(report.findings)
    line: Line = [(_count(total, "finding"), "bold red" if total else "bold green")]
    if total:
        parts = [(f"{counts[s]} {s.value}", SEVERITY_STYLES[s] if counts[s] else "dim") for s in Severity]
        line.append((" (", ""))
        for part in parts:
            line += [part, (", " if part is not parts[-1] else ")", "")]
    unreadable = len(report.problems) - not_understood
    # Counted here, listed with --verbose: not-evaluated results, then (when
    # there are any) suppressed findings and notices; one hint after the last.
    listed = [(f"; {len(report.not_evaluated)} not evaluated", "")]
    if report.suppressed:
        listed.append((f"; {len(report.suppressed)} suppressed", ""))
    if report.notices:
        listed.append((f"; {_count(len(report.notices), 'notice')}", "yellow"))
    if report.skipped:
        listed.append((f"; {len(report.skipped)} skipped", ""))
    if not verbose and (report.not_evaluated or report.suppressed or report.notices or report.skipped):
        listed[-1] = (listed[-1][0] + " (--verbose lists them)", listed[-1][1])
    line += listed
    if report.baselined:
        line.append((f"; {len(report.baselined)} in baseline", ""))
    line += [
        (f"; {_count(len(report.errors), 'rule error')}", "bold red" if report.errors else ""),
        (f"; {_count(unreadable, 'input')} not read", "bold red" if unreadable else ""),
        (f", {not_understood} not understood", "yellow" if not_understood else ""),
    ]
    if verbose and report.evaluation_notes:  # quieter than problems: counted only where listed
        line.append((f", {_count(len(report.evaluation_notes), 'evaluation note')}", ""))
    line += [
        (f"; {_count(len(report.files), 'file')}, {_count(len(report.rules), 'rule')}.", "dim"),
    ]
    return line


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ----------------------------------------------------------------- writing


def write_lines(lines: list[Line], stream: TextIO) -> None:
    """Plain text, or through rich on a terminal. Input-derived text is
    cleaned of control characters first, so a resource name cannot move the
    cursor or forge lines in a CI log."""
    if not _is_terminal(stream):
        stream.write("".join("".join(_clean(text) for text, _ in line) + "\n" for line in lines))
        return
    # rich Segments with cached Styles: rich.Text would parse every line again (10x slower).
    from rich.segment import Segment, Segments
    from rich.style import Style

    styles: dict[str, Style] = {}
    segments = []
    for line in lines:
        for text, style in line:
            if style not in styles:
                styles[style] = Style.parse(style) if style else Style.null()
            segments.append(Segment(_clean(text), styles[style]))
        segments.append(Segment("\n"))
    _rich_console(stream).print(Segments(segments), end="")


_CONTROL = dict.fromkeys([*range(0, 32), *range(127, 160)], " ")


def _clean(text: str) -> str:
    return text.translate(_CONTROL)


def _is_terminal(stream: TextIO) -> bool:
    """Whether to style `stream`: a terminal, unless --color, FORCE_COLOR or NO_COLOR say otherwise."""
    return styled(stream)


def _rich_console(stream: TextIO):
    return rich_console(stream)
