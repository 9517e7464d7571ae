#!/usr/bin/env python3
"""Scanning a large Terraform plan: time and peak memory against json.load.

    python benchmarks/bench_plan.py [--services 2000] [--repeat 3] [--check]

Generates a plan of N services with benchmarks/gen.py into a temporary
folder, then runs, each in a fresh process, best of --repeat:

- the baseline: ``python -c "import json; json.load(open(PLAN))"``;
- the scan:     ``ecs-guard scan --format json --output /dev/null PLAN``.

It prints wall time, CPU time and peak RSS (the child's own, from wait4)
and the ratios. The requirements (docs: performance): the scan takes at
most 3x the baseline's wall time, and its peak RSS stays under 4x the
plan's size. Exit code: 0, or 1 with --check when a limit is exceeded, or
2 when something could not be run.
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

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT / "benchmarks" / "gen.py"
TIME_LIMIT = 3.0  # x json.load's wall time
MEMORY_LIMIT = 4.0  # x the plan's size


def measure(command: list[str], repeat: int, ok_codes=(0,)) -> dict:
    """Best wall time, its CPU time, and the highest peak RSS over `repeat` runs."""
    best_wall, best_cpu, peak_rss = float("inf"), 0.0, 0
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok_codes:
            error = process.stderr.read().decode(errors="replace").strip()
            raise SystemExit(f"bench_plan: {' '.join(command[:3])}... exited {process.returncode}: {error}")
        process.stderr.close()
        if wall < best_wall:
            best_wall, best_cpu = wall, usage.ru_utime + usage.ru_stime
        peak_rss = max(peak_rss, usage.ru_maxrss * 1024)  # kilobytes on Linux
    return {"wall": best_wall, "cpu": best_cpu, "rss": peak_rss}


def scan_command(plan: Path) -> list[str]:
    """The CLI when it is installed beside this Python, else the scan() API."""
    for candidate in (Path(sys.executable).with_name("ecs-guard"), shutil.which("ecs-guard")):
        if candidate and Path(candidate).exists():
            return [str(candidate), "scan", "--format", "json", "--output", os.devnull, str(plan)]
    return [sys.executable, "-c", f"from ecs_guard.scan import scan; scan([{str(plan)!r}])"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=2000, help="services in the generated plan (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command, best wall time kept (3)")
    parser.add_argument("--gen", default=str(GEN), help="the plan generator (benchmarks/gen.py)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio exceeds its limit")
    args = parser.parse_args(argv)
    if not Path(args.gen).exists():
        print(f"bench_plan: no generator at {args.gen} (use --gen)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ecs-guard-bench-") as folder:
        plan = Path(folder) / "plan.json"
        subprocess.run([sys.executable, args.gen, "plan", str(args.services), str(plan)], check=True)
        size = plan.stat().st_size
        baseline = measure([sys.executable, "-c", f"import json; json.load(open({str(plan)!r}))"], args.repeat)
        # a scan that finds something exits 1: that is a successful run here
        scanned = measure(scan_command(plan), args.repeat, ok_codes=(0, 1))
    time_ratio = scanned["wall"] / baseline["wall"]
    memory_ratio = scanned["rss"] / size
    mb = 1024 * 1024
    print(f"plan: {args.services} services, {size / mb:.1f} MB; best of {args.repeat}")
    print(f"{'':10} {'wall s':>8} {'cpu s':>8} {'peak RSS MB':>12}")
    for name, result in (("json.load", baseline), ("scan", scanned)):
        print(f"{name:10} {result['wall']:8.2f} {result['cpu']:8.2f} {result['rss'] / mb:12.1f}")
    print(
        f"time:   scan / json.load = {time_ratio:.2f} (limit {TIME_LIMIT}); cpu {scanned['cpu'] / baseline['cpu']:.2f}"
    )
    print(
        f"memory: scan peak RSS / plan size = {memory_ratio:.2f} (limit {MEMORY_LIMIT}); "
        f"json.load's is {baseline['rss'] / size:.2f}"
    )
    exceeded = time_ratio > TIME_LIMIT or memory_ratio > MEMORY_LIMIT
    if exceeded:
        print("over the limit", file=sys.stderr)
    return 1 if exceeded and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
