#!/usr/bin/env python3
"""Regenerate the committed plan JSON of every `kind: plan` case in
fixtures/rules/*.yaml (and of fixtures/scenarios/*/terraform) with the real
terraform, offline, through ../shared/terraform/plan.sh.

    python tests/make_plans.py [EG101 ...]      only these rules' cases
    python tests/make_plans.py --missing        only cases with no plan yet

Tests never run terraform: they read the committed JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_cases import ROOT, all_cases

PLAN_SH = Path(os.environ.get("ECS_GUARD_PLAN_SH", ROOT.parent / "shared" / "terraform" / "plan.sh"))


def make_plan(tf_dir: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["sh", str(PLAN_SH), str(tf_dir), str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{out}: terraform failed:\n{result.stderr}")


def make_case_plan(case) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "main.tf").write_text(case.tf)
        for name, text in case.files.items():
            if name.endswith((".tf", ".json", ".tftpl", ".tpl")):
                Path(tmp, name).parent.mkdir(parents=True, exist_ok=True)
                Path(tmp, name).write_text(text)
        make_plan(Path(tmp), case.plan_path)
    return case.id


def main(argv: list[str]) -> int:
    missing_only = "--missing" in argv
    rules = [a for a in argv if not a.startswith("--")]
    cases = [c for c in all_cases() if c.kind == "plan" and (not rules or c.rule in rules)]
    if missing_only:
        cases = [c for c in cases if not c.plan_path.exists()]
    for c in cases:
        if not c.tf:
            raise SystemExit(f"{c.source}: case {c.name} is a plan case without tf")
    with ThreadPoolExecutor(max_workers=4) as pool:
        for done in pool.map(make_case_plan, cases):
            print("planned", done)
    for scenario in sorted((ROOT / "fixtures" / "scenarios").glob("*/terraform")):
        out = scenario.parent / "plan.json"
        if rules or (missing_only and out.exists()):
            continue
        make_plan(scenario, out)
        print("planned", scenario.parent.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
