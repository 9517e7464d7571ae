"""Which folders of .tf files are Terraform root modules, and which root a
plan file belongs to.

A folder holding .tf files is a root module, except a folder that is only
used as a local child module (``source = "./modules/x"``) by a folder of
the same scan: it is scanned through its callers, with their inputs, and
scanning it on its own would only evaluate its variables without values.
Which modules a folder calls is read from its parsed files (the HCL
front end's parse cache makes that cheap, and the parsed folders are
handed on to the evaluation).

A plan file belongs to the nearest folder with .tf files at or above its
own folder, within the path the user named (a plan named on the command
line: its own folder only).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path


def holds_tf_files(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith((".tf", ".tf.json")) and entry.is_file() for entry in entries)
    except OSError:
        return False


def root_of_plan(plan: Path, walked_from: Path | None) -> Path | None:
    """The folder with .tf files that `plan` lies in, looking up to
    `walked_from` (None: the plan's own folder only); None if there is none."""
    folder = plan.parent.resolve()
    top = walked_from.resolve() if walked_from is not None else folder
    while True:
        if holds_tf_files(folder):
            return folder
        if folder == top or folder.parent == folder or top not in folder.parents:
            return None
        folder = folder.parent


def local_module_folders(source) -> list[Path]:
    """The folders a parsed module (hcl.module.ModuleSource) calls by a local,
    literal source."""
    from ecs_guard.inputs.terraform.hcl.syntax import Literal
    from ecs_guard.inputs.terraform.source.module_calls import is_local_source

    found = []
    for declaration in source.module_calls.values():
        attribute = declaration.block.body.attribute("source")
        written = attribute.expr if attribute is not None else None
        if isinstance(written, Literal) and isinstance(written.value, str) and is_local_source(written.value):
            found.append((source.directory / written.value).resolve())
    return found


def root_folders(folders: Iterable[Path], calls: Callable[[Path], list[Path]]) -> list[Path]:
    """The folders (resolved paths) that are root modules, in the order
    given: those no folder of the scan calls as a module, directly or
    through other modules. `calls(folder)` gives the folders it calls
    (local_module_folders of its parsed module, or the root cache's)."""
    folders = list(dict.fromkeys(folders))
    called: set[Path] = set()
    visited: set[Path] = set()
    waiting = list(folders)
    while waiting:
        folder = waiting.pop()
        if folder in visited or not folder.is_dir():
            continue
        visited.add(folder)
        for child in calls(folder):
            if child != folder:
                called.add(child)
                waiting.append(child)
    return [folder for folder in folders if folder not in called]
