#!/usr/bin/env python3
"""The pre-commit hook on a repository of 100 service modules: one changed .tf file.

    python benchmarks/bench_precommit.py [--services 100] [--repeat 5] [--check] [--no-pre-commit]

The repository (made from benchmarks/gen.py's HCL, restructured):

    live/main.tf               the root: the cluster, three subnets, and one
                               `module "appNNNNN" { source = "../modules/appNNNNN" ... }`
                               call per service, passing the cluster and subnets
    modules/appNNNNN/main.tf   one service: task definition (two containers,
                               jsonencode), execution role and policy, target
                               group, service, autoscaling target and policy
    modules/appNNNNN/variables.tf

One root calling every service module is what an environment folder of a
platform team looks like, and it is the hook's worst case for one changed
file: a module is evaluated through its root, so the whole root (all 100
services) is evaluated, as a full scan would.

Measured, each in a fresh process, with a warm cache (every file parsed once
before; the cache lives in a temporary XDG_CACHE_HOME), best of --repeat:

- hook, changed file:   ``ecs-guard scan --changed modules/app00042/main.tf``
                        after editing that file (a new comment each run), so
                        the changed file is not in the parse cache, as at a
                        real commit; this is the figure held to the budget;
- hook, same content:   the same command again, every file cached;
- pre-commit run:       the whole ``pre-commit run`` of the hook (a `repo:
                        local` hook from .pre-commit-hooks.yaml, run with this
                        Python) on the staged change, when pre-commit and git
                        are installed (skip with --no-pre-commit);
- ecs-guard --version.

Budgets: the hook run at most 1 s wall, ``--version`` at most 0.2 s. Exit
code: 0, or 1 with --check when a budget is exceeded, or 2 when something
could not be run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "benchmarks" / "gen.py"
HOOK_BUDGET = 1.0  # seconds, one changed .tf file
VERSION_BUDGET = 0.2  # seconds
CHANGED_APP = 42


# ----------------------------------------------------------------- the repository


def make_repository(top: Path, services: int, gen: Path) -> Path:
    """live/ calling modules/appNNNNN/ for every service; returns the changed module's main.tf."""
    flat = top / "flat"
    subprocess.run([sys.executable, str(gen), "hcl", str(services), str(flat)], check=True)
    (top / "live").mkdir()
    calls = []
    for app_file in sorted(flat.glob("app*.tf")):
        name = app_file.stem
        module = top / "modules" / name
        module.mkdir(parents=True)
        (module / "main.tf").write_text(as_module(app_file.read_text(encoding="utf-8")), encoding="utf-8")
        (module / "variables.tf").write_text(MODULE_VARIABLES, encoding="utf-8")
        calls.append(MODULE_CALL.format(name=name))
    platform = (flat / "main.tf").read_text(encoding="utf-8")
    (top / "live" / "main.tf").write_text(platform + "".join(calls), encoding="utf-8")
    shutil.rmtree(flat)
    return top / "modules" / f"app{CHANGED_APP:05d}" / "main.tf"


MODULE_VARIABLES = """\
variable "cluster_id" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}
"""

MODULE_CALL = """
module "{name}" {{
  source       = "../modules/{name}"
  cluster_id   = aws_ecs_cluster.main.id
  cluster_name = aws_ecs_cluster.main.name
  subnet_ids   = [aws_subnet.private_0.id, aws_subnet.private_1.id, aws_subnet.private_2.id]
}}
"""


def as_module(text: str) -> str:
    """An app file of the flat layout, with the platform's resources read from variables."""
    text = text.replace("aws_ecs_cluster.main.id", "var.cluster_id")
    text = text.replace("aws_ecs_cluster.main.name", "var.cluster_name")
    return re.sub(r"aws_subnet\.private_(\d)\.id", r"var.subnet_ids[\1]", text)


# ----------------------------------------------------------------- measuring


class CannotRun(Exception):
    """A command failed or did not do what is timed: no numbers, exit code 2."""


def best_wall(run_once, repeat: int) -> float:
    return min(run_once() for _ in range(repeat))


def timed(command: list[str], cwd: Path, env: dict, ok_codes=(0, 1)) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode not in ok_codes:
        raise CannotRun(
            f"{' '.join(command[:4])}... exited {done.returncode}: {done.stderr.decode(errors='replace').strip()}"
        )
    return wall


def ecs_guard_command() -> list[str]:
    """The ecs-guard script beside this Python (what pre-commit's environment runs), else `python -m`."""
    script = Path(sys.executable).with_name("ecs-guard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecs_guard"]


class Edits:
    """Edits the changed file so each run sees content it has not parsed before."""

    def __init__(self, path: Path):
        self.path, self.original, self.count = path, path.read_text(encoding="utf-8"), 0

    def next(self) -> None:
        self.count += 1
        self.path.write_text(self.original + f"\n# change {self.count} {time.time_ns()}\n", encoding="utf-8")


def measure_hook(top: Path, changed: Path, env: dict, repeat: int) -> tuple[float, float]:
    """(wall with the changed file new, wall with every file cached)."""
    relative = str(changed.relative_to(top))
    command = [*ecs_guard_command(), "scan", "--changed", relative]
    edits = Edits(changed)

    def changed_run() -> float:
        edits.next()
        return timed(command, top, env)

    warm = subprocess.run(
        [*ecs_guard_command(), "scan", "--format", "json", "live"], cwd=top, env=env, capture_output=True, text=True
    )  # warm: parse every file into the cache
    if relative not in json.loads(warm.stdout or "{}").get("files", []):
        raise CannotRun(
            f"`ecs-guard scan live` did not read {relative}: this ecs-guard does not "
            "scan Terraform folders, so there is nothing to time"
        )
    changed_wall = best_wall(changed_run, repeat)
    cached_wall = best_wall(lambda: timed(command, top, env), repeat)
    return changed_wall, cached_wall


def measure_pre_commit(top: Path, changed: Path, env: dict, repeat: int) -> float | None:
    """The whole `pre-commit run` on the staged change; None without git or pre-commit."""
    pre_commit = Path(sys.executable).with_name("pre-commit")
    pre_commit = str(pre_commit) if pre_commit.exists() else shutil.which("pre-commit")
    git = shutil.which("git")
    if pre_commit is None or git is None:
        return None
    import yaml

    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    hook.update(language="system", entry=hook["entry"].replace("ecs-guard", " ".join(ecs_guard_command()), 1))
    (top / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False), encoding="utf-8"
    )
    git_env = dict(
        env,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        PRE_COMMIT_HOME=str(top.parent / "pre-commit-home"),
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "services"]):
        subprocess.run([git, *args], cwd=top, env=git_env, check=True, stdout=subprocess.DEVNULL)
    edits = Edits(changed)

    def run_once() -> float:
        edits.next()
        subprocess.run([git, "add", str(changed.relative_to(top))], cwd=top, env=git_env, check=True)
        return timed([pre_commit, "run"], top, git_env)

    run_once()  # pre-commit's first run sets up its cache
    return best_wall(run_once, repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=100, help="service modules in the repository (100)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command, best wall time kept (5)")
    parser.add_argument("--gen", default=str(GEN), help="the HCL generator (benchmarks/gen.py)")
    parser.add_argument("--no-pre-commit", action="store_true", help="do not time the whole `pre-commit run`")
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is exceeded")
    args = parser.parse_args(argv)
    if not Path(args.gen).exists():
        print(f"bench_precommit: no generator at {args.gen} (use --gen)", file=sys.stderr)
        return 2
    if args.services <= CHANGED_APP:
        print(f"bench_precommit: --services must be more than {CHANGED_APP}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ecs-guard-bench-") as folder:
        top = Path(folder) / "repo"
        top.mkdir()
        env = dict(os.environ, XDG_CACHE_HOME=str(Path(folder) / "cache"))
        changed = make_repository(top, args.services, Path(args.gen))
        tf_files = sum(1 for _ in top.rglob("*.tf"))
        try:
            version = best_wall(
                lambda: timed([*ecs_guard_command(), "--version"], top, env, ok_codes=(0,)), args.repeat
            )
            hook_changed, hook_cached = measure_hook(top, changed, env, args.repeat)
            pre_commit = None if args.no_pre_commit else measure_pre_commit(top, changed, env, args.repeat)
        except CannotRun as error:
            print(f"bench_precommit: {error}", file=sys.stderr)
            return 2
    print(
        f"repository: {args.services} service modules called by one root, {tf_files} .tf files; "
        f"changed: modules/app{CHANGED_APP:05d}/main.tf; best of {args.repeat}"
    )
    print(
        f"  hook, changed file       {hook_changed:7.3f} s   {hook_changed / HOOK_BUDGET:5.2f} x budget "
        f"({HOOK_BUDGET:g} s)"
    )
    print(f"  hook, same content       {hook_cached:7.3f} s")
    if pre_commit is not None:
        print(f"  pre-commit run (whole)   {pre_commit:7.3f} s")
    else:
        print("  pre-commit run (whole)   not measured (--no-pre-commit, or no git / pre-commit)")
    print(
        f"  ecs-guard --version      {version:7.3f} s   {version / VERSION_BUDGET:5.2f} x budget ({VERSION_BUDGET:g} s)"
    )
    over = hook_changed > HOOK_BUDGET or version > VERSION_BUDGET
    if over:
        print("over budget", file=sys.stderr)
    return 1 if over and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
