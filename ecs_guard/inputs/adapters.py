"""The adapter table: every input kind ecs-guard reads, in one place.

An adapter says which files it claims (by name, so the walk knows what to
read) and loads one claimed file into the scan. A file named on the
command line goes to the first adapter that claims it, else to the JSON
adapter, which reports what it cannot read. JSON files are recognised by
their content (detect.py) and routed by their shape's kind through
JSON_KINDS; a kind that is recognised but not read yet is reported, never
silently dropped.

Adding an input kind is a folder under inputs/ and one row here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO, Protocol

from ecs_guard.inputs.cloudformation.cdk import inside_assembly, load_assembly
from ecs_guard.inputs.cloudformation.files import CloudFormation, load_json_template
from ecs_guard.inputs.jsondocs.files import PLAN, JsonFile, not_understood, read_json_file
from ecs_guard.inputs.jsondocs.lines import JsonText
from ecs_guard.inputs.jsondocs.types import FieldTypes, dotted, wrong_type
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.snapshot.shapes import Document
from ecs_guard.inputs.terraform.inputs import TerraformInputs
from ecs_guard.model import Inventory

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecs_guard.inputs.terraform.options import TerraformOptions


@dataclass
class Scan:
    """What one scan has read so far: the model, the Terraform source side,
    the files already read (by device and inode: a file reached twice, by a
    symlink or two arguments, is read once), and the current path's snapshot
    documents (all snapshot and task definition files under one command-line
    path form one estate)."""

    options: TerraformOptions
    inventory: Inventory = field(default_factory=Inventory)
    seen: set[tuple[int, int]] = field(default_factory=set)
    documents: list[Document] = field(default_factory=list)
    walked_from: str | None = None  # the current command-line path, when it is a folder
    assemblies: dict[str, bool] = field(default_factory=dict)  # folder -> is a CDK cloud assembly (cdk.py)
    field_types: FieldTypes = field(default_factory=FieldTypes)  # the JSON files' parser and type check
    terraform: TerraformInputs = field(init=False)

    def __post_init__(self) -> None:
        self.terraform = TerraformInputs(self.options)

    @property
    def problems(self) -> list[InputProblem]:
        return self.inventory.problems

    def first_read(self, stream: BinaryIO) -> bool:
        """Whether this scan reads the open file for the first time (and from now on, not)."""
        status = os.fstat(stream.fileno())
        identity = (status.st_dev, status.st_ino)
        if identity in self.seen:
            return False
        self.seen.add(identity)
        return True


class Adapter(Protocol):
    kind: str

    def claims(self, name: str, named: bool) -> bool:
        """Whether a file of this name is this kind's (`named`: the user named it)."""

    def load(self, path: str, display: str, named: bool, scan: Scan) -> None:
        """Read one claimed file into `scan`, or add a problem that names it."""


class TerraformSource:
    """.tf files: their folders are root modules, read at the end of the scan
    (terraform/inputs.py). Named .tfvars files scan their folder's root."""

    kind = "terraform-source"
    WALKED = (".tf", ".tf.json")
    NAMED = (*WALKED, ".tfvars", ".tfvars.json")

    def claims(self, name: str, named: bool) -> bool:
        return name.endswith(self.NAMED if named else self.WALKED)

    def load(self, path: str, display: str, named: bool, scan: Scan) -> None:
        scan.terraform.add_file(path, display, named, scan.problems)


class JsonDocuments:
    """.json files, recognised by their content and routed by kind: plans,
    snapshots (AWS CLI output) and task definitions."""

    kind = "json"

    def claims(self, name: str, named: bool) -> bool:
        return named or name.lower().endswith(".json")

    def load(self, path: str, display: str, named: bool, scan: Scan) -> None:
        if not named and inside_assembly(path, scan):
            return  # a CDK cloud assembly is read through its manifest.json
        try:
            with open(path, "rb") as stream:
                if not scan.first_read(stream):
                    return
                found = read_json_file(stream, display, named, scan.field_types)
        except OSError as error:
            scan.problems.append(InputProblem(display, f"cannot read the file: {error.strerror or error}"))
            return
        if found is None:
            return
        if isinstance(found, InputProblem):
            scan.problems.append(found)
        elif found == PLAN:
            _load_plan(path, display, scan)
        elif isinstance(found, JsonFile):
            route = JSON_KINDS.get(found.shape.kind) if found.shape else None
            if route is None:
                command = found.shape.command if found.shape else "this JSON"
                scan.problems.append(not_understood(display, named, f"{command}: not scanned yet"))
            else:
                route(path, display, found, scan)


def _load_plan(path: str, display: str, scan: Scan) -> None:
    """A Terraform plan, with its Terraform source when it has one."""
    source = scan.terraform.source_of_plan(path, scan.walked_from)
    try:
        from ecs_guard.inputs.terraform.plan import adapter as plan  # lazily: only plans need it

        found = plan.load_plan(path, display, source)
    except InputError as error:
        scan.problems.append(InputProblem(display, error.message, error.line))
        return
    except Exception as error:  # one bad plan must not stop the scan; the message may quote input
        scan.problems.append(InputProblem(display, f"could not read this plan ({type(error).__name__})"))
        return
    if display not in found.files:
        found.files.insert(0, display)
    scan.inventory.extend(found)


def _add_document(path: str, display: str, found: JsonFile, scan: Scan) -> None:
    """A snapshot or task definition file: resolved with the others of its path (snapshot/estate.py)."""
    assert found.shape is not None
    text = JsonText(display, found.text)
    wrong = None if found.well_typed else wrong_type(found.data)
    if wrong is not None:  # read no further: a wrong type deep in the model fails far from here
        field_path, expected, got = wrong
        scan.problems.append(
            InputProblem(display, f"{dotted(field_path)}: expected {expected}, found {got}", _line_of(text, field_path))
        )
        return
    scan.documents.append(Document(text, found.data, found.shape))
    scan.inventory.files.append(display)


def _line_of(text: JsonText, path: tuple) -> int | None:
    try:
        return text.line_of(path)
    except Exception:  # a line is a courtesy: the problem is reported without one
        return None


def _reordered_plan(path: str, display: str, found: JsonFile, scan: Scan) -> None:
    """A plan whose keys were reordered (jq -S): only recognised after parsing; read as a plan."""
    _load_plan(path, display, scan)


def _parameters_file(path: str, display: str, found: JsonFile, scan: Scan) -> None:
    """CloudFormation parameter values: read with their template (cloudformation/parameters.py), not alone."""


JSON_KINDS: dict[str, Callable[[str, str, JsonFile, Scan], None]] = {
    "plan": _reordered_plan,
    "snapshot": _add_document,
    "taskdef": _add_document,
    "cloudformation": load_json_template,
    "cdk-manifest": load_assembly,
    "cfn-parameters": _parameters_file,
}

ADAPTERS: tuple[Adapter, ...] = (TerraformSource(), CloudFormation(), JsonDocuments())
DEFAULT_ADAPTER: Adapter = ADAPTERS[-1]


def adapter_for(name: str, named: bool) -> Adapter | None:
    """The adapter that claims a file of this name; a named file always has one."""
    for adapter in ADAPTERS:
        if adapter.claims(name, named):
            return adapter
    return DEFAULT_ADAPTER if named else None


def walk_claims(name: str) -> bool:
    """Whether the walk should read a file of this name: some adapter claims it."""
    return any(adapter.claims(name, False) for adapter in ADAPTERS)
