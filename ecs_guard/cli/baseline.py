"""`ecs-guard baseline`: write the current findings to a baseline file."""

from __future__ import annotations

import argparse
import os
import sys

from ecs_guard.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    UsageError,
    add_paths_argument,
    add_rule_arguments,
    add_terraform_arguments,
    scan_config,
    terraform_options,
)
from ecs_guard.location import display_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the baseline file to write (default: the config's `baseline`, else .ecs-guard-baseline.json)",
    )
    add_rule_arguments(parser)
    add_terraform_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ecs_guard.baseline import DEFAULT_FILE, write_baseline
    from ecs_guard.scan import configured_scan

    config = scan_config(args, paths=args.paths)
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
    for rule_error in report.errors:
        print(
            f"ecs-guard: warning: rule {rule_error.rule_id} failed on {rule_error.resource}: {rule_error.message}",
            file=sys.stderr,
        )
    return EXIT_INCOMPLETE if report.unreadable or report.errors else EXIT_OK
