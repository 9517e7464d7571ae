"""What every command of the `ecs-guard` command line shares: exit codes,
UsageError, the flags several commands take (paths, rules, report,
Terraform), the configured options they make, the exit code of a report
and where its output goes.

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
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

from ecs_guard.config import FAIL_ON_NONE
from ecs_guard.location import display_path
from ecs_guard.reporters import FORMATS
from ecs_guard.results import Severity

if TYPE_CHECKING:
    from ecs_guard.config import Config

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

DEFAULT_FAIL_ON = Severity.INFO.value

# What the command keeps until the process ends when it runs as `ecs-guard`
# (ecs_guard.cli.entry): None when main() is called from Python, which frees as usual.
kept_until_exit: list | None = None


class UsageError(Exception):
    """A problem with how ecs-guard was called: one line on stderr, exit code 2."""


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files or folders to scan, or - for one JSON document on standard input (default: the current folder)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not scan folders or files matching GLOB (a name at any depth, or a path with '/' relative "
        "to the current folder); repeatable; replaces the config's exclude. Always skipped: "
        ".git, .terraform, .terragrunt-cache, node_modules, .venv, venv, site-packages, __pycache__",
    )


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    """Which rules run, and the config file that may say so."""
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="run only these rules: IDs or prefixes (EG6, EG40), comma-separated, repeatable",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="do not run these rules: IDs or prefixes, comma-separated, repeatable",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="the config file (default: the nearest .ecs-guard.yaml, .ecs-guard.yml or "
        "pyproject.toml with [tool.ecs-guard], from the scanned folder up to its git root; "
        "--verbose names the file used)",
    )


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """The report's options, shared by `scan` and `audit`."""
    parser.add_argument(
        "--format",
        action="append",
        metavar="FORMAT[:FILE]",
        help=f"report format: {', '.join(FORMATS)} (default: console); repeatable, each with its own "
        "FILE, e.g. --format sarif:results.sarif --format console",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report of the --format without a FILE to FILE instead of standard output",
    )
    add_color_argument(parser)
    parser.add_argument(
        "--fail-on",
        metavar="SEVERITY",
        choices=[s.value for s in Severity] + [FAIL_ON_NONE],
        help="exit 1 when a finding is at or above SEVERITY: critical, high, medium, low, "
        f"info, or {FAIL_ON_NONE} to never fail on findings (default: the config's "
        f"fail-on, else {DEFAULT_FAIL_ON})",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list not-evaluated checks with their reasons, inputs not understood, suppressed findings and notices",
    )
    add_rule_arguments(parser)


def add_color_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        help="style the output: auto (on a terminal; the default), always or never; "
        "FORCE_COLOR and NO_COLOR are honoured when this is not given",
    )


def add_terraform_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var-file",
        action="append",
        default=[],
        metavar="FILE",
        dest="var_files",
        help="a .tfvars file for the Terraform root modules scanned, after terraform.tfvars "
        "and *.auto.tfvars (repeatable: later files win)",
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        help="the Terraform root module the scanned plans were made from: plan findings are "
        "reported at its .tf lines (default: the root module a plan file lies in)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="do not read or write the cache of parsed .tf files (also ECS_GUARD_NO_CACHE=1; docs/cache.md)",
    )
    parser.add_argument(
        "--cfn-parameters",
        metavar="FILE",
        dest="cfn_parameters",
        help="values of CloudFormation template parameters: the AWS CLI's "
        '[{"ParameterKey": ..., "ParameterValue": ...}] or {"Parameters": {...}} (CodePipeline, Copilot)',
    )


def terraform_options(args: argparse.Namespace):
    """--var-file, --source, --cfn-parameters and --no-cache, checked, as ecs_guard.inputs takes them."""
    from ecs_guard.inputs.terraform.options import TerraformOptions

    if args.source is not None and not os.path.isdir(args.source):
        raise UsageError(f"--source {args.source}: no such folder")
    parameters = getattr(args, "cfn_parameters", None)
    if parameters is not None and not os.path.isfile(parameters):
        raise UsageError(f"--cfn-parameters {parameters}: no such file")
    return TerraformOptions(tuple(args.var_files), args.source, cfn_parameters=parameters, use_cache=not args.no_cache)


def keep_until_exit(report) -> None:
    """Leave the report (and the model it holds) for the operating system to
    reclaim when the `ecs-guard` command ends (entry). Its objects are also
    moved out of the cyclic collector's sight (gc.freeze, called while the
    collector is paused): they were made with it off, and its first pass
    after the scan would walk every one of them for nothing."""
    if kept_until_exit is not None:
        kept_until_exit.append(report)
        gc.freeze()


def read_known_findings(path: str):
    """The baseline file's findings (ecs_guard.baseline, imported only when one is used)."""
    from ecs_guard.baseline import BaselineError, read_baseline

    try:
        return read_baseline(path)
    except BaselineError as error:
        raise UsageError(str(error)) from None


def scan_config(args: argparse.Namespace, baseline: str | None = None, paths: list[str] | None = None) -> Config:
    """The config file's settings with the command line's flags on top (a flag replaces the key).
    Without --config, the file is looked for from the scanned `paths` (their common folder)
    up to the git root, not from the working directory: `cd /tmp && ecs-guard scan REPO/infra`
    uses REPO's config. --verbose says which file applied."""
    from ecs_guard.config import ConfigError, load_config

    select, ignore = rule_codes(args.select), rule_codes(args.ignore)
    start = config_start(paths or [])
    try:
        config = load_config(args.config, start=start)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    if paths is not None and getattr(args, "verbose", False):  # scan and baseline: where the search started
        where = display_path(start) if start is not None else "the current folder"
        found = f"config: {config.file}" if config.file else f"config: none found from {where} up to the git root"
        print(f"ecs-guard: {found}", file=sys.stderr)
    return config.with_flags(
        select=select,
        ignore=ignore,
        baseline=baseline,
        fail_on=getattr(args, "fail_on", None),
        exclude=getattr(args, "exclude", None),
    )


def config_start(paths: list[str]) -> str | None:
    """Where the config file is looked for: the folder the scanned paths have in common
    (a file's own folder); None (the working directory) when only standard input is scanned."""
    folders = [
        os.path.abspath(path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path)))
        for path in paths
        if path != "-"
    ]
    if not folders:
        return None
    try:
        return os.path.commonpath(folders)
    except ValueError:  # different drives on Windows
        return folders[0]


def rule_codes(values: list[str]) -> list[str]:
    """--select/--ignore values: comma-separated and repeatable; every code must match a rule."""
    from ecs_guard.rule import unknown_rule_codes

    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    unknown = unknown_rule_codes(codes)
    if unknown:
        raise UsageError(
            f"unknown rule code{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} (`ecs-guard rules` lists them)"
        )
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
            silence_stdout()
        return
    try:
        stream = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    with stream:
        yield stream


def silence_stdout() -> None:
    """After a broken pipe, send what is left to /dev/null so Python's exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass
