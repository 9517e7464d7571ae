"""`ecs-guard scan`: read the inputs, run the rules, render the report."""

from __future__ import annotations

import argparse
import sys

from ecs_guard.cli.common import (
    DEFAULT_FAIL_ON,
    UsageError,
    add_paths_argument,
    add_report_arguments,
    add_terraform_arguments,
    exit_code,
    keep_until_exit,
    read_known_findings,
    scan_config,
    terraform_options,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)  # `-`: one JSON document from standard input
    parser.set_defaults(paths=None)  # no PATH gives []: the current folder, but nothing with --changed
    add_report_arguments(parser)
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings that are not in this baseline (`ecs-guard baseline` writes it)",
    )
    parser.add_argument(
        "--changed",
        action="store_true",
        help="the PATHs are changed files (a pre-commit hook's staged files): scan the Terraform "
        "roots, snapshots, task definitions and plans they belong to (docs/pre-commit.md)",
    )
    add_terraform_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ecs_guard.cli.outputs import opened, render_all, report_outputs
    from ecs_guard.scan import collector_paused, configured_scan

    paths = scan_paths(args)
    config = scan_config(args, baseline=args.baseline, paths=paths)
    options = terraform_options(args)
    known = read_known_findings(config.baseline) if config.baseline else None
    outputs = report_outputs(args.format, args.output)
    with opened(outputs) as streams, collector_paused():  # rendering too: the same objects
        written = tuple(o.path for o in outputs if o.path and not o.to_stdout)
        report = configured_scan(paths, config, options=options, written=written)
        if known is not None:
            from ecs_guard.baseline import apply_baseline, unmatched_warning

            assert config.baseline is not None  # known was read from it

            apply_baseline(report, known, config.baseline)
            warning = unmatched_warning(report, known, config.baseline)
            if warning:
                print(f"ecs-guard: warning: {warning}", file=sys.stderr)
        render_all(report, streams, verbose=args.verbose)
        keep_until_exit(report)
    return exit_code(report, config.fail_on_severity(DEFAULT_FAIL_ON))


def scan_paths(args: argparse.Namespace) -> list[str]:
    """The PATHs (default: the current folder); with --changed, what the
    changed files belong to (ecs_guard.precommit), listed with --verbose."""
    if not args.changed:
        paths = args.paths or ["."]
        if paths.count("-") > 1:
            raise UsageError("standard input (-) can be scanned once per run")
        return paths
    from ecs_guard.precommit import plan_scan

    plan = plan_scan(args.paths)
    if args.verbose:
        for line in plan.describe():
            print(f"ecs-guard: {line}", file=sys.stderr)
    return plan.paths
