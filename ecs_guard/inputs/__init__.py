"""Reads what the user named on the command line into one Inventory.

Each path is a file or a folder walked recursively (walk.py). The adapter
table (adapters.py) says which files are read and which adapter reads
each: Terraform source (.tf), and JSON recognised by its content (a
Terraform plan is one estate on its own; all snapshot and task definition
files under one path form one estate, resolved together). Whatever cannot
be read or is not understood becomes an InputProblem (problems.py) that
names the file (and the line when known), and the scan goes on.

Terraform source: every folder holding .tf files is a root module (a .tf
or .tfvars file named on the command line: its folder), except folders
only used as local modules by another folder of the scan. A plan inside a
root module (or every plan, with ``--source DIR``) is reported at the
lines of its source, and that root is not reported a second time.

One folder (or module) per input kind, sharing only documented interfaces:

  problems.py   InputProblem and InputError, which every adapter reports
  unknown.py    the marker for a value not known before apply
  detect.py     what a JSON file is, by its content
  walk.py       the files under a path (exclude.py: what it leaves out);
                adapters.py: the table; stdin.py: `scan -`
  jsondocs/     JSON with lines on demand (lines.py), ECS camelCase shapes
                (ecs.py) shared by every JSON input, one .json file read and
                recognised (files.py). Not named json/: a subpackage of that
                name would shadow the standard library's json in this package
  taskdef.py    task definition JSON as people keep it in repositories
  snapshot/     AWS CLI output folders (and what `audit` writes)
  terraform/    plans, source and the builders they share (its __init__)
"""

from __future__ import annotations

import json
import os

from ecs_guard.inputs.adapters import DEFAULT_ADAPTER, Scan, adapter_for, walk_claims
from ecs_guard.inputs.exclude import Exclusions
from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.snapshot.shapes import Document
from ecs_guard.inputs.stdin import STDIN, STDIN_DISPLAY, stdin_copy
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.inputs.walk import SKIPPED_DIRECTORIES, candidates
from ecs_guard.model import Inventory

__all__ = ["SKIPPED_DIRECTORIES", "load"]


def load(paths: list[str], options: TerraformOptions | None = None, exclusions: Exclusions | None = None) -> Inventory:
    """Every input under `paths`, read and linked; problems are in ``.problems``,
    the folders and files left out in ``.skipped``. `options`: var files and a
    plan's source for Terraform (default: none); `exclusions`: what walks skip
    besides SKIPPED_DIRECTORIES."""
    from ecs_guard.inputs.cache_folder import cache_session

    scan = Scan(options if options is not None else TerraformOptions())
    with cache_session(scan.options.use_cache):
        _load(paths, scan, exclusions)
    return scan.inventory


def _load(paths: list[str], scan: Scan, exclusions: Exclusions | None) -> None:
    for path in paths:
        scan.documents = []
        scan.walked_from = path if os.path.isdir(path) else None
        if path == STDIN:  # one JSON document from standard input (stdin.py)
            with stdin_copy() as copy:
                DEFAULT_ADAPTER.load(copy, STDIN_DISPLAY, True, scan)
        found = (
            [] if path == STDIN else candidates(path, walk_claims, scan.problems, exclusions, scan.inventory.skipped)
        )
        for file_path, display, named in found:
            adapter = adapter_for(os.path.basename(file_path), named)
            if adapter is not None:
                try:
                    adapter.load(file_path, display, named, scan)
                except Exception as error:  # one file must not stop the scan; the text may quote input
                    scan.problems.append(_internal_error(display, error))
        if scan.documents:
            documents, scan.documents = scan.documents, []  # the estate's own: it lets them go as it reads
            scan.inventory.extend(_estate(documents))
    scan.terraform.load(scan.inventory)


def _estate(documents: list[Document]) -> Inventory:
    """The snapshot estate of one path. A fault in reading it (a value of a
    shape no check foresaw) is narrowed to the files that fail on their own,
    each a problem; the others are read without them: their texts are parsed
    again, since reading let go of the parsed documents. The snapshot linker
    is imported only when a scan has snapshot files."""
    from ecs_guard.inputs.snapshot.estate import load_estate

    recognised = [(document.text, document.shape) for document in documents]
    try:
        return load_estate(documents)
    except Exception:
        pass
    documents = [Document(text, json.loads(text.text), shape) for text, shape in recognised]
    inventory = Inventory()
    readable = []
    for document in documents:
        try:
            load_estate([document])
            readable.append(document)
        except Exception as error:
            inventory.problems.append(_internal_error(document.text.path, error))
    named = [document.text.path for document in readable]  # load_estate empties the list it reads
    try:
        inventory.extend(load_estate(readable))
    except Exception as error:  # only together do they fail: every one is named
        inventory.problems.extend(_internal_error(path, error) for path in named)
    return inventory


def _internal_error(display: str, error: Exception) -> InputProblem:
    return InputProblem(display, f"could not read this file (internal error {type(error).__name__} in ecs-guard)")
