"""The ``ecs-guard`` command: argument handling and dispatch, nothing else.

Subcommands come from a small table (COMMANDS), each with a function that
adds its arguments and one that runs it and returns the exit code (the
`audit` subcommand's own code is in ecs_guard/audit/command.py). Everything
heavy (the rule pack, the adapters, rich, boto3) is imported inside the
command that needs it, so ``ecs-guard --version`` starts in milliseconds.

The config file (ecs_guard.config) gives defaults that flags replace;
suppressions (ecs_guard.suppress) and a baseline (ecs_guard.baseline) are
applied to the report before it is rendered, so every format and the exit
code see the same findings.

Exit codes (docs/exit-codes.md), highest precedence first:
  2  usage or configuration error (an invalid config or baseline file), or ecs-guard itself failed
  3  the scan is incomplete: an input could not be read, or a rule crashed
  1  a finding at or above --fail-on
  0  none of the above
Every error is one line ``ecs-guard: error: ...`` on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from . import __version__
from .config import FAIL_ON_NONE  # also imported from here by ecs_guard.audit.command
from .location import display_path
from .reporters import FORMATS
from .results import Severity

if TYPE_CHECKING:
    from .config import Config

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

DEFAULT_FAIL_ON = Severity.INFO.value

# What the command keeps until the process ends when it runs as `ecs-guard`
# (entry): None when main() is called from Python, which frees as usual.
_kept_until_exit: list | None = None


class UsageError(Exception):
    """A problem with how ecs-guard was called: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse prints usage and exits on its own; we want one line and a return code."""

    def error(self, message: str):
        raise UsageError(message)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# ----------------------------------------------------------------- scan

def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or folders to scan (default: the current folder)")


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    """Which rules run, and the config file that may say so."""
    parser.add_argument("--select", action="append", default=[], metavar="CODES",
                        help="run only these rules: IDs or prefixes (EG6, EG40), comma-separated, repeatable")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="do not run these rules: IDs or prefixes, comma-separated, repeatable")
    parser.add_argument("--config", metavar="FILE",
                        help="the config file (default: the nearest .ecs-guard.yaml, .ecs-guard.yml or "
                             "pyproject.toml with [tool.ecs-guard], from the current folder up to the git root)")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The report's options, shared by `scan` and `audit`."""
    parser.add_argument("--format", choices=list(FORMATS), default="console",
                        help="output format (default: console)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE instead of standard output")
    parser.add_argument("--fail-on", metavar="SEVERITY", choices=[s.value for s in Severity] + [FAIL_ON_NONE],
                        help="exit 1 when a finding is at or above SEVERITY: critical, high, medium, low, "
                             f"info, or {FAIL_ON_NONE} to never fail on findings (default: the config's "
                             f"fail-on, else {DEFAULT_FAIL_ON})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list not-evaluated checks with their reasons, inputs not understood, "
                             "suppressed findings and notices")
    add_rule_arguments(parser)


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.set_defaults(paths=None)  # no PATH gives []: the current folder, but nothing with --changed
    add_report_arguments(parser)
    parser.add_argument("--baseline", metavar="FILE",
                        help="report only findings that are not in this baseline (`ecs-guard baseline` writes it)")
    parser.add_argument("--changed", action="store_true",
                        help="the PATHs are changed files (a pre-commit hook's staged files): scan the Terraform "
                             "roots, snapshots, task definitions and plans they belong to (docs/pre-commit.md)")
    add_terraform_arguments(parser)


def add_terraform_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--var-file", action="append", default=[], metavar="FILE", dest="var_files",
                        help="a .tfvars file for the Terraform root modules scanned, after terraform.tfvars "
                             "and *.auto.tfvars (repeatable: later files win)")
    parser.add_argument("--source", metavar="DIR",
                        help="the Terraform root module the scanned plans were made from: plan findings are "
                             "reported at its .tf lines (default: the root module a plan file lies in)")


def terraform_options(args: argparse.Namespace):
    """--var-file and --source, checked, as ecs_guard.inputs takes them."""
    from ecs_guard.inputs.terraform.options import TerraformOptions

    if args.source is not None and not os.path.isdir(args.source):
        raise UsageError(f"--source {args.source}: no such folder")
    return TerraformOptions(tuple(args.var_files), args.source)


def run_scan(args: argparse.Namespace) -> int:
    from .reporters import renderer
    from .scan import collector_paused, configured_scan

    config = scan_config(args, baseline=args.baseline)
    options = terraform_options(args)
    known = read_known_findings(config.baseline) if config.baseline else None
    render = renderer(args.format)
    with output_stream(args.output) as stream, collector_paused():  # rendering too: the same objects
        report = configured_scan(scan_paths(args), config, options=options)
        if known is not None:
            from .baseline import apply_baseline

            apply_baseline(report, known, config.baseline)
        render(report, stream, verbose=args.verbose)
        keep_until_exit(report)
    return exit_code(report, config.fail_on_severity(DEFAULT_FAIL_ON))


def keep_until_exit(report) -> None:
    """Leave the report (and the model it holds) for the operating system to
    reclaim when the `ecs-guard` command ends (entry). Its objects are also
    moved out of the cyclic collector's sight (gc.freeze, called while the
    collector is paused): they were made with it off, and its first pass
    after the scan would walk every one of them for nothing."""
    if _kept_until_exit is not None:
        _kept_until_exit.append(report)
        gc.freeze()


def read_known_findings(path: str):
    """The baseline file's findings (ecs_guard.baseline, imported only when one is used)."""
    from .baseline import BaselineError, read_baseline

    try:
        return read_baseline(path)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def scan_paths(args: argparse.Namespace) -> list[str]:
    """The PATHs (default: the current folder); with --changed, what the
    changed files belong to (ecs_guard.precommit), listed with --verbose."""
    if not args.changed:
        return args.paths or ["."]
    from .precommit import plan_scan

    plan = plan_scan(args.paths)
    if args.verbose:
        for line in plan.describe():
            print(f"ecs-guard: {line}", file=sys.stderr)
    return plan.paths


def scan_config(args: argparse.Namespace, baseline: str | None = None) -> Config:
    """The config file's settings with the command line's flags on top (a flag replaces the key)."""
    from .config import ConfigError, load_config

    select, ignore = rule_codes(args.select), rule_codes(args.ignore)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    return config.with_flags(select=select, ignore=ignore, baseline=baseline, fail_on=getattr(args, "fail_on", None))


def rule_codes(values: list[str]) -> list[str]:
    """--select/--ignore values: comma-separated and repeatable; every code must match a rule."""
    from .rule import unknown_rule_codes

    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    unknown = unknown_rule_codes(codes)
    if unknown:
        raise UsageError(f"unknown rule code{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
                         "(`ecs-guard rules` lists them)")
    return codes


def exit_code(report, fail_on: Severity | None) -> int:
    """3 beats 1: an unread input or a crashed rule must not hide behind findings."""
    if report.unreadable or report.errors:
        return EXIT_INCOMPLETE
    if fail_on is not None and report.has_findings_at(fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """Standard output, or FILE opened before the scan so a bad path fails fast."""
    if path is None or path == "-":
        try:
            yield sys.stdout
        except BrokenPipeError:  # `ecs-guard scan | head`: the reader left; the exit code still counts
            _silence_stdout()
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    with stream:
        yield stream


# ----------------------------------------------------------------- baseline

def add_baseline_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="the baseline file to write (default: the config's `baseline`, "
                             "else .ecs-guard-baseline.json)")
    add_rule_arguments(parser)
    add_terraform_arguments(parser)


def run_baseline(args: argparse.Namespace) -> int:
    from .baseline import DEFAULT_FILE, write_baseline
    from .scan import configured_scan

    config = scan_config(args)
    target = args.output or config.baseline or DEFAULT_FILE
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {target}: no folder {display_path(folder)}")
    report = configured_scan(args.paths, config, options=terraform_options(args))
    try:
        written = write_baseline(report, target)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    suppressed = f" ({len(report.suppressed)} suppressed, not included)" if report.suppressed else ""
    print(f"Wrote {written} finding{'' if written == 1 else 's'} to {target}{suppressed}.")
    for problem in report.unreadable:
        print(f"ecs-guard: warning: not read: {problem}", file=sys.stderr)
    for error in report.errors:
        print(f"ecs-guard: warning: rule {error.rule_id} failed on {error.resource}: {error.message}",
              file=sys.stderr)
    return EXIT_INCOMPLETE if report.unreadable or report.errors else EXIT_OK


# ----------------------------------------------------------------- rules, explain

def add_rules_arguments(parser: argparse.ArgumentParser) -> None:
    """`ecs-guard rules` takes no arguments."""


def run_rules(args: argparse.Namespace) -> int:
    from .reporters.console import render_rules
    from .rule import all_rules

    render_rules(all_rules(), sys.stdout)
    return EXIT_OK


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="RULE", help="a rule ID, e.g. EG602")


def run_explain(args: argparse.Namespace) -> int:
    from .docs_gen import rule_markdown
    from .reporters.console import render_markdown
    from .rule import get_rule

    rule = get_rule(args.rule_id)
    if rule is None:
        raise UsageError(f"unknown rule: {args.rule_id} (`ecs-guard rules` lists them)")
    render_markdown(rule_markdown(rule), sys.stdout)
    return EXIT_OK


# ----------------------------------------------------------------- the table

# ----------------------------------------------------------------- audit (ecs_guard/audit/)

def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    from .audit.command import add_audit_arguments as add

    add(parser)


def run_audit(args: argparse.Namespace) -> int:
    from .audit.command import run_audit as run

    return run(args)


COMMANDS = [
    Command("scan", "scan Terraform source and plans, task definitions and AWS snapshots", add_scan_arguments,
            run_scan),
    Command("baseline", "write the current findings to a baseline file, so that later scans report only new ones",
            add_baseline_arguments, run_baseline),
    Command("audit", "read a live AWS account into a snapshot folder and scan it", add_audit_arguments, run_audit),
    Command("rules", "list the rules", add_rules_arguments, run_rules),
    Command("explain", "show a rule's documentation", add_explain_arguments, run_explain),
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecs-guard",
                     description="Compliance scanner for AWS ECS and Fargate.")
    parser.add_argument("--version", action="version", version=f"ecs-guard {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = subcommands.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except UsageError as error:
        return _fail(str(error), EXIT_USAGE)
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # `ecs-guard rules | head`: not an error
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # a bug in ecs-guard: still one line, no traceback
        return _fail(f"internal error: {type(error).__name__}: {error}", EXIT_USAGE)


def entry() -> None:
    """The `ecs-guard` console script: main(), then an exit that frees nothing.

    A large scan builds a million small objects (the model, the findings);
    freeing them one by one takes a twentieth of a second that nobody
    waits for on purpose. As mypy does, the command flushes its output and
    leaves the memory to the operating system (os._exit); files it wrote
    are closed by then. main() called from Python frees as usual."""
    global _kept_until_exit
    _kept_until_exit = []
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError):  # standard output closed or gone: nothing left to say
        pass
    os._exit(code)


def _silence_stdout() -> None:
    """After a broken pipe, send what is left to /dev/null so Python's exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass


def _fail(message: str, code: int) -> int:
    print(f"ecs-guard: error: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    entry()
