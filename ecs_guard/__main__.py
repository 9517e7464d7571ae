"""`python -m ecs_guard` runs the command line, like the `ecs-guard` script."""
import sys

from .cli import main

sys.exit(main())
