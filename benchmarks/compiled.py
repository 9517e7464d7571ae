"""Byte-compiling ecs-guard before a benchmark, as pip does at install.

An installed ecs-guard runs from .pyc files; a checkout under
PYTHONDONTWRITEBYTECODE=1 (this machine sets it) compiles every module it
imports on every run, about 40 ms that no installed ecs-guard spends. The
benchmarks that start ecs-guard processes compile it first (their
``--no-byte-compile`` measures the other case)."""

from __future__ import annotations

import subprocess
import sys


def byte_compile() -> None:
    """Byte-compile the installed ecs-guard (its package and its rule pack);
    Python then reads the .pyc files even under PYTHONDONTWRITEBYTECODE."""
    code = (
        "import compileall, sys, ecs_guard, ecs_guard.rules\n"
        "folders = [*ecs_guard.__path__, *ecs_guard.rules.__path__]\n"
        "sys.exit(0 if all(compileall.compile_dir(f, quiet=1) for f in folders) else 1)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL)
