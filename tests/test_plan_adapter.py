"""The Terraform plan adapter on real plans (fixtures/scenarios/*/plan.json,
made by terraform from the .tf beside them: tools/make_plans.py).

The model is asserted exactly: addresses, links between resources, unknown
values with their reasons, and locations. Edge cases (pretty-printed
plans, malformed JSON, a resource of the wrong shape) are made from the
real plans, so they keep Terraform's real layout.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from ecs_guard.inputs.terraform.build.links import Instance, Links, config_path, module_of
from ecs_guard.inputs.terraform.plan.adapter import load_plan
from ecs_guard.model import Inventory, Resource, Value
from ecs_guard.rule import get_rule
from ecs_guard.scan import scan

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "fixtures" / "scenarios"
GEN = ROOT / "benchmarks" / "gen.py"  # the benchmarks' input generator

API_TD = "module.api.aws_ecs_task_definition.this"
BLUE = 'module.api.aws_ecs_service.this["blue"]'
GREEN = 'module.api.aws_ecs_service.this["green"]'
WORKER = "module.worker.aws_ecs_service.worker"


@cache
def scenario(name: str) -> Inventory:
    return load_plan(str(SCENARIOS / name / "plan.json"), f"{name}/plan.json")


def by_address(items) -> dict:
    return {item.address: item for item in items}


def addresses(items) -> list[str]:
    return [item.address for item in items]


def reason(value: Value) -> str:
    assert not value.known, f"expected an unknown value, got {value.value!r}"
    return value.reason


def plan_addresses(path: Path) -> set[str]:
    """Every resource address of a plan's planned values and prior state."""
    data = json.loads(path.read_text())
    found = set()

    def walk(module):
        for resource in module.get("resources", []):
            found.add(resource["address"])
        for child in module.get("child_modules", []):
            walk(child)

    walk(data["planned_values"]["root_module"])
    walk(data.get("prior_state", {}).get("values", {}).get("root_module", {}))
    return found


def statements_of(policy) -> list[tuple]:
    return [(s.effect.value, s.actions.value, s.not_actions.value) for s in policy.statements.value]


def values_of(obj, seen=None):
    """(owner, field name, Value) for every Value reachable from a model object."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if isinstance(value, Value):
            yield obj, field.name, value
            inner = value.value if isinstance(value.value, tuple) else (value.value,)
        elif isinstance(value, tuple):
            inner = value
        else:
            continue
        for item in inner:
            if isinstance(item, Resource):
                yield from values_of(item, seen)


# ----------------------------------------------------------------- fargate-web: what is in the plan


def test_fargate_web_reads_every_resource_with_its_full_address():
    inventory = scenario("fargate-web")
    assert inventory.problems == []
    assert inventory.files == ["fargate-web/plan.json"]
    assert addresses(inventory.clusters) == ["aws_ecs_cluster.main"]
    assert sorted(addresses(inventory.services)) == sorted(["aws_ecs_service.legacy", BLUE, GREEN, WORKER])
    assert addresses(inventory.task_sets) == ["aws_ecs_task_set.canary"]
    assert sorted(addresses(inventory.task_definitions)) == sorted(
        ["aws_ecs_task_definition.legacy", API_TD, "module.worker.aws_ecs_task_definition.worker"]
    )
    assert sorted(addresses(inventory.roles)) == ["aws_iam_role.execution", "aws_iam_role.task"]
    assert sorted(addresses(inventory.target_groups)) == [
        'module.api.aws_lb_target_group.this["blue"]',
        'module.api.aws_lb_target_group.this["green"]',
    ]
    assert addresses(inventory.subnets) == ["aws_subnet.private[0]", "aws_subnet.private[1]", "aws_subnet.private[2]"]
    assert sorted(addresses(inventory.scalable_targets)) == [
        'module.api.aws_appautoscaling_target.this["blue"]',
        'module.api.aws_appautoscaling_target.this["green"]',
        "module.worker.aws_appautoscaling_target.worker",
    ]


def test_every_value_is_located_at_a_resource_entry_of_the_plan():
    path = SCENARIOS / "fargate-web" / "plan.json"
    in_plan = plan_addresses(path)
    inventory = scenario("fargate-web")
    top = [
        *inventory.clusters,
        *inventory.services,
        *inventory.task_sets,
        *inventory.task_definitions,
        *inventory.roles,
        *inventory.target_groups,
        *inventory.subnets,
        *inventory.scalable_targets,
    ]
    checked = 0
    for resource in top:
        assert resource.location.address == resource.address
        for owner, name, value in values_of(resource):
            where = value.location
            assert (where.path, where.line) == ("fargate-web/plan.json", 1), (owner.address, name)
            assert where.address in in_plan, (owner.address, name, where.address)
            if owner.address in in_plan and owner.location.address == owner.address:
                assert where.address == owner.address, (owner.address, name)
            checked += 1
    assert checked > 300


def test_cluster_insights_and_exec_logging():
    cluster = scenario("fargate-web").clusters[0]
    assert cluster.name.value == "web"
    assert cluster.container_insights.value == "enabled"
    assert cluster.exec_logging.value == "OVERRIDE"


def test_blue_green_services_in_a_module_link_to_their_resources():
    inventory = scenario("fargate-web")
    services = by_address(inventory.services)
    cluster = inventory.clusters[0]
    task_definition = by_address(inventory.task_definitions)[API_TD]
    groups = by_address(inventory.target_groups)
    targets = by_address(inventory.scalable_targets)
    for colour in ("blue", "green"):
        service = services[f'module.api.aws_ecs_service.this["{colour}"]']
        assert service.name.value == f"api-{colour}"
        assert service.cluster.value is cluster  # var.cluster_id -> aws_ecs_cluster.main.id
        assert service.task_definition.value is task_definition
        assert (service.launch_type.value, service.platform_version.value) == ("FARGATE", "1.4.0")
        assert (service.desired_count.value, service.scheduling_strategy.value) == (2, "REPLICA")
        assert service.assign_public_ip.value is False
        assert [s.address for s in service.subnets.value] == [f"aws_subnet.private[{i}]" for i in range(3)]
        assert [s.availability_zone.value for s in service.subnets.value] == [
            "ap-northeast-2a",
            "ap-northeast-2b",
            "ap-northeast-2c",
        ]
        assert service.target_groups.value == (groups[f'module.api.aws_lb_target_group.this["{colour}"]'],)
        assert (service.circuit_breaker_enabled.value, service.circuit_breaker_rollback.value) == (True, True)
        assert service.deployment_controller.value is None
        assert service.enable_execute_command.value is True
        assert service.scalable_target.value is targets[f'module.api.aws_appautoscaling_target.this["{colour}"]']
    assert groups['module.api.aws_lb_target_group.this["blue"]'].health_check_enabled.value is True
    assert groups['module.api.aws_lb_target_group.this["green"]'].health_check_enabled.value is False


def test_scalable_targets_carry_their_policies_and_scheduled_actions():
    targets = by_address(scenario("fargate-web").scalable_targets)
    blue = targets['module.api.aws_appautoscaling_target.this["blue"]']
    green = targets['module.api.aws_appautoscaling_target.this["green"]']
    worker = targets["module.worker.aws_appautoscaling_target.worker"]
    assert (blue.resource_id.value, blue.min_capacity.value, blue.max_capacity.value) == ("service/web/api-blue", 2, 6)
    assert addresses(blue.policies.value) == ['module.api.aws_appautoscaling_policy.cpu["blue"]']
    assert [p.name.value for p in blue.policies.value] == ["api-blue-cpu"]
    assert addresses(blue.scheduled_actions.value) == ["module.api.aws_appautoscaling_scheduled_action.night"]
    assert addresses(green.policies.value) == ['module.api.aws_appautoscaling_policy.cpu["green"]']
    assert green.scheduled_actions.value == ()
    assert (worker.resource_id.value, worker.min_capacity.value, worker.max_capacity.value) == (
        "service/web/worker",
        1,
        1,
    )
    assert (worker.policies.value, worker.scheduled_actions.value) == ((), ())


def test_worker_service_with_capacity_providers_and_a_subnet_outside_the_plan():
    inventory = scenario("fargate-web")
    worker = by_address(inventory.services)[WORKER]
    assert worker.cluster.value is inventory.clusters[0]  # var.cluster_arn -> aws_ecs_cluster.main.arn
    assert worker.launch_type.value is None
    # capacity_provider_strategy is a set in the provider schema: the plan keeps no order
    assert sorted(worker.capacity_providers.value) == ["FARGATE", "FARGATE_SPOT"]
    assert worker.assign_public_ip.value is True
    (subnet,) = worker.subnets.value
    assert (subnet.address, subnet.subnet_id.value) == ("subnet-0a1b2c3d4e5f60718",) * 2
    assert reason(subnet.availability_zone) == "subnet subnet-0a1b2c3d4e5f60718 is not in the plan"
    assert subnet.location.address == WORKER
    assert worker.target_groups.value == ()
    assert worker.scalable_target.value.address == "module.worker.aws_appautoscaling_target.worker"


def test_legacy_service_links_its_task_definition_by_family_and_its_classic_elb():
    inventory = scenario("fargate-web")
    legacy = by_address(inventory.services)["aws_ecs_service.legacy"]
    assert legacy.task_definition.value is by_address(inventory.task_definitions)["aws_ecs_task_definition.legacy"]
    assert legacy.cluster.value is inventory.clusters[0]  # by reference to aws_ecs_cluster.main.arn
    (elb,) = legacy.target_groups.value
    assert (elb.address, elb.arn.value, elb.health_check_enabled.value) == ("elb:legacy-elb", None, True)
    assert legacy.deployment_controller.value == "CODE_DEPLOY"
    assert (legacy.assign_public_ip.value, legacy.subnets.value) == (None, None)
    assert legacy.scalable_target.value is None
    assert legacy.scalable_target.known


def test_task_set_links_through_module_outputs():
    inventory = scenario("fargate-web")
    (canary,) = inventory.task_sets
    assert canary.service.value == WORKER  # module.worker.service_id -> its service
    assert (
        canary.task_definition.value
        is by_address(inventory.task_definitions)["module.worker.aws_ecs_task_definition.worker"]
    )
    assert (canary.launch_type.value, canary.assign_public_ip.value) == ("FARGATE", False)


def test_task_definition_attributes_containers_and_volumes():
    td = by_address(scenario("fargate-web").task_definitions)[API_TD]
    assert (td.family.value, td.network_mode.value, td.requires_compatibilities.value) == (
        "api",
        "awsvpc",
        ("FARGATE",),
    )
    assert (td.cpu.value, td.memory.value, td.pid_mode.value, td.os_family.value) == ("512", "1024", None, "LINUX")
    containers = {c.name.value: c for c in td.containers.value}
    assert sorted(containers) == ["log-router", "web"]
    web = containers["web"]
    assert (web.user.value, web.readonly_root_filesystem.value, web.log_driver.value) == ("1000:1000", True, "awslogs")
    assert web.health_check.value is True and web.essential.value is True
    assert [e.name.value for e in web.environment.value] == ["DB_PASSWORD", "PORT"]
    assert web.os_family.value == "LINUX"
    assert (containers["log-router"].essential.value, containers["log-router"].log_driver.value) == (False, None)
    assert all(c.address == API_TD for c in td.containers.value)
    volumes = {v.name.value: v for v in td.volumes.value}
    assert (volumes["uploads"].efs, volumes["uploads"].transit_encryption.value) == (True, "ENABLED")
    assert (volumes["scratch"].efs, volumes["scratch"].transit_encryption.value) == (False, None)


def test_roles_are_resolved_with_every_policy_that_applies():
    inventory = scenario("fargate-web")
    td = by_address(inventory.task_definitions)[API_TD]
    roles = by_address(inventory.roles)
    # ARNs are unknown until apply: the refs are the roles' addresses, so EG303 can compare them
    assert (td.execution_role_ref.value, td.task_role_ref.value) == ("aws_iam_role.execution", "aws_iam_role.task")
    assert td.execution_role.value is roles["aws_iam_role.execution"]
    assert td.task_role.value is roles["aws_iam_role.task"]
    execution = roles["aws_iam_role.execution"]
    assert execution.name.value == "web-execution"
    assert reason(execution.arn) == "arn is unknown until apply"
    (managed,) = execution.policies.value
    assert managed.aws_managed is True
    assert managed.arn.value == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    assert managed.name.value == "AmazonECSTaskExecutionRolePolicy"
    assert managed.statements.value == ()  # the table: AmazonECSTaskExecutionRolePolicy grants no wildcard

    policies = by_address(roles["aws_iam_role.task"].policies.value)
    assert sorted(policies) == ["aws_iam_policy.queue", "aws_iam_role.task", "aws_iam_role_policy.task_parameters"]
    assert policies["aws_iam_role.task"].name.value == "read-assets"  # an inline_policy block
    assert statements_of(policies["aws_iam_role.task"]) == [("Allow", ("s3:GetObject", "s3:ListBucket"), None)]
    assert statements_of(policies["aws_iam_role_policy.task_parameters"]) == [("Allow", (), ("iam:*",))]
    assert statements_of(policies["aws_iam_policy.queue"]) == [
        ("Allow", ("sqs:ReceiveMessage", "sqs:DeleteMessage"), None)
    ]
    assert policies["aws_iam_policy.queue"].aws_managed is False

    worker_td = by_address(inventory.task_definitions)["module.worker.aws_ecs_task_definition.worker"]
    assert worker_td.execution_role.value is execution
    assert (worker_td.task_role_ref.value, worker_td.task_role.value) == (None, None)
    assert worker_td.task_role.known


# ----------------------------------------------------------------- unknowns: never a pass


def test_unknown_container_definitions_are_not_known_never_empty():
    td = scenario("unknowns").task_definitions[0]
    assert td.address == "aws_ecs_task_definition.app"
    assert reason(td.containers) == "container_definitions is unknown until apply"
    assert td.containers.location.address == "aws_ecs_task_definition.app"
    assert (td.family.value, td.cpu.value, td.memory.value) == ("app", "256", "512")  # the rest is still read


def test_unknown_container_definitions_make_container_rules_not_evaluated(tmp_path, monkeypatch):
    monkeypatch.chdir(SCENARIOS / "unknowns")
    report = scan(["plan.json"], rules=[get_rule("EG602")])
    assert report.findings == []
    assert [(n.resource, n.rule_id) for n in report.not_evaluated] == [("aws_ecs_task_definition.app", "EG602")]
    assert "container_definitions is unknown until apply" in report.not_evaluated[0].reason


def test_roles_outside_the_plan_or_behind_a_local_are_not_known():
    td = scenario("unknowns").task_definitions[0]
    shared = "arn:aws:iam::123456789012:role/shared-ecs-execution"
    assert td.execution_role_ref.value == shared
    assert reason(td.execution_role) == f"role {shared} is not defined in the plan"
    assert reason(td.task_role_ref) == "task_role_arn is unknown until apply"  # local.task_role_arn
    assert reason(td.task_role) == "task_role_arn is unknown until apply"


def test_role_policies_from_a_document_read_at_apply_and_a_policy_outside_the_plan():
    (role,) = scenario("unknowns").roles
    assert reason(role.name) == "name is unknown until apply"  # name_prefix
    policies = by_address(role.policies.value)
    assert sorted(policies) == ["arn:aws:iam::123456789012:policy/defined-elsewhere", "aws_iam_role_policy.repository"]
    (statement,) = policies["aws_iam_role_policy.repository"].statements.value
    assert statement.address == "data.aws_iam_policy_document.repository"  # its statement blocks
    assert (statement.effect.value, statement.actions.value, statement.not_actions.value) == ("Allow", ("ecr:*",), None)
    outside = policies["arn:aws:iam::123456789012:policy/defined-elsewhere"]
    assert (outside.aws_managed, outside.arn.value) == (False, "arn:aws:iam::123456789012:policy/defined-elsewhere")
    assert (
        reason(outside.statements)
        == "policy arn:aws:iam::123456789012:policy/defined-elsewhere is not defined in the plan"
    )


def test_other_attributes_unknown_until_apply_name_the_attribute():
    inventory = scenario("unknowns")
    service = by_address(inventory.services)["aws_ecs_service.app"]
    assert reason(service.desired_count) == "desired_count is unknown until apply"
    (subnet,) = service.subnets.value
    assert subnet is by_address(inventory.subnets)["aws_subnet.floating"]
    assert reason(subnet.availability_zone) == "availability_zone of aws_subnet.floating is unknown until apply"
    assert reason(subnet.subnet_id) == "id is unknown until apply"
    (group,) = service.target_groups.value
    assert group is by_address(inventory.target_groups)["aws_lb_target_group.app"]
    assert reason(group.health_check_enabled) == "health_check.enabled is unknown until apply"
    # computed by AWS and not written: absent, not unknown
    assert inventory.clusters[0].container_insights.value is None and inventory.clusters[0].container_insights.known
    assert service.platform_version.known and service.platform_version.value is None


def test_scalable_target_with_an_unknown_resource_id_links_through_references():
    inventory = scenario("unknowns")
    target = by_address(inventory.scalable_targets)["aws_appautoscaling_target.app"]
    assert reason(target.resource_id) == "resource_id is unknown until apply"
    assert by_address(inventory.services)["aws_ecs_service.app"].scalable_target.value is target


def test_a_scalable_target_that_names_no_service_leaves_the_others_unknown():
    inventory = scenario("unknowns")
    batch = by_address(inventory.services)["aws_ecs_service.batch"]
    assert (
        reason(batch.scalable_target)
        == "resource_id of scalable target aws_appautoscaling_target.orphan is unknown until apply"
    )


def test_default_cluster_default_subnet_and_lambda_target_group():
    inventory = scenario("unknowns")
    batch = by_address(inventory.services)["aws_ecs_service.batch"]
    assert batch.cluster.known and batch.cluster.value is None  # the account's default cluster
    assert batch.task_definition.value is inventory.task_definitions[0]  # by family
    (subnet,) = batch.subnets.value
    assert (subnet.address, subnet.availability_zone.value) == ("aws_default_subnet.a", "ap-northeast-2a")
    assert (batch.assign_public_ip.value, batch.target_groups.value) == (True, ())
    lambda_group = by_address(inventory.target_groups)["aws_alb_target_group.lambda"]
    assert lambda_group.health_check_enabled.value is False  # AWS's default for lambda targets


# ----------------------------------------------------------------- lines, bad input


def test_pretty_printed_plan_locates_each_resource_at_its_entry(tmp_path):
    data = json.loads((SCENARIOS / "fargate-web" / "plan.json").read_text())
    text = json.dumps(data, indent=2)
    (tmp_path / "plan.json").write_text(text)
    inventory = load_plan(str(tmp_path / "plan.json"), "plan.json")
    assert inventory.problems == []

    def entry_line(address: str) -> int:  # planned_values comes first: its entry is the first mention
        return text[: text.index(f'"address": {json.dumps(address)}')].count("\n") + 1

    resources = [*inventory.services, *inventory.task_definitions, *inventory.roles, *inventory.subnets]
    lines = {r.address: r.location.line for r in resources}
    assert lines == {r.address: entry_line(r.address) for r in resources}
    assert len(set(lines.values())) == len(lines) and min(lines.values()) > 1
    blue = by_address(inventory.services)[BLUE]
    assert blue.name.location.line == blue.desired_count.location.line == lines[BLUE]
    td = by_address(inventory.task_definitions)[API_TD]
    assert {c.user.location.line for c in td.containers.value} == {lines[API_TD]}


def test_malformed_json_is_one_problem_with_its_line(tmp_path):
    text = json.dumps(json.loads((SCENARIOS / "fargate-web" / "plan.json").read_text()), indent=1)
    lines = text.split("\n")
    lines[40] = lines[40] + " oops"
    (tmp_path / "broken.json").write_text("\n".join(lines))
    inventory = load_plan(str(tmp_path / "broken.json"), "broken.json")
    (problem,) = inventory.problems
    assert (problem.path, problem.line, problem.kind) == ("broken.json", 41, "unreadable")
    assert problem.message.startswith("invalid JSON")
    assert inventory.services == [] and inventory.task_definitions == []

    (tmp_path / "cut.json").write_text(text[: len(text) // 2])
    (problem,) = load_plan(str(tmp_path / "cut.json"), "cut.json").problems
    assert problem.line == text[: len(text) // 2].count("\n") + 1


def test_not_a_plan_and_unreadable_files_are_problems(tmp_path):
    state = {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}
    (tmp_path / "state.json").write_text(json.dumps(state))
    (problem,) = load_plan(str(tmp_path / "state.json"), "state.json").problems
    assert "not a Terraform plan" in problem.message
    (problem,) = load_plan(str(tmp_path / "missing.json"), "missing.json").problems
    assert problem.message.startswith("cannot read the plan")


def test_a_resource_of_the_wrong_shape_is_reported_and_the_rest_is_scanned(tmp_path):
    data = json.loads((SCENARIOS / "fargate-web" / "plan.json").read_text())
    for module in data["planned_values"]["root_module"]["child_modules"]:
        for resource in module["resources"]:
            if resource["address"] == API_TD:
                resource["values"]["container_definitions"] = '[{"name": "web", "image": '  # cut short
            if resource["address"] == "module.worker.aws_ecs_task_definition.worker":
                resource["values"]["volume"] = "not blocks"
    for resource in data["planned_values"]["root_module"]["resources"]:
        if resource["address"] == "aws_ecs_cluster.main":
            resource["values"] = ["not", "an", "object"]
        if resource["address"] == "aws_ecs_task_definition.legacy":
            resource["values"]["container_definitions"] = json.dumps(
                [{"name": "legacy", "environment": "DB_PASSWORD=hunter2-secret"}]
            )
    (tmp_path / "plan.json").write_text(json.dumps(data))
    inventory = load_plan(str(tmp_path / "plan.json"), "plan.json")
    messages = sorted(p.message for p in inventory.problems)
    assert messages == [
        "aws_ecs_cluster.main: values is not an object",
        "aws_ecs_task_definition.legacy: container_definitions: environment is not a list",
        f"{API_TD}: container_definitions is not valid JSON (JSONDecodeError at char 26)",
        "module.worker.aws_ecs_task_definition.worker: volume is not a list of blocks",
    ]
    assert not any("hunter2" in p.message for p in inventory.problems)  # never a value from the input
    assert {p.kind for p in inventory.problems} == {"not-understood"}
    assert inventory.task_definitions == []
    services = by_address(inventory.services)
    assert len(services) == 4  # every service is still scanned
    assert reason(services[BLUE].task_definition) == f"{API_TD} could not be read (see the input problems)"
    # the cluster's planned entry is skipped; its resource_changes entry still holds its values
    assert services[BLUE].cluster.value.container_insights.value == "enabled"


# ----------------------------------------------------------------- references across modules


def _links() -> Links:
    instances = {
        ("", "aws_subnet.private"): [Instance(f"aws_subnet.private[{i}]", i) for i in range(2)],
        ("", "aws_iam_role.exec"): [Instance("aws_iam_role.exec", None)],
        ('module.svc["a"]', "aws_lb_target_group.this"): [
            Instance(f'module.svc["a"].aws_lb_target_group.this["{k}"]', k) for k in ("x", "y")
        ],
    }
    calls = {
        ("", "svc"): {
            "role": ["aws_iam_role.exec.arn", "aws_iam_role.exec"],
            "subnets": ["local.subnets"],
            "one_subnet": ["aws_subnet.private[1].id", "aws_subnet.private[1]", "aws_subnet.private"],
        }
    }
    outputs = {("module.svc", "groups"): ["aws_lb_target_group.this"]}
    return Links(instances, calls, outputs)


def test_references_follow_module_variables_keys_splats_and_outputs():
    links = _links()
    inner = 'module.svc["a"]'
    assert links.resolve(["var.role"], inner, "x").addresses == ("aws_iam_role.exec",)
    assert links.resolve(["var.one_subnet"], inner, None).addresses == ("aws_subnet.private[1]",)
    assert links.resolve(["aws_subnet.private"], "", None).addresses == (
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
    )
    own_key = links.resolve(["aws_lb_target_group.this", "each.key"], inner, "y")
    assert own_key.addresses == ('module.svc["a"].aws_lb_target_group.this["y"]',)
    assert links.resolve(['module.svc["a"].groups'], "", None).addresses == (
        'module.svc["a"].aws_lb_target_group.this["x"]',
        'module.svc["a"].aws_lb_target_group.this["y"]',
    )
    assert links.resolve(["aws_ecr_repository.app.arn"], "", None).addresses == ("aws_ecr_repository.app",)


def test_references_that_cannot_be_followed_block():
    links = _links()
    assert links.resolve(["var.subnets"], 'module.svc["a"]', None).blockers == ("local.subnets",)
    assert links.resolve(["var.missing"], 'module.svc["a"]', None).blockers == ("var.missing",)
    assert links.resolve(["var.root_variable"], "", None).blockers == ("var.root_variable",)
    assert links.resolve(["local.x", "aws_iam_role.exec"], "", None) == (("aws_iam_role.exec",), ("local.x",))


def test_addresses_split_into_module_and_configuration_paths():
    assert module_of('module.api["a.b"].module.x[0].aws_ecs_service.this["blue"]') == 'module.api["a.b"].module.x[0]'
    assert module_of("data.aws_iam_policy_document.x") == ""
    assert config_path('module.api["a.b"].module.x[0]') == "module.api.module.x"


# ----------------------------------------------------------------- the benchmark's synthetic plan


def test_synthetic_plan_links_every_app(tmp_path):
    """gen.py writes its configuration in a flattened form (network_configuration.subnets)."""
    out = tmp_path / "plan.json"
    subprocess.run([sys.executable, str(GEN), "plan", "24", str(out)], check=True)
    inventory = load_plan(str(out), "plan.json")
    assert inventory.problems == []
    assert len(inventory.services) == len(inventory.task_definitions) == 24
    for i, service in enumerate(inventory.services):
        name = f"app{i:05d}"
        assert service.address == f"aws_ecs_service.{name}"
        td = service.task_definition.value
        assert td.address == f"aws_ecs_task_definition.{name}"
        (policy,) = td.execution_role.value.policies.value
        (statement,) = policy.statements.value
        assert (statement.actions.value == ("*",)) == (i % 9 == 0)
        assert len({s.availability_zone.value for s in service.subnets.value}) == (1 if i % 10 == 0 else 3)
        assert service.cluster.value is inventory.clusters[0]
        assert len(service.target_groups.value) == i % 2
        assert (service.scalable_target.value is not None) == (i % 8 != 0)
        if i % 8:
            assert [p.name.value for p in service.scalable_target.value.policies.value] == [f"{name}-cpu"]
