"""Build hook: ship python-hcl2's LALR parser tables inside the package.

Everything else about the package is in pyproject.toml. python-hcl2 builds
its parser tables on a machine's first parse (3-4 s, 40% of a cold scan);
this hook builds them once, when the package is built, and writes them next
to the module that loads them (ecs_guard/inputs/terraform/hcl/parser_tables.py says
how they are checked and what happens when they do not fit). A build
without python-hcl2 or where the tables cannot be made still succeeds, with
a warning: such an install builds the tables into the user cache on first
use, as before.

- ``pip install .`` (a wheel): written into the build folder, so into the wheel.
- ``pip install -e .`` (editable): written into the source tree (git-ignored),
  where the editable install reads the package from.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TABLES_MODULE = HERE / "ecs_guard" / "inputs" / "terraform" / "hcl" / "parser_tables.py"


class BuildPyWithParserTables(build_py):
    """build_py, then the parser tables."""

    def run(self) -> None:
        super().run()
        target = self._tables_target()
        try:
            import hcl2
            import hcl2.parser

            tables = _load_tables_module()
            tables.write_tables(target, hcl2)
        except Exception as error:  # the package still works: tables are then built on first use
            self.warn(f"python-hcl2 parser tables not shipped ({type(error).__name__}: {error})")
        else:
            self.announce(f"wrote python-hcl2 parser tables to {target}", level=2)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs.append(str(self._tables_target()))
        return outputs

    def _tables_target(self) -> Path:
        relative = _load_tables_module().TABLES_FILE.relative_to(HERE)
        return HERE / relative if self.editable_mode else Path(self.build_lib) / relative


def _load_tables_module() -> ModuleType:
    """parser_tables.py by path: importing the package would need all of
    ecs-guard's dependencies in the build environment."""
    spec = importlib.util.spec_from_file_location("_ecs_guard_parser_tables", TABLES_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup(cmdclass={"build_py": BuildPyWithParserTables})
