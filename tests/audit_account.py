"""A realistic AWS account, seeded into the moto server for the audit tests.

Two regions. For every rule that can be broken in a live account there is a
resource that breaks it and resources that do not; `Account.expected` says,
rule by rule, which resources (by ARN) must be flagged, and is written next
to the calls that create them so the two cannot drift apart. Traps for the
reader are seeded too: a historical revision that is bad but used by
nothing (must not be read), an INACTIVE revision still used by a service
(must be read), a newer ACTIVE revision nobody runs yet (must be read), a
family no service uses (must be read), more than ten services in a cluster
(two DescribeServices calls), a managed policy attached to two roles
(fetched once).

Seeding talks to the server with plain test credentials while moto's IAM
enforcement is off; other accounts are addressed with moto's
`x-moto-account-id` header. The audit itself later uses an IAM user's real
access key, which is what tells moto which account it reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest

ACCOUNT = "123456789012"  # moto's default account: the realistic one
EMPTY_ACCOUNT = "111111111111"  # an account with nothing in it
PRIMARY, SECONDARY = "eu-west-1", "ap-northeast-2"
REGIONS = (PRIMARY, SECONDARY)
AUDIT_POLICY = Path(__file__).resolve().parent.parent / "docs" / "iam-policy.json"
PLAINTEXT_SECRET = "correct-horse-battery-staple-42"  # EG501's bait: must never be printed
DIGEST = "sha256:" + "ab" * 32
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}],
}


def clients(url: str, region: str, account: str = ACCOUNT):
    """boto3 clients for seeding `account` in `region`."""
    session = boto3.Session(aws_access_key_id="seeding", aws_secret_access_key="seeding", region_name=region)

    def make(service: str):
        client = session.client(service, endpoint_url=url)
        if account != ACCOUNT:

            def to_account(request, **_):
                request.headers["x-moto-account-id"] = account

            client.meta.events.register("before-sign.*.*", to_account)
        return client

    return make


def create_auditor(url: str, name: str, policy: dict, account: str = ACCOUNT) -> dict[str, str]:
    """An IAM user whose only permissions are `policy`: the identity the audit runs as.
    Returns the environment variables that make boto3 use its access key."""
    iam = clients(url, PRIMARY, account)("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="ecs-guard-audit", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def audit_policy(without: tuple[str, ...] = ()) -> dict:
    """docs/iam-policy.json, minus some actions (to have real denied calls)."""
    policy = json.loads(AUDIT_POLICY.read_text())
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        statement["Action"] = [a for a in actions if a not in without]
    policy["Statement"] = [s for s in policy["Statement"] if s["Action"]]
    return policy


@dataclass
class Account:
    """What was seeded, and what the audit must find in it."""

    expected: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # rule -> ARNs
    services: dict[str, str] = field(default_factory=dict)  # name -> ARN
    task_definitions: set[str] = field(default_factory=set)  # ARNs of every revision registered
    task_sets: dict[str, str] = field(default_factory=dict)  # label -> ARN
    clusters: dict[str, str] = field(default_factory=dict)  # name -> ARN
    roles: set[str] = field(default_factory=set)  # role names task definitions use
    managed_policies: set[str] = field(default_factory=set)  # ARNs attached to those roles
    unread_revisions: set[str] = field(default_factory=set)  # ARNs the audit must not describe
    used_revisions: set[str] = field(default_factory=set)  # ARNs services and task sets run
    deregistered: set[str] = field(default_factory=set)  # INACTIVE revisions
    replica_services_with_target_groups: set[str] = field(default_factory=set)

    def task_definitions_to_read(self) -> set[str]:
        """The revisions in use plus the newest ACTIVE revision of every family."""
        newest: dict[str, str] = {}
        for arn in sorted(self.task_definitions - self.deregistered, key=lambda a: int(a.rsplit(":", 1)[1])):
            newest[arn.rsplit(":", 1)[0]] = arn  # keyed by the ARN without its revision: region and family
        return set(newest.values()) | self.used_revisions

    def expect(self, arn: str, *rules: str) -> str:
        for rule in rules:
            self.expected[rule].add(arn)
        return arn


# ----------------------------------------------------------------- container and task definition shapes


def container(**changes) -> dict:
    """A container that breaks no rule; `changes` break one (None removes a key)."""
    base = {
        "name": "web",
        "image": "public.ecr.aws/nginx/nginx:1.27.3",
        "essential": True,
        "user": "1000",
        "readonlyRootFilesystem": True,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "environment": [{"name": "APP_ENV", "value": "production"}],
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": f"arn:aws:ssm:{PRIMARY}:{ACCOUNT}:parameter/web/db"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/web", "awslogs-region": PRIMARY, "awslogs-stream-prefix": "web"},
        },
        "healthCheck": {
            "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
            "interval": 30,
            "timeout": 5,
            "retries": 3,
        },
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def task_definition(family: str, **changes) -> dict:
    """A Fargate task definition that breaks no rule, with good roles and an encrypted EFS volume."""
    base = {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/app-exec",
        "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/app-task",
        "containerDefinitions": [container()],
        "volumes": [
            {
                "name": "data",
                "efsVolumeConfiguration": {"fileSystemId": "fs-0123456789abcdef0", "transitEncryption": "ENABLED"},
            }
        ],
        "tags": [{"key": "team", "value": "payments"}],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


# ----------------------------------------------------------------- seeding


class Seeder:
    def __init__(self, url: str, account: Account) -> None:
        self.url = url
        self.account = account

    def seed(self) -> Account:
        self._iam()
        self._primary_region()
        self._secondary_region()
        return self.account

    # ------------------------------------------------------------- IAM (global)

    def _iam(self) -> None:
        iam = clients(self.url, PRIMARY)("iam")
        shared = iam.create_policy(
            PolicyName="shared-logging",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Resource": "*", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}
                    ],
                }
            ),
        )
        shared_arn = shared["Policy"]["Arn"]
        execution_managed = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
        roles = {
            "app-exec": ([], [shared_arn, execution_managed]),
            "app-task": (
                [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"}],
                [shared_arn],
            ),
            "admin-exec": ([], ["arn:aws:iam::aws:policy/AdministratorAccess"]),
            "wild-task": ([{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}], []),
            "unused-role": ([{"Effect": "Allow", "Action": "*", "Resource": "*"}], []),  # named by nothing
        }
        for name, (inline, attached) in roles.items():
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
            if inline:
                iam.put_role_policy(
                    RoleName=name,
                    PolicyName=f"{name}-inline",
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": inline}),
                )
            for arn in attached:
                iam.attach_role_policy(RoleName=name, PolicyArn=arn)
        self.account.roles = {"app-exec", "app-task", "admin-exec", "wild-task"}
        self.account.managed_policies = {shared_arn, execution_managed, "arn:aws:iam::aws:policy/AdministratorAccess"}

    # ------------------------------------------------------------- networking

    def _network(self, make, region: str, zones: tuple[str, str]):
        ec2, elb = make("ec2"), make("elbv2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
            for i, zone in enumerate((zones[0], zones[1], zones[0]))
        ]  # a, b, and a second one in a
        group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
        healthy = elb.create_target_group(
            Name=f"web-{region}", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip", HealthCheckPath="/health"
        )["TargetGroups"][0]["TargetGroupArn"]
        unchecked = elb.create_target_group(
            Name=f"nocheck-{region}", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip"
        )["TargetGroups"][0]["TargetGroupArn"]
        elb.modify_target_group(TargetGroupArn=unchecked, HealthCheckEnabled=False)  # moto ignores it on create
        elb.create_target_group(Name=f"other-{region}", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
        return subnets, group, healthy, unchecked

    # ------------------------------------------------------------- helpers

    def _register(self, ecs, definition: dict, *rules: str) -> str:
        arn = ecs.register_task_definition(**definition)["taskDefinition"]["taskDefinitionArn"]
        self.account.task_definitions.add(arn)
        return self.account.expect(arn, *rules)

    def _service(
        self,
        ecs,
        aas,
        cluster: str,
        name: str,
        td: str,
        subnets: list[str],
        group: str,
        *rules: str,
        public: bool = False,
        desired: int = 2,
        target_group: str | None = None,
        platform: str = "1.4.0",
        circuit_breaker: bool = True,
        scaling: str | None = "policy",
        min_capacity: int = 2,
        exec_command: bool = False,
    ) -> str:
        params = {
            "cluster": cluster,
            "serviceName": name,
            "taskDefinition": td,
            "desiredCount": desired,
            "launchType": "FARGATE",
            "platformVersion": platform,
            "enableExecuteCommand": exec_command,
            "networkConfiguration": {
                "awsvpcConfiguration": {
                    "subnets": subnets,
                    "securityGroups": [group],
                    "assignPublicIp": "ENABLED" if public else "DISABLED",
                }
            },
        }
        if target_group:
            params["loadBalancers"] = [{"targetGroupArn": target_group, "containerName": "web", "containerPort": 8080}]
        arn = ecs.create_service(**params)["service"]["serviceArn"]
        self.account.used_revisions.add(td)
        # moto drops deploymentConfiguration and enableExecuteCommand on create: set them again.
        if circuit_breaker:
            ecs.update_service(
                cluster=cluster,
                service=name,
                deploymentConfiguration={
                    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                    "maximumPercent": 200,
                    "minimumHealthyPercent": 100,
                },
            )
        if exec_command:
            ecs.update_service(cluster=cluster, service=name, enableExecuteCommand=True)
        if scaling:
            self._scaling(aas, f"service/{cluster}/{name}", scaling, min_capacity)
        if target_group:
            self.account.replica_services_with_target_groups.add(arn)
        self.account.services[name] = arn
        return self.account.expect(arn, *rules)

    def _scaling(self, aas, resource_id: str, kind: str, min_capacity: int = 2) -> None:
        dimension = {
            "ServiceNamespace": "ecs",
            "ResourceId": resource_id,
            "ScalableDimension": "ecs:service:DesiredCount",
        }
        aas.register_scalable_target(MinCapacity=min_capacity, MaxCapacity=6, **dimension)
        if kind == "policy":
            aas.put_scaling_policy(
                PolicyName="cpu70",
                PolicyType="TargetTrackingScaling",
                **dimension,
                TargetTrackingScalingPolicyConfiguration={
                    "TargetValue": 70.0,
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                },
            )
        elif kind == "schedule":
            aas.put_scheduled_action(
                ScheduledActionName="business-hours",
                Schedule="cron(0 7 ? * MON-FRI *)",
                ScalableTargetAction={"MinCapacity": 2, "MaxCapacity": 6},
                **dimension,
            )

    def _cluster(
        self, ecs, name: str, *rules: str, insights: str | None = "enabled", exec_logging: str | None = "DEFAULT"
    ) -> str:
        params: dict = {"clusterName": name}
        if insights:
            params["settings"] = [{"name": "containerInsights", "value": insights}]
        if exec_logging:
            params["configuration"] = {"executeCommandConfiguration": {"logging": exec_logging}}
        arn = ecs.create_cluster(**params)["cluster"]["clusterArn"]
        self.account.clusters[name] = arn
        return self.account.expect(arn, *rules)

    # ------------------------------------------------------------- eu-west-1

    def _primary_region(self) -> None:
        make = clients(self.url, PRIMARY)
        ecs, aas = make("ecs"), make("application-autoscaling")
        subnets, group, healthy, unchecked = self._network(make, PRIMARY, ("eu-west-1a", "eu-west-1b"))
        two_zones, one_zone = subnets[:2], [subnets[0], subnets[2]]

        self._cluster(ecs, "prod")
        self._cluster(ecs, "legacy", "EG408", insights=None, exec_logging=None)  # moto: containerInsights disabled
        self._cluster(ecs, "exec-none", "EG702", exec_logging="NONE")

        # The good family: revision 1 is bad and used by nothing (the audit must not read it).
        historical = self._register(ecs, task_definition("web", containerDefinitions=[container(privileged=True)]))
        self.account.expected["EG602"].discard(historical)
        self.account.unread_revisions.add(historical)
        web = self._register(ecs, task_definition("web"))

        # One family per task definition rule, used by no service: read as the latest ACTIVE revision.
        ec2_only = {"requiresCompatibilities": ["EC2"]}
        self._register(ecs, task_definition("host-network", networkMode="host", **ec2_only), "EG102")
        self._register(
            ecs, task_definition("latest-tag", containerDefinitions=[container(image="nginx:latest")]), "EG201"
        )
        self._register(
            ecs,
            task_definition("admin-execution-role", executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/admin-exec"),
            "EG301",
        )
        self._register(
            ecs, task_definition("wildcard-task-role", taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/wild-task"), "EG302"
        )
        self._register(
            ecs, task_definition("shared-role", taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/app-exec"), "EG303"
        )
        self._register(
            ecs, task_definition("no-logging", containerDefinitions=[container(logConfiguration=None)]), "EG402"
        )
        self._register(
            ecs,
            task_definition(
                "plaintext-secret",
                containerDefinitions=[
                    container(
                        environment=[
                            {"name": "APP_ENV", "value": "production"},
                            {"name": "DB_PASSWORD", "value": PLAINTEXT_SECRET},
                        ]
                    )
                ],
            ),
            "EG501",
        )
        self._register(ecs, task_definition("root-user", containerDefinitions=[container(user="0")]), "EG601")
        self._register(
            ecs,
            task_definition(
                "privileged", containerDefinitions=[container(privileged=True)], **ec2_only, networkMode="awsvpc"
            ),
            "EG602",
        )
        self._register(
            ecs,
            task_definition("writable-root", containerDefinitions=[container(readonlyRootFilesystem=None)]),
            "EG603",
        )
        self._register(ecs, task_definition("host-pid", pidMode="host", **ec2_only), "EG604")
        self._register(
            ecs,
            task_definition(
                "efs-plaintext",
                volumes=[
                    {
                        "name": "data",
                        "efsVolumeConfiguration": {
                            "fileSystemId": "fs-0123456789abcdef0",
                            "transitEncryption": "DISABLED",
                        },
                    }
                ],
            ),
            "EG701",
        )
        self._register(ecs, task_definition("fargate-size", cpu="256", memory="4096"), "EG410")
        no_check = self._register(
            ecs, task_definition("no-health-check", containerDefinitions=[container(healthCheck=None)])
        )

        # A rolling family: revision 1 runs, revision 2 (bad) is registered but not deployed yet.
        rolling_1 = self._register(ecs, task_definition("rolling"))
        self._register(ecs, task_definition("rolling", containerDefinitions=[container(image="nginx")]), "EG201")
        # A retired family: the service still runs revision 1, which is INACTIVE; revision 2 is good.
        retired_1 = self._register(
            ecs, task_definition("retired", containerDefinitions=[container(readonlyRootFilesystem=False)]), "EG603"
        )
        self._register(ecs, task_definition("retired"))

        def svc(name: str, td: str, *rules: str, cluster: str = "prod", subnets=two_zones, **options) -> str:
            return self._service(ecs, aas, cluster, name, td, subnets, group, *rules, **options)

        svc("svc-good", web, target_group=healthy)
        svc("svc-public-ip", web, "EG101", public=True)
        svc("svc-target-group-unchecked", web, "EG401", target_group=unchecked)
        svc("svc-no-health-check", no_check, "EG401")
        svc("svc-no-scaling", web, "EG403", "EG406", scaling=None, desired=1)
        svc("svc-scaling-without-policy", web, "EG403", scaling="target-only")
        svc("svc-scheduled-scaling", web, scaling="schedule")
        svc("svc-one-zone", web, "EG404", subnets=one_zone)
        svc("svc-scaled-to-zero", web, "EG405", desired=0)
        svc("svc-single-task", web, "EG406", desired=1, min_capacity=1)
        svc("svc-no-circuit-breaker", web, "EG407", circuit_breaker=False)
        svc("svc-old-platform", web, "EG409", platform="1.3.0")
        svc("svc-rolling", rolling_1)
        svc("svc-retired", retired_1)
        svc("svc-exec-unlogged", web, "EG702", cluster="legacy", exec_command=True)
        svc("svc-exec-logged", web, exec_command=True)
        ecs.deregister_task_definition(taskDefinition=retired_1)
        self.account.deregistered.add(retired_1)

        # Blue/green through task sets: the service itself is fine, one task set is public.
        external = ecs.create_service(
            cluster="prod",
            serviceName="svc-external",
            taskDefinition=web,
            desiredCount=2,
            deploymentController={"type": "EXTERNAL"},
        )["service"]["serviceArn"]
        self.account.services["svc-external"] = external
        self.account.used_revisions.add(web)
        self._scaling(aas, "service/prod/svc-external", "policy")
        for label, public in (("blue", False), ("green", True)):
            network = {
                "awsvpcConfiguration": {
                    "subnets": two_zones,
                    "securityGroups": [group],
                    "assignPublicIp": "ENABLED" if public else "DISABLED",
                }
            }
            arn = ecs.create_task_set(
                cluster="prod",
                service="svc-external",
                taskDefinition=web,
                launchType="FARGATE",
                platformVersion="1.4.0",
                externalId=label,
                networkConfiguration=network,
            )["taskSet"]["taskSetArn"]
            self.account.task_sets[label] = self.account.expect(arn, *(["EG101"] if public else []))

    # ------------------------------------------------------------- ap-northeast-2

    def _secondary_region(self) -> None:
        make = clients(self.url, SECONDARY)
        ecs, aas = make("ecs"), make("application-autoscaling")
        subnets, group, healthy, _ = self._network(make, SECONDARY, ("ap-northeast-2a", "ap-northeast-2c"))
        self._cluster(ecs, "apac", insights="enhanced")
        web = self._register(ecs, task_definition("apac-web"))
        self._register(
            ecs,
            task_definition(
                "apac-privileged", requiresCompatibilities=["EC2"], containerDefinitions=[container(privileged=True)]
            ),
            "EG602",
        )
        self._service(ecs, aas, "apac", "apac-good", web, subnets[:2], group, target_group=healthy)
        self._service(ecs, aas, "apac", "apac-public-ip", web, subnets[:2], group, "EG101", public=True)


def seed_account(url: str) -> Account:
    return Seeder(url, Account()).seed()


# ----------------------------------------------------------------- running the audit against the server

AWS_VARIABLES_TO_CLEAR = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


def aws_settings(url: str, credentials: dict[str, str], config_dir: Path) -> dict[str, str]:
    """The variables that point boto3 at the moto server with `credentials`,
    and away from the machine's own AWS configuration, as a user would with AWS_ENDPOINT_URL."""
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_CONFIG_FILE": str(config_dir / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **credentials,
    }


def use_aws(monkeypatch, url: str, credentials: dict[str, str], config_dir: Path) -> None:
    """aws_settings() for this process."""
    for name in AWS_VARIABLES_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_settings(url, credentials, config_dir).items():
        monkeypatch.setenv(name, value)


def read_with(moto, credentials: dict[str, str], folder: Path, regions=REGIONS, clusters=None, progress=None):
    """Run the audit's reader and writer (not the scan) as `credentials`, with
    moto enforcing IAM. Returns what was read, the written files' paths
    relative to `folder`, and the IAM action of every request the server saw."""
    from ecs_guard.audit.calls import CallLog
    from ecs_guard.audit.reader import read_account
    from ecs_guard.audit.session import Aws
    from ecs_guard.audit.writer import write_snapshot

    with pytest.MonkeyPatch.context() as monkeypatch:
        use_aws(monkeypatch, moto.url, credentials, folder)
        with moto.recording_actions() as actions, moto.iam_enforced():
            aws = Aws(None, CallLog())
            read = read_account(aws, aws.regions(list(regions) if regions else None), clusters, progress)
    written = write_snapshot(read, folder / "snapshot")
    return read, sorted(p.relative_to(folder / "snapshot").as_posix() for p in written), actions


# The `ecs-guard` console script, without depending on where pip put it.
ECS_GUARD = (sys.executable, "-c", "import sys; from ecs_guard.cli import main; sys.exit(main())")


def run_cli(
    moto,
    credentials: dict[str, str],
    cwd: Path,
    *argv: str,
    stderr=subprocess.PIPE,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """`ecs-guard ARGV` in a child process, as `credentials`, with moto enforcing IAM."""
    env = {k: v for k, v in os.environ.items() if k not in AWS_VARIABLES_TO_CLEAR}
    env.update(aws_settings(moto.url, credentials, cwd), **(extra_env or {}))
    with moto.iam_enforced():
        return subprocess.run(
            [*ECS_GUARD, *argv], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=300
        )
