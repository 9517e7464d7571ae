#!/usr/bin/env python3
"""Scan time per MB from 10 KB to 10 MB: it must stay flat (linear work in input size).

    python benchmarks/bench_linear.py [--sizes 10K,100K,1M,10M] [--cases value,line,...] [--repeat 1] [--check]

Each case is one hostile shape, made at each size and scanned whole
(``ecs-guard scan PATH`` with the console and JSON reports both written, to
/dev/null), in this process:

  value       a task definition whose one environment value is the whole size
  line        a task definition on a single line (what `jq -c` or an API
              prints): hundreds of thousands of findings, all on line 1
  containers  a pretty-printed task definition of many containers, each
              with findings (every finding needs its line)
  hcl         one .tf file holding many services (benchmarks/gen.py's apps)
  plan        a Terraform plan JSON of many services (benchmarks/gen.py)

The number printed is the CPU time per MB at each size divided by the time
per MB at the smallest size, measured in the same run: 1.0 is linear, 10 at
100x the size would be quadratic. A fixed cost per scan (the rules set up,
the walk) makes small sizes dearer per MB, so ratios below 1 are normal.
Small sizes are scanned several times (at least 1 MB in all) so the clock's
resolution does not matter. The HCL parse cache is kept in a temporary
folder and emptied before every scan, so each scan parses (as on CI).

Exit code: 0, or 1 with --check when a ratio exceeds --budget (default 2.0).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

MB = 1_000_000
SIZES = {"10K": 10_000, "100K": 100_000, "1M": 1_000_000, "10M": 10_000_000}


def task_definition(containers: list[dict]) -> dict:
    return {
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": containers,
    }


def container(name: str, environment: list[dict]) -> dict:
    return {"name": name, "image": "nginx:latest", "essential": True, "privileged": True, "environment": environment}


def many_containers(size: int, indent: int | None) -> str:
    """Containers up to `size` bytes of JSON, each with a literal secret, a :latest image and privileged: findings."""
    secret = [{"name": "DB_PASSWORD", "value": "hunter2-Hunter2-9x"}]
    one = len(json.dumps([container("c00000", secret)], indent=indent, separators=None if indent else (",", ":")))
    document = task_definition([container(f"c{i:05d}", secret) for i in range(max(1, size // one))])
    return json.dumps(document, indent=indent, separators=None if indent else (",", ":"))


def write_value(size: int, folder: Path) -> Path:
    value = ("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A" * (size // 32 + 1))[:size]  # a certificate-like blob
    document = task_definition([container("web", [{"name": "CA_BUNDLE", "value": value}])])
    path = folder / "taskdef.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def write_line(size: int, folder: Path) -> Path:
    path = folder / "taskdef.json"
    path.write_text(many_containers(size, None))
    return path


def write_containers(size: int, folder: Path) -> Path:
    path = folder / "taskdef.json"
    path.write_text(many_containers(size, 2))
    return path


def services_for(size: int, bytes_per_service: int) -> int:
    return max(1, round(size / bytes_per_service))


def write_hcl(size: int, folder: Path) -> Path:
    import gen

    apps = folder / "apps"
    with contextlib.redirect_stdout(io.StringIO()):
        gen.hcl(services_for(size, 3_960), str(apps))
    root = folder / "root"
    root.mkdir()
    with (root / "main.tf").open("w") as main:
        for part in sorted(apps.iterdir()):
            main.write(part.read_text())
    shutil.rmtree(apps)
    return root


def write_plan(size: int, folder: Path) -> Path:
    import gen

    path = folder / "plan.json"
    path.write_text(json.dumps(gen.plan(services_for(size, 12_600))))
    return path


CASES: dict[str, Callable[[int, Path], Path]] = {
    "value": write_value,
    "line": write_line,
    "containers": write_containers,
    "hcl": write_hcl,
    "plan": write_plan,
}


def scan_seconds(path: Path, cache: Path) -> float:
    """CPU time of one scan of `path`, reports written to /dev/null, stderr silenced."""
    from ecs_guard.cli import main

    shutil.rmtree(cache / "ecs-guard" / "parsed", ignore_errors=True)
    argv = ["scan", str(path), "--format", f"console:{os.devnull}", "--format", f"json:{os.devnull}"]
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        start = time.process_time()
        code = main(argv)
        seconds = time.process_time() - start
    if code not in (0, 1):
        raise SystemExit(f"scan of {path} ended with exit code {code}: {errors.getvalue().strip()}")
    return seconds


def measure(case: str, sizes: dict[str, int], repeat: int, cache: Path) -> dict[str, float]:
    """Seconds per MB at each size: best of `repeat`, each at least 1 MB scanned in all."""
    per_mb: dict[str, float] = {}
    for label, size in sizes.items():
        with tempfile.TemporaryDirectory(prefix="bench-linear-") as folder:
            path = CASES[case](size, Path(folder))
            actual = sum(f.stat().st_size for f in ([path] if path.is_file() else path.rglob("*")) if f.is_file())
            rounds = max(1, MB // actual)
            best = min(sum(scan_seconds(path, cache) for _ in range(rounds)) / rounds for _ in range(repeat))
            per_mb[label] = best / (actual / MB)
            print(f"  {case:<11}{label:>5}  {actual / MB:8.3f} MB  {best:8.3f} s/scan", file=sys.stderr)
    return per_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated, from 10K,100K,1M,10M")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, from {','.join(CASES)}")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio exceeds --budget")
    parser.add_argument("--budget", type=float, default=2.0)
    args = parser.parse_args()
    sizes = {label: SIZES[label] for label in args.sizes.split(",")}
    cache = Path(tempfile.mkdtemp(prefix="bench-linear-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(cache)
    try:
        with tempfile.TemporaryDirectory() as warm:  # imports, rules and the HCL grammar, outside the clock
            scan_seconds(write_hcl(10_000, Path(warm)), cache)
            scan_seconds(write_line(10_000, Path(warm)), cache)
        print(f"{'case':<12}" + "".join(f"{label:>9}" for label in sizes) + "   (time per MB / at the smallest size)")
        worst = 0.0
        for case in args.cases.split(","):
            per_mb = measure(case, sizes, args.repeat, cache)
            base = next(iter(per_mb.values()))
            ratios = [value / base for value in per_mb.values()]
            worst = max(worst, *ratios)
            print(
                f"{case:<12}" + "".join(f"{r:9.2f}" for r in ratios) + f"   ({base:.2f} s per MB at the smallest)",
                flush=True,
            )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    if args.check and worst > args.budget:
        print(f"over budget: worst ratio {worst:.2f} > {args.budget}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
