"""One audit, as library code: check where the snapshot goes, read the
account into it, and say what was read. ecs_guard.cli.audit adds the
arguments, the scan of the snapshot and the exit code.

boto3 and rich are imported only when an account is read.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ecs_guard.audit.session import AuditError

if TYPE_CHECKING:
    from ecs_guard.audit.reader import AccountRead


def checked_save_dir(save: str | None) -> Path | None:
    """--save must be a new or empty folder: a snapshot mixed with an older
    one (another region set, deleted services) would be scanned as one estate."""
    if save is None:
        return None
    path = Path(save)
    if path.exists() and not path.is_dir():
        raise AuditError(f"--save {save}: not a folder")
    if path.is_dir() and any(path.iterdir()):
        raise AuditError(f"--save {save}: the folder is not empty; give a new or empty folder")
    return path


@contextlib.contextmanager
def snapshot_dir(save: Path | None) -> Iterator[Path]:
    """The folder the snapshot is written to: `save`, or a temporary one removed afterwards."""
    if save is not None:
        from ecs_guard.audit.writer import private_folder

        private_folder(save)
        yield save
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ecs-guard-audit-") as folder:
        yield Path(folder)


def read_and_write(
    profile: str | None,
    regions: Sequence[str],
    clusters: Sequence[str],
    folder: Path,
    retry_budget: float | None = None,
) -> tuple[AccountRead, float]:
    """Read the account (with the live display on a terminal) and write the snapshot to `folder`.
    On Ctrl-C every thread stops making calls and KeyboardInterrupt goes on up at once."""
    from ecs_guard.audit.calls import CallLog
    from ecs_guard.audit.limits import DEFAULT_RETRY_BUDGET, Limits
    from ecs_guard.audit.progress import progress_for
    from ecs_guard.audit.reader import read_account
    from ecs_guard.audit.session import Aws
    from ecs_guard.audit.writer import write_snapshot

    start = time.monotonic()
    limits = Limits(DEFAULT_RETRY_BUDGET if retry_budget is None else retry_budget)
    aws = Aws(profile, CallLog(), limits)
    chosen = aws.regions(list(regions))
    try:
        with progress_for(sys.stderr) as progress:
            read = read_account(aws, chosen, list(clusters) or None, progress)
    except KeyboardInterrupt:
        limits.cancel()
        raise
    write_snapshot(read, folder)
    return read, time.monotonic() - start


def summarise(read: AccountRead, seconds: float, save: Path | None, stream: TextIO) -> None:
    """What was read, how many calls it took, and every call that failed."""
    from ecs_guard.audit.summary import summary_lines

    for line in summary_lines(read, seconds, save):
        print(line, file=stream)
