"""ecs-guard's rules inside checkov (``checkov --external-checks-dir "$(ecs-guard checkov-dir)"``).

checkov loads custom Python checks only from a folder; that folder is
`checks/` here (`checks_dir()`), holding one distinctively named module that
registers one checkov check per enabled ecs-guard rule (register.py). Each
check answers from ecs-guard's own scan of the file checkov is reading
(estate.py: one scan per file, cached), so the answers are ecs-guard's.

checkov is imported only by register.py, and only inside checkov's own
environment. Nothing here imports ecs-guard's HCL front end
(ecs_guard.inputs.terraform.hcl, .source): it needs python-hcl2, and checkov's
bc-python-hcl2 owns the same `hcl2` module name (tests/test_imports.py).
"""

from __future__ import annotations

from pathlib import Path


def checks_dir() -> str:
    """The folder to give checkov's --external-checks-dir."""
    return str(Path(__file__).resolve().parent / "checks")
