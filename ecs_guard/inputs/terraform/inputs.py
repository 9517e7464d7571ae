"""The Terraform source side of one scan: root modules and plans' sources.

The walk hands over every .tf file (and every .tf/.tfvars file named on the
command line) as it finds it, and asks for the source of every plan. At
the end, ``load`` reads each folder that is a root module (roots.py)
and not already the source of a plan: a plan inside a root that is also
walked is reported once, by the plan, at the source's lines.

Each root is evaluated once however many plans use it, and the parsed
module folders are shared between roots. Nothing here imports the HCL
front end until there is Terraform source to read.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.inputs.terraform.root_identity import name_with_root
from ecs_guard.inputs.terraform.roots import holds_tf_files, local_module_folders, root_folders, root_of_plan
from ecs_guard.location import display_path
from ecs_guard.model import Inventory

if TYPE_CHECKING:
    from ecs_guard.inputs.terraform.source.root import HclRoot
    from ecs_guard.inputs.terraform.source.root_cache import RootCache


class TerraformInputs:
    def __init__(self, options: TerraformOptions):
        self.options = options
        self.folders: list[Path] = []  # folders with .tf files, as found
        self.sources: set[Path] = set()  # roots read as the source of a plan
        self.problems: list[InputProblem] = []  # sources that could not be evaluated
        self._evaluated: dict[Path, HclRoot] = {}
        self._parsed: dict = {}  # module folder -> ModuleSource, shared by the roots
        self._root_cache: RootCache | None = None  # made when there is Terraform source to read

    def add_file(self, path: str, display: str, named: bool, problems: list[InputProblem]) -> None:
        """A .tf file found in the walk, or a .tf/.tfvars file named on the
        command line (which must exist, in a folder with .tf files)."""
        folder = Path(path).parent.resolve()
        if named and not os.path.isfile(path):
            problems.append(InputProblem(display, "cannot read the file: no such file"))
        elif named and not holds_tf_files(folder):
            problems.append(
                InputProblem(
                    display, "no .tf file in its folder: not part of a Terraform root module", kind="not-understood"
                )
            )
        elif folder not in self.folders:
            self.folders.append(folder)

    def source_of_plan(self, plan: str, walked_from: str | None):
        """The root module (hcl.HclRoot) a plan was made from: --source, else
        the root the plan file lies in; None when there is none."""
        if self.options.source is not None:
            folder: Path | None = Path(self.options.source).resolve()
        else:
            folder = root_of_plan(Path(plan), Path(walked_from) if walked_from is not None else None)
        if folder is None:
            return None
        self.sources.add(folder)
        try:
            return self._evaluate(folder)
        except Exception as error:  # the plan is still scanned, at its own lines
            problem = InputProblem(
                display_path(folder),
                "could not evaluate this Terraform source "
                f"({type(error).__name__}): the plan is reported at its own lines",
                kind="not-understood",
            )
            if problem not in self.problems:
                self.problems.append(problem)
            return None

    def load(self, inventory: Inventory) -> None:
        """Scan every root module found that is not a plan's source. A JSON
        file a root reads (a .tfvars.json, container definitions read with
        file()) is part of the source: the walk's note that it is no input of
        its own is dropped."""
        _add(inventory, Inventory(problems=self.problems))
        if self.folders:
            # Many uncached files: parsed on every core first (but not those
            # of roots whose evaluation the root cache has).
            cache = self._cache()
            cache.prefetch(self.folders)
            unknown = [folder for folder in self.folders if cache.calls(folder) is None]
            if unknown:
                from ecs_guard.inputs.terraform.source.parallel_parse import warm_parse_cache

                warm_parse_cache(unknown)
            for folder in root_folders(self.folders, self._calls):
                if folder not in self.sources:
                    _add(inventory, self._root_inventory(folder))
        read = {file for root in self._evaluated.values() for file in root.files if file.endswith(".json")}
        inventory.problems[:] = [p for p in inventory.problems if p.kind != "not-understood" or p.path not in read]
        if self._evaluated:
            # The evaluation (module instances and their resource groups)
            # refers to itself, and a scan runs with the collector paused
            # (ecs_guard.scan): collect it now, or a long-running caller (a
            # test session, an editor) would keep every evaluation.
            self._evaluated.clear()
            self._parsed.clear()
            gc.collect(0)

    # ----------------------------------------------------------------- reading

    def _evaluate(self, folder: Path):
        """The root module in `folder`, evaluated once per scan; from the root
        cache (source/root_cache.py) when nothing it reads has changed."""
        if folder not in self._evaluated:
            from ecs_guard.inputs.terraform.source.adapter import evaluate_root

            cache = self._cache()
            root = cache.get(folder)
            if root is None:
                root = evaluate_root(folder, self.options.var_files, self._parsed)
                cache.put(folder, root, self._local_calls(folder))
            self._evaluated[folder] = root
        return self._evaluated[folder]

    def _cache(self) -> RootCache:
        if self._root_cache is None:
            from ecs_guard.inputs.terraform.source.root_cache import RootCache

            self._root_cache = RootCache(self.options.var_files)
        return self._root_cache

    def _local_calls(self, folder: Path) -> dict[Path, list[Path]]:
        """The local module folders that `folder` and the folders it reaches call (what roots.py reads)."""
        found: dict[Path, list[Path]] = {}
        waiting = [folder]
        while waiting:
            current = waiting.pop()
            if current not in found and current.is_dir():
                found[current] = local_module_folders(self._module(current))
                waiting += found[current]
        return found

    def _calls(self, folder: Path) -> list[Path]:
        """The local module folders `folder` calls (roots.py): from the root
        cache when it has the folder unchanged, else from its parsed files."""
        cached = self._cache().calls(folder)
        return cached if cached is not None else local_module_folders(self._module(folder))

    def _module(self, folder: Path):
        """A folder's parsed module (to see which modules it calls)."""
        if folder not in self._parsed:
            from ecs_guard.inputs.terraform.source.module import ModuleSource, load_module

            try:
                self._parsed[folder] = load_module(folder)
            except Exception:  # the evaluation of the root reports it (no python-hcl2, ...)
                return ModuleSource(folder)
        return self._parsed[folder]

    def _root_inventory(self, folder: Path) -> Inventory:
        from ecs_guard.inputs.terraform.source.adapter import load_root_module

        try:
            inventory = load_root_module(self._evaluate(folder))
        except Exception as error:  # one root must not stop the scan; the message may quote input
            return Inventory(
                problems=[
                    InputProblem(
                        display_path(folder), f"could not evaluate this Terraform root module ({type(error).__name__})"
                    )
                ]
            )
        name_with_root(inventory, folder)
        return inventory


def _add(inventory: Inventory, found: Inventory) -> None:
    """Add a root's model; a problem of a module that several roots call is reported once."""
    reported = set(inventory.problems)
    found.problems = [problem for problem in found.problems if problem not in reported]
    found.files = [file for file in found.files if file not in inventory.files]
    inventory.extend(found)
