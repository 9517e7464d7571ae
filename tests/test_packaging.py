"""What `pip install .` ships: every package of the source tree, its data
files, and the rule pack under its installed name."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_python_package_in_the_tree_is_listed_for_installation():
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "ecs_guard").rglob("__init__.py")}
    on_disk.add("ecs_guard.rules")  # the top-level rules/ folder, mapped by package-dir
    assert set(_setuptools_config()["packages"]) == on_disk


def test_rule_pack_folder_is_installed_as_ecs_guard_rules():
    assert _setuptools_config()["package-dir"] == {"ecs_guard.rules": "rules"}


def test_data_files_are_declared():
    patterns = _setuptools_config()["package-data"]["ecs_guard"]
    for data in (ROOT / "ecs_guard").rglob("*.json"):
        relative = data.relative_to(ROOT / "ecs_guard").as_posix()
        assert any(Path(relative).match(p) for p in patterns), f"{relative} is not package data"


def test_the_package_is_marked_typed():
    """PEP 561: py.typed ships with the package, so a project that imports
    ecs_guard (a custom rule pack, a CI script) gets its annotations checked."""
    assert (ROOT / "ecs_guard" / "py.typed").is_file()
    assert "py.typed" in _setuptools_config()["package-data"]["ecs_guard"]
