"""The ``ecs-guard`` command: argument handling and dispatch, nothing else.

One module per command (scan, baseline, audit, rules and explain), each
with an `add_arguments(parser)` and a `run(args) -> exit code`; common.py
holds the flags, exit codes and errors they share. Everything heavy (the
rule pack, the adapters, rich, boto3) is imported inside the command that
needs it, so ``ecs-guard --version`` starts in milliseconds.

The config file (ecs_guard.config) gives defaults that flags replace;
suppressions (ecs_guard.suppress) and a baseline (ecs_guard.baseline) are
applied to the report before it is rendered, so every format and the exit
code see the same findings. Exit codes: common.py and docs/exit-codes.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ecs_guard import __version__
from ecs_guard.cli import audit, baseline, checkov_dir, common, rules, scan
from ecs_guard.cli.common import EXIT_OK, EXIT_USAGE, UsageError, silence_stdout
from ecs_guard.reporters.terminal import set_color


class _Parser(argparse.ArgumentParser):
    """argparse prints usage and exits on its own; we want one line and a return code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)  # sub-command parsers too
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        raise UsageError(message)


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, told the terminal's width. argparse makes one
    per argument added (to check its metavar), and one without a width imports
    shutil to ask: milliseconds of every run, help or not."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_columns() - 2 if width is None else width)


def _terminal_columns() -> int:
    """What shutil.get_terminal_size() says of the columns: $COLUMNS, else the
    terminal of standard output, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]  # None: handled below
    except (AttributeError, ValueError, OSError):
        return 80


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, how it adds its arguments, what runs it."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS = [
    Command(
        "scan", "scan Terraform source and plans, task definitions and AWS snapshots", scan.add_arguments, scan.run
    ),
    Command(
        "baseline",
        "write the current findings to a baseline file, so that later scans report only new ones",
        baseline.add_arguments,
        baseline.run,
    ),
    Command("audit", "read a live AWS account into a snapshot folder and scan it", audit.add_arguments, audit.run),
    Command("rules", "list the rules", rules.add_rules_arguments, rules.run_rules),
    Command("explain", "show a rule's documentation", rules.add_explain_arguments, rules.run_explain),
    Command(
        "checkov-dir",
        "print the folder of ecs-guard's checks for checkov's --external-checks-dir",
        checkov_dir.add_arguments,
        checkov_dir.run,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecs-guard", description="Compliance scanner for AWS ECS and Fargate.")
    parser.add_argument("--version", action="version", version=f"ecs-guard {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = subcommands.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = sys.argv[1:] if argv is None else argv
        if not arguments:  # a bare `ecs-guard`: what it can do, not a one-line complaint
            build_parser().print_help(sys.stderr)
            return EXIT_USAGE
        args = build_parser().parse_args(arguments)
        set_color(getattr(args, "color", None))
        return args.run(args)
    except UsageError as error:
        return _fail(str(error), EXIT_USAGE)
    except SystemExit as done:  # --help and --version
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # `ecs-guard rules | head`: not an error
        silence_stdout()
        return EXIT_OK
    except Exception as error:  # a bug in ecs-guard: still one line, no traceback
        return _fail(f"internal error: {type(error).__name__}: {error}", EXIT_USAGE)
    finally:
        set_color(None)  # --color is this call's: main() called again from Python starts afresh


def entry() -> None:
    """The `ecs-guard` console script: main(), then an exit that frees nothing.

    A large scan builds a million small objects (the model, the findings);
    freeing them one by one takes a twentieth of a second that nobody
    waits for on purpose. As mypy does, the command flushes its output and
    leaves the memory to the operating system (os._exit); files it wrote
    are closed by then. main() called from Python frees as usual."""
    common.kept_until_exit = []
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        silence_stdout()
    except (OSError, ValueError):  # standard output closed or gone: nothing left to say
        pass
    os._exit(code)


def _fail(message: str, code: int) -> int:
    print(f"ecs-guard: error: {message}", file=sys.stderr)
    return code
