"""load_root: a Terraform root module directory -> HclRoot (all resource
instances, with their modules, plus every problem met on the way)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import display_path

if TYPE_CHECKING:
    from ecs_guard.inputs.terraform.source.configuration import Calls, Outputs
    from ecs_guard.inputs.terraform.source.resource import HclResource


@dataclass
class HclRoot:
    directory: str  # display path of the root module
    resources: list[HclResource] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # .tf files parsed, var files, read_files
    read_files: list[str] = field(default_factory=list)  # files read by file() and templatefile()
    parse_seconds: dict = field(default_factory=dict)  # .tf file -> seconds to parse (or load from cache)
    parse_cached: dict = field(default_factory=dict)  # .tf file -> True when it came from the cache
    # The references of module call arguments and outputs, as a plan's
    # configuration lists them (configuration.py): for build/links.py.
    calls: Calls = field(default_factory=dict)
    outputs: Outputs = field(default_factory=dict)
    sensitive: list[str] = field(default_factory=list)  # texts marked sensitive (ecs_guard.sensitive)
    # What the evaluation depends on, as absolute paths (root_cache.py): the
    # module folders read (the root's first), and the other files and
    # folders looked for (file() and templatefile() paths, module folders).
    module_folders: list[str] = field(default_factory=list)
    looked_at: list[str] = field(default_factory=list)

    def resource(self, address: str) -> HclResource | None:
        return next((r for r in self.resources if r.address == address), None)


def load_root(
    directory: str | Path, var_files: Sequence[str | Path] = (), use_cache: bool = True, modules: dict | None = None
) -> HclRoot:
    """Evaluate the root module in `directory` (its .tf files, terraform.tfvars,
    *.auto.tfvars, then `var_files` in order) and every local module it calls.
    `modules`: parsed module directories (module.ModuleSource by resolved
    path) shared with other roots of the same scan; filled as they are read."""
    # The evaluator is imported here, not with HclRoot: a root read from the
    # root cache (root_cache.py) needs only the class.
    from ecs_guard.inputs.terraform.hcl.library import HclLibraryError
    from ecs_guard.inputs.terraform.source.configuration import module_references
    from ecs_guard.inputs.terraform.source.instances import Evaluation, ModuleInstance
    from ecs_guard.inputs.terraform.source.provider_version import schema_problems
    from ecs_guard.inputs.terraform.source.variables import load_var_files, var_file_paths

    root_dir = Path(directory).resolve()
    result = HclRoot(display_path(root_dir))
    try:
        var_values, problems, read = load_var_files(var_file_paths(root_dir, [Path(f) for f in var_files]), use_cache)
        evaluation = Evaluation(root_dir, var_values, use_cache, modules)
        for problem in problems:
            evaluation.problem(problem)
        root = ModuleInstance(evaluation, evaluation.module_source(root_dir), "")
        result.resources = root.records()
        result.calls, result.outputs = module_references(root)
    except HclLibraryError as error:
        result.problems.append(InputProblem(result.directory, str(error)))
        return result
    for problem in schema_problems(evaluation.schema_problems, evaluation.module_sources):
        evaluation.problem(problem)
    result.problems = sorted(evaluation.problems, key=lambda p: (p.path, p.line or 0))
    result.parse_seconds = dict(evaluation.parse_seconds)
    result.parse_cached = dict(evaluation.parse_cached)
    result.read_files = list(evaluation.read_files)
    result.sensitive = list(evaluation.sensitive)
    result.module_folders = [str(source.directory) for source in evaluation.module_sources]
    result.looked_at = list(evaluation.looked_at)
    result.files = list(evaluation.parse_seconds) + read + [f for f in result.read_files if f not in read]
    return result
