"""`ecs-guard audit`: read the account, write the snapshot, scan it like `scan` does.

The report, its formats, --fail-on and the exit codes are the `scan`
command's (ecs_guard.cli), so an audit and a scan of the saved snapshot
cannot drift apart. What the audit adds is on stderr: a live display while
it reads (on a terminal only) and a summary of what it read and which calls
failed. A call that failed also makes the exit code 3 (the scan is
incomplete), so a CI job with too few permissions does not pass quietly.

Imported by the CLI at start-up: boto3 and rich are imported only inside
run_audit.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Iterator, TextIO


def add_audit_arguments(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_report_arguments

    aws = parser.add_argument_group("AWS")
    aws.add_argument("--profile", metavar="NAME",
                     help="AWS profile to use (default: AWS_PROFILE, then the default credential chain)")
    aws.add_argument("--region", action="append", default=[], metavar="REGION",
                     help="region to read, repeatable (default: every region enabled for the account)")
    aws.add_argument("--cluster", action="append", default=[], metavar="NAME_OR_ARN",
                     help="read only this cluster, repeatable (default: every cluster)")
    parser.add_argument("--save", metavar="DIR",
                        help="write the snapshot to DIR, a new or empty folder, to rescan it later with "
                             "`ecs-guard scan DIR` (default: a temporary folder, removed afterwards)")
    add_report_arguments(parser.add_argument_group("report (as for `ecs-guard scan`)"))


def run_audit(args: argparse.Namespace) -> int:
    from ..cli import DEFAULT_FAIL_ON, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, UsageError, exit_code, output_stream, \
        scan_config
    from ..reporters import renderer
    from ..scan import configured_scan
    from .session import AuditError

    config = scan_config(args)
    render = renderer(args.format)
    save = _checked_save_dir(args.save, UsageError)
    with output_stream(args.output) as stream, _snapshot_dir(save) as folder:
        try:
            read, seconds = _read_and_write(args, folder)
        except AuditError as error:
            raise UsageError(str(error)) from None
        report = configured_scan([str(folder)], config)
        _summarise(read, seconds, save, sys.stderr)
        render(report, stream, verbose=args.verbose)
    code = exit_code(report, config.fail_on_severity(DEFAULT_FAIL_ON))
    if read.log.failures and code in (EXIT_OK, EXIT_FINDINGS):
        code = EXIT_INCOMPLETE
    return code


def _read_and_write(args: argparse.Namespace, folder: Path):
    """Read the account (with the live display on a terminal) and write the snapshot."""
    from .calls import CallLog
    from .progress import progress_for
    from .reader import read_account
    from .session import Aws
    from .writer import write_snapshot

    start = time.monotonic()
    aws = Aws(args.profile, CallLog())
    regions = aws.regions(args.region)
    with progress_for(sys.stderr) as progress:
        read = read_account(aws, regions, args.cluster or None, progress)
    write_snapshot(read, folder)
    return read, time.monotonic() - start


def _checked_save_dir(save: str | None, usage_error: type[Exception]) -> Path | None:
    """--save must be a new or empty folder: a snapshot mixed with an older
    one (another region set, deleted services) would be scanned as one estate."""
    if save is None:
        return None
    path = Path(save)
    if path.exists() and not path.is_dir():
        raise usage_error(f"--save {save}: not a folder")
    if path.is_dir() and any(path.iterdir()):
        raise usage_error(f"--save {save}: the folder is not empty; give a new or empty folder")
    return path


@contextlib.contextmanager
def _snapshot_dir(save: Path | None) -> Iterator[Path]:
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)
        yield save
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ecs-guard-audit-") as folder:
        yield Path(folder)


def _summarise(read, seconds: float, save: Path | None, stream: TextIO) -> None:
    """What was read, how many calls it took, and every call that failed."""
    from .summary import summary_lines

    for line in summary_lines(read, seconds, save):
        print(line, file=stream)
