"""AWS CLI snapshots read into the model: every link resolved across files,
and every value the files cannot answer not known, with the reason."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from input_helpers import SNAPSHOTS, copy_fixture, line_of

from ecs_guard.inputs import load

R, A = "eu-west-1", "111122223333"
SHOP = SNAPSHOTS / "shop-account"


def arn(service: str, resource: str, region: str = R) -> str:
    return f"arn:aws:{service}:{region}:{A}:{resource}"


def iam(resource: str) -> str:
    return f"arn:aws:iam::{A}:{resource}"


@pytest.fixture(scope="module")
def shop():
    """The shop account, loaded once, with display paths relative to its folder."""
    before = os.getcwd()
    os.chdir(SHOP)
    try:
        yield load(["."])
    finally:
        os.chdir(before)


def _by_name(resources):
    return {r.name.value: r for r in resources}


def _where(value):
    return value.location.path, value.location.line


# ----------------------------------------------------------------- the whole account


def test_every_file_is_scanned_and_nothing_is_reported(shop):
    assert shop.problems == []
    assert sorted(shop.files) == sorted(p.name for p in SHOP.iterdir())
    assert len(shop.services) == 5
    assert len(shop.task_definitions) == 4
    assert len(shop.task_sets) == 1  # in describe-services and describe-task-sets: the same task set once
    assert [c.name.value for c in shop.clusters] == ["prod", "staging"]
    assert len(shop.roles) == 4
    assert len(shop.subnets) == 3
    assert len(shop.target_groups) == 2
    # the DynamoDB table's target is not an ECS service's
    assert [t.resource_id.value for t in shop.scalable_targets] == ["service/prod/web", "service/prod/worker"]


def test_clusters(shop):
    prod, staging = shop.clusters
    file = "describe-clusters.json"
    assert prod.address == arn("ecs", "cluster/prod")
    assert _where(prod) == (file, line_of(SHOP / file, '"clusterArn"'))
    assert (prod.container_insights.value, prod.container_insights.location.line) == (
        "enhanced",
        line_of(SHOP / file, '"value": "enhanced"'),
    )
    assert (prod.exec_logging.value, prod.exec_logging.location.line) == (
        "OVERRIDE",
        line_of(SHOP / file, '"logging": "OVERRIDE"'),
    )
    assert (staging.container_insights.value, staging.exec_logging.value) == ("disabled", "NONE")
    assert staging.location.line == line_of(SHOP / file, '"clusterArn"', 2)


def test_a_well_configured_service_and_its_links(shop):
    web = _by_name(shop.services)["web"]
    file = "describe-services-0001.json"
    assert web.address == arn("ecs", "service/prod/web")
    assert _where(web) == (file, line_of(SHOP / file, '"serviceArn"'))
    assert web.cluster.value is shop.clusters[0]
    assert web.cluster.location.line == line_of(SHOP / file, '"clusterArn"')
    td = next(t for t in shop.task_definitions if t.family.value == "web")
    assert web.task_definition.value is td
    assert web.task_definition.location.line == line_of(SHOP / file, '"taskDefinition"')
    assert (web.launch_type.value, web.platform_version.value) == ("FARGATE", "LATEST")
    assert (web.scheduling_strategy.value, web.desired_count.value) == ("REPLICA", 3)
    assert web.capacity_providers.value == ()
    assert web.assign_public_ip.value is False
    assert web.assign_public_ip.location.line == line_of(SHOP / file, '"assignPublicIp"')
    assert [(s.subnet_id.value, s.availability_zone.value) for s in web.subnets.value] == [
        ("subnet-0a11c0ffee0000001", "eu-west-1a"),
        ("subnet-0b22c0ffee0000002", "eu-west-1b"),
    ]
    assert web.subnets.value[0] is shop.subnets[0]
    assert (web.deployment_controller.value, web.circuit_breaker_enabled.value, web.circuit_breaker_rollback.value) == (
        "ECS",
        True,
        True,
    )
    assert web.circuit_breaker_enabled.location.line == line_of(SHOP / file, '"enable": true')
    assert web.enable_execute_command.value is False
    (target_group,) = web.target_groups.value
    assert target_group is shop.target_groups[0]
    assert target_group.health_check_enabled.value is True
    target = web.scalable_target.value
    assert target is shop.scalable_targets[0]
    assert (target.min_capacity.value, target.max_capacity.value) == (2, 12)
    assert [p.name.value for p in target.policies.value] == ["web-cpu60"]
    assert target.scheduled_actions.value == ()


def test_target_group_subnet_and_scaling_addresses_and_lines(shop):
    target_group = shop.target_groups[1]
    file = "describe-target-groups.json"
    assert target_group.address == arn("elasticloadbalancing", "targetgroup/canary-blue/1f2e3d4c5b6a7980")
    assert _where(target_group) == (file, line_of(SHOP / file, '"TargetGroupArn"', 2))
    assert (target_group.health_check_enabled.value, target_group.health_check_enabled.location.line) == (
        False,
        line_of(SHOP / file, '"HealthCheckEnabled": false'),
    )

    subnet = shop.subnets[2]
    assert subnet.address == arn("ec2", "subnet/subnet-0c33c0ffee0000003")
    assert _where(subnet) == ("describe-subnets.json", line_of(SHOP / "describe-subnets.json", '"SubnetArn"', 3))
    assert subnet.availability_zone.value == "eu-west-1a"

    web_target, worker_target = shop.scalable_targets
    file = "describe-scalable-targets.json"
    assert web_target.address == arn("application-autoscaling", "scalable-target/0ec57a1b2c3d4e5f6a7b8c9d0e1f2a3b")
    assert _where(web_target) == (file, line_of(SHOP / file, '"ScalableTargetARN"'))
    assert worker_target.max_capacity.location.line == line_of(SHOP / file, '"MaxCapacity": 1,')
    (policy,) = web_target.policies.value
    assert policy.address.endswith(":policyName/web-cpu60")
    assert _where(policy) == (
        "describe-scaling-policies.json",
        line_of(SHOP / "describe-scaling-policies.json", '"PolicyARN"'),
    )


def test_worker_capacity_providers_schedule_and_exec(shop):
    worker = _by_name(shop.services)["worker"]
    file = "describe-services-0001.json"
    assert worker.capacity_providers.value == ("FARGATE_SPOT", "FARGATE")
    assert worker.capacity_providers.location.line == line_of(SHOP / file, '"capacityProviderStrategy"')
    # not written: known None, located at the service
    assert (worker.launch_type.value, worker.launch_type.known) == (None, True)
    assert worker.launch_type.location.line == line_of(SHOP / file, '"serviceArn"', 2)
    assert worker.enable_execute_command.value is True
    assert [s.availability_zone.value for s in worker.subnets.value] == ["eu-west-1a", "eu-west-1a"]
    assert worker.target_groups.value == ()
    target = worker.scalable_target.value
    assert target.policies.value == ()
    assert [a.name.value for a in target.scheduled_actions.value] == ["worker-nightly-batch"]
    # the policy file's policy and the action file's action belong to other targets
    assert (target.min_capacity.value, target.max_capacity.value) == (1, 1)


def test_an_external_deployment_service_and_its_task_set(shop):
    canary = _by_name(shop.services)["canary"]
    assert canary.deployment_controller.value == "EXTERNAL"
    assert canary.subnets.value is None and canary.assign_public_ip.value is None
    (task_set,) = shop.task_sets
    file = "describe-task-sets.json"  # its own output is preferred to the copy in describe-services
    assert task_set.address == arn("ecs", "task-set/prod/canary/ecs-svc/9000000000000000001")
    assert _where(task_set) == (file, line_of(SHOP / file, '"taskSetArn"'))
    assert task_set.service.value == canary.address
    assert task_set.task_definition.value is canary.task_definition.value
    assert (task_set.launch_type.value, task_set.platform_version.value) == ("FARGATE", "1.4.0")
    assert task_set.assign_public_ip.value is False
    assert task_set.capacity_providers.value == ()


def test_references_the_snapshot_does_not_have_are_not_known_and_named(shop):
    admin = _by_name(shop.services)["admin"]
    file = "describe-services-0002.json"
    assert admin.cluster.value is shop.clusters[1]
    assert not admin.task_definition.known
    assert (
        admin.task_definition.reason == f"task definition {arn('ecs', 'task-definition/admin:31')} not in the snapshot"
    )
    assert admin.task_definition.location.line == line_of(SHOP / file, '"taskDefinition"')
    (subnet,) = admin.subnets.value
    assert (subnet.address, subnet.subnet_id.value) == ("subnet-0dd4deadbeef00004",) * 2
    assert not subnet.availability_zone.known
    assert subnet.availability_zone.reason == "subnet subnet-0dd4deadbeef00004 not in the snapshot"
    assert _where(subnet.availability_zone) == (file, line_of(SHOP / file, '"subnet-0dd4deadbeef00004"'))
    assert (admin.assign_public_ip.value, admin.assign_public_ip.location.line) == (
        True,
        line_of(SHOP / file, '"assignPublicIp": "ENABLED"'),
    )

    classic, missing = admin.target_groups.value
    assert classic.address == arn("elasticloadbalancing", "loadbalancer/staging-admin-elb")
    assert (classic.health_check_enabled.value, classic.health_check_enabled.known) == (True, True)
    assert classic.location.line == line_of(SHOP / file, '"loadBalancerName"')
    missing_arn = arn("elasticloadbalancing", "targetgroup/old-admin/0011223344556677")
    assert missing.address == missing_arn
    assert not missing.health_check_enabled.known
    assert missing.health_check_enabled.reason == f"target group {missing_arn} not in the snapshot"

    # the snapshot has scalable targets, none for this service: known None
    assert (admin.scalable_target.value, admin.scalable_target.known) == (None, True)
    assert admin.scalable_target.location.line == line_of(SHOP / file, '"serviceArn"')

    reports = _by_name(shop.services)["reports"]
    assert not reports.cluster.known
    assert reports.cluster.reason == f"cluster {arn('ecs', 'cluster/batch')} not in the snapshot"
    assert reports.subnets.value is None  # bridge networking: no awsvpc configuration
    assert reports.scheduling_strategy.value == "DAEMON"
    assert reports.task_definition.value.pid_mode.value == "host"


# ----------------------------------------------------------------- IAM


def test_roles_with_inline_attached_and_aws_managed_policies(shop):
    roles = {r.name.value: r for r in shop.roles}
    file = "get-account-authorization-details.json"
    web = next(t for t in shop.task_definitions if t.family.value == "web")
    assert web.task_role.value is roles["web-task"]
    assert web.execution_role.value is roles["ecs-task-execution"]
    assert _where(roles["web-task"]) == (file, line_of(SHOP / file, f'"Arn": "{iam("role/web-task")}"'))

    (read_assets,) = roles["web-task"].policies.value
    assert (read_assets.name.value, read_assets.arn.value, read_assets.aws_managed) == ("read-assets", None, False)
    allow, deny = read_assets.statements.value
    assert (allow.effect.value, allow.actions.value, allow.not_actions.value) == (
        "Allow",
        ("s3:GetObject", "s3:ListBucket"),
        None,
    )
    assert allow.actions.location.line == line_of(SHOP / file, '"s3:GetObject",') - 1
    assert (deny.effect.value, deny.actions.value) == ("Deny", ("s3:Delete*",))
    assert deny.effect.location.line == line_of(SHOP / file, '"Effect": "Deny"')

    (execution_policy,) = roles["ecs-task-execution"].policies.value
    assert execution_policy.aws_managed is True
    assert execution_policy.address == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    assert execution_policy.location.line == line_of(
        SHOP / file, '"Arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"'
    )
    assert "ecr:GetAuthorizationToken" in execution_policy.statements.value[0].actions.value


def test_url_encoded_documents_default_versions_and_undocumented_managed_policies(shop):
    worker = {r.name.value: r for r in shop.roles}["worker-task"]
    file = "get-account-authorization-details.json"
    queue, spool, admin = worker.policies.value
    # a URL-encoded document is read; its statements are located at its key
    (statement,) = queue.statements.value
    assert statement.actions.value == ("sqs:*",)
    assert statement.actions.location.line == line_of(SHOP / file, '"PolicyDocument": "%7B')
    # the default version (v3), not the older v2 that allowed s3:*
    assert spool.address == iam("policy/worker-spool-s3")
    assert spool.statements.value[0].actions.value == ("s3:GetObject", "s3:PutObject")
    # AWS managed, attached, document not captured: judged by the document AWS publishes (the table)
    assert (admin.aws_managed, admin.arn.value) == (True, "arn:aws:iam::aws:policy/AdministratorAccess")
    (everything,) = admin.statements.value
    assert (everything.effect.value, everything.actions.value, everything.not_actions.value) == ("Allow", ("*",), None)
    assert admin.location.line == line_of(SHOP / file, '"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"')


def test_a_statement_object_instead_of_a_list_and_not_action(shop):
    reports = {r.name.value: r for r in shop.roles}["reports-task"]
    (statement,) = reports.policies.value[0].statements.value
    assert statement.actions.value == ()
    assert statement.not_actions.value == ("iam:*", "organizations:*")


def test_a_role_missing_from_the_iam_data_is_not_known(shop):
    canary = next(t for t in shop.task_definitions if t.family.value == "canary")
    assert not canary.task_role.known
    assert canary.task_role.reason == f"role {iam('role/canary-task')} not in the snapshot"
    assert canary.task_role_ref.value == iam("role/canary-task")
    assert canary.execution_role.value.name.value == "ecs-task-execution"


def test_roles_from_get_role_and_get_role_policy(monkeypatch):
    monkeypatch.chdir(SNAPSHOTS / "iam-pieces")
    inventory = load(["."])
    assert inventory.problems == []
    (td,) = inventory.task_definitions  # registeredAt is an epoch float here
    legacy_exec = td.execution_role.value
    assert legacy_exec.address == "arn:aws:iam::777788889999:role/legacy-exec"
    assert legacy_exec.location.path == "get-role-legacy-exec.json"
    pull, rest = legacy_exec.policies.value
    assert pull.name.value == "pull-anything"
    assert pull.statements.value[0].actions.value == ("ecr:*", "logs:CreateLogStream")
    assert pull.location.path == "get-role-policy-legacy-exec-pull.json"
    # get-role does not list attached policies: what is attached is not known
    assert not rest.statements.known and not rest.name.known
    assert "attached policies of role legacy-exec are not in the snapshot" in rest.statements.reason

    plain = td.task_role.value
    assert plain.name.value == "plain-task"
    assert not plain.policies.known
    assert plain.policies.reason.startswith("the attached policies of role plain-task are not in the snapshot")


# ----------------------------------------------------------------- missing files and audit failures


def test_no_file_of_a_kind_makes_what_needs_it_not_known(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("describe-services-0001.json", "describe-task-definition-web-12.json"):
        shutil.copy(SHOP / name, tmp_path / name)
    inventory = load(["."])
    assert inventory.problems == []
    web = _by_name(inventory.services)["web"]
    expected = {
        "cluster": "ecs describe-clusters not in the snapshot",
        "scalable_target": "application-autoscaling describe-scalable-targets not in the snapshot",
    }
    for field, reason in expected.items():
        value = getattr(web, field)
        assert (value.known, value.reason) == (False, reason)
    assert {s.availability_zone.reason for s in web.subnets.value} == {"ec2 describe-subnets not in the snapshot"}
    assert web.target_groups.value[0].health_check_enabled.reason == "elbv2 describe-target-groups not in the snapshot"
    td = web.task_definition.value
    assert td.task_role.reason == "iam get-account-authorization-details not in the snapshot"
    # describe-task-definition is there, but not the worker's
    worker = _by_name(inventory.services)["worker"]
    assert (
        worker.task_definition.reason == f"task definition {arn('ecs', 'task-definition/worker:4')} not in the snapshot"
    )


def test_scheduled_actions_not_captured_are_not_known_while_the_target_is(tmp_path, monkeypatch):
    folder = copy_fixture("shop-account", tmp_path, skip=("describe-scheduled-actions.json",))
    monkeypatch.chdir(folder)
    services = _by_name(load(["."]).services)
    # the web target has a policy: it is scaled, whatever the schedules are
    assert services["web"].scalable_target.value.policies.value
    # the worker's target is known (its capacities count for EG406); only its schedules are not
    worker_target = services["worker"].scalable_target.value
    assert worker_target.min_capacity.known and worker_target.policies.value == ()
    assert not worker_target.scheduled_actions.known
    assert (
        worker_target.scheduled_actions.reason
        == "application-autoscaling describe-scheduled-actions not in the snapshot"
    )


def test_describe_clusters_without_settings_leaves_container_insights_not_known(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clusters = json.loads((SHOP / "describe-clusters.json").read_text())
    for cluster in clusters["clusters"]:
        del cluster["settings"]
    (tmp_path / "clusters.json").write_text(json.dumps(clusters, indent=4))
    prod, _ = load(["."]).clusters
    assert not prod.container_insights.known
    assert (
        prod.container_insights.reason
        == "the describe-clusters output has no settings (run it with --include SETTINGS)"
    )


@pytest.fixture
def audit(monkeypatch):
    monkeypatch.chdir(SNAPSHOTS / "audit-two-regions")
    return load(["."])


def _per_region(inventory, kind="services"):
    return {resource.address.split(":")[3]: resource for resource in getattr(inventory, kind)}


def test_the_live_audit_layout_scans_cleanly(audit):
    # the only problems are the audit's two failed calls, which make the scan incomplete
    assert [p.path for p in audit.problems if p.kind == "unreadable"] == ["ecs-guard-audit.json"] * 2
    assert len(audit.files) == 16
    assert "iam/get-account-authorization-details.json" in audit.files
    assert "eu-west-1/describe-services-0001.json" in audit.files
    eu, us = _per_region(audit)["eu-west-1"], _per_region(audit)["us-east-1"]
    # the same cluster, service and task definition names in two regions stay apart
    assert eu.cluster.value.address.startswith("arn:aws:ecs:eu-west-1:")
    assert us.cluster.value.address.startswith("arn:aws:ecs:us-east-1:")
    assert us.task_definition.value.address.startswith("arn:aws:ecs:us-east-1:")
    assert eu.task_definition.value.execution_role.value is us.task_definition.value.execution_role.value
    assert eu.scalable_target.value.min_capacity.value == 2
    assert eu.target_groups.value[0].health_check_enabled.value is True


def test_audit_failures_make_the_values_of_their_region_not_known(audit):
    us = _per_region(audit)["us-east-1"]
    assert not us.scalable_target.known
    assert (
        us.scalable_target.reason
        == "application-autoscaling:DescribeScalableTargets failed in us-east-1: AccessDeniedException"
    )
    (target_group,) = us.target_groups.value
    assert (
        target_group.health_check_enabled.reason
        == "elasticloadbalancing:DescribeTargetGroups failed in us-east-1: AccessDenied"
    )
    assert [(p.path, p.kind) for p in audit.problems] == [("ecs-guard-audit.json", "unreadable")] * 2
    assert "application-autoscaling:DescribeScalableTargets failed in us-east-1" in audit.problems[0].message


def test_same_resource_ids_in_two_regions_link_to_their_own_region(tmp_path, monkeypatch):
    folder = copy_fixture("audit-two-regions", tmp_path)
    manifest = json.loads((folder / "ecs-guard-audit.json").read_text())
    manifest["ecsGuardAudit"]["failures"] = []
    (folder / "ecs-guard-audit.json").write_text(json.dumps(manifest))
    targets = json.loads((folder / "eu-west-1" / "describe-scalable-targets.json").read_text())
    target = targets["ScalableTargets"][0]
    target.update(MinCapacity=3, ScalableTargetARN=target["ScalableTargetARN"].replace("eu-west-1", "us-east-1"))
    (folder / "us-east-1" / "describe-scalable-targets.json").write_text(json.dumps(targets))
    monkeypatch.chdir(folder)

    services = _per_region(load(["."]))
    assert services["eu-west-1"].scalable_target.value.min_capacity.value == 2
    assert services["us-east-1"].scalable_target.value.min_capacity.value == 3
    # each region's own policy
    assert (
        services["us-east-1"]
        .scalable_target.value.policies.value[0]
        .address.startswith("arn:aws:autoscaling:us-east-1:")
    )


def test_an_iam_failure_makes_every_role_not_known(tmp_path, monkeypatch):
    folder = copy_fixture("audit-two-regions", tmp_path)
    shutil.rmtree(folder / "iam")
    manifest = json.loads((folder / "ecs-guard-audit.json").read_text())
    manifest["ecsGuardAudit"]["failures"] = [
        {
            "service": "iam",
            "operation": "GetAccountAuthorizationDetails",
            "region": "global",
            "error": "AccessDenied",
            "message": "not authorized",
        }
    ]
    (folder / "ecs-guard-audit.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(folder)

    inventory = load(["."])
    for td in inventory.task_definitions:
        assert not td.execution_role.known
        assert td.execution_role.reason == "iam:GetAccountAuthorizationDetails failed in global: AccessDenied"
        assert td.task_role.value is None  # no task role: nothing to look up


# ----------------------------------------------------------------- robustness


def test_a_malformed_record_is_reported_at_its_line_and_the_others_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    services = json.loads((SHOP / "describe-services-0001.json").read_text())
    services["services"][1]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] = "SOMETIMES"
    (tmp_path / "services.json").write_text(json.dumps(services, indent=4))
    inventory = load(["."])
    assert [s.name.value for s in inventory.services] == ["web", "canary"]
    (problem,) = inventory.problems
    assert (problem.path, problem.kind) == ("services.json", "unreadable")
    assert problem.line == line_of(tmp_path / "services.json", '"serviceArn"', 2) - 1
    assert problem.message == "assignPublicIp is 'SOMETIMES', not ENABLED or DISABLED"


@pytest.mark.parametrize(
    ("file", "records", "keys"),
    [
        ("describe-clusters.json", "clusters", ("clusterArn", "clusterName")),
        ("describe-services-0001.json", "services", ("serviceArn", "serviceName")),
    ],
)
def test_a_record_without_its_arn_or_name_is_reported_and_the_others_are_read(
    tmp_path, monkeypatch, file, records, keys
):
    """A record whose identifying keys are null names nothing to report on: it
    used to become a resource with no address, and the scan then stopped with
    an internal error when it reported."""
    monkeypatch.chdir(tmp_path)
    document = json.loads((SHOP / file).read_text())
    first = document[records][0]
    kept = len(document[records]) - 1
    for key in keys:
        first[key] = None
    (tmp_path / "records.json").write_text(json.dumps(document, indent=4))
    inventory = load(["."])
    assert len(getattr(inventory, records)) == kept
    assert all(isinstance(r.address, str) and r.address for r in getattr(inventory, records))
    (problem,) = inventory.problems
    assert (problem.path, problem.kind) == ("records.json", "unreadable")
    assert problem.message == f"the entry has no {keys[0]} or {keys[1]}"


def test_the_same_output_saved_twice_gives_each_resource_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SHOP / "describe-services-0001.json", tmp_path / "a.json")
    shutil.copy(SHOP / "describe-services-0001.json", tmp_path / "b.json")
    inventory = load(["."])
    assert [s.name.value for s in inventory.services] == ["web", "worker", "canary"]
    assert {s.location.path for s in inventory.services} == {"a.json"}


def test_documents_from_the_raw_api_and_boto3_dumps_are_read(tmp_path, monkeypatch):
    """boto3 responses dumped by a script keep ResponseMetadata; the raw API
    URL-encodes policy documents."""
    monkeypatch.chdir(tmp_path)
    document = (
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
        "%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"
    )
    (tmp_path / "role-policy.json").write_text(
        json.dumps(
            {
                "RoleName": "ops",
                "PolicyName": "everything",
                "PolicyDocument": document,
                "ResponseMetadata": {"RequestId": "1", "HTTPStatusCode": 200},
            }
        )
    )
    (tmp_path / "role.json").write_text(
        json.dumps(
            {
                "Role": {"RoleName": "ops", "Arn": iam("role/ops"), "CreateDate": "2026-01-01T00:00:00+00:00"},
                "ResponseMetadata": {"RequestId": "2", "HTTPStatusCode": 200},
            }
        )
    )
    inventory = load(["."])
    assert inventory.problems == []
    (role,) = inventory.roles
    statement = role.policies.value[0].statements.value[0]
    assert (statement.effect.value, statement.actions.value) == ("Allow", ("*",))
    assert statement.location.path == "role-policy.json"


def test_a_fault_in_linking_one_file_names_it_and_the_rest_is_read(tmp_path, monkeypatch):
    """A fault outside any one record (here: in deciding which cluster files
    carry configurations) is narrowed to the file that fails on its own; the
    other files are read again from their texts (reading lets the parsed
    documents go) and give the same resources as without the fault."""
    from ecs_guard.inputs.snapshot import estate

    for name in ("describe-clusters.json", "describe-services-0001.json", "describe-task-definition-web-12.json"):
        shutil.copy(SHOP / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    clean = load(["."])
    found = estate.configurations_included

    def failing(records, audit):
        if records:
            raise KeyError("a shape no check foresaw")
        return found(records, audit)

    monkeypatch.setattr(estate, "configurations_included", failing)
    faulty = load(["."])
    assert [(p.path, p.message) for p in faulty.problems] == [
        ("describe-clusters.json", "could not read this file (internal error KeyError in ecs-guard)")
    ]
    assert not faulty.clusters
    assert [s.address for s in faulty.services] == [s.address for s in clean.services]
    assert [t.address for t in faulty.task_definitions] == [t.address for t in clean.task_definitions]
    assert faulty.services[0].task_definition.value.address == clean.services[0].task_definition.value.address


def test_a_fault_only_files_together_cause_names_every_one_of_them(tmp_path, monkeypatch):
    from ecs_guard.inputs.snapshot import estate

    for name in ("describe-clusters.json", "describe-services-0001.json"):
        shutil.copy(SHOP / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    sources = estate.Sources

    def together_fail(commands, failures):
        if len(commands) > 1:
            raise KeyError("only together")
        return sources(commands, failures)

    monkeypatch.setattr(estate, "Sources", together_fail)
    inventory = load(["."])
    assert sorted(p.path for p in inventory.problems) == ["describe-clusters.json", "describe-services-0001.json"]
    assert not inventory.services and not inventory.clusters
