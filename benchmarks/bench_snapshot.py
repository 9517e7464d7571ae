#!/usr/bin/env python3
"""How long a scan of a large live-account snapshot takes, against the time
to merely json.load its files.

    python benchmarks/bench_snapshot.py [--services 2000] [--runs 5] [--check] [--phases] [--gen PATH]

Generates the snapshot with benchmarks/gen.py (2,000 services: about
2,200 files, 18 MB) into a temporary folder, then times, each in a fresh
interpreter and best of --runs:

  baseline  a Python process that json.loads every file of the folder;
  scan      `ecs-guard scan --format json --output /dev/null DIR`
            (or `scan([DIR])` from Python while the CLI cannot write a
            JSON report).

Runs alternate between the two, so a busy machine slows both alike. Prints
both times and their ratio (wall time; CPU time too); the budget is a wall
time ratio of 6 (issue 11; the core issue's 3 was not met, and its
analysis, docs/performance.md, was accepted). With --check the exit code
is 1 when the ratio is above it (and 2 when the generator is missing or a
run failed).

With --phases it also prints where a scan's time goes, measured inside one
fresh interpreter per run (best of --runs), each phase as a multiple of the
same process's json.load of every file: importing ecs-guard and its rules,
reading the files into the model (inputs.load), running the rules (with the
lines that sorting the findings needs), and writing the JSON report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compiled import byte_compile

BUDGET = 6.0  # issue 11: at most 6x json.load
REPO = Path(__file__).resolve().parent.parent
DEFAULT_GEN = REPO / "benchmarks" / "gen.py"

BASELINE = """
import json, os, sys
for folder, _dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as stream:
                json.load(stream)
"""
SCAN_FROM_PYTHON = "import sys; from ecs_guard.scan import scan; scan([sys.argv[1]])"
PHASES = """
import gc, io, json, os, sys, time
gc.disable()  # as a scan runs (ecs_guard.scan.collector_paused)
clock = time.perf_counter
start = clock()
parsed = []  # kept, as a scan keeps them: the memory grows alike
for folder, _dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as stream:
                parsed.append(json.load(stream))
json_loaded = clock()
from ecs_guard.engine import run
from ecs_guard.inputs import load
from ecs_guard.reporters.json_report import render
from ecs_guard.rule import select_rules
rules = select_rules()
imported = clock()
inventory = load([sys.argv[1]])
loaded = clock()
report = run(inventory, rules)
ran = clock()
render(report, io.StringIO())
rendered = clock()
print(json.dumps({"json.load of every file": json_loaded - start, "imports and rules": imported - json_loaded,
                  "read into the model": loaded - imported, "rules, lines, sort": ran - loaded,
                  "JSON report": rendered - ran}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the ratio is above {BUDGET:g}")
    parser.add_argument("--gen", type=Path, default=DEFAULT_GEN, help="path of the generator (benchmarks/gen.py)")
    parser.add_argument("--phases", action="store_true", help="also print where a scan's time goes")
    parser.add_argument("--no-byte-compile", action="store_true", help="measure without compiling ecs-guard first")
    args = parser.parse_args(argv)
    if not args.no_byte_compile:
        byte_compile()  # as an installed ecs-guard runs (benchmarks/compiled.py)
    if not args.gen.is_file():
        print(f"bench_snapshot: generator not found at {args.gen} (use --gen)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="ecs-guard-bench-") as tmp:
        snapshot = Path(tmp) / "snapshot"
        subprocess.run([sys.executable, str(args.gen), "snapshot", str(args.services), str(snapshot)], check=True)
        files = sum(len(names) for _, _, names in os.walk(snapshot))
        size = sum(p.stat().st_size for p in snapshot.rglob("*.json"))
        scan_command, how = _scan_command(snapshot, Path(tmp))
        baseline_command = [sys.executable, "-c", BASELINE, str(snapshot)]

        baseline_runs, scan_runs = [], []
        for _ in range(args.runs):
            baseline_runs.append(_timed(baseline_command))
            scan_runs.append(_timed(scan_command))
        phases = _phases(snapshot, args.runs) if args.phases else None

    baseline, scan = min(w for w, _ in baseline_runs), min(w for w, _ in scan_runs)
    baseline_cpu, scan_cpu = min(c for _, c in baseline_runs), min(c for _, c in scan_runs)
    ratio = scan / baseline
    print(f"snapshot: {args.services} services, {files} files, {size / 1e6:.1f} MB")
    print(
        f"baseline (json.load every file): {baseline:.3f} s wall, {baseline_cpu:.3f} s CPU   "
        f"(runs: {_list(w for w, _ in baseline_runs)})"
    )
    print(f"scan ({how}): {scan:.3f} s wall, {scan_cpu:.3f} s CPU   (runs: {_list(w for w, _ in scan_runs)})")
    print(f"ratio: {ratio:.2f} wall, {scan_cpu / baseline_cpu:.2f} CPU (budget {BUDGET:g}, on wall time)")
    if phases:
        unit = phases["json.load of every file"]
        print("phases, inside one process (best of each):")
        for name, seconds in phases.items():
            print(f"  {name:<26} {seconds:.3f} s  {seconds / unit:5.2f}x")
    if args.check and ratio > BUDGET:
        print(f"bench_snapshot: over budget: {ratio:.2f} > {BUDGET:g}", file=sys.stderr)
        return 1
    return 0


def _scan_command(snapshot: Path, tmp: Path) -> tuple[list[str], str]:
    """The CLI when it writes a JSON report, else the scan function."""
    cli = shutil.which(
        "ecs-guard", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if cli:
        probe = tmp / "probe.json"
        subprocess.run(
            [cli, "scan", "--format", "json", "--output", str(probe), str(snapshot)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            json.loads(probe.read_text())
        except (OSError, ValueError):
            pass
        else:
            return [
                cli,
                "scan",
                "--format",
                "json",
                "--output",
                os.devnull,
                str(snapshot),
            ], "ecs-guard scan --format json --output /dev/null"
    return [sys.executable, "-c", SCAN_FROM_PYTHON, str(snapshot)], "scan() from Python"


def _phases(snapshot: Path, runs: int) -> dict[str, float]:
    """The best time of each phase over `runs` fresh interpreters."""
    best: dict[str, float] = {}
    for _ in range(runs):
        # run from the snapshot's folder: from a checkout, `python -c` would
        # import the checkout's ecs_guard rather than the installed one
        done = subprocess.run(
            [sys.executable, "-c", PHASES, str(snapshot)], capture_output=True, text=True, cwd=snapshot.parent
        )
        if done.returncode != 0:
            print(f"bench_snapshot: the phases run failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
            raise SystemExit(2)
        for name, seconds in json.loads(done.stdout).items():
            best[name] = min(seconds, best.get(name, seconds))
    return best


def _timed(command: list[str]) -> tuple[float, float]:
    """(wall time, CPU time) of one run. The CPU time (user + system, from
    wait4) is printed too: on a busy machine it moves less than the wall time.
    Exit codes 1 and 3 are expected (the generated snapshot has findings);
    any other stops the benchmark."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1, 3):
            errors.seek(0)
            print(
                f"bench_snapshot: {command[0]} failed (exit {process.returncode}): "
                f"{errors.read().decode(errors='replace').strip()[-500:]}",
                file=sys.stderr,
            )
            raise SystemExit(2)
    return elapsed, usage.ru_utime + usage.ru_stime


def _list(times) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


if __name__ == "__main__":
    sys.exit(main())
