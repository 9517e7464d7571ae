#!/usr/bin/env python3
"""A whole scan of a large CloudFormation template against PyYAML's C loader.

    python benchmarks/bench_cfn.py [--services 1000] [--repeat 3] [--check]

The budget (issue 12): a template with 1,000 services (and their task
definitions, roles, target groups, scaling: bench_cfn_loader.py's template)
scans in at most 3x the time PyYAML's C loader takes to load it without
lines. Both are measured in this process, best of --repeat, taken in turns:

- the baseline: read the file and ``yaml.load`` it with ``CSafeLoader``
  (with constructors for the short-form tags, which the plain loader refuses);
- the scan: ``ecs_guard.scan.configured_scan`` of the same file with the
  default rules: load with lines, intrinsics, records, the shared builders
  and linker, every rule, suppressions.

Times are CPU times of this process (time.process_time): on a busy machine
wall time measures the neighbours. Exit code: 0, or 1 with --check when the
ratio exceeds LIMIT, 2 without libyaml.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from bench_cfn_loader import _tag_loader, best_cpu, yaml_template

from ecs_guard.config import Config
from ecs_guard.scan import configured_scan

LIMIT = 3.0  # the scan / the C loader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1000, help="services in the generated template (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, best CPU time kept (3)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the ratio exceeds {LIMIT}")
    args = parser.parse_args(argv)
    if not getattr(yaml, "__with_libyaml__", False):
        print("bench_cfn: PyYAML has no libyaml here: no baseline", file=sys.stderr)
        return 2
    loader = _tag_loader()
    with tempfile.TemporaryDirectory(prefix="ecs-guard-bench-cfn-") as folder:
        path = os.path.join(folder, "stack.yaml")
        Path(path).write_text(yaml_template(args.services), encoding="utf-8")
        config = Config()

        def baseline() -> Any:
            return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)

        def scanned() -> Any:
            return configured_scan([path], config)

        report = scanned()
        inventory = report.inventory
        assert inventory is not None and not report.problems
        times = best_cpu({"yaml.load (C)": baseline, "ecs-guard scan": scanned}, args.repeat)
    ratio = times["ecs-guard scan"] / times["yaml.load (C)"]
    print(
        f"template: {args.services} services ({len(inventory.services)} services, "
        f"{len(inventory.task_definitions)} task definitions, {len(inventory.roles)} roles, "
        f"{len(inventory.target_groups)} target groups read); {len(report.findings)} findings, "
        f"{len(report.not_evaluated)} not evaluated; best of {args.repeat}, CPU s"
    )
    for name, seconds in times.items():
        print(f"{name:16} {seconds:8.3f}")
    print(f"scan / yaml.load (C): {ratio:.2f} (limit {LIMIT})")
    if ratio > LIMIT:
        print("over the limit", file=sys.stderr)
    return 1 if ratio > LIMIT and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
