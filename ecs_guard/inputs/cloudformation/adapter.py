"""The CloudFormation adapter: a template file -> Inventory.

YAML files (.yaml, .yml, .template) pass the cheap text pre-filter
(detect.looks_like_template) before they are parsed, and YAML that turns
out to be no template is not ours: skipped silently, unless the user named
the file. JSON templates are recognised by the JSON adapter (inputs/
detect.py) and handed here already parsed. A template that cannot be read
is one problem with the file and the line.

The template's resources become Terraform-shaped records (mapping.py,
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

from ecs_guard.inputs.cloudformation.detect import HEAD_BYTES, is_template, looks_like_template
from ecs_guard.inputs.cloudformation.intrinsics import Evaluator
from ecs_guard.inputs.cloudformation.mapping import builders_for, reference_kind
from ecs_guard.inputs.cloudformation.metadata import metadata_ignores
from ecs_guard.inputs.cloudformation.parameters import parameters_beside, read_parameters_file, template_parameters
from ecs_guard.inputs.cloudformation.records import RecordBuilder, TemplateResource, new_record
from ecs_guard.inputs.cloudformation.template import Template, TemplateError
from ecs_guard.inputs.problems import InputError, InputProblem
from ecs_guard.inputs.terraform.build.index import PlanIndex
from ecs_guard.inputs.terraform.build.links import Links, instances_of
from ecs_guard.inputs.terraform.build.model import ATTRIBUTES, build_model
from ecs_guard.model import Alternatives, Branch, Inventory

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
                status = os.fstat(stream.fileno())
                if (status.st_dev, status.st_ino) in scan.seen:
                    return
                scan.seen.add((status.st_dev, status.st_ino))
                head = stream.read(HEAD_BYTES)
                if not looks_like_template(head):
                    _not_ours(display, named, scan)
                    return
                data = head + stream.read()
        except OSError as error:
            scan.problems.append(InputProblem(display, f"cannot read the file: {error.strerror or error}"))
            return
        from ecs_guard.inputs.cloudformation.loader import read_template

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
    from ecs_guard.inputs.cloudformation.loader import load_template

    try:
        template = load_template(found.text, display)
    except TemplateError as error:
        scan.problems.append(InputProblem(display, error.message, error.line))
        return
    scan_template(template, scan, path)


def _not_ours(display: str, named: bool, scan: Scan) -> None:
    if named:  # the user asked for this file to be scanned
        scan.problems.append(InputProblem(display, NOT_A_TEMPLATE, kind="unreadable"))


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
    """The model of one loaded template (`given`: parameter values from a parameters file).

    When an ``Fn::If`` on a condition that cannot be decided chooses between
    values that differ, the template is modelled once per way its undecided
    conditions can go (at most MAX_BRANCHES), and the engine keeps only the
    verdicts every way agrees on (ecs_guard/alternatives.py). Beyond that
    many, such a value stays not known."""
    inventory = Inventory(files=[template.display])
    inventory.suppressions.extend(metadata_ignores(template))
    context = _Context(template, given or {})
    evaluator = context.evaluator()
    records = template_records(template, evaluator, inventory.problems)
    assumptions = _assumptions(context, evaluator.undecided) if evaluator.undecided else None
    if not assumptions:
        _build(records, inventory)
        return inventory
    branches = []
    for assumed in assumptions:
        branch = Inventory()
        _build(template_records(template, context.evaluator(assumed), branch.problems), branch)
        for problem in branch.problems:
            if problem not in inventory.problems:
                inventory.problems.append(problem)
        branches.append(Branch(assumed, branch))
    inventory.alternatives.append(Alternatives(dict(evaluator.undecided), branches))
    return inventory


MAX_BRANCHES = 16


class _Context:
    """What every evaluation of one template shares: its parameters and its resources' kinds."""

    def __init__(self, template: Template, given: dict[str, str]):
        data = template.data
        resources = data.get("Resources") or {}
        self.data = data
        self.parameters = template_parameters(data.get("Parameters"), given)
        self.kinds = {name: reference_kind(str(r.get("Type"))) for name, r in resources.items() if isinstance(r, dict)}

    def evaluator(self, assumed: dict[str, bool] | None = None) -> Evaluator:
        return Evaluator(self.data, self.parameters, self.kinds, assumed)


def _assumptions(context: _Context, undecided: dict[str, str]) -> list[dict[str, bool]] | None:
    """Every way the undecided conditions can go, true before false. Only a
    condition still undecided once the ones before it are fixed is split on,
    so a condition defined from another (``IsDev: !Not [!Condition IsProd]``)
    adds no branch and no impossible one. None beyond MAX_BRANCHES."""
    order = _dependencies_first(undecided, context.data.get("Conditions"))
    complete: list[dict[str, bool]] = []
    pending: list[dict[str, bool]] = [{}]
    while pending:
        assumed = pending.pop()
        evaluator = context.evaluator(assumed)
        split = next((name for name in order if evaluator.condition(name) is None), None)
        if split is None:
            complete.append(assumed)
        else:
            pending += [{**assumed, split: False}, {**assumed, split: True}]
        if len(complete) + len(pending) > MAX_BRANCHES:
            return None
    return complete


def _dependencies_first(names: dict[str, str], specs: object) -> list[str]:
    """`names` and the conditions they are defined from, each after the ones
    it is defined from: splitting on ``Prod`` decides ``IsDev: !Not
    [!Condition Prod]``, while splitting on ``IsDev`` first would not."""
    specs = specs if isinstance(specs, dict) else {}
    order: list[str] = []
    seen: set[str] = set()  # a condition defined from itself is visited once

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for used in _conditions_used(specs.get(name)):
            visit(used)
        order.append(name)

    for name in names:
        visit(name)
    return order


def _conditions_used(node: object) -> list[str]:
    """The conditions a condition's definition names with ``Condition``."""
    if isinstance(node, dict):
        if len(node) == 1 and isinstance(node.get("Condition"), str):
            return [node["Condition"]]
        return [name for value in node.values() for name in _conditions_used(value)]
    if isinstance(node, list):
        return [name for value in node for name in _conditions_used(value)]
    return []


def _build(records: list[TemplateResource], inventory: Inventory) -> None:
    links = Links(instances_of(records), {}, {})
    build_model(PlanIndex(records, links, holder="the template"), inventory)
    _mark_resolved_secrets(inventory)


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


def template_records(template: Template, evaluator: Evaluator, problems: list[InputProblem]) -> list[TemplateResource]:
    """A record for every modelled resource of the template, its intrinsics
    evaluated by `evaluator` (a resource that cannot be read is a problem in
    `problems`)."""
    resources = template.data.get("Resources") or {}
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
