"""`python -m ecs_guard` runs the command line, like the `ecs-guard` script."""

from ecs_guard.cli import entry

entry()
