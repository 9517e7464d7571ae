"""ecs-guard's own checks, one session each (`nox -l` lists them):

    nox -s lint            ruff check and ruff format --check
    nox -s typecheck       mypy over ecs_guard and rules/
    nox -s tests-3.10      the test suite on the oldest supported Python
    nox -s tests-3.13      ... and on the newest
    nox -s checkov         the checkov bridge, in checkov's own environment (tests_checkov/)

.ci/run runs them all after the README's test command. Pass pytest
arguments after `--`: `nox -s tests-3.13 -- -m "not slow"`.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True  # a Python that is not there fails CI, never skips it

SUPPORTED = ("3.10", "3.13")  # the oldest and newest supported Pythons


def interpreter(version: str) -> str:
    """`pythonX.Y` when it runs, else one installed by pyenv (whose shim for a
    version that is not selected is on PATH but refuses to run)."""
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")))
    return candidates[-1] if candidates else f"python{version}"


LINT_TOOLS = ("ruff==0.17.6",)
TYPE_TOOLS = ("mypy==2.4.1",)


@nox.session
def lint(session: nox.Session) -> None:
    session.install(*LINT_TOOLS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".", *TYPE_TOOLS)
    session.run("mypy")


def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


for _version in SUPPORTED:  # one session per Python: tests-3.10, tests-3.13
    nox.session(python=interpreter(_version), name=f"tests-{_version}")(tests)


CHECKOV = "checkov==3.3.30"  # the supported checkov (docs/checkov.md); the bridge's tests pin it
CHECKOV_PYTHON = "3.11"


@nox.session(python=interpreter(CHECKOV_PYTHON))
def checkov(session: nox.Session) -> None:
    """The checkov bridge in checkov's own environment: checkov pinned, ecs-guard
    with --no-deps (checkov's bc-python-hcl2 and ecs-guard's python-hcl2 both
    install `hcl2`; the main environment never gets checkov). tests_checkov/ is
    not in pytest's testpaths, so the main suite never collects it.

    ecs-guard's own answers for Terraform source need its HCL front end, which
    cannot be imported there: a second environment beside it (ecs-guard with
    its dependencies, no checkov) computes them, named by ECS_GUARD_PYTHON."""
    session.install(CHECKOV, "pytest")
    session.install("--no-deps", ".")
    main = os.path.join(session.create_tmp(), "ecs-guard")
    session.run("python", "-m", "venv", main)
    python = os.path.join(main, "bin", "python")
    session.run(python, "-m", "pip", "install", "--quiet", ".", external=True)
    session.run(
        "pytest", "-q", "-p", "no:cacheprovider", "tests_checkov", *session.posargs, env={"ECS_GUARD_PYTHON": python}
    )
