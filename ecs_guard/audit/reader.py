"""Reads one AWS account, read-only, into the shapes the AWS CLI prints.

Per region (regions are read concurrently):
  clusters (with settings and configuration), their services (10 per
  DescribeServices call), the task sets of EXTERNAL / CODE_DEPLOY services,
  the task definition revisions that services and task sets use plus the
  latest ACTIVE revision of each family (never the historical revisions),
  the target groups and subnets those services use, and the ECS scalable
  targets, scaling policies and scheduled actions.
Then, once for the account: the IAM roles the task definitions name, with
their inline policies and the attached managed policies' default versions,
each policy fetched once however many roles attach it.

So the number of calls grows with services, families and roles, not with
the account's history. A call that is denied or fails is recorded in the
CallLog (which call, which region) and its data is left out; reading goes
on. What a record holds is exactly an AWS answer minus ResponseMetadata, so
the writer only has to lay the files out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from ecs_guard.audit.calls import GLOBAL, CallLog
from ecs_guard.audit.limits import Limits, run_parallel
from ecs_guard.audit.progress import Progress
from ecs_guard.audit.session import Aws

DESCRIBE_CLUSTERS_BATCH = 100  # the API's limit
DESCRIBE_SERVICES_BATCH = 10  # the API's limit
ECS_PAGE = {"PageSize": 100}  # ECS List* calls return 10 (services) or 100 per page unless asked: ask for 100
SUBNET_FILTER_BATCH = 200  # values per EC2 filter
SCALABLE_TARGET_BATCH = 50  # resource ids per DescribeScalableTargets call (the API's limit)
REGION_WORKERS = 8
CALL_WORKERS = 4  # concurrent describes within a region, and for IAM
TASK_SET_CONTROLLERS = ("EXTERNAL", "CODE_DEPLOY")  # the only services that have task sets
ABSENT = object()  # a call answered "no such resource" (not a failure)

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RegionRead:
    """What one region answered. None: the call failed, the data is not known;
    an empty answer: read, and there was nothing."""

    region: str
    clusters: dict | None = None  # describe-clusters
    service_pages: list[dict] = field(default_factory=list)  # describe-services, one per call
    # (cluster name, service name) -> describe-task-sets
    task_sets: dict[tuple[str, str], dict] = field(default_factory=dict)
    task_definitions: list[dict] = field(default_factory=list)  # describe-task-definition, one per revision
    target_groups: dict | None = None  # describe-target-groups
    subnets: dict | None = None  # describe-subnets
    scalable_targets: dict | None = None  # application-autoscaling describe-scalable-targets
    scaling_policies: dict | None = None  # ... describe-scaling-policies
    scheduled_actions: dict | None = None  # ... describe-scheduled-actions

    @property
    def services(self) -> list[dict]:
        return [s for page in self.service_pages for s in page.get("services", [])]

    @property
    def all_task_sets(self) -> list[dict]:
        return [t for answer in self.task_sets.values() for t in answer.get("taskSets", [])]


@dataclass
class IamRead:
    """The referenced roles in `iam get-account-authorization-details` shape,
    or None when an IAM call failed (IAM data is then not known at all)."""

    authorization_details: dict | None
    missing_roles: list[str] = field(default_factory=list)  # named by a task definition, not in the account
    foreign_roles: list[str] = field(default_factory=list)  # in another account: not read


@dataclass
class AccountRead:
    account: str
    regions: list[str]
    started_at: datetime
    region_reads: list[RegionRead]
    iam: IamRead
    log: CallLog
    unmatched_clusters: list[str] = field(default_factory=list)  # --cluster values that matched nothing
    retries_refused: int = 0  # failed calls not retried: the retry budget was spent


def read_account(
    aws: Aws, regions: list[str], clusters: list[str] | None = None, progress: Progress | None = None
) -> AccountRead:
    """Read every region, then IAM. `clusters` (names or ARNs) limits the
    audit to those clusters and the task definition families they use."""
    progress = progress or Progress()
    started = datetime.now(timezone.utc)
    account = aws.account_id()
    reads = run_parallel(
        lambda region: RegionReader(aws, region, clusters, progress).read(), regions, REGION_WORKERS, aws.limits
    )
    role_refs = [
        ref
        for read in reads
        for answer in read.task_definitions
        for ref in _role_refs(answer.get("taskDefinition", {}))
    ]
    iam = IamReader(aws, account, progress).read(role_refs)
    found = {
        c.get(key)
        for read in reads
        for c in (read.clusters or {}).get("clusters", [])
        for key in ("clusterArn", "clusterName")
    }
    unmatched = [c for c in (clusters or []) if c not in found]
    return AccountRead(account, list(regions), started, reads, iam, aws.log, unmatched, aws.limits.refused)


class Calls:
    """Makes the calls of one region label; a failure is recorded in the
    CallLog and answered with None, so callers read on."""

    def __init__(self, aws: Aws, region: str, label: str | None = None) -> None:
        self.aws, self.region, self.label = aws, region, label or region
        self._clients: dict[str, object] = {}
        self._lock = threading.Lock()  # calls of one label run in a few threads

    def client(self, service: str):
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self.aws.client(service, self.region, self.label)
            return self._clients[service]

    def call(
        self, service: str, method: str, /, absent: tuple[str, ...] = (), about: tuple[str, ...] = (), **params
    ) -> dict | None:
        """One call's answer without ResponseMetadata; ABSENT when the error
        code is one of `absent` (the resource does not exist). `about`: the
        resources (ARNs) whose data the call brings, kept with a failure."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client(service)
        try:
            answer = getattr(client, method)(**params)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in absent:
                return ABSENT  # type: ignore[return-value]  # a sentinel: only callers passing absent= get it, and test it first
            self._failed(client, method, error, about)
            return None
        except BotoCoreError as error:
            self._failed(client, method, error, about)
            return None
        answer.pop("ResponseMetadata", None)
        return answer

    def pages(self, service: str, method: str, key: str, /, about: tuple[str, ...] = (), **params) -> list | None:
        """Every item under `key` across all pages; None if any page failed."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client(service)
        items: list = []
        try:
            for page in client.get_paginator(method).paginate(**params):
                items.extend(page.get(key, []))
        except (BotoCoreError, ClientError) as error:
            self._failed(client, method, error, about)
            return None
        return items

    def batched_pages(
        self, service: str, method: str, key: str, values: list[str], size: int, params: Callable[[list[str]], dict]
    ) -> list | None:
        """pages() for `values` in batches of `size` (an API's limit on ids or
        filter values per call); None if any call failed."""
        items: list = []
        for batch in _batches(values, size):
            page = self.pages(service, method, key, **params(batch))
            if page is None:
                return None
            items += page
        return items

    def _failed(self, client, method: str, error: Exception, about: tuple[str, ...] = ()) -> None:
        self.aws.log.failed(client, self.label, client.meta.method_to_api_mapping[method], error, about)


class RegionReader:
    """Reads the ECS estate of one region."""

    def __init__(self, aws: Aws, region: str, clusters: list[str] | None, progress: Progress) -> None:
        self.calls = Calls(aws, region)
        self.region = region
        self.cluster_filter = set(clusters or ())
        self.progress = progress
        self.result = RegionRead(region)

    def read(self) -> RegionRead:
        self.progress.update(self.region, "clusters")
        cluster_arns = self._cluster_arns()
        if cluster_arns is None:  # failed: no services either, but task definitions can still be read
            cluster_arns = []
        else:
            self._read_clusters(cluster_arns)
        for n, arn in enumerate(cluster_arns, 1):
            self.progress.update(self.region, f"services of cluster {n}/{len(cluster_arns)}")
            self._read_services(arn)
        self._read_task_sets()
        self._read_task_definitions()
        if self.result.services:
            self.progress.update(self.region, "target groups, subnets, autoscaling")
            self._read_target_groups()
            self._read_subnets()
            self._read_autoscaling()
        else:  # nothing can refer to them: known to be none, without asking
            self.result.target_groups = {"TargetGroups": []}
            self.result.subnets = {"Subnets": []}
            self.result.scalable_targets = {"ScalableTargets": []}
            self.result.scaling_policies = {"ScalingPolicies": []}
            self.result.scheduled_actions = {"ScheduledActions": []}
        self.progress.done(
            self.region, f"{len(self.result.services)} services, {len(self.result.task_definitions)} task definitions"
        )
        return self.result

    # ------------------------------------------------------------- ECS

    def _cluster_arns(self) -> list[str] | None:
        arns = self.calls.pages("ecs", "list_clusters", "clusterArns", PaginationConfig=ECS_PAGE)
        if arns is None or not self.cluster_filter:
            return arns
        return [a for a in arns if a in self.cluster_filter or _last(a) in self.cluster_filter]

    def _read_clusters(self, arns: list[str]) -> None:
        clusters: list[dict] = []
        failures: list[dict] = []
        for batch in _batches(arns, DESCRIBE_CLUSTERS_BATCH):
            answer = self.calls.call(
                "ecs",
                "describe_clusters",
                about=tuple(batch),
                clusters=batch,
                include=["SETTINGS", "CONFIGURATIONS", "TAGS"],
            )
            if answer is None:
                return  # clusters not known: no file
            clusters += answer.get("clusters", [])
            failures += answer.get("failures", [])
        self.result.clusters = {"clusters": clusters, "failures": failures}

    def _read_services(self, cluster_arn: str) -> None:
        arns = self.calls.pages(
            "ecs", "list_services", "serviceArns", about=(cluster_arn,), cluster=cluster_arn, PaginationConfig=ECS_PAGE
        )
        for batch in _batches(arns or [], DESCRIBE_SERVICES_BATCH):
            answer = self.calls.call(
                "ecs", "describe_services", about=tuple(batch), cluster=cluster_arn, services=batch, include=["TAGS"]
            )
            if answer is not None:
                self.result.service_pages.append(answer)

    def _read_task_sets(self) -> None:
        for service in self.result.services:
            if (service.get("deploymentController") or {}).get("type") not in TASK_SET_CONTROLLERS:
                continue
            answer = self.calls.call(
                "ecs",
                "describe_task_sets",
                about=(service["serviceArn"],),
                cluster=service["clusterArn"],
                service=service["serviceArn"],
                include=["TAGS"],
            )
            if answer is not None:
                self.result.task_sets[(_last(service["clusterArn"]), service["serviceName"])] = answer

    def _read_task_definitions(self) -> None:
        """The revisions in use, plus the latest ACTIVE revision of each family
        (all families, or with --cluster only those in use), each described once."""
        in_use = (s.get("taskDefinition") for s in self.result.services + self.result.all_task_sets)
        used = [arn for arn in dict.fromkeys(in_use) if arn]
        if self.cluster_filter:
            families = list(dict.fromkeys(_family(arn) for arn in used))
        else:
            self.progress.update(self.region, "task definition families")
            families = (
                self.calls.pages(
                    "ecs", "list_task_definition_families", "families", status="ACTIVE", PaginationConfig=ECS_PAGE
                )
                or []
            )
        self.progress.update(self.region, f"latest revision of {len(families)} families")
        latest = [arn for arn in self._parallel(self._latest_active, families) if arn]
        wanted = list(dict.fromkeys(used + latest))
        self.progress.update(self.region, f"{len(wanted)} task definitions")
        answers = self._parallel(
            lambda arn: self.calls.call(
                "ecs", "describe_task_definition", about=(str(arn),), taskDefinition=arn, include=["TAGS"]
            ),
            wanted,
        )
        self.result.task_definitions = [a for a in answers if a is not None]

    def _latest_active(self, family: str) -> str | None:
        answer = self.calls.call(
            "ecs", "list_task_definitions", familyPrefix=family, status="ACTIVE", sort="DESC", maxResults=1
        )
        # The API returns the one newest revision; take the newest of the family
        # among what came back all the same (some endpoints ignore sort/maxResults).
        arns = [a for a in (answer or {}).get("taskDefinitionArns", []) if _family(a) == family]
        return max(arns, key=_revision, default=None)

    def _parallel(self, fn: Callable[[T], R], items: list[T]) -> list[R]:
        return _parallel(fn, items, self.calls.aws.limits)

    # ------------------------------------------------------------- what services refer to

    def _read_target_groups(self) -> None:
        used = {
            lb["targetGroupArn"]
            for s in self.result.services + self.result.all_task_sets
            for lb in s.get("loadBalancers") or []
            if lb.get("targetGroupArn")
        }
        if not used:
            self.result.target_groups = {"TargetGroups": []}
            return
        groups = self.calls.pages("elbv2", "describe_target_groups", "TargetGroups", PaginationConfig={"PageSize": 400})
        if groups is not None:
            self.result.target_groups = {"TargetGroups": [g for g in groups if g["TargetGroupArn"] in used]}

    def _read_subnets(self) -> None:
        used = sorted(
            {
                subnet
                for s in self.result.services + self.result.all_task_sets
                for subnet in _awsvpc(s).get("subnets") or []
            }
        )
        subnets = self.calls.batched_pages(
            "ec2",
            "describe_subnets",
            "Subnets",
            used,
            SUBNET_FILTER_BATCH,
            lambda batch: {"Filters": [{"Name": "subnet-id", "Values": batch}]},
        )
        self.result.subnets = None if subnets is None else {"Subnets": subnets}

    def _read_autoscaling(self) -> None:
        """Scalable targets by resource id, 50 services per call (the API's
        limit); policies and scheduled actions for the whole ECS namespace,
        paginated, kept to the services read (they take one resource id per
        call, and the answers are small)."""
        ours = sorted({_resource_id(s) for s in self.result.services})
        targets = self.calls.batched_pages(
            "application-autoscaling",
            "describe_scalable_targets",
            "ScalableTargets",
            ours,
            SCALABLE_TARGET_BATCH,
            lambda batch: {"ServiceNamespace": "ecs", "ResourceIds": batch},
        )
        self.result.scalable_targets = None if targets is None else {"ScalableTargets": targets}
        wanted = set(ours)

        def read(method: str, key: str) -> dict | None:
            items = self.calls.pages("application-autoscaling", method, key, ServiceNamespace="ecs")
            return None if items is None else {key: [i for i in items if i.get("ResourceId") in wanted]}

        self.result.scaling_policies = read("describe_scaling_policies", "ScalingPolicies")
        self.result.scheduled_actions = read("describe_scheduled_actions", "ScheduledActions")


class IamReader:
    """Reads the roles task definitions name, and their policies, once each."""

    ROLE_KEYS = (
        "Path",
        "RoleName",
        "RoleId",
        "Arn",
        "CreateDate",
        "AssumeRolePolicyDocument",
        "Description",
        "MaxSessionDuration",
        "PermissionsBoundary",
        "Tags",
        "RoleLastUsed",
    )
    POLICY_KEYS = (
        "PolicyName",
        "PolicyId",
        "Arn",
        "Path",
        "DefaultVersionId",
        "AttachmentCount",
        "PermissionsBoundaryUsageCount",
        "IsAttachable",
        "Description",
        "CreateDate",
        "UpdateDate",
    )

    def __init__(self, aws: Aws, account: str, progress: Progress) -> None:
        self.calls = Calls(aws, aws.home_region, label=GLOBAL)
        self.account = account
        self.progress = progress
        self.missing: list[str] = []

    def read(self, role_refs: Iterable[str]) -> IamRead:
        names, foreign = self._role_names(role_refs)
        self.progress.update("iam", f"{len(names)} roles")
        roles = [r for r in _parallel(self._role, names, self.calls.aws.limits) if r is not None]
        arns = list(dict.fromkeys(p["PolicyArn"] for r in roles for p in r["AttachedManagedPolicies"]))
        self.progress.update("iam", f"{len(arns)} managed policies")
        policies = [p for p in _parallel(self._policy, arns, self.calls.aws.limits) if p is not None]
        self.progress.done("iam", f"{len(roles)} roles, {len(policies)} managed policies")
        failed = any(f.region == GLOBAL for f in self.calls.aws.log.failures)
        details = (
            None
            if failed
            else {
                "UserDetailList": [],
                "GroupDetailList": [],
                "RoleDetailList": roles,
                "Policies": policies,
                "IsTruncated": False,
            }
        )
        return IamRead(details, sorted(self.missing), foreign)

    def _role_names(self, refs: Iterable[str]) -> tuple[list[str], list[str]]:
        """Role names to read; ARNs of other accounts are set aside (their
        roles cannot be read with these credentials)."""
        names, foreign = {}, {}
        for ref in refs:
            if ref.startswith("arn:"):
                parts = ref.split(":", 5)
                if len(parts) == 6 and parts[4] and parts[4] != self.account:
                    foreign[ref] = True
                    continue
            names[_last(ref)] = True
        return sorted(names), sorted(foreign)

    def _role(self, name: str) -> dict | None:
        answer = self.calls.call("iam", "get_role", absent=("NoSuchEntity",), RoleName=name)
        if answer is ABSENT:
            self.missing.append(name)
            return None
        if answer is None:
            return None
        role = answer["Role"]
        detail = {k: role[k] for k in self.ROLE_KEYS if k in role}
        inline = self.calls.pages("iam", "list_role_policies", "PolicyNames", RoleName=name) or []
        documents = [self.calls.call("iam", "get_role_policy", RoleName=name, PolicyName=p) for p in inline]
        detail["InstanceProfileList"] = []
        detail["RolePolicyList"] = [
            {"PolicyName": d["PolicyName"], "PolicyDocument": d["PolicyDocument"]}
            for d in documents
            if isinstance(d, dict)
        ]
        detail["AttachedManagedPolicies"] = (
            self.calls.pages("iam", "list_attached_role_policies", "AttachedPolicies", RoleName=name) or []
        )
        return detail

    def _policy(self, arn: str) -> dict | None:
        answer = self.calls.call("iam", "get_policy", absent=("NoSuchEntity",), PolicyArn=arn)
        if not isinstance(answer, dict):
            return None
        policy = answer["Policy"]
        detail = {k: policy[k] for k in self.POLICY_KEYS if k in policy}
        version = self.calls.call("iam", "get_policy_version", PolicyArn=arn, VersionId=policy["DefaultVersionId"])
        if isinstance(version, dict):
            v = version["PolicyVersion"]
            detail["PolicyVersionList"] = [
                {
                    "Document": v["Document"],
                    "VersionId": v["VersionId"],
                    "IsDefaultVersion": True,
                    "CreateDate": v.get("CreateDate"),
                }
            ]
        return detail


# ------------------------------------------------------------- helpers


def _parallel(fn: Callable[[T], R], items: list[T], limits: Limits) -> list[R]:
    """fn over items, a few at a time, results in the items' order; stops when the audit is cancelled."""
    return run_parallel(fn, items, CALL_WORKERS, limits)


def _batches(items: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _last(arn_or_name: str) -> str:
    """The name at the end of an ARN (role/path/name, cluster/name), or the name itself."""
    return arn_or_name.rsplit("/", 1)[-1]


def _family(task_definition_arn: str) -> str:
    return _last(task_definition_arn).rsplit(":", 1)[0]


def _revision(task_definition_arn: str) -> int:
    tail = _last(task_definition_arn).rsplit(":", 1)
    return int(tail[1]) if len(tail) == 2 and tail[1].isdigit() else 0


def _awsvpc(service_or_task_set: dict) -> dict:
    return (service_or_task_set.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}


def _resource_id(service: dict) -> str:
    """Application Auto Scaling's name for a service: service/<cluster name>/<service name>."""
    return f"service/{_last(service['clusterArn'])}/{service['serviceName']}"


def _role_refs(task_definition: dict) -> list[str]:
    return [task_definition[k] for k in ("executionRoleArn", "taskRoleArn") if task_definition.get(k)]
