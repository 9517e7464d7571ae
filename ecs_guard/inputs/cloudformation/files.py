"""CloudFormation files: which the walk hands to the CloudFormation adapter,
and reading them (the adapter's row in inputs/adapters.py).

YAML files (.yaml, .yml, .template) pass the cheap text pre-filter
(detect.looks_like_template) before they are parsed, and YAML that turns
out to be no template is not ours: skipped silently, unless the user named
the file. JSON templates are recognised by the JSON adapter (inputs/
detect.py) and handed here already parsed. A template that cannot be read
is one problem with the file and the line.

Apart from adapter.py so that a scan without templates (a task definition
in a pre-commit hook) does not import the template evaluator and the
builders behind it: they are imported when a template is found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_guard.inputs.cloudformation.detect import HEAD_BYTES, is_template, looks_like_template
from ecs_guard.inputs.problems import InputProblem

if TYPE_CHECKING:
    from ecs_guard.inputs.adapters import Scan
    from ecs_guard.inputs.jsondocs.files import JsonFile

NOT_A_TEMPLATE = "YAML that is not a CloudFormation template: not an ECS input ecs-guard understands"


class CloudFormation:
    """YAML templates (.yaml, .yml, .template); JSON ones arrive through JSON_KINDS."""

    kind = "cloudformation"
    SUFFIXES = (".yaml", ".yml", ".template")

    def claims(self, name: str, named: bool) -> bool:
        return name.lower().endswith(self.SUFFIXES)

    def load(self, path: str, display: str, named: bool, scan: Scan) -> None:
        try:
            with open(path, "rb") as stream:
                if not scan.first_read(stream):
                    return
                head = stream.read(HEAD_BYTES)
                if not looks_like_template(head):
                    _not_ours(display, named, scan)
                    return
                data = head + stream.read()
        except OSError as error:
            scan.problems.append(InputProblem(display, f"cannot read the file: {error.strerror or error}"))
            return
        from ecs_guard.inputs.cloudformation.adapter import scan_template
        from ecs_guard.inputs.cloudformation.loader import read_template
        from ecs_guard.inputs.cloudformation.template import TemplateError

        try:
            template = read_template(data, display)
        except TemplateError as error:
            scan.problems.append(InputProblem(display, error.message, error.line))
            return
        if not is_template(template.data):
            _not_ours(display, named, scan)
            return
        scan_template(template, scan, path)


def load_json_template(path: str, display: str, found: JsonFile, scan: Scan) -> None:
    """A JSON file the JSON adapter recognised as a template (JSON_KINDS route)."""
    from ecs_guard.inputs.cloudformation.adapter import scan_template
    from ecs_guard.inputs.cloudformation.loader import load_template
    from ecs_guard.inputs.cloudformation.template import TemplateError

    try:
        template = load_template(found.text, display)
    except TemplateError as error:
        scan.problems.append(InputProblem(display, error.message, error.line))
        return
    scan_template(template, scan, path)


def _not_ours(display: str, named: bool, scan: Scan) -> None:
    if named:  # the user asked for this file to be scanned
        scan.problems.append(InputProblem(display, NOT_A_TEMPLATE, kind="unreadable"))
