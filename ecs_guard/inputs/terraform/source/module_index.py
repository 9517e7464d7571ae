"""The modules `terraform init` fetched for a root: .terraform/modules/modules.json.

(Or $TF_DATA_DIR/modules/modules.json when TF_DATA_DIR is set, as Terraform does.)

Terraform keeps every module it installed (registry, git, S3, http, and the
local calls inside them) under .terraform/modules/ and lists them in
modules.json: ``{"Modules": [{"Key": "api.logs", "Source": "...", "Dir":
".terraform/modules/api/modules/log-group"}, ...]}``. ``Key`` is the module
path without instance keys (call names joined by dots, "" for the root);
``Dir`` is relative to the root. Terraform itself reads every module call
from there, local ones included, so ecs-guard does the same: the folder a
call is read from is the one the plan was made from.

The walk skips .terraform (walk.py); fetched modules are reached only
through the index of the root that fetched them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.location import display_path

INDEX = Path(".terraform") / "modules" / "modules.json"  # where it is unless TF_DATA_DIR moves it


def index_path(root_dir: Path) -> Path:
    """The root's modules.json: in Terraform's data folder, `.terraform`
    or the folder TF_DATA_DIR names (relative to the root, as when
    terraform runs there)."""
    data_dir = os.environ.get("TF_DATA_DIR", "").strip()
    if not data_dir:
        return root_dir / INDEX
    return root_dir / data_dir / "modules" / "modules.json"


REGISTRY = "registry.terraform.io/"


@dataclass(frozen=True)
class FetchedModule:
    key: str
    source: str  # as Terraform recorded it (registry sources with their host)
    directory: Path  # absolute


@dataclass
class ModuleIndex:
    path: str  # display path of modules.json
    modules: dict[str, FetchedModule] = field(default_factory=dict)

    def get(self, key: str) -> FetchedModule | None:
        return self.modules.get(key)


def module_key(parent_key: str, name: str) -> str:
    """The modules.json key of call `name` inside the module at `parent_key`."""
    return f"{parent_key}.{name}" if parent_key else name


def same_source(written: str, recorded: str) -> bool:
    """Whether a call's source is the one terraform init fetched (a registry
    source is recorded with its host; a changed source needs another init)."""
    return recorded in (written, REGISTRY + written)


def read_module_index(root_dir: Path) -> tuple[ModuleIndex | None, list[InputProblem]]:
    """The index of `root_dir`, or None when it has none (not initialised).
    An index that cannot be read is a one-line problem and no index."""
    path = index_path(root_dir)
    if not path.is_file():
        return None, []
    display = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not valid JSON"
        return None, [InputProblem(display, f"cannot read the module index ({reason}); run terraform init again")]
    entries = data.get("Modules") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None, [InputProblem(display, 'not a Terraform module index (no "Modules" list)', None, "not-understood")]
    index = ModuleIndex(display)
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        key, source, directory = entry.get("Key"), entry.get("Source"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(directory, str):
            index.modules[key] = FetchedModule(key, source if isinstance(source, str) else "", root_dir / directory)
    return index, []
