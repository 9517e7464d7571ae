"""`python -m ecs_guard` runs the command line, like the `ecs-guard` script."""

from .cli import entry

entry()
