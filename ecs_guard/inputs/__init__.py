"""Reads what the user named on the command line into one Inventory.

Each path is a file or a folder walked recursively (symlink loops cut,
.git, .terraform, node_modules, __pycache__ and .venv skipped; *.json files
are the candidates, and a file named on the command line is one whatever
its name). Every candidate is classified by its content (detect.py), read
once, and handed to its adapter: a Terraform plan is one estate on its own;
all snapshot and task definition files under one path form one estate,
resolved together (snapshot.py).

Terraform source: every folder holding .tf files is a root module (a .tf
or .tfvars file named on the command line: its folder), except folders
only used as local modules by another folder of the scan, and read by the
HCL adapter (terraform_inputs.py, hcl_adapter.py). A plan inside a root
module (or every plan, with ``--source DIR``) is reported at the lines of
its source, and that root is not reported a second time on its own.

Whatever cannot be read or is not understood becomes an InputProblem that
names the file (and the line when known), and the scan goes on.

The modules of this package, by job:

  reading files     detect (what a file is), jsonlines (lines in JSON, on
                    demand), errors, unknown, options (--var-file, --source)
  ECS JSON          ecs_json: container definitions, volumes and task
                    definitions in ECS's camelCase, for every JSON input
  task definitions  taskdef
  snapshots         snapshot (one estate), snapshot_shapes (which CLI output a
                    file is), snapshot_records, snapshot_links (references and
                    missing data), snapshot_services, snapshot_resources,
                    snapshot_iam
  Terraform         plan (the plan adapter) and plan_stream (its reader);
                    hcl/ (the HCL front end: parse, evaluate, expand),
                    terraform_roots, terraform_inputs, hcl_adapter (source to
                    records); plan_records and source_records (one resource's
                    facts, from a plan or from source), plan_source and
                    set_positions (a plan reported at its source lines);
                    plan_links and plan_index (references between
                    resources), plan_ecs, plan_iam, plan_network,
                    plan_scaling and terraform_model (records to the model:
                    shared by plans and source, which is why both give the
                    same findings)
"""
from __future__ import annotations

import codecs
import json
import os
from typing import BinaryIO, Iterator

from ..location import display_path
from ..model import InputProblem, Inventory
from . import detect
from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.jsondocs.lines import JsonText
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.inputs.snapshot.estate import load_estate
from ecs_guard.inputs.snapshot.shapes import Document
from ecs_guard.inputs.terraform.inputs import TerraformInputs

SKIPPED_DIRECTORIES = frozenset({".git", ".terraform", "node_modules", "__pycache__", ".venv"})
NOT_UNDERSTOOD = "not an ECS input ecs-guard understands"
TERRAFORM_SOURCE = (".tf", ".tf.json")                        # walked: the folder is a root module
NAMED_TERRAFORM_SOURCE = TERRAFORM_SOURCE + (".tfvars", ".tfvars.json")  # named: scan the folder's root module
_CHUNK_BYTES = 1 << 20


def load(paths: list[str], options: TerraformOptions | None = None) -> Inventory:
    """Every input under `paths`, read and linked; problems are in ``.problems``.
    `options`: var files and a plan's source for Terraform (default: none)."""
    options = options if options is not None else TerraformOptions()
    inventory = Inventory()
    terraform = TerraformInputs(options)
    seen: set[tuple[int, int]] = set()  # (device, inode): a file reached twice (a symlink, two arguments) is read once
    for path in paths:
        documents: list[Document] = []
        plans = _Plans(terraform, path if os.path.isdir(path) else None)
        for file_path, display, named in _candidates(path, inventory.problems):
            if file_path.endswith(NAMED_TERRAFORM_SOURCE if named else TERRAFORM_SOURCE):
                terraform.add_file(file_path, display, named, inventory.problems)
                continue
            _load_file(file_path, display, named, seen, inventory, documents, plans)
        if documents:
            inventory.extend(load_estate(documents))
    terraform.load(inventory)
    return inventory


class _Plans:
    """Reads the plans under one command-line path, each with its Terraform
    source when it has one."""

    def __init__(self, terraform: TerraformInputs, walked_from: str | None):
        self.terraform = terraform
        self.walked_from = walked_from

    def load(self, path: str, display: str, inventory: Inventory) -> None:
        source = self.terraform.source_of_plan(path, self.walked_from)
        _load_plan(path, display, inventory, source)


# ----------------------------------------------------------------- finding the files

def _candidates(path: str, problems: list[InputProblem]) -> Iterator[tuple[str, str, bool]]:
    """(file, its display path, named on the command line) for every candidate under `path`."""
    if os.path.isdir(path):
        for found, display in _walk(path, display_path(path), problems, set()):
            yield found, display, False
    else:
        yield path, display_path(path), True  # a missing path is reported when it cannot be opened


def _walk(directory: str, display: str, problems: list[InputProblem],
          visited: set[str]) -> Iterator[tuple[str, str]]:
    """(file, display path) of the *.json and *.tf files below `directory`.
    Display paths are joined as the walk goes down: display_path() per file
    would cost more than parsing a small file."""
    real = os.path.realpath(directory)
    if real in visited:  # a symlink back up the tree
        return
    visited.add(real)
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as error:
        problems.append(InputProblem(display, f"cannot read the folder: {error.strerror or error}"))
        return
    prefix = "" if display == "." else display.rstrip("/") + "/"
    for entry in entries:
        if _is_dir(entry):
            if entry.name not in SKIPPED_DIRECTORIES:
                yield from _walk(entry.path, prefix + entry.name, problems, visited)
        elif entry.name.lower().endswith(".json") and (_is_file(entry) or entry.is_symlink()):
            yield entry.path, prefix + entry.name  # a broken symlink too: it is reported as unreadable
        elif entry.name.endswith(TERRAFORM_SOURCE) and _is_file(entry):
            yield entry.path, prefix + entry.name


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


# ----------------------------------------------------------------- reading one file

def _load_file(path: str, display: str, named: bool, seen: set[tuple[int, int]], inventory: Inventory,
               documents: list[Document], plans: _Plans) -> None:
    """Classify one candidate and hand it to its adapter, or report why not.
    A plan is recognised from its first bytes and never parsed here."""
    problems = inventory.problems
    try:
        with open(path, "rb") as stream:
            status = os.fstat(stream.fileno())
            if (status.st_dev, status.st_ino) in seen:
                return
            seen.add((status.st_dev, status.st_ino))
            head = stream.read(detect.HEAD_BYTES)
            head_text = head.decode("utf-8", "ignore") if b'"format_version"' in head else ""
            if detect.looks_like_terraform_json(head_text):
                is_plan = detect.mentions_plan_keys(head_text) or _rest_mentions_plan_keys(stream, head_text)
                raw = None
            else:
                raw = head + stream.read() if len(head) == detect.HEAD_BYTES else head
    except OSError as error:
        problems.append(InputProblem(display, f"cannot read the file: {error.strerror or error}"))
        return
    if raw is None:
        if is_plan:
            plans.load(path, display, inventory)
        else:
            problems.append(_not_understood(display, named, "Terraform JSON that is not a plan (scan the output "
                                                            "of `terraform show -json PLANFILE`)"))
        return
    try:
        text = _decode(raw)
        data = json.loads(text)
    except InputError as error:
        problems.append(InputProblem(display, error.message, error.line))
        return
    except json.JSONDecodeError as error:
        if detect.has_comment_lines(text):
            problems.append(_not_understood(display, named, "JSON with comments (like tsconfig.json): "
                                                            "not an ECS input ecs-guard understands"))
        else:
            problems.append(InputProblem(display, f"invalid JSON: {error.msg}", error.lineno))
        return
    except RecursionError:
        problems.append(InputProblem(display, "invalid JSON: nested too deeply"))
        return
    shape = detect.classify(data)
    if shape is detect.REPORT:
        return  # a report of this or another scanner: recognised, nothing to check
    if shape is None:
        problems.append(_not_understood(display, named, NOT_UNDERSTOOD + detect.hint_for_unknown(data)))
    elif shape.kind == "plan":
        plans.load(path, display, inventory)
    elif shape.kind in ("snapshot", "taskdef"):
        documents.append(Document(JsonText(display, text), data, shape))
        inventory.files.append(display)
    else:
        problems.append(_not_understood(display, named, f"{shape.command}: not scanned yet"))


def _rest_mentions_plan_keys(stream: BinaryIO, head_text: str) -> bool:
    """Looks past the head for planned_values / resource_changes, a chunk at a
    time: a plan whose variables fill the first KB is still a plan, and a
    25 MB state is not parsed just to be told apart from one."""
    carry = head_text[-64:]
    while chunk := stream.read(_CHUNK_BYTES):
        text = carry + chunk.decode("utf-8", "ignore")
        if detect.mentions_plan_keys(text):
            return True
        carry = text[-64:]
    return False


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("UTF-16 text: ecs-guard reads UTF-8 (save the file as UTF-8)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("not UTF-8 text", raw.count(b"\n", 0, error.start) + 1) from None
    return text[1:] if text.startswith("\ufeff") else text


def _not_understood(display: str, named: bool, message: str) -> InputProblem:
    """JSON that is no input ecs-guard knows: noted when found in a folder,
    unreadable when the user named the file (they asked for it to be scanned)."""
    return InputProblem(display, message, kind="unreadable" if named else "not-understood")


def _load_plan(path: str, display: str, inventory: Inventory, source=None) -> None:
    try:
        from ecs_guard.inputs.terraform.plan import adapter as plan  # lazily: only plans need it

        found = plan.load_plan(path, display, source)
    except InputError as error:
        inventory.problems.append(InputProblem(display, error.message, error.line))
        return
    except Exception as error:  # one bad plan must not stop the scan; the message may quote input
        inventory.problems.append(InputProblem(display, f"could not read this plan ({type(error).__name__})"))
        return
    if display not in found.files:
        found.files.insert(0, display)
    inventory.extend(found)
