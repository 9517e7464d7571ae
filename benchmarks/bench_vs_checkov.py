#!/usr/bin/env python3
"""ecs-guard against checkov 3.3.30, same machine, same run.

    python benchmarks/bench_vs_checkov.py [--checkov PATH] [--repeat 3] [--check]

checkov lives in its own virtualenv, never in ecs-guard's (both install a
top-level ``hcl2`` module, and the last install breaks the other; see
docs/performance.md):

    python3.11 -m venv /work/venvs/checkov
    /work/venvs/checkov/bin/pip install checkov==3.3.30

``--checkov`` (or the CHECKOV environment variable) names its executable;
the default is /work/venvs/checkov/bin/checkov. ecs-guard is the one
installed beside this Python.

Inputs, generated into a temporary folder by benchmarks/gen.py:

- 100 Terraform roots (``gen.py hcl 100``, split into 100 folders of
  main.tf + one service each, as a repository of service stacks);
- the 200-service plan (``gen.py plan 200``);
- one task definition (fixtures/taskdefs/register-input.json).

Each measurement runs the command in a fresh process, best wall time of
--repeat runs, the tools interleaved:

- HCL cold: ecs-guard with an empty XDG_CACHE_HOME every run (a fresh CI
  runner); checkov with an empty HOME and cache every run too;
- HCL warm: ecs-guard with the user cache its own first run filled;
- plan: ``ecs-guard scan PLAN`` against ``checkov -f PLAN --framework
  terraform_plan``;
- one task definition: ecs-guard's wall time (checkov has no ECS task
  definition input).

ecs-guard's modules are byte-compiled first (``--no-byte-compile``: not),
as pip does when it installs a wheel: in an editable install under
PYTHONDONTWRITEBYTECODE=1 (this machine's setting) every run would compile
every module it imports again, ~40 ms that no installed ecs-guard spends.

It prints wall and CPU times (CPU includes worker processes) and the
ratios (checkov / ecs-guard) of both, and the load average: on a machine
other work keeps busy, wall times stretch with the load and the CPU ratio
is the steadier figure. Goals (issue 11):
HCL cold >= 3x, warm >= 20x, plan >= 50x, one task definition <= 0.12 s.
``--check``: exit 1 when a goal is missed. Run it twice: the ratios of the
two runs should agree within 10%.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compiled import byte_compile

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "benchmarks" / "gen.py"
TASK_DEFINITION = ROOT / "fixtures" / "taskdefs" / "register-input.json"
DEFAULT_CHECKOV = "/work/venvs/checkov/bin/checkov"
GOALS = {"hcl cold": 3.0, "hcl warm": 20.0, "plan": 50.0}
TASK_DEFINITION_GOAL = 0.12  # seconds


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run, CPU including the worker processes it
    waited for (exit codes 0 and 1 are normal: 1 means findings)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if code not in (0, 1):
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-3:]
            raise SystemExit(f"bench_vs_checkov: {command[0]} exited {code}: {' / '.join(tail)}")
    return wall, usage.ru_utime + usage.ru_stime


def ecs_guard() -> list[str]:
    executable = Path(sys.executable).with_name("ecs-guard")
    if not executable.exists():
        raise SystemExit("bench_vs_checkov: ecs-guard is not installed beside this Python")
    return [str(executable), "scan", "--format", "json", "--output", os.devnull]


def make_inputs(work: Path, services: int, plan_services: int) -> tuple[Path, Path]:
    flat = work / "flat"
    subprocess.run([sys.executable, str(GEN), "hcl", str(services), str(flat)], check=True)
    roots = work / "roots"
    for app in sorted(flat.glob("app*.tf")):
        folder = roots / app.stem
        folder.mkdir(parents=True)
        shutil.copy(flat / "main.tf", folder / "main.tf")
        shutil.copy(app, folder / app.name)
    plan = work / "plan.json"
    subprocess.run([sys.executable, str(GEN), "plan", str(plan_services), str(plan)], check=True)
    return roots, plan


def fresh_env(work: Path, name: str) -> dict[str, str]:
    """An environment whose user cache (and HOME) is an empty folder."""
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work))
    return {
        **os.environ,
        "XDG_CACHE_HOME": str(folder / "cache"),
        "HOME": str(folder),
        "LOG_LEVEL": "ERROR",
    }


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run with the least wall time (wall, its CPU)."""
    return min(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", default=os.environ.get("CHECKOV", DEFAULT_CHECKOV))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--services", type=int, default=100, help="HCL roots")
    parser.add_argument("--plan-services", type=int, default=200)
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--no-byte-compile", action="store_true", help="measure without compiling ecs-guard first")
    args = parser.parse_args()
    if not Path(args.checkov).exists() and shutil.which(args.checkov) is None:
        print(f"bench_vs_checkov: checkov not found at {args.checkov} (see this script's docstring)", file=sys.stderr)
        return 2
    guard = ecs_guard()
    if not args.no_byte_compile:
        byte_compile()
    checkov_common = [args.checkov, "--quiet", "--compact", "--soft-fail", "-o", "json", "--skip-download"]
    with tempfile.TemporaryDirectory(prefix="bench-checkov-") as temporary:
        work = Path(temporary)
        roots, plan = make_inputs(work, args.services, args.plan_services)
        warm_env = fresh_env(work, "warm")
        run([*guard, str(roots)], warm_env)  # fills the user cache
        times: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.repeat):
            times.setdefault("ecs-guard hcl cold", []).append(run([*guard, str(roots)], fresh_env(work, "cold")))
            times.setdefault("ecs-guard hcl warm", []).append(run([*guard, str(roots)], warm_env))
            times.setdefault("checkov hcl", []).append(
                run([*checkov_common, "-d", str(roots), "--framework", "terraform"], fresh_env(work, "checkov"))
            )
            times.setdefault("ecs-guard plan", []).append(run([*guard, str(plan)], warm_env))
            times.setdefault("checkov plan", []).append(
                run(
                    [*checkov_common, "-f", str(plan), "--framework", "terraform_plan"],
                    fresh_env(work, "checkov"),
                )
            )
            times.setdefault("ecs-guard one task definition", []).append(run([*guard, str(TASK_DEFINITION)], warm_env))
    measured = {name: best(runs) for name, runs in times.items()}
    wall = {name: value[0] for name, value in measured.items()}
    cpu = {name: value[1] for name, value in measured.items()}
    for name, (seconds, cpu_seconds) in measured.items():
        runs = ", ".join(f"{w:.3f}" for w, _ in times[name])
        print(f"{name:32s} {seconds:7.3f} s wall {cpu_seconds:7.3f} s CPU  (wall of each run: {runs})")
    pairs = {"hcl cold": "ecs-guard hcl cold", "hcl warm": "ecs-guard hcl warm", "plan": "ecs-guard plan"}
    missed = []
    for name, mine in pairs.items():
        theirs = "checkov plan" if name == "plan" else "checkov hcl"
        ratio, cpu_ratio, goal = wall[theirs] / wall[mine], cpu[theirs] / cpu[mine], GOALS[name]
        print(
            f"ratio {name:26s} {ratio:6.1f}x wall {cpu_ratio:6.1f}x CPU  (goal >= {goal:.0f}x)"
            f"{'' if ratio >= goal else '  MISSED'}"
        )
        if ratio < goal:
            missed.append(name)
    task = wall["ecs-guard one task definition"]
    print(
        f"one task definition {task:17.3f} s wall {cpu['ecs-guard one task definition']:7.3f} s CPU"
        f"  (goal <= {TASK_DEFINITION_GOAL} s){'' if task <= TASK_DEFINITION_GOAL else '  MISSED'}"
    )
    if task > TASK_DEFINITION_GOAL:
        missed.append("one task definition")
    print(f"load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
