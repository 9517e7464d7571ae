"""Where the reports of one run go: ``--format FORMAT[:FILE]`` (repeatable) and ``-o FILE``.

One scan can write several reports, e.g. SARIF for code scanning and the
console for the log: ``--format sarif:results.sarif --format console``.
A ``--format`` without a file writes to ``-o FILE`` if given, else to
standard output; only one report can go to standard output. Every file is
opened before the scan, so a bad path fails fast (exit 2).

A CI log must never be silent: when no report made for people to read
(console, github) goes to standard output, the problems that make exit
code 3 (inputs not read, rule errors) and the one-line summary are written
to standard error as well (``ecs-guard: 12 findings (...)``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from ecs_guard.cli.common import UsageError, output_stream
from ecs_guard.reporters import FORMATS

LOG_FORMATS = ("console", "github")  # formats that show the summary and the problems themselves


@dataclass(frozen=True)
class ReportOutput:
    """One requested report: its format and where it goes."""

    format: str
    path: str | None  # None: standard output

    @property
    def to_stdout(self) -> bool:
        return self.path is None or self.path == "-"


def report_outputs(formats: list[str] | None, output: str | None) -> list[ReportOutput]:
    """The reports asked for, checked: known formats, at most one on standard output."""
    outputs = []
    for value in formats or ["console"]:
        name, separator, path = value.partition(":")
        if name not in FORMATS:
            raise UsageError(f"--format {value}: unknown format {name!r} (choose from {', '.join(FORMATS)})")
        if separator and not path:
            raise UsageError(f"--format {value}: no file after ':' (FORMAT:FILE)")
        outputs.append(ReportOutput(name, path if separator else None))
    unnamed = [o for o in outputs if o.path is None]
    if output is not None:
        if not unnamed:
            raise UsageError(f"--output {output}: every --format names its own file (FORMAT:FILE)")
        if len(unnamed) > 1:
            raise UsageError(f"--output {output}: more than one --format without a file; give each its FILE")
        outputs = [ReportOutput(o.format, output) if o is unnamed[0] else o for o in outputs]
    if sum(o.to_stdout for o in outputs) > 1:
        raise UsageError("only one report can go to standard output: give the others a file (--format FORMAT:FILE)")
    files = [os.path.abspath(o.path) for o in outputs if o.path and not o.to_stdout and o.path != os.devnull]
    if len(set(files)) < len(files):
        raise UsageError("two reports to the same file")
    return outputs


def summary_to_stderr(outputs: list[ReportOutput]) -> bool:
    """Whether the summary and exit-3 problems must also go to stderr: no log format is on stdout."""
    return not any(o.to_stdout and o.format in LOG_FORMATS for o in outputs)


@contextlib.contextmanager
def opened(outputs: list[ReportOutput]) -> Iterator[list[tuple[ReportOutput, TextIO]]]:
    """Every output's stream, opened now (a bad path is a usage error before the scan)."""
    with contextlib.ExitStack() as stack:
        yield [(o, stack.enter_context(output_stream(o.path))) for o in outputs]


def render_all(report, streams: list[tuple[ReportOutput, TextIO]], *, verbose: bool) -> None:
    """Each report in its format, then (when needed) the summary on stderr."""
    from ecs_guard.reporters import renderer

    for output, stream in streams:
        renderer(output.format)(report, stream, verbose=verbose)
    if summary_to_stderr([output for output, _ in streams]):
        from ecs_guard.reporters.console import render_summary

        render_summary(report, sys.stderr)
