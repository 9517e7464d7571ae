"""``ecs-guard scan -``: one JSON document read from standard input.

What a pipeline produces (``aws ecs describe-task-definition ... |``,
``terraform show -json plan |``) is scanned without a file of its own. The
text is kept in a private temporary folder while it is read, because the
adapters read files by path (a plan is streamed); the folder is removed
as soon as the document has been read. Findings and problems name it
``<stdin>``. Only JSON is read this way: a task definition, one AWS CLI
output (a snapshot file) or a Terraform plan.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

STDIN = "-"
STDIN_DISPLAY = "<stdin>"


@contextlib.contextmanager
def stdin_copy() -> Iterator[str]:
    """The path of a private copy of standard input, removed afterwards."""
    import shutil  # here: every scan imports this module, few read standard input
    import tempfile

    folder = tempfile.mkdtemp(prefix="ecs-guard-stdin-")  # 0700: the document may hold secrets
    try:
        path = os.path.join(folder, "stdin.json")
        with open(path, "wb") as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
