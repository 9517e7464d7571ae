"""The `ecs-guard` hook of .pre-commit-hooks.yaml, run by the real
`pre-commit` tool on commits in a temporary git repository.

Two ways of getting the hook, both real pre-commit runs:

- "released": the hook as users get it: `repo:` a temporary git copy of
  this checkout with a `rev:`, so pre-commit reads our .pre-commit-hooks.yaml,
  builds its own virtualenv and pip-installs ecs-guard into it (once per test
  session: about 10 s, needs the package index or a pip cache);
- "local": a `repo: local` hook made from the same .pre-commit-hooks.yaml
  entry, run with this Python (language: system): fast, and offline.

The project committed to is small and realistic: a root (envs/prod) calling
a service module, a task definition file, a config file that sets
fail-on: high, and JSON files that are no ECS input (package.json, editor
settings with comments) that pre-commit hands over too.

Skipped, with the reason, only when git or pre-commit is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
SECRET = "tok_live_4f3a2b1c0d9a8b7c6d5e"


def _pre_commit() -> str | None:
    beside = Path(sys.executable).with_name("pre-commit")
    return str(beside) if beside.exists() else shutil.which("pre-commit")


PRE_COMMIT = _pre_commit()
GIT = shutil.which("git")
pytestmark = [
    pytest.mark.slow,  # end to end: real git and pre-commit (deselect with -m "not slow")
    pytest.mark.skipif(GIT is None, reason="git is not installed"),
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)"),
]

SERVICE_MODULE = """\
variable "name" {
  type = string
}

variable "image" {
  type = string
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name                   = var.name
    image                  = var.image
    essential              = true
    user                   = "1000"
    readonlyRootFilesystem = true
    privileged             = false
  }])
}
"""

PROD_ROOT = """\
module "web" {
  source = "../../modules/service"
  name   = "web"
  image  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"
}
"""


def task_definition(**container) -> str:
    web = {
        "name": "web",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2",
        "essential": True,
        "user": "1000",
        "readonlyRootFilesystem": True,
        **container,
    }
    return (
        json.dumps(
            {
                "family": "web",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "256",
                "memory": "512",
                "containerDefinitions": [web],
            },
            indent=2,
        )
        + "\n"
    )


PROJECT = {
    ".ecs-guard.yaml": "fail-on: high\n",
    "envs/prod/main.tf": PROD_ROOT,
    "modules/service/main.tf": SERVICE_MODULE,
    "taskdefs/web.json": task_definition(),
    "package.json": '{"name": "infra", "private": true}\n',
    ".vscode/settings.json": '{\n  // comments: not JSON\n  "editor.tabSize": 2\n}\n',
}


# ----------------------------------------------------------------- git and pre-commit in isolation


@pytest.fixture(scope="session")
def environment(tmp_path_factory) -> dict[str, str]:
    """Git without the user's or the system's config, and pre-commit with its own cache."""
    home = tmp_path_factory.mktemp("precommit-home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = ecs-guard tests\n\temail = tests@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", PRE_COMMIT_HOME=str(home / "cache"))
    return env


def command(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = command([GIT, *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory, environment) -> tuple[Path, str]:
    """A git copy of this checkout's working tree, committed: (path, rev).
    What pre-commit clones and installs, as from a published tag."""
    copy = tmp_path_factory.mktemp("hook-repo")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("ecs_guard", "rules"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(copy, environment, "init", "-q")
    git(copy, environment, "add", "-A")
    git(copy, environment, "commit", "-q", "-m", "ecs-guard")
    return copy, git(copy, environment, "rev-parse", "HEAD").strip()


def released_config(hook_repository) -> dict:
    path, rev = hook_repository
    return {"repos": [{"repo": str(path), "rev": rev, "hooks": [{"id": "ecs-guard"}]}]}


def local_config() -> dict:
    """Our hook definition, run with this interpreter instead of an installed copy."""
    hook = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))[0]
    entry = hook["entry"].replace("ecs-guard", f"{sys.executable} -m ecs_guard", 1)
    return {"repos": [{"repo": "local", "hooks": [dict(hook, entry=entry, language="system")]}]}


@pytest.fixture(params=["released", "local"])
def project(request, tmp_path, environment) -> Project:
    config = (
        released_config(request.getfixturevalue("hook_repository")) if request.param == "released" else local_config()
    )
    project = Project(tmp_path / "infra", environment)
    project.create(config)
    return project


class Project:
    """A git repository with the hook installed; commits go through pre-commit."""

    def __init__(self, path: Path, env: dict[str, str]):
        self.path, self.env = path, env

    def create(self, config: dict) -> None:
        self.path.mkdir()
        git(self.path, self.env, "init", "-q")
        self.write({".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False), **PROJECT})
        done = command([PRE_COMMIT, "install"], self.path, self.env)
        assert done.returncode == 0, done.stdout + done.stderr

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text), encoding="utf-8")

    def commit(self, message: str) -> subprocess.CompletedProcess:
        """`git add -A` and `git commit`: the hook runs on the staged files."""
        git(self.path, self.env, "add", "-A")
        return command([GIT, "commit", "-m", message], self.path, self.env, timeout=600)

    def commits(self) -> int:
        return int(git(self.path, self.env, "rev-list", "--count", "HEAD").strip())


def output(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def assert_readable(text: str) -> None:
    assert "Traceback" not in text
    assert "\x1b[" not in text  # no colour codes: pre-commit's hook output is not a terminal


# ----------------------------------------------------------------- the tests


def test_a_project_without_high_findings_commits(project):
    done = project.commit("infra")
    assert done.returncode == 0, output(done)
    assert "ecs-guard" in output(done) and "Passed" in output(done)
    assert project.commits() == 1


def test_a_bad_task_definition_is_blocked_with_a_readable_message(project):
    assert project.commit("infra").returncode == 0
    project.write({"taskdefs/web.json": task_definition(privileged=True)})
    done = project.commit("privileged web")
    text = output(done)
    assert done.returncode != 0, text
    assert project.commits() == 1  # the commit did not happen
    assert "ecs-guard" in text and "Failed" in text
    assert "taskdefs/web.json  family:web" in text
    assert "HIGH     EG602  container 'web' runs privileged" in text
    assert_readable(text)


def test_a_fixed_change_passes_again(project):
    assert project.commit("infra").returncode == 0
    project.write({"taskdefs/web.json": task_definition(privileged=True)})
    assert project.commit("privileged web").returncode != 0
    project.write({"taskdefs/web.json": task_definition(privileged=False)})
    done = project.commit("web, not privileged")
    assert done.returncode == 0, output(done)
    assert project.commits() == 2


def test_a_literal_secret_is_blocked_and_never_shown(project):
    assert project.commit("infra").returncode == 0
    project.write({"taskdefs/web.json": task_definition(environment=[{"name": "PAYMENT_API_TOKEN", "value": SECRET}])})
    done = project.commit("token")
    text = output(done)
    assert done.returncode != 0, text
    assert "EG501" in text and "PAYMENT_API_TOKEN" in text and "****" in text
    assert SECRET not in text


def test_findings_below_the_config_s_fail_on_are_shown_but_do_not_block(project):
    """.ecs-guard.yaml says fail-on: high; a container without logConfiguration is medium (EG402)."""
    project.write({"taskdefs/api.json": task_definition().replace('"web"', '"api"')})
    git(project.path, project.env, "add", "-A")
    done = command(
        [PRE_COMMIT, "run", "--verbose", "--files", "taskdefs/api.json"], project.path, project.env, timeout=600
    )
    text = output(done)
    assert done.returncode == 0, text
    assert "taskdefs/api.json  family:api" in text and "MEDIUM   EG402" in text


def test_a_bad_change_in_a_child_module_is_blocked_through_its_root(project):
    """The module alone has no values (its image and name are the root's);
    the hook evaluates it through envs/prod, so the finding carries the
    module's address in that root. Needs the HCL input of `ecs-guard scan`."""
    assert project.commit("infra").returncode == 0
    project.write(
        {
            "modules/service/main.tf": SERVICE_MODULE.replace(
                "privileged             = false", "privileged             = true"
            )
        }
    )
    done = project.commit("privileged service module")
    text = output(done)
    assert done.returncode != 0, text
    assert "modules/service/main.tf  envs/prod: module.web.aws_ecs_task_definition.this" in text
    assert "EG602" in text
    assert_readable(text)


def test_a_bad_value_passed_by_the_root_is_blocked(project):
    """A change to the root alone (an image tag) is judged in the module's resource."""
    assert project.commit("infra").returncode == 0
    project.write({"envs/prod/main.tf": PROD_ROOT.replace("web:1.4.2", "web:latest")})
    done = project.commit("latest")
    text = output(done)
    assert done.returncode != 0, text
    assert "EG201" in text and "envs/prod: module.web.aws_ecs_task_definition.this" in text
