"""CDK cloud assemblies (``cdk.out``): read through their ``manifest.json``.

A cloud assembly holds, beside the stack templates, files that are no input
(``*.assets.json``, ``tree.json``, ``*.metadata.json``, a validation
report): the manifest says which files are stacks, so the assembly is read
through it and nothing else in its folder is read on its own (nor reported
"not understood"). What is read:

- every artifact of type ``aws:cloudformation:stack``: its ``templateFile``;
- the nested stacks of a template (an ``AWS::CloudFormation::Stack`` whose
  ``Metadata`` names a local template file, ``aws:asset:path``, as the CDK
  writes for a ``NestedStack``), followed to any depth the CDK makes;
- nested assemblies (``cdk:cloud-assembly`` artifacts: CDK Stages), through
  their own manifest.

Resources are named by their logical ID and their construct path
(records.resource_name), so a finding says which construct made it. A file
the user names inside an assembly is read as the template it is.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from ecs_guard.inputs.detect import is_cloud_assembly_manifest
from ecs_guard.inputs.problems import InputProblem

if TYPE_CHECKING:
    from ecs_guard.inputs.adapters import Scan
    from ecs_guard.inputs.jsondocs.files import JsonFile

MANIFEST = "manifest.json"
STACK = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
_MAX_NESTING = 16


def inside_assembly(path: str, scan: Scan) -> bool:
    """Whether `path` (not itself a manifest) lies in a cloud assembly folder, so it
    is read through the manifest or not at all. The answer is kept per folder."""
    if os.path.basename(path) == MANIFEST:
        return False
    folder = os.path.dirname(path) or "."
    known = scan.assemblies.get(folder)
    if known is None:
        known = scan.assemblies[folder] = _has_manifest(folder)
    return known


def _has_manifest(folder: str) -> bool:
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b'"artifacts"' in head and b'"version"' in head


def load_assembly(path: str, display: str, found: JsonFile, scan: Scan) -> None:
    """A manifest.json the JSON adapter recognised: every stack of its assembly."""
    _read_manifest(found.data, os.path.dirname(path), os.path.dirname(display), display, scan, 0)


def _read_manifest(manifest: dict, folder: str, shown: str, display: str, scan: Scan, depth: int) -> None:
    for artifact in manifest["artifacts"].values():
        properties = artifact.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        kind = artifact.get("type")
        if kind == STACK:
            template_file = properties.get("templateFile")
            if isinstance(template_file, str):
                _read_stack(folder, shown, template_file, display, scan, depth)
        elif kind == NESTED_ASSEMBLY and isinstance(properties.get("directoryName"), str) and depth < _MAX_NESTING:
            _read_nested_assembly(folder, shown, properties["directoryName"], scan, depth + 1)


def _read_nested_assembly(folder: str, shown: str, directory: str, scan: Scan, depth: int) -> None:
    path, display = os.path.join(folder, directory, MANIFEST), _joined(shown, directory, MANIFEST)
    text = _read_once(path, display, scan)
    if text is None:
        return
    try:
        data = json.loads(text)
    except ValueError as error:
        scan.problems.append(InputProblem(display, f"invalid JSON: {getattr(error, 'msg', 'not JSON')}"))
        return
    if is_cloud_assembly_manifest(data):
        _read_manifest(data, os.path.dirname(path), os.path.dirname(display), display, scan, depth)


def _read_stack(folder: str, shown: str, name: str, referrer: str, scan: Scan, depth: int) -> None:
    """One template of the assembly, then the nested stack templates it names."""
    from ecs_guard.inputs.cloudformation.adapter import scan_template
    from ecs_guard.inputs.cloudformation.loader import load_template
    from ecs_guard.inputs.cloudformation.template import TemplateError

    if os.path.isabs(name) or ".." in name.replace("\\", "/").split("/"):
        scan.problems.append(InputProblem(referrer, f"{name}: a template outside the cloud assembly is not read"))
        return
    path, display = os.path.join(folder, name), _joined(shown, name)
    if not os.path.exists(path):
        scan.problems.append(InputProblem(referrer, f"{name}: named in the assembly, but there is no such file"))
        return
    text = _read_once(path, display, scan)
    if text is None:
        return
    try:
        template = load_template(text, display)
    except TemplateError as error:
        scan.problems.append(InputProblem(display, error.message, error.line))
        return
    scan_template(template, scan, path)
    if depth >= _MAX_NESTING:
        return
    for nested in nested_templates(template.data):
        _read_stack(folder, shown, nested, display, scan, depth + 1)


def nested_templates(data: Any) -> list[str]:
    """The local template files of a template's nested stacks (CDK ``aws:asset:path``)."""
    resources = data.get("Resources") if isinstance(data, dict) else None
    found = []
    for resource in (resources or {}).values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::CloudFormation::Stack":
            continue
        metadata = resource.get("Metadata")
        asset = metadata.get("aws:asset:path") if isinstance(metadata, dict) else None
        if isinstance(asset, str) and asset.endswith((".json", ".yaml", ".yml", ".template")):
            found.append(asset)
    return found


def _read_once(path: str, display: str, scan: Scan) -> str | None:
    """The file's text, or None when it was read already (or cannot be: a problem)."""
    from ecs_guard.inputs.jsondocs.files import decode
    from ecs_guard.inputs.problems import InputError

    try:
        with open(path, "rb") as stream:
            return decode(stream.read()) if scan.first_read(stream) else None
    except OSError as error:
        scan.problems.append(InputProblem(display, f"cannot read the file: {error.strerror or error}"))
    except InputError as error:
        scan.problems.append(InputProblem(display, error.message, error.line))
    return None


def _joined(folder: str, *names: str) -> str:
    return "/".join(part for part in (folder, *names) if part and part != ".")
