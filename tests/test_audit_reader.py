"""The live audit's reading and writing, against a moto server over HTTP.

The audit runs as an IAM user whose only permissions are docs/iam-policy.json,
with moto enforcing IAM, so a call outside the policy would fail here as it
would in AWS. These tests check what is read and written (files, shapes,
call counts, failures); tests/test_audit_e2e.py checks what the scan makes of it.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from datetime import datetime
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from audit_account import (
    ACCOUNT,
    AUDIT_POLICY,
    PRIMARY,
    REGIONS,
    SECONDARY,
    audit_policy,
    clients,
    create_auditor,
    read_with,
)

REGION_FILES = (
    "describe-clusters.json",
    "describe-target-groups.json",
    "describe-subnets.json",
    "describe-scalable-targets.json",
    "describe-scaling-policies.json",
    "describe-scheduled-actions.json",
)
TOP_LEVEL_KEYS = {  # what the AWS CLI prints for each file
    "describe-clusters": {"clusters", "failures"},
    "describe-services": {"services", "failures"},
    "describe-task-sets": {"taskSets", "failures"},
    "describe-task-definition": {"taskDefinition", "tags"},
    "describe-target-groups": {"TargetGroups"},
    "describe-subnets": {"Subnets"},
    "describe-scalable-targets": {"ScalableTargets"},
    "describe-scaling-policies": {"ScalingPolicies"},
    "describe-scheduled-actions": {"ScheduledActions"},
    "get-account-authorization-details": {
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
        "IsTruncated",
    },
    "ecs-guard-audit": {"ecsGuardAudit"},
}
# Denied to the restricted auditor: one regional call the autoscaling rules need,
# one the health-check rule needs, and one IAM call (IAM data is then not known).
DENIED = (
    "application-autoscaling:DescribeScalableTargets",
    "elasticloadbalancing:DescribeTargetGroups",
    "iam:GetPolicyVersion",
)


@pytest.fixture(scope="module")
def audit(moto, account, auditor, tmp_path_factory):
    """One audit of the realistic account, both regions."""
    folder = tmp_path_factory.mktemp("audit")
    read, files, actions = read_with(moto, auditor, folder)
    return read, files, actions, folder / "snapshot"


def load(root: Path, name: str):
    return json.loads((root / name).read_text())


def calls(read, region: str | None = None) -> Counter:
    """The manifest's call counts by IAM action, in one region or all."""
    total: Counter = Counter()
    for c in read.log.calls():
        if region is None or c["region"] == region:
            total[f"{c['service']}:{c['operation']}"] += c["count"]
    return total


def policy_actions() -> list[str]:
    policy = json.loads(AUDIT_POLICY.read_text())
    return [
        a
        for s in policy["Statement"]
        if s["Effect"] == "Allow"
        for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    ]


def in_region(arns, region: str) -> set[str]:
    return {a for a in arns if f":{region}:" in a}


# ----------------------------------------------------------------- layout and shapes


def test_writes_the_layout_of_the_brief(audit, account):
    _read, files, _, _ = audit
    expected = {"ecs-guard-audit.json", "iam/get-account-authorization-details.json"}
    expected |= {f"{region}/{name}" for region in REGIONS for name in REGION_FILES}
    expected |= {f"{PRIMARY}/describe-services-{n:04d}.json" for n in (1, 2, 3)}  # prod: 16 services, legacy: 1
    expected |= {f"{SECONDARY}/describe-services-0001.json", f"{PRIMARY}/describe-task-sets-prod-svc-external.json"}
    for arn in account.task_definitions_to_read():
        region, tail = arn.split(":")[3], arn.rsplit("/", 1)[1]
        expected.add(f"{region}/describe-task-definition-{tail.replace(':', '-')}.json")
    assert set(files) == expected


def test_every_file_is_what_the_aws_cli_prints(audit):
    _, files, _, root = audit
    for name in files:
        text = (root / name).read_text()
        data = json.loads(text)
        kind = max((k for k in TOP_LEVEL_KEYS if Path(name).stem.startswith(k)), key=len)
        assert set(data) and set(data) <= TOP_LEVEL_KEYS[kind], name  # moto leaves out empty "failures"
        assert "ResponseMetadata" not in text, name


def test_timestamps_are_iso_strings(audit):
    _, _, _, root = audit
    service = load(root, f"{PRIMARY}/describe-services-0001.json")["services"][0]
    task_set = load(root, f"{PRIMARY}/describe-task-sets-prod-svc-external.json")["taskSets"][0]
    role = load(root, "iam/get-account-authorization-details.json")["RoleDetailList"][0]
    for value in (service["deployments"][0]["createdAt"], task_set["createdAt"], role["CreateDate"]):
        assert isinstance(value, str)
        assert datetime.fromisoformat(value).tzinfo is not None


def test_manifest(audit):
    read, _, _, root = audit
    manifest = load(root, "ecs-guard-audit.json")["ecsGuardAudit"]
    assert manifest["version"] == 1
    assert manifest["account"] == ACCOUNT
    assert manifest["regions"] == list(REGIONS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["startedAt"])
    assert manifest["failures"] == []
    assert manifest["calls"] == read.log.calls()
    assert all(set(c) == {"service", "operation", "region", "count"} and c["count"] > 0 for c in manifest["calls"])


# ----------------------------------------------------------------- what is read


def test_services_are_described_ten_at_a_time_and_each_once(audit, account):
    _, files, _, root = audit
    seen = []
    for name in files:
        if "describe-services-" in name:
            services = load(root, name)["services"]
            assert 1 <= len(services) <= 10
            seen += [s["serviceArn"] for s in services]
    assert sorted(seen) == sorted(account.services.values())


def test_task_sets_of_external_services_are_read(audit, account):
    _, _, _, root = audit
    task_sets = load(root, f"{PRIMARY}/describe-task-sets-prod-svc-external.json")["taskSets"]
    assert {t["taskSetArn"] for t in task_sets} == set(account.task_sets.values())


def test_task_definitions_in_use_and_the_latest_active_are_read_and_no_history(audit, account):
    read, _, _, _ = audit
    described = {a["taskDefinition"]["taskDefinitionArn"] for r in read.region_reads for a in r.task_definitions}
    assert described == account.task_definitions_to_read()
    assert not described & account.unread_revisions  # the historical revision of "web"
    assert described >= account.deregistered  # INACTIVE, but a service runs it
    assert all("tags" in a for r in read.region_reads for a in r.task_definitions)  # include=["TAGS"]


def test_only_the_target_groups_and_subnets_services_use_are_kept(audit, account):
    _read, _, _, root = audit
    groups = {g["TargetGroupName"] for g in load(root, f"{PRIMARY}/describe-target-groups.json")["TargetGroups"]}
    assert groups == {f"web-{PRIMARY}", f"nocheck-{PRIMARY}"}
    assert {g["HealthCheckEnabled"] for g in load(root, f"{PRIMARY}/describe-target-groups.json")["TargetGroups"]} == {
        True,
        False,
    }
    subnets = load(root, f"{SECONDARY}/describe-subnets.json")["Subnets"]
    assert {s["AvailabilityZone"] for s in subnets} == {"ap-northeast-2a", "ap-northeast-2c"}
    assert len(subnets) == 2  # the region has a third subnet that no service uses
    assert len(load(root, f"{PRIMARY}/describe-subnets.json")["Subnets"]) == 3


def test_autoscaling_of_the_services_is_read(audit, account):
    _, _, _, root = audit
    targets = load(root, f"{PRIMARY}/describe-scalable-targets.json")["ScalableTargets"]
    without_scaling = {"svc-no-scaling"}
    names = {s for s in account.services if account.services[s].split(":")[3] == PRIMARY} - without_scaling
    clusters = {name: account.services[name].split("/")[-2] for name in names}
    assert {t["ResourceId"] for t in targets} == {f"service/{clusters[n]}/{n}" for n in names}
    actions = load(root, f"{PRIMARY}/describe-scheduled-actions.json")["ScheduledActions"]
    assert [a["ResourceId"] for a in actions] == ["service/prod/svc-scheduled-scaling"]
    policies = load(root, f"{PRIMARY}/describe-scaling-policies.json")["ScalingPolicies"]
    assert "service/prod/svc-scaling-without-policy" not in {p["ResourceId"] for p in policies}
    assert "service/prod/svc-good" in {p["ResourceId"] for p in policies}


def test_iam_has_the_referenced_roles_and_each_policy_once(audit, account):
    _, _, _, root = audit
    details = load(root, "iam/get-account-authorization-details.json")
    roles = {r["RoleName"]: r for r in details["RoleDetailList"]}
    assert set(roles) == account.roles  # "unused-role" is named by no task definition
    assert roles["wild-task"]["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == ["s3:*"]
    assert {p["PolicyArn"] for p in roles["app-exec"]["AttachedManagedPolicies"]} == {
        p for p in account.managed_policies if "Administrator" not in p
    }
    policies = {p["Arn"]: p for p in details["Policies"]}
    assert set(policies) == account.managed_policies
    for policy in policies.values():
        [version] = policy["PolicyVersionList"]
        assert version["IsDefaultVersion"] is True and version["VersionId"] == policy["DefaultVersionId"]
        assert isinstance(version["Document"]["Statement"], list)
    admin = policies["arn:aws:iam::aws:policy/AdministratorAccess"]["PolicyVersionList"][0]["Document"]
    assert admin["Statement"][0]["Action"] == "*"


# ----------------------------------------------------------------- calls


def test_call_counts_grow_with_services_families_and_roles(audit, account):
    read, _, _, _ = audit
    families = {
        region: {a.rsplit("/", 1)[1].split(":")[0] for a in in_region(account.task_definitions, region)}
        for region in REGIONS
    }
    to_read = account.task_definitions_to_read()
    assert calls(read, PRIMARY) == Counter(
        {
            "ecs:ListClusters": 1,
            "ecs:DescribeClusters": 1,
            "ecs:ListServices": 3,
            "ecs:DescribeServices": 3,
            "ecs:DescribeTaskSets": 1,
            "ecs:ListTaskDefinitionFamilies": 1,
            "ecs:ListTaskDefinitions": len(families[PRIMARY]),
            "ecs:DescribeTaskDefinition": len(in_region(to_read, PRIMARY)),
            "elasticloadbalancing:DescribeTargetGroups": 1,
            "ec2:DescribeSubnets": 1,
            "application-autoscaling:DescribeScalableTargets": 1,
            "application-autoscaling:DescribeScalingPolicies": 1,
            "application-autoscaling:DescribeScheduledActions": 1,
        }
    )
    assert calls(read, SECONDARY)["ecs:DescribeTaskDefinition"] == len(in_region(to_read, SECONDARY))
    assert "ecs:DescribeTaskSets" not in calls(read, SECONDARY)
    assert calls(read, "global") == Counter(
        {
            "iam:GetRole": 4,
            "iam:ListRolePolicies": 4,
            "iam:GetRolePolicy": 2,
            "iam:ListAttachedRolePolicies": 4,
            "iam:GetPolicy": 3,
            "iam:GetPolicyVersion": 3,
        }
    )


def test_every_call_is_in_the_published_policy_and_the_manifest_counts_them_all(audit):
    read, _, server_saw, _ = audit
    assert server_saw, "the recorder saw no request"
    allowed = policy_actions()
    outside = sorted({a for a in server_saw if not any(fnmatchcase(a, p) for p in allowed)})
    assert outside == []
    assert Counter(server_saw) == calls(read)
    assert read.log.failures == []


def test_the_policy_is_read_only_and_names_its_actions():
    services = {"ecs", "ec2", "elasticloadbalancing", "application-autoscaling", "iam", "sts"}
    for action in policy_actions():
        service, operation = action.split(":")
        assert service in services
        assert re.fullmatch(r"(Describe|List|Get)[A-Za-z]*\*?", operation), action
    policy = json.loads(AUDIT_POLICY.read_text())
    assert all(s["Effect"] == "Allow" and s["Resource"] == "*" and "NotAction" not in s for s in policy["Statement"])


def test_task_definition_revisions_do_not_add_calls(moto, tmp_path):
    """Ten more revisions of a family cost nothing once the service runs the newest."""
    account = "222222222222"
    make = clients(moto.url, PRIMARY, account)
    ecs = make("ecs")
    ecs.create_cluster(clusterName="main")
    first = ecs.register_task_definition(
        family="api", containerDefinitions=[{"name": "api", "image": "api:1", "memory": 256}]
    )
    ecs.create_service(
        cluster="main", serviceName="api", desiredCount=2, taskDefinition=first["taskDefinition"]["taskDefinitionArn"]
    )
    credentials = create_auditor(moto.url, "auditor", audit_policy(), account)
    before, _, _ = read_with(moto, credentials, tmp_path / "before", regions=[PRIMARY])
    for n in range(2, 12):
        newest = ecs.register_task_definition(
            family="api", containerDefinitions=[{"name": "api", "image": f"api:{n}", "memory": 256}]
        )["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="main", service="api", taskDefinition=newest)
    after, files, _ = read_with(moto, credentials, tmp_path / "after", regions=[PRIMARY])
    assert calls(after) == calls(before)
    assert [f for f in files if "task-definition" in f] == [f"{PRIMARY}/describe-task-definition-api-11.json"]


# ----------------------------------------------------------------- denied calls, empty account, regions, filters


@pytest.fixture(scope="module")
def denied(moto, account, tmp_path_factory):
    credentials = create_auditor(moto.url, "restricted-auditor", audit_policy(without=DENIED))
    folder = tmp_path_factory.mktemp("denied")
    read, files, _ = read_with(moto, credentials, folder)
    return read, files, folder / "snapshot"


def test_denied_calls_are_recorded_with_call_and_region(denied):
    read, _, root = denied
    failures = {(f.service, f.operation, f.region) for f in read.log.failures}
    assert failures == {("application-autoscaling", "DescribeScalableTargets", region) for region in REGIONS} | {
        ("elasticloadbalancing", "DescribeTargetGroups", region) for region in REGIONS
    } | {("iam", "GetPolicyVersion", "global")}
    assert {f.error for f in read.log.failures} <= {"AccessDenied", "AccessDeniedException"}
    assert all("not authorized" in f.message for f in read.log.failures)
    manifest = load(root, "ecs-guard-audit.json")["ecsGuardAudit"]
    assert {(f["service"], f["operation"], f["region"], f["error"]) for f in manifest["failures"]} == {
        (f.service, f.operation, f.region, f.error) for f in read.log.failures
    }


def test_denied_data_is_left_out_and_the_rest_is_read(denied, audit):
    _, files, _ = denied
    _, all_files, _, _ = audit
    missing = {
        f"{region}/{name}"
        for region in REGIONS
        for name in ("describe-scalable-targets.json", "describe-target-groups.json")
    }
    missing.add("iam/get-account-authorization-details.json")
    assert set(all_files) - set(files) == missing
    assert set(files) <= set(all_files)


def test_an_empty_account(moto, empty_auditor, tmp_path):
    read, files, _ = read_with(moto, empty_auditor, tmp_path)
    assert set(files) == {"ecs-guard-audit.json", "iam/get-account-authorization-details.json"} | {
        f"{region}/{name}" for region in REGIONS for name in REGION_FILES
    }
    root = tmp_path / "snapshot"
    for name in files:
        data = load(root, name)
        if name != "ecs-guard-audit.json":
            assert all(v in ([], False) for v in data.values()), name
    for region in REGIONS:
        assert calls(read, region) == Counter({"ecs:ListClusters": 1, "ecs:ListTaskDefinitionFamilies": 1})
    assert read.account == "111111111111" and read.log.failures == []


def test_every_enabled_region_is_read_when_none_is_named(moto, empty_auditor, tmp_path):
    enabled = sorted(r["RegionName"] for r in clients(moto.url, PRIMARY)("ec2").describe_regions()["Regions"])
    read, _, _ = read_with(moto, empty_auditor, tmp_path, regions=None)
    assert read.regions == enabled and len(enabled) > 2
    assert {c["region"] for c in read.log.calls() if c["operation"] == "ListClusters"} == set(enabled)


def test_cluster_filter_reads_that_cluster_and_the_families_it_uses(moto, account, auditor, tmp_path):
    read, files, _ = read_with(moto, auditor, tmp_path, clusters=["prod", "no-such-cluster"])
    services = {s["serviceName"] for r in read.region_reads for s in r.services}
    assert services == {n for n, arn in account.services.items() if "/prod/" in arn}
    assert read.unmatched_clusters == ["no-such-cluster"]
    assert "ecs:ListTaskDefinitionFamilies" not in calls(read)
    described = sorted(f.rsplit("describe-task-definition-", 1)[1] for f in files if "task-definition" in f)
    assert described == [
        "no-health-check-1.json",
        "retired-1.json",
        "retired-2.json",
        "rolling-1.json",
        "rolling-2.json",
        "web-2.json",
    ]


class RegionsMustMeet:
    """A progress display at which every region, on its first update, waits
    for all the others: read one after the other, the first would wait alone
    until the barrier breaks."""

    def __init__(self, regions) -> None:
        self.regions = set(regions)
        self.barrier = threading.Barrier(len(self.regions), timeout=20)
        self.arrived: set[str] = set()
        self.lock = threading.Lock()

    def update(self, key: str, text: str) -> None:
        with self.lock:
            first = key in self.regions and key not in self.arrived
            self.arrived.add(key)
        if first:
            self.barrier.wait()

    def done(self, key: str, text: str) -> None:
        pass


def test_regions_are_read_concurrently(moto, empty_auditor, tmp_path):
    meeting = RegionsMustMeet(REGIONS)
    read, _, _ = read_with(moto, empty_auditor, tmp_path, progress=meeting)
    assert meeting.arrived >= set(REGIONS) and not meeting.barrier.broken
    assert read.log.failures == []


def test_clients_retry_adaptively_on_throttling(monkeypatch):
    from ecs_guard.audit.calls import CallLog
    from ecs_guard.audit.session import Aws

    monkeypatch.delenv("AWS_PROFILE", raising=False)
    retries = Aws(None, CallLog()).client("ecs", PRIMARY).meta.config.retries
    assert retries["mode"] == "adaptive" and retries["total_max_attempts"] >= 5
