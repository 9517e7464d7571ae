#!/usr/bin/env python3
"""Make fixtures/hcl/fetched_modules the way a team's repository looks after
`terraform init`: modules fetched from git into .terraform/modules/, with
Terraform's own modules.json, and the real plan of the root.

Module sources that work offline: each folder of tools/fetched_modules/
becomes a git repository /tmp/ecs-guard-fixture-modules/<folder>.git with
the tag v1.0.0, and the fixture's main.tf calls them with
``git::file:///tmp/ecs-guard-fixture-modules/...?ref=v1.0.0`` URLs (a
fixed path, since Terraform needs an absolute one). Then:

    terraform get          in the fixture (modules only: no provider needed)
    tools/terraform/plan.sh the fixture -> plan.json (provider mirror, offline)

Usage: python tools/make_fetched_modules.py   (needs git and terraform 1.11.4).
Commit fixtures/hcl/fetched_modules/.terraform/modules (force-added: .terraform
is ignored elsewhere) and plan.json. The .git folders that `terraform get`
leaves in each fetched module are removed: they are not part of the module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "fetched_modules"
FIXTURE = ROOT / "fixtures" / "hcl" / "fetched_modules"
REPOSITORIES = Path("/tmp/ecs-guard-fixture-modules")
FIXED_DATE = "2025-01-01T00:00:00Z"  # so the repositories are the same every time


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(command, cwd=cwd, check=True, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)


def make_repositories() -> None:
    shutil.rmtree(REPOSITORIES, ignore_errors=True)
    for folder in sorted(p for p in SOURCES.iterdir() if p.is_dir()):
        repository = REPOSITORIES / f"{folder.name}.git"
        shutil.copytree(folder, repository)
        identity = {
            "GIT_AUTHOR_NAME": "fixture",
            "GIT_AUTHOR_EMAIL": "fixture@example.com",
            "GIT_COMMITTER_NAME": "fixture",
            "GIT_COMMITTER_EMAIL": "fixture@example.com",
            "GIT_AUTHOR_DATE": FIXED_DATE,
            "GIT_COMMITTER_DATE": FIXED_DATE,
        }
        _run(["git", "init", "-q", "-b", "main"], repository)
        _run(["git", "add", "."], repository)
        _run(["git", "commit", "-q", "-m", "fixture module"], repository, identity)
        _run(["git", "tag", "v1.0.0"], repository)


def fetch_modules() -> None:
    shutil.rmtree(FIXTURE / ".terraform", ignore_errors=True)
    _run(["terraform", "get", "-no-color"], FIXTURE, {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"})
    for git_folder in (FIXTURE / ".terraform" / "modules").rglob(".git"):
        shutil.rmtree(git_folder)


def make_plan() -> None:
    _run(["sh", str(ROOT / "tools" / "terraform" / "plan.sh"), str(FIXTURE), str(FIXTURE / "plan.json")], ROOT)


if __name__ == "__main__":
    make_repositories()
    fetch_modules()
    make_plan()
    print(f"wrote {FIXTURE.relative_to(ROOT)}/.terraform/modules and plan.json")
