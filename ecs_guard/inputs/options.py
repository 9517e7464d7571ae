"""How Terraform inputs are read in one scan: var files and a plan's source.

``ecs-guard scan --var-file FILE --source DIR`` sets them; ``load(paths,
options)`` takes them. ecs_guard.scan.scan() calls ``load(paths)`` without
options, so the command line sets them for the duration of a scan with
``terraform_options(...)`` (a context variable: scans in other threads are
not affected), and ``load`` reads them when it is given none.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class TerraformOptions:
    var_files: tuple[str, ...] = ()   # --var-file, in order: later files win
    source: str | None = None         # --source: the root module every plan of the scan was made from


_CURRENT: ContextVar[TerraformOptions] = ContextVar("ecs_guard_terraform_options", default=TerraformOptions())


@contextlib.contextmanager
def terraform_options(options: TerraformOptions) -> Iterator[None]:
    token = _CURRENT.set(options)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_options() -> TerraformOptions:
    return _CURRENT.get()
