"""`ecs-guard audit`: read the account, write the snapshot, scan it like `scan` does.

The report, its formats, --fail-on and the exit codes are the `scan`
command's (common.py), so an audit and a scan of the saved snapshot
cannot drift apart. What the audit adds is on stderr: a live display while
it reads (on a terminal only) and a summary of what it read and which calls
failed. A call that failed, or a --cluster that does not exist, also
makes the exit code 3 (the scan is incomplete), so a CI job with too few
permissions or a typo in a cluster name does not pass quietly.
The reading itself is library code: ecs_guard.audit.
"""

from __future__ import annotations

import argparse
import sys

from ecs_guard.cli.common import (
    DEFAULT_FAIL_ON,
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_OK,
    UsageError,
    add_report_arguments,
    exit_code,
    scan_config,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    aws = parser.add_argument_group("AWS")
    aws.add_argument(
        "--profile", metavar="NAME", help="AWS profile to use (default: AWS_PROFILE, then the default credential chain)"
    )
    aws.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="REGION",
        help="region to read, repeatable (default: every region enabled for the account)",
    )
    aws.add_argument(
        "--cluster",
        action="append",
        default=[],
        metavar="NAME_OR_ARN",
        help="read only this cluster, repeatable (default: every cluster); one that does not exist makes exit code 3",
    )
    aws.add_argument(
        "--retry-budget",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds the whole audit may spend retrying failed calls; once spent, a failed call "
        "is not retried (default: 60)",
    )
    parser.add_argument(
        "--save",
        metavar="DIR",
        help="write the snapshot to DIR, a new or empty folder, to rescan it later with "
        "`ecs-guard scan DIR` (default: a temporary folder, removed afterwards)",
    )
    add_report_arguments(parser.add_argument_group("report (as for `ecs-guard scan`)"))  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    from ecs_guard.audit.run import checked_save_dir, read_and_write, snapshot_dir, summarise
    from ecs_guard.audit.session import AuditError
    from ecs_guard.cli.outputs import opened, render_all, report_outputs
    from ecs_guard.scan import configured_scan

    config = scan_config(args)
    outputs = report_outputs(args.format, args.output)
    try:
        save = checked_save_dir(args.save)
        with opened(outputs) as streams, snapshot_dir(save) as folder:
            read, seconds = read_and_write(args.profile, args.region, args.cluster, folder, args.retry_budget)
            report = configured_scan([str(folder)], config)
            summarise(read, seconds, save, sys.stderr)
            render_all(report, streams, verbose=args.verbose)
    except AuditError as error:
        raise UsageError(str(error)) from None
    code = exit_code(report, config.fail_on_severity(DEFAULT_FAIL_ON))
    if (read.log.failures or read.unmatched_clusters) and code in (EXIT_OK, EXIT_FINDINGS):
        code = EXIT_INCOMPLETE
    return code


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value
