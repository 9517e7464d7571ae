"""Unit tests of the resilience and operations rules (EG401-EG410) and EG702,
on model objects from model_factory: each test changes the one fact it is
about on an otherwise compliant resource."""

from __future__ import annotations

import pytest
from model_factory import (
    absent,
    make_cluster,
    make_container,
    make_scalable_target,
    make_scheduled_action,
    make_service,
    make_subnet,
    make_target_group,
    make_task_definition,
    make_task_set,
    unknown,
    val,
)
from rule_verdicts import check, findings, not_evaluated, passes

from ecs_guard.engine import run
from ecs_guard.model import Inventory
from ecs_guard.results import Finding, NotEvaluated
from ecs_guard.rule import get_rule


def service_with_containers(*containers, **overrides):
    return make_service(task_definition=make_task_definition(containers=containers), **overrides)


# ----------------------------------------------------------------- EG401 missing-health-check


def test_eg401_passes_a_checking_target_group_and_container():
    assert passes("EG401", make_service())


def test_eg401_passes_a_target_group_that_does_not_write_health_checking():
    service = service_with_containers(
        make_container(health_check=False), target_groups=(make_target_group(health_check_enabled=absent()),)
    )
    assert passes("EG401", service)


def test_eg401_passes_an_essential_container_health_check_without_load_balancer():
    service = service_with_containers(make_container(health_check=True, essential=absent()), target_groups=())
    assert passes("EG401", service)


def test_eg401_flags_a_service_without_any_health_check_at_the_service():
    service = service_with_containers(make_container(health_check=False), target_groups=())
    [finding] = findings("EG401", service)
    assert finding.location == service.location
    assert "no health check" in finding.message


def test_eg401_ignores_the_health_check_of_a_non_essential_container():
    service = service_with_containers(
        make_container(name="app", health_check=False),
        make_container(name="sidecar", health_check=True, essential=False),
        target_groups=(),
    )
    assert len(findings("EG401", service)) == 1


def test_eg401_flags_a_disabled_target_group_even_when_a_container_checks_health():
    group = make_target_group(health_check_enabled=val(False, line=12, address="aws_lb_target_group.web"))
    [finding] = findings("EG401", make_service(target_groups=(group,)))
    assert (finding.location.line, finding.location.address) == (12, "aws_lb_target_group.web")
    assert "disabled" in finding.message


def test_eg401_a_disabled_target_group_of_an_unchecked_service_is_one_finding_at_the_target_group():
    group = make_target_group(health_check_enabled=val(False, line=12))
    service = service_with_containers(make_container(health_check=False), target_groups=(group,))
    [finding] = findings("EG401", service)
    assert finding.location.line == 12
    assert "health checking disabled" in finding.message and "tasks have no health check" in finding.message


def test_eg401_two_disabled_target_groups_are_one_finding_naming_both():
    first = make_target_group(health_check_enabled=val(False, line=12), arn="arn:aws:elasticloadbalancing:tg/web-a")
    second = make_target_group(health_check_enabled=val(False, line=30), arn="arn:aws:elasticloadbalancing:tg/web-b")
    service = service_with_containers(make_container(health_check=False), target_groups=(first, second))
    [finding] = findings("EG401", service)
    assert finding.location.line == 12
    assert "tg/web-a" in finding.message and "tg/web-b" in finding.message
    assert not_evaluated("EG401", service) == []


def test_eg401_a_disabled_target_group_beside_unknown_facts_is_still_one_finding():
    group = make_target_group(health_check_enabled=val(False, line=12))
    service = service_with_containers(make_container(health_check=unknown()), target_groups=(group,))
    assert [f.location.line for f in findings("EG401", service)] == [12]
    assert not_evaluated("EG401", service) == []


def test_eg401_a_second_checking_target_group_leaves_only_the_disabled_one_flagged():
    groups = (make_target_group(health_check_enabled=False), make_target_group(health_check_enabled=True))
    service = service_with_containers(make_container(health_check=False), target_groups=groups)
    assert len(findings("EG401", service)) == 1  # only the disabled group
    assert not_evaluated("EG401", service) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"target_groups": unknown()},
        {"target_groups": (make_target_group(health_check_enabled=unknown()),)},
    ],
)
def test_eg401_unknown_target_groups_are_not_evaluated_without_a_container_check(overrides):
    service = service_with_containers(make_container(health_check=False), **overrides)
    assert findings("EG401", service) == []
    assert len(not_evaluated("EG401", service)) == 1


@pytest.mark.parametrize("target_groups", [unknown(), (make_target_group(health_check_enabled=unknown()),)])
def test_eg401_unknown_target_groups_are_not_evaluated_even_when_a_container_checks_health(target_groups):
    # the tasks are checked, but an unseen target group may turn its checks off
    [result] = check("EG401", make_service(target_groups=target_groups))
    assert isinstance(result, NotEvaluated)


def test_eg401_one_unknown_target_group_is_not_evaluated_beside_a_checking_one():
    groups = (make_target_group(health_check_enabled=True), make_target_group(health_check_enabled=unknown()))
    [result] = check("EG401", service_with_containers(make_container(health_check=False), target_groups=groups))
    assert isinstance(result, NotEvaluated)


@pytest.mark.parametrize("task_definition", [unknown("task definition defined elsewhere"), absent()])
def test_eg401_unknown_or_missing_task_definition_is_not_evaluated_without_load_balancer(task_definition):
    service = make_service(task_definition=task_definition, target_groups=())
    [result] = check("EG401", service)
    assert isinstance(result, NotEvaluated)


def test_eg401_unknown_task_definition_does_not_matter_behind_a_checking_target_group():
    assert passes("EG401", make_service(task_definition=unknown()))


def test_eg401_a_certain_finding_is_not_followed_by_not_evaluated():
    service = make_service(task_definition=unknown(), target_groups=(make_target_group(health_check_enabled=False),))
    results = check("EG401", service)
    assert [type(r) for r in results] == [Finding]


@pytest.mark.parametrize(
    "container",
    [
        make_container(health_check=unknown()),
        make_container(health_check=True, essential=unknown()),
    ],
)
def test_eg401_unknown_container_facts_are_not_evaluated(container):
    service = service_with_containers(container, target_groups=())
    [result] = check("EG401", service)
    assert isinstance(result, NotEvaluated)
    assert result.container == "web"


def test_eg401_unknown_container_list_is_not_evaluated():
    service = make_service(task_definition=make_task_definition(containers=unknown()), target_groups=())
    assert len(not_evaluated("EG401", service)) == 1


def test_eg401_a_non_essential_container_with_unknown_health_check_does_not_block_the_verdict():
    service = service_with_containers(make_container(health_check=unknown(), essential=False), target_groups=())
    assert len(findings("EG401", service)) == 1


# ----------------------------------------------------------------- EG402 missing-logging


def test_eg402_passes_awslogs():
    assert passes("EG402", make_container())


def test_eg402_flags_a_container_without_log_configuration_at_the_container():
    container = make_container(log_driver=absent(line=4))
    [finding] = findings("EG402", container)
    assert finding.location.line == 4
    assert "no logConfiguration" in finding.message


@pytest.mark.parametrize("driver", ["none", "NONE"])
def test_eg402_flags_the_none_log_driver(driver):
    [finding] = findings("EG402", make_container(log_driver=val(driver, line=9)))
    assert finding.location.line == 9


def test_eg402_unknown_log_driver_is_not_evaluated():
    assert len(not_evaluated("EG402", make_container(log_driver=unknown()))) == 1


# ----------------------------------------------------------------- EG403 missing-autoscaling


def test_eg403_passes_a_scalable_target_with_a_policy():
    assert passes("EG403", make_service())


def test_eg403_passes_a_target_with_only_a_scheduled_action():
    target = make_scalable_target(policies=(), scheduled_actions=(make_scheduled_action(),))
    assert passes("EG403", make_service(scalable_target=target))


@pytest.mark.parametrize("strategy", ["REPLICA", None])
def test_eg403_flags_a_replica_service_without_scalable_target(strategy):
    service = make_service(scheduling_strategy=strategy, scalable_target=absent(line=3))
    [finding] = findings("EG403", service)
    assert finding.location.line == 3


def test_eg403_does_not_check_daemon_services():
    assert passes("EG403", make_service(scheduling_strategy="DAEMON", scalable_target=None))


@pytest.mark.parametrize("overrides", [{"scheduling_strategy": unknown()}, {"scalable_target": unknown()}])
def test_eg403_unknown_strategy_or_target_is_not_evaluated(overrides):
    [result] = check("EG403", make_service(**overrides))
    assert isinstance(result, NotEvaluated)


def test_eg403_flags_a_target_without_policy_or_schedule_at_the_target():
    target = make_scalable_target(policies=(), scheduled_actions=(), address="aws_appautoscaling_target.web")
    [finding] = findings("EG403", make_service(scalable_target=target))
    assert finding.location.address == "aws_appautoscaling_target.web"
    assert "no scaling policy" in finding.message


@pytest.mark.parametrize("low, high", [(2, 2), (3, 2)])
def test_eg403_flags_a_target_whose_maximum_is_not_above_its_minimum(low, high):
    target = make_scalable_target(min_capacity=low, max_capacity=val(high, line=8))
    [finding] = findings("EG403", make_service(scalable_target=target))
    assert finding.location.line == 8


def test_eg403_unknown_capacity_is_not_evaluated():
    target = make_scalable_target(max_capacity=unknown())
    [result] = check("EG403", make_service(scalable_target=target))
    assert isinstance(result, NotEvaluated)


def test_eg403_unknown_capacity_adds_nothing_to_a_target_without_policies():
    target = make_scalable_target(policies=(), max_capacity=unknown())
    assert [type(r) for r in check("EG403", make_service(scalable_target=target))] == [Finding]


# ----------------------------------------------------------------- EG404 single-az-placement


def test_eg404_passes_two_zones():
    assert passes("EG404", make_service())


def test_eg404_flags_a_single_subnet_even_when_its_zone_is_unknown():
    service = make_service(subnets=val((make_subnet("subnet-1", unknown()),), line=6))
    [finding] = findings("EG404", service)
    assert finding.location.line == 6
    assert "single subnet" in finding.message


def test_eg404_flags_the_same_subnet_listed_twice():
    service = make_service(subnets=(make_subnet("subnet-1", unknown()), make_subnet("subnet-1", unknown())))
    assert len(findings("EG404", service)) == 1


def test_eg404_flags_subnets_all_in_one_zone():
    service = make_service(subnets=(make_subnet("subnet-1", "eu-west-1a"), make_subnet("subnet-2", "eu-west-1a")))
    [finding] = findings("EG404", service)
    assert "eu-west-1a" in finding.message


def test_eg404_does_not_check_a_service_without_awsvpc_configuration():
    assert passes("EG404", make_service(subnets=None))


def test_eg404_unknown_subnet_list_is_not_evaluated():
    assert len(not_evaluated("EG404", make_service(subnets=unknown()))) == 1


@pytest.mark.parametrize("zone", [unknown("subnet not in the input"), absent()])
def test_eg404_an_unresolved_zone_is_not_evaluated_when_the_rest_share_a_zone(zone):
    service = make_service(subnets=(make_subnet("subnet-1", "eu-west-1a"), make_subnet("subnet-2", zone)))
    [result] = check("EG404", service)
    assert isinstance(result, NotEvaluated)
    assert result.reason


def test_eg404_an_unresolved_zone_does_not_matter_once_two_zones_are_known():
    subnets = (
        make_subnet("subnet-1", "eu-west-1a"),
        make_subnet("subnet-2", "eu-west-1b"),
        make_subnet("subnet-3", unknown()),
    )
    assert passes("EG404", make_service(subnets=subnets))


# ----------------------------------------------------------------- EG405 desired-count-zero


@pytest.mark.parametrize("strategy", ["REPLICA", None])
def test_eg405_flags_a_replica_service_with_zero_desired_count(strategy):
    [finding] = findings("EG405", make_service(scheduling_strategy=strategy, desired_count=val(0, line=5)))
    assert finding.location.line == 5


@pytest.mark.parametrize(
    "overrides",
    [
        {"desired_count": 1},
        {"desired_count": None},
        {"scheduling_strategy": "DAEMON", "desired_count": 0},
    ],
)
def test_eg405_passes(overrides):
    assert passes("EG405", make_service(**overrides))


@pytest.mark.parametrize("overrides", [{"desired_count": unknown()}, {"scheduling_strategy": unknown()}])
def test_eg405_unknown_values_are_not_evaluated(overrides):
    assert len(not_evaluated("EG405", make_service(**{"desired_count": 0, **overrides}))) == 1


# ----------------------------------------------------------------- EG406 single-task-service


@pytest.mark.parametrize(
    "overrides",
    [
        {"desired_count": 2, "scalable_target": None},
        {"desired_count": 1, "scalable_target": make_scalable_target(min_capacity=2)},
        {"desired_count": unknown(), "scalable_target": make_scalable_target(min_capacity=3)},
        {"desired_count": 1, "scheduling_strategy": "DAEMON", "scalable_target": None},
    ],
)
def test_eg406_passes(overrides):
    assert passes("EG406", make_service(**overrides))


@pytest.mark.parametrize("count", [1, None])
def test_eg406_flags_fewer_than_two_tasks_without_autoscaling_floor(count):
    service = make_service(desired_count=val(count, line=7), scalable_target=None)
    [finding] = findings("EG406", service)
    assert finding.location.line == 7


@pytest.mark.parametrize("scalable_target", [None, unknown("describe-scalable-targets not in the snapshot")])
def test_eg406_leaves_an_explicit_zero_desired_count_to_eg405(scalable_target):
    service = make_service(desired_count=val(0, line=7), scalable_target=scalable_target)
    assert check("EG406", service) == []
    assert [f.location.line for f in findings("EG405", service)] == [7]


def test_eg406_one_task_without_scalable_target_data_is_not_evaluated_with_the_reason():
    service = make_service(desired_count=1, scalable_target=unknown("describe-scalable-targets not in the snapshot"))
    [ne] = not_evaluated("EG406", service)
    assert "describe-scalable-targets" in ne.reason


def test_eg406_flags_an_autoscaling_minimum_below_two():
    service = make_service(desired_count=1, scalable_target=make_scalable_target(min_capacity=1))
    [finding] = findings("EG406", service)
    assert "minimum is 1" in finding.message


@pytest.mark.parametrize(
    "overrides",
    [
        {"desired_count": unknown(), "scalable_target": None},
        {"desired_count": 1, "scalable_target": unknown()},
        {"desired_count": 1, "scalable_target": make_scalable_target(min_capacity=unknown())},
        {"scheduling_strategy": unknown()},
    ],
)
def test_eg406_unknown_values_are_not_evaluated(overrides):
    [result] = check("EG406", make_service(**overrides))
    assert isinstance(result, NotEvaluated)


# ----------------------------------------------------------------- EG407 no-deployment-circuit-breaker


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"deployment_controller": "ECS"},
        {"deployment_controller": "CODE_DEPLOY", "circuit_breaker_enabled": None, "circuit_breaker_rollback": None},
        {"deployment_controller": "EXTERNAL", "circuit_breaker_enabled": False},
    ],
)
def test_eg407_passes(overrides):
    assert passes("EG407", make_service(**overrides))


def test_eg407_flags_a_service_without_circuit_breaker_at_the_service():
    service = make_service(circuit_breaker_enabled=absent(line=2), circuit_breaker_rollback=absent(line=2))
    [finding] = findings("EG407", service)
    assert finding.location.line == 2


def test_eg407_flags_a_circuit_breaker_without_rollback_at_rollback():
    service = make_service(circuit_breaker_enabled=val(True, line=10), circuit_breaker_rollback=val(False, line=11))
    [finding] = findings("EG407", service)
    assert finding.location.line == 11
    assert "roll back" in finding.message


@pytest.mark.parametrize(
    "overrides",
    [
        {"circuit_breaker_enabled": False, "circuit_breaker_rollback": unknown()},
        {"circuit_breaker_enabled": unknown(), "circuit_breaker_rollback": False},
    ],
)
def test_eg407_a_certain_finding_does_not_wait_for_the_other_flag(overrides):
    assert [type(r) for r in check("EG407", make_service(**overrides))] == [Finding]


@pytest.mark.parametrize(
    "overrides",
    [
        {"deployment_controller": unknown()},
        {"circuit_breaker_enabled": unknown()},
        {"circuit_breaker_rollback": unknown()},
    ],
)
def test_eg407_unknown_values_are_not_evaluated(overrides):
    [result] = check("EG407", make_service(**overrides))
    assert isinstance(result, NotEvaluated)


# ----------------------------------------------------------------- EG408 container-insights-disabled


@pytest.mark.parametrize("value", ["enabled", "enhanced", "ENHANCED"])
def test_eg408_passes_enabled_and_enhanced(value):
    assert passes("EG408", make_cluster(container_insights=value))


@pytest.mark.parametrize("value", ["disabled", None])
def test_eg408_flags_disabled_or_unset_insights(value):
    [finding] = findings("EG408", make_cluster(container_insights=val(value, line=6)))
    assert finding.location.line == 6


def test_eg408_unknown_setting_is_not_evaluated():
    assert len(not_evaluated("EG408", make_cluster(container_insights=unknown()))) == 1


# ----------------------------------------------------------------- EG409 outdated-fargate-platform


def windows_task_definition(**overrides):
    return make_task_definition(os_family="WINDOWS_SERVER_2019_CORE", cpu="1024", memory="2048", **overrides)


@pytest.mark.parametrize(
    "overrides",
    [
        {"platform_version": None},
        {"platform_version": "LATEST"},
        {"platform_version": "1.4.0"},
        {"platform_version": "1.0.0", "task_definition": windows_task_definition()},
        {"platform_version": "1.3.0", "launch_type": "EC2"},
        {"platform_version": "1.3.0", "launch_type": None, "capacity_providers": ("ec2-spot-asg",)},
        {"platform_version": "1.4.0", "task_definition": unknown()},
    ],
)
def test_eg409_passes(overrides):
    assert passes("EG409", make_service(**overrides))


@pytest.mark.parametrize("version", ["1.3.0", "1.0.0", "1.1.0"])
def test_eg409_flags_an_old_linux_version(version):
    [finding] = findings("EG409", make_service(platform_version=val(version, line=14)))
    assert finding.location.line == 14
    assert version in finding.message


@pytest.mark.parametrize("providers", [("FARGATE_SPOT",), ("FARGATE", "FARGATE_SPOT")])
def test_eg409_recognises_fargate_capacity_providers(providers):
    service = make_service(launch_type=None, capacity_providers=providers, platform_version="1.3.0")
    assert len(findings("EG409", service)) == 1


def test_eg409_needs_no_os_for_versions_that_exist_for_linux_only():
    assert len(findings("EG409", make_service(platform_version="1.3.0", task_definition=unknown()))) == 1


def test_eg409_checks_a_pinned_version_when_the_launch_type_comes_from_the_cluster_default():
    service = make_service(launch_type=None, capacity_providers=(), platform_version="1.2.0")
    assert len(findings("EG409", service)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"platform_version": unknown()},
        {"platform_version": "1.0.0", "task_definition": unknown()},
        {"platform_version": "1.0.0", "task_definition": make_task_definition(os_family=unknown())},
        {"platform_version": "2.x"},
    ],
)
def test_eg409_unknown_values_are_not_evaluated(overrides):
    [result] = check("EG409", make_service(**overrides))
    assert isinstance(result, NotEvaluated)


def test_eg409_judges_a_task_set_the_same_way():
    assert len(findings("EG409", make_task_set(platform_version="1.3.0"))) == 1
    assert passes("EG409", make_task_set(platform_version="1.4.0"))


# ----------------------------------------------------------------- EG410 invalid-fargate-size

VALID_FARGATE_SIZES = [
    ("256", "512"),
    ("256", "2048"),
    ("512", "1024"),
    ("512", "4096"),
    ("1024", "2048"),
    ("1024", "8192"),
    ("2048", "4096"),
    ("2048", "16384"),
    ("4096", "8192"),
    ("4096", "30720"),
    ("8192", "16384"),
    ("8192", "20480"),
    ("8192", "61440"),
    ("16384", "32768"),
    ("16384", "40960"),
    ("16384", "122880"),
    ("1 vCPU", "2 GB"),
    ("0.25 vcpu", "0.5GB"),
    ("4 vCPU", "30GB"),
    ("16 vCPU", "120 GB"),
]


@pytest.mark.parametrize("cpu, memory", VALID_FARGATE_SIZES)
def test_eg410_passes_every_fargate_size(cpu, memory):
    assert passes("EG410", make_task_definition(cpu=cpu, memory=memory))


@pytest.mark.parametrize(
    "cpu, memory",
    [
        ("256", "4096"),
        ("256", "1536"),
        ("512", "512"),
        ("1024", "9216"),
        ("2048", "3072"),
        ("4096", "31744"),
        ("8192", "18432"),
        ("8192", "65536"),
        ("16384", "36864"),
        ("16384", "131072"),
        ("2 vCPU", "1 GB"),
        ("2048", "4 vCPU"),
    ],
)
def test_eg410_flags_memory_that_does_not_go_with_the_cpu(cpu, memory):
    [finding] = findings("EG410", make_task_definition(cpu=cpu, memory=val(memory, line=9)))
    assert finding.location.line == 9


@pytest.mark.parametrize("cpu", ["300", "32768", "1.5 vCPU", "2 GB", "two"])
def test_eg410_flags_a_cpu_that_is_no_fargate_size(cpu):
    [finding] = findings("EG410", make_task_definition(cpu=val(cpu, line=8), memory="4096"))
    assert finding.location.line == 8


@pytest.mark.parametrize("missing", ["cpu", "memory"])
def test_eg410_flags_missing_task_size_at_the_task_definition(missing):
    td = make_task_definition(**{missing: absent(line=2)})
    [finding] = findings("EG410", td)
    assert finding.location.line == 2
    assert missing in finding.message


@pytest.mark.parametrize("compatibilities", [("EC2",), ()])
def test_eg410_does_not_check_task_definitions_that_do_not_require_fargate(compatibilities):
    assert passes("EG410", make_task_definition(requires_compatibilities=compatibilities, cpu="300", memory=None))


def test_eg410_checks_a_task_definition_that_also_allows_ec2():
    td = make_task_definition(requires_compatibilities=("EC2", "FARGATE"), cpu="256", memory="4096")
    assert len(findings("EG410", td)) == 1


@pytest.mark.parametrize("cpu", ["256", "512", "8192"])
def test_eg410_flags_a_linux_only_size_for_windows(cpu):
    memory = {"256": "512", "512": "1024", "8192": "16384"}[cpu]
    td = make_task_definition(os_family="WINDOWS_SERVER_2022_CORE", cpu=cpu, memory=memory)
    assert len(findings("EG410", td)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"requires_compatibilities": unknown()},
        {"cpu": unknown()},
        {"memory": unknown()},
        {"cpu": "256", "memory": "512", "os_family": unknown()},
    ],
)
def test_eg410_unknown_values_are_not_evaluated(overrides):
    [result] = check("EG410", make_task_definition(**overrides))
    assert isinstance(result, NotEvaluated)


def test_eg410_os_family_does_not_matter_for_sizes_windows_has_too():
    assert passes("EG410", make_task_definition(cpu="1024", memory="2048", os_family=unknown()))


# ----------------------------------------------------------------- EG702 exec-logging-disabled


@pytest.mark.parametrize("logging", ["DEFAULT", "OVERRIDE", None])
def test_eg702_passes_a_cluster_that_does_not_turn_exec_logging_off(logging):
    assert passes("EG702", make_cluster(exec_logging=logging))


def test_eg702_flags_a_cluster_with_exec_logging_none():
    [finding] = findings("EG702", make_cluster(exec_logging=val("NONE", line=11)))
    assert finding.location.line == 11


def test_eg702_unknown_cluster_exec_logging_is_not_evaluated():
    assert len(not_evaluated("EG702", make_cluster(exec_logging=unknown()))) == 1


def test_eg702_runs_on_clusters_and_services_in_the_engine():
    cluster = make_cluster(exec_logging="NONE")
    service = make_service(enable_execute_command=True, cluster=cluster)
    report = run(Inventory(clusters=[cluster], services=[service]), [get_rule("EG702")])
    assert sorted(f.resource for f in report.findings) == sorted([cluster.address, service.address])


def test_eg409_runs_on_services_and_task_sets_in_the_engine():
    service, task_set = make_service(platform_version="1.3.0"), make_task_set(platform_version="1.2.0")
    report = run(Inventory(services=[service], task_sets=[task_set]), [get_rule("EG409")])
    assert sorted(f.resource for f in report.findings) == sorted([service.address, task_set.address])


@pytest.mark.parametrize("logging", [None, "NONE"])
def test_eg702_flags_a_service_with_exec_in_a_cluster_without_exec_logging(logging):
    service = make_service(enable_execute_command=val(True, line=13), cluster=make_cluster(exec_logging=logging))
    [finding] = findings("EG702", service)
    assert finding.location.line == 13


@pytest.mark.parametrize(
    "overrides",
    [
        {"enable_execute_command": True, "cluster": make_cluster(exec_logging="OVERRIDE")},
        {"enable_execute_command": False, "cluster": make_cluster(exec_logging="NONE")},
        {"enable_execute_command": None, "cluster": make_cluster(exec_logging=None)},
    ],
)
def test_eg702_passes_services(overrides):
    assert passes("EG702", make_service(**overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        {"enable_execute_command": unknown()},
        {"enable_execute_command": True, "cluster": unknown()},
        {"enable_execute_command": True, "cluster": None},
        {"enable_execute_command": True, "cluster": make_cluster(exec_logging=unknown())},
    ],
)
def test_eg702_services_with_unknown_facts_are_not_evaluated(overrides):
    [result] = check("EG702", make_service(**overrides))
    assert isinstance(result, NotEvaluated)


def test_eg403_policies_not_captured_are_not_evaluated_unless_a_scheduled_action_scales():
    not_captured = unknown("application-autoscaling describe-scaling-policies not in the snapshot")
    target = make_scalable_target(policies=not_captured, scheduled_actions=())
    [result] = check("EG403", make_service(scalable_target=target))
    assert isinstance(result, NotEvaluated) and "describe-scaling-policies" in result.reason
    scheduled = make_scalable_target(policies=not_captured, scheduled_actions=(make_scheduled_action(),))
    assert passes("EG403", make_service(scalable_target=scheduled))
    assert findings("EG403", make_service(scalable_target=make_scalable_target(policies=(), scheduled_actions=())))
