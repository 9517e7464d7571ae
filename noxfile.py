"""ecs-guard's own checks, one session each (`nox -l` lists them):

    nox -s lint            ruff check and ruff format --check
    nox -s typecheck       mypy over ecs_guard and rules/
    nox -s tests-3.10      the test suite on the oldest supported Python
    nox -s tests-3.13      ... and on the newest
    nox -s checkov         the checkov bridge, in checkov's own environment (when it exists)

.ci/run runs them all after the README's test command. Pass pytest
arguments after `--`: `nox -s tests-3.13 -- -m "not slow"`.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

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


@nox.session(python=["3.10", "3.13"])
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)
