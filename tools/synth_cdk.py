#!/usr/bin/env python3
"""Synthesise the committed CDK fixture (fixtures/cdk/service/cdk.out) with the
real AWS CDK, the way tools/make_plans.py makes plans with the real terraform.

    python tools/synth_cdk.py                  npm install aws-cdk-lib + constructs into a
                                               temporary folder, synthesise, copy the result
    python tools/synth_cdk.py --modules DIR    use DIR/node_modules (already installed)

The app is tools/synth_cdk_app.js. Only what ecs-guard reads is committed:
manifest.json and the stack templates (nested ones included). Assets
(*.assets.json), tree.json and the rest of cdk.out are left out, as they
would be by a .gitignore. Needs node and npm (the npm registry, nothing else).
Tests never run node: they read the committed files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
APP = REPOSITORY / "tools" / "synth_cdk_app.js"
TARGET = REPOSITORY / "fixtures" / "cdk" / "service" / "cdk.out"
PACKAGES = ("aws-cdk-lib", "constructs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", help="a folder whose node_modules holds aws-cdk-lib and constructs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecs-guard-cdk-") as work:
        modules = Path(args.modules) if args.modules else Path(work) / "npm"
        if not args.modules:
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(modules), *PACKAGES], check=True
            )
        out = Path(work) / "cdk.out"
        env = {"NODE_PATH": str(modules / "node_modules"), "PATH": os.environ.get("PATH", "")}
        subprocess.run(["node", str(APP), str(out)], check=True, env=env)
        copy_assembly(out, TARGET)
    print(f"wrote {TARGET.relative_to(REPOSITORY)}")
    return 0


def copy_assembly(out: Path, target: Path) -> None:
    """manifest.json and the templates it leads to, nothing else."""
    manifest = json.loads((out / "manifest.json").read_text())
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(out / "manifest.json", target / "manifest.json")
    for artifact in manifest["artifacts"].values():
        if artifact.get("type") == "aws:cloudformation:stack":
            _copy_template(out, target, artifact["properties"]["templateFile"])


def _copy_template(out: Path, target: Path, name: str) -> None:
    shutil.copyfile(out / name, target / name)
    template = json.loads((out / name).read_text())
    for resource in template.get("Resources", {}).values():
        nested = resource.get("Metadata", {}).get("aws:asset:path", "")
        if resource.get("Type") == "AWS::CloudFormation::Stack" and nested.endswith(".json"):
            _copy_template(out, target, nested)


if __name__ == "__main__":
    sys.exit(main())
