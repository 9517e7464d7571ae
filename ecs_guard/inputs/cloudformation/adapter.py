"""The CloudFormation adapter: a template file -> Inventory.

Which files are templates, and reading them, is files.py (kept light: a
scan without templates never imports this module). The template's resources become Terraform-shaped records (mapping.py,
records.py) that go through the Terraform builders' own index, linker and
builders, so every rule reads a template as it reads a plan. Addresses are
logical IDs. A resource whose ``Condition`` is known to be false is not
deployed, so it is not modelled; one whose condition is not known is (what
it would deploy is judged, as Terraform's resources with unknown counts
are).
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from ecs_guard.inputs.cloudformation.intrinsics import Evaluator
from ecs_guard.inputs.cloudformation.mapping import builders_for, reference_kind
from ecs_guard.inputs.cloudformation.metadata import metadata_ignores
from ecs_guard.inputs.cloudformation.parameters import parameters_beside, read_parameters_file, template_parameters
from ecs_guard.inputs.cloudformation.records import RecordBuilder, TemplateResource, new_record
from ecs_guard.inputs.cloudformation.template import Template
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links, instances_of
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.model import Inventory

if TYPE_CHECKING:
    from ecs_guard.inputs.adapters import Scan


def scan_template(template: Template, scan: Scan, path: str | None = None) -> None:
    """The template (read from `path`) with its parameter values: from
    --cfn-parameters, else from the parameters file beside it (NAME.params.json)."""
    given: dict[str, str] = {}
    parameters_file = getattr(scan.options, "cfn_parameters", None)
    beside = parameters_beside(path) if path and not parameters_file else None
    if parameters_file:
        given = _parameters(parameters_file, parameters_file, None, scan)
    elif beside:
        shown = os.path.join(os.path.dirname(template.display), os.path.basename(beside))
        given = _parameters(beside, shown, shown, scan)
    inventory = load_template_model(template, given)
    scan.inventory.extend(inventory)


def _parameters(path: str, shown: str, label: str | None, scan: Scan) -> dict[str, str]:
    """The values of a parameters file; a file that cannot be read is one
    problem naming it, however many templates (or the walk) read it."""
    with contextlib.suppress(OSError):
        status = os.stat(path)
        scan.seen.add((status.st_dev, status.st_ino))  # read here: the walk need not read it again
    try:
        return read_parameters_file(path, label)
    except InputError as error:
        if not any(p.path == shown for p in scan.problems):
            scan.problems.append(InputProblem(shown, error.message, error.line))
        return {}


def load_template_model(template: Template, given: dict[str, str] | None = None) -> Inventory:
    """The model of one loaded template (`given`: parameter values from a parameters file)."""
    inventory = Inventory(files=[template.display])
    records = template_records(template, given or {}, inventory.problems)
    links = Links(instances_of(records), {}, {})
    build_model(PlanIndex(records, links, holder="the template"), inventory)
    _mark_resolved_secrets(inventory)
    inventory.suppressions.extend(metadata_ignores(template))
    return inventory


_SECRETS_MANAGER = "{{resolve:secretsmanager:"


def _mark_resolved_secrets(inventory: Inventory) -> None:
    """Environment values CloudFormation replaces with a Secrets Manager
    secret when it deploys: in the deployed task definition they are the
    secret, in clear text (EG501). Elsewhere (a task definition file) the
    same text is only a string ECS passes on."""
    for definition in inventory.task_definitions:
        for container in definition.containers.value or ():
            for entry in container.environment.value or ():
                text = entry.value.value
                if entry.value.known and isinstance(text, str) and _SECRETS_MANAGER in text:
                    entry.resolved_secret = True


def template_records(template: Template, given: dict[str, str], problems: list[InputProblem]) -> list[TemplateResource]:
    """A record for every modelled resource of the template (a resource that
    cannot be read is a problem in `problems`)."""
    data = template.data
    resources = data.get("Resources") or {}
    parameters = template_parameters(data.get("Parameters"), given)
    kinds = {name: reference_kind(str(r.get("Type"))) for name, r in resources.items() if isinstance(r, dict)}
    evaluator = Evaluator(data, parameters, kinds)
    records: list[TemplateResource] = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        condition = resource.get("Condition")
        if isinstance(condition, str) and evaluator.condition(condition) is False:
            continue
        properties = resource.get("Properties")
        properties = properties if isinstance(properties, dict) else {}

        name = resource_name(logical_id, resource)

        def make(
            kind: str, index: int | None, logical_id: str = logical_id, properties: dict = properties, name: str = name
        ) -> RecordBuilder:
            address = name if index is None else f"{name}[{index}]"
            if kind == "aws_iam_policy_attachment":
                address = f"{name}.Roles"
            elif kind == "aws_appautoscaling_scheduled_action":
                address = f"{name}.ScheduledActions[{index}]"
            record = new_record(template, logical_id, kind, address, index)
            return RecordBuilder(record, evaluator, properties)

        try:
            builders = builders_for(str(resource.get("Type")), make, properties) or []
            records.extend(builder.finish(ATTRIBUTES.get(builder.record.kind, ())) for builder in builders)
        except (InputError, TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
            # Never str(error): a value of the template (a secret) could be in it.
            line = template.line_of(("Resources", logical_id))
            message = error.message if isinstance(error, InputError) else type(error).__name__
            problems.append(
                InputProblem(
                    template.display, f"{logical_id}: unexpected shape ({message})", line, kind="not-understood"
                )
            )
    return records


CDK_PATH = "aws:cdk:path"


def resource_name(logical_id: str, resource: dict) -> str:
    """How findings name a resource: its logical ID and, for a resource the
    CDK made, the construct that made it (its ``aws:cdk:path`` metadata
    without the ``/Resource`` the CDK adds to an L2 construct's L1 child):
    ``WebTask51ED7374 (WebServiceStack/WebTask)``. The logical ID finds the
    resource in the template and the console; the path finds it in the code."""
    metadata = resource.get("Metadata")
    path = metadata.get(CDK_PATH) if isinstance(metadata, dict) else None
    if not isinstance(path, str) or not path:
        return logical_id
    return f"{logical_id} ({path.removesuffix('/Resource')})"
