"""What a scan imports: start-up is most of a small scan's time (issue 11:
one task definition in 0.12 s), so modules a scan does not need stay
unimported, and this keeps it so (docs/performance.md). Each scan runs in
a fresh interpreter, which reports the modules it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TASK_DEFINITION = ROOT / "fixtures" / "taskdefs" / "register-input.json"
STACK = ROOT / "fixtures" / "hcl" / "ecs_stack"

# Runs the command line in this process, then writes sys.modules to a file.
PROGRAM = """
import json, sys
from ecs_guard.cli import main
main(sys.argv[2:])
with open(sys.argv[1], "w") as stream:
    json.dump(sorted(sys.modules), stream)
"""

# Packages and modules a task definition scan (JSON report) must not load:
# other inputs' readers, reporters not asked for, other commands, third-party libraries.
NOT_FOR_A_TASK_DEFINITION = (
    "ecs_guard.inputs.cloudformation.adapter",
    "ecs_guard.inputs.cloudformation.intrinsics",
    "ecs_guard.inputs.cloudformation.loader",
    "ecs_guard.inputs.terraform.build",
    "ecs_guard.inputs.terraform.plan",
    "ecs_guard.inputs.terraform.hcl",
    "ecs_guard.inputs.terraform.source",
    "ecs_guard.inputs.terraform.provider",
    "ecs_guard.reporters.sarif",
    "ecs_guard.reporters.junit",
    "ecs_guard.reporters.github",
    "ecs_guard.baseline",
    "ecs_guard.audit",
    "ecs_guard.checkov",
    "ecs_guard.precommit",
    "yaml",
    "hcl2",
    "lark",
    "rich",
    "boto3",
    "botocore",
    "jsonschema",
    "tempfile",
)

# A Terraform root read from the root cache needs neither the parser nor the evaluator.
NOT_FOR_A_CACHED_ROOT = (
    "hcl2",
    "lark",
    "ecs_guard.inputs.terraform.hcl.parse",
    "ecs_guard.inputs.terraform.hcl.syntax",
    "ecs_guard.inputs.terraform.hcl.evaluate",
    "ecs_guard.inputs.terraform.source.instances",
    "ecs_guard.inputs.terraform.source.module",
    "ecs_guard.inputs.terraform.source.parallel_parse",
)


def loaded_modules(tmp_path: Path, *arguments: str) -> set[str]:
    listing = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(listing), "scan", "--format", "json", "--output", os.devnull, *arguments],
        cwd=tmp_path,  # no configuration file here
        env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return set(json.loads(listing.read_text()))


def _within(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in names))


def test_a_task_definition_scan_loads_no_other_input_reporter_or_library(tmp_path):
    modules = loaded_modules(tmp_path, str(TASK_DEFINITION))
    assert "ecs_guard.inputs.taskdef" in modules  # the scan did read it
    assert _within(modules, NOT_FOR_A_TASK_DEFINITION) == []


@pytest.mark.parametrize("name", ["ecs_stack", "modules"])
def test_a_root_read_from_the_root_cache_loads_neither_parser_nor_evaluator(tmp_path, name):
    root = ROOT / "fixtures" / "hcl" / name
    cold = loaded_modules(tmp_path, str(root))
    assert "ecs_guard.inputs.terraform.source.instances" in cold  # evaluated the first time
    warm = loaded_modules(tmp_path, str(root))
    assert "ecs_guard.inputs.terraform.source.root_cache" in warm
    assert _within(warm, NOT_FOR_A_CACHED_ROOT) == []
