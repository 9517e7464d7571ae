"""`ecs-guard checkov-dir` prints the folder of ecs-guard's checkov checks, for
`checkov -d . --external-checks-dir "$(ecs-guard checkov-dir)"` (docs/checkov.md)."""

from __future__ import annotations

import argparse

from ecs_guard.cli.common import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: the folder is where ecs-guard is installed."""


def run(args: argparse.Namespace) -> int:
    from ecs_guard.checkov import checks_dir

    print(checks_dir())
    return EXIT_OK
