#!/usr/bin/env python3
"""Regenerate every committed Terraform plan JSON of the repository with the
real terraform, offline, through tools/terraform/plan.sh.

The committed plans, and the Terraform each is made from:

    fixtures/rules/plans/EGnnn/<case>.json   the `tf` (and `files`) of each `kind: plan`
                                             case of fixtures/rules/EGnnn.yaml
    fixtures/scenarios/<name>/plan.json      fixtures/scenarios/<name>/terraform/
    examples/<name>/plan.json                examples/<name>/terraform/
    fixtures/hcl/<name>/plan.json            fixtures/hcl/<name>/ itself (only folders that
                                             have a plan: the others cannot be planned offline)

Usage:

    python tools/make_plans.py                 all of them
    python tools/make_plans.py EG101 examples  some: a rule id, a group (rules, scenarios,
                                               examples, hcl) or one plan's name (--list)
    python tools/make_plans.py --missing       only plans that are not committed yet
    python tools/make_plans.py --check         make them in a temporary folder and compare with
                                               the committed ones; exit 1 naming those that differ
    python tools/make_plans.py --list          the names of the plans, and their files

Plans are made in parallel, as many at a time as the machine has CPUs. It
needs terraform and a filesystem mirror of the AWS provider (plan.sh says
how it finds one: TF_PLUGIN_MIRROR). Tests never run terraform: they read
the committed JSON, and tests/test_committed_plans.py checks none is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from fixture_cases import Case, all_cases  # noqa: E402

PLAN_SH = ROOT / "tools" / "terraform" / "plan.sh"
GROUPS = ("rules", "scenarios", "examples", "hcl")
# Fields of `terraform show -json` that change from one run to the next with
# the same source: when the plan was made, and the order terraform lists the
# relevant attributes in (a Go map's order).
RUN_TO_RUN_FIELDS = ("timestamp",)
UNORDERED_FIELDS = ("relevant_attributes",)


@dataclass(frozen=True)
class PlanTarget:
    """One committed plan and the Terraform root it is made from."""

    name: str  # e.g. "EG101/plan-public-ip", "scenarios/fargate-web", "examples/secure-fargate"
    out: Path  # the committed plan
    root: Path | None = None  # the folder planned, or None for a rule case (written from its YAML)
    case: Case | None = None

    @property
    def group(self) -> str:
        return "rules" if self.case is not None else self.name.split("/")[0]

    def selected_by(self, selector: str) -> bool:
        """Whether a command-line name picks this plan: its group, its rule id or its own name."""
        return selector in (self.group, self.name) or self.name.startswith(selector + "/")

    def write_root(self, folder: Path) -> Path:
        """The Terraform root to plan: the target's folder, or a rule case's `tf`
        (as main.tf) and extra Terraform sources written into `folder`."""
        if self.case is None:
            assert self.root is not None
            return self.root
        case = self.case
        if not case.tf:
            raise SystemExit(f"{case.source}: case {case.name} is a plan case without tf")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "main.tf").write_text(case.tf)
        for name, text in case.files.items():
            if name.endswith((".tf", ".json", ".tftpl", ".tpl")):
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(text)
        return folder


def plan_targets() -> list[PlanTarget]:
    """Every plan the repository commits, in a stable order."""
    targets = [
        PlanTarget(f"{case.rule}/{case.name}", case.plan_path, case=case) for case in all_cases() if case.kind == "plan"
    ]
    for group, pattern in (("scenarios", "fixtures/scenarios/*/terraform"), ("examples", "examples/*/terraform")):
        targets += [
            PlanTarget(f"{group}/{root.parent.name}", root.parent / "plan.json", root)
            for root in sorted(ROOT.glob(pattern))
            if root.is_dir()
        ]
    targets += [
        PlanTarget(f"hcl/{plan.parent.name}", plan, plan.parent)
        for plan in sorted(ROOT.glob("fixtures/hcl/*/plan.json"))
    ]
    return targets


def select(targets: list[PlanTarget], selectors: list[str], missing_only: bool) -> list[PlanTarget]:
    unknown = [s for s in selectors if not any(t.selected_by(s) for t in targets)]
    if unknown:
        raise SystemExit(f"no plan is named {', '.join(unknown)} (python tools/make_plans.py --list)")
    chosen = [t for t in targets if not selectors or any(t.selected_by(s) for s in selectors)]
    return [t for t in chosen if not (missing_only and t.out.exists())]


def make_plan(target: PlanTarget, out: Path) -> str | None:
    """Plan `target` into `out`; the problem (terraform's message) if it failed."""
    with tempfile.TemporaryDirectory(prefix="make-plans-") as tmp:
        root = target.write_root(Path(tmp) / "root")
        result = subprocess.run(["sh", str(PLAN_SH), str(root), str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        return f"{relative(target.out)}: terraform failed:\n{result.stderr.strip()}"
    return None


def comparable(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without what legitimately changes between two runs on the same source."""
    kept = {key: value for key, value in plan.items() if key not in RUN_TO_RUN_FIELDS}
    for key in UNORDERED_FIELDS:
        if isinstance(kept.get(key), list):
            kept[key] = sorted(kept[key], key=lambda item: json.dumps(item, sort_keys=True))
    return kept


def differences(committed: Any, fresh: Any, path: str = "") -> Iterator[str]:
    """The JSON paths where two plans differ (after `comparable`), first to last."""
    if isinstance(committed, dict) and isinstance(fresh, dict):
        for key in sorted(set(committed) | set(fresh)):
            where = f"{path}/{key}"
            if key not in fresh:
                yield f"{where} (only in the committed plan)"
            elif key not in committed:
                yield f"{where} (only in the regenerated plan)"
            else:
                yield from differences(committed[key], fresh[key], where)
    elif isinstance(committed, list) and isinstance(fresh, list):
        if len(committed) != len(fresh):
            yield f"{path} ({len(committed)} items committed, {len(fresh)} regenerated)"
        for i, (left, right) in enumerate(zip(committed, fresh, strict=False)):
            yield from differences(left, right, f"{path}[{i}]")
    elif committed != fresh or type(committed) is not type(fresh):
        yield path or "/"


def plan_differences(committed_path: Path, fresh_path: Path) -> list[str]:
    if not committed_path.exists():
        return ["not committed"]
    committed = comparable(json.loads(committed_path.read_text()))
    fresh = comparable(json.loads(fresh_path.read_text()))
    return list(differences(committed, fresh))


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def in_parallel(job: Callable[[PlanTarget], str | None], targets: Iterable[PlanTarget]) -> list[str]:
    """Run `job` on every target, as many at once as there are CPUs; the problems it returned."""
    problems = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for problem in pool.map(job, targets):
            if problem:
                problems.append(problem)
    return problems


def regenerate(targets: list[PlanTarget]) -> int:
    def job(target: PlanTarget) -> str | None:
        problem = make_plan(target, target.out)
        print(f"{'FAILED' if problem else 'planned'} {target.name}", flush=True)
        return problem

    problems = in_parallel(job, targets)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(targets) - len(problems)} of {len(targets)} plans written")
    return 1 if problems else 0


def check(targets: list[PlanTarget]) -> int:
    """Regenerate into a temporary folder; name every committed plan that differs."""
    with tempfile.TemporaryDirectory(prefix="make-plans-check-") as tmp:

        def job(target: PlanTarget) -> str | None:
            fresh = Path(tmp) / f"{target.name}.json"
            problem = make_plan(target, fresh)
            if problem:
                return problem
            found = plan_differences(target.out, fresh)
            if not found:
                return None
            shown = "\n".join(f"    {where}" for where in found[:5])
            more = f"\n    ... {len(found) - 5} more" if len(found) > 5 else ""
            return f"{relative(target.out)} differs from a regeneration ({target.name}):\n{shown}{more}"

        problems = in_parallel(job, targets)
    for problem in problems:
        print(problem)
    print(f"{len(targets) - len(problems)} of {len(targets)} plans are as terraform makes them today")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make_plans.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="rule ids, groups (rules, scenarios, examples, hcl) or plan names")
    parser.add_argument("--missing", action="store_true", help="only plans that are not committed yet")
    parser.add_argument(
        "--check", action="store_true", help="regenerate into a temporary folder and compare with the committed plans"
    )
    parser.add_argument("--list", action="store_true", help="list the plans and their files")
    args = parser.parse_args(argv)
    targets = select(plan_targets(), args.names, args.missing)
    if args.list:
        for target in targets:
            print(f"{target.name:48} {relative(target.out)}")
        return 0
    if not targets:
        print("nothing to plan")
        return 0
    return check(targets) if args.check else regenerate(targets)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
