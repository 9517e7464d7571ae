"""Benchmark of `ecs-guard audit`: API calls per service, and wall time.

Starts a moto server on 127.0.0.1 (as the tests do), seeds accounts of N
ECS services each (one task definition family, execution role and target
group per service, most with autoscaling, a managed policy shared by every
role, and R revisions per family), then runs the audit's reader, writer
and scan in-process on each account and prints:

- the calls per AWS service and operation, and per ECS service;
- wall time of reading, writing and scanning.

The point it demonstrates: calls grow with services, families and roles,
and not with revisions (the R column changes nothing).

    python benchmarks/bench_audit.py                      # 50, 100, 200 services; 200 with 1 and 5 revisions
    python benchmarks/bench_audit.py --services 200 --revisions 3 --json out.json

Timings against moto measure the audit's own overhead (moto answers in
about a millisecond); against AWS each call costs tens of milliseconds,
so the call count is what predicts a real audit's duration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}],
}


def seed(url: str, account: str, services: int, revisions: int) -> None:
    """An account with `services` services in one cluster, `revisions` revisions per family."""
    from audit_account import clients

    make = clients(url, REGION, account)
    ecs, ec2, elb, aas, iam = (make(s) for s in ("ecs", "ec2", "elbv2", "application-autoscaling", "iam"))
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
        for i, z in enumerate(ZONES)
    ]
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="main", settings=[{"name": "containerInsights", "value": "enabled"}])
    shared = iam.create_policy(
        PolicyName="logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}
                ],
            }
        ),
    )
    for i in range(services):
        name = f"app{i:04d}"
        iam.create_role(RoleName=f"{name}-exec", AssumeRolePolicyDocument=json.dumps(TRUST))
        iam.put_role_policy(
            RoleName=f"{name}-exec",
            PolicyName="pull",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Resource": "*", "Action": "*" if i % 9 == 0 else ["ecr:BatchGetImage"]}
                    ],
                }
            ),
        )
        iam.attach_role_policy(RoleName=f"{name}-exec", PolicyArn=shared["Policy"]["Arn"])
        for revision in range(1, revisions + 1):
            arn = ecs.register_task_definition(
                family=name,
                networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"],
                cpu="512",
                memory="1024",
                executionRoleArn=f"arn:aws:iam::{account}:role/{name}-exec",
                containerDefinitions=[
                    {
                        "name": "web",
                        "image": f"registry/{name}:1.{revision}",
                        "user": "0" if i % 3 == 0 else "1000",
                        "portMappings": [{"containerPort": 8080}],
                    }
                ],
            )["taskDefinition"]["taskDefinitionArn"]
        target_group = elb.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip")[
            "TargetGroups"
        ][0]["TargetGroupArn"]
        ecs.create_service(
            cluster="main",
            serviceName=name,
            taskDefinition=arn,
            desiredCount=2,
            launchType="FARGATE",
            loadBalancers=[{"targetGroupArn": target_group, "containerName": "web", "containerPort": 8080}],
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": subnets[:1] if i % 10 == 0 else subnets,
                    "securityGroups": [group],
                    "assignPublicIp": "ENABLED" if i % 7 == 0 else "DISABLED",
                }
            },
        )
        if i % 8:
            aas.register_scalable_target(
                ServiceNamespace="ecs",
                ResourceId=f"service/main/{name}",
                ScalableDimension="ecs:service:DesiredCount",
                MinCapacity=2,
                MaxCapacity=8,
            )


def audit(url: str, credentials: dict[str, str], folder: Path) -> dict:
    """Read, write and scan one account; the calls and the time of each phase."""
    import pytest
    from audit_account import use_aws

    from ecs_guard.audit.calls import CallLog
    from ecs_guard.audit.reader import read_account
    from ecs_guard.audit.session import Aws
    from ecs_guard.audit.writer import write_snapshot
    from ecs_guard.scan import scan

    with pytest.MonkeyPatch.context() as monkeypatch:
        use_aws(monkeypatch, url, credentials, folder)
        start = time.perf_counter()
        read = read_account(Aws(None, CallLog()), [REGION])
        read_seconds = time.perf_counter() - start
    start = time.perf_counter()
    write_snapshot(read, folder / "snapshot")
    write_seconds = time.perf_counter() - start
    start = time.perf_counter()
    report = scan([str(folder / "snapshot")])
    scan_seconds = time.perf_counter() - start
    calls = Counter()
    for c in read.log.calls():
        calls[f"{c['service']}:{c['operation']}"] += c["count"]
    return {
        "calls": dict(sorted(calls.items())),
        "total_calls": sum(calls.values()),
        "findings": len(report.findings),
        "read_seconds": round(read_seconds, 2),
        "write_seconds": round(write_seconds, 2),
        "scan_seconds": round(scan_seconds, 2),
        "failures": [str(f) for f in read.log.failures],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", default="50,100,200", help="comma-separated account sizes")
    parser.add_argument(
        "--revisions",
        default=None,
        help="revisions per family, comma-separated (default: 3, and 1 and 5 for the largest size)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.services.split(",")]
    runs = (
        [(n, int(r)) for n in sizes for r in args.revisions.split(",")]
        if args.revisions
        else [(n, 3) for n in sizes] + [(max(sizes), 1), (max(sizes), 5)]
    )

    from audit_account import audit_policy, create_auditor
    from moto_server import MotoServer

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as work:
        server = MotoServer.start(Path(work))
        try:
            for k, (services, revisions) in enumerate(runs):
                account = f"{200000000000 + k:012d}"
                start = time.perf_counter()
                seed(server.url, account, services, revisions)
                seeded = time.perf_counter() - start
                credentials = create_auditor(server.url, "auditor", audit_policy(), account)
                folder = Path(work) / account
                folder.mkdir()
                result = audit(server.url, credentials, folder)
                result.update(services=services, revisions=revisions, seed_seconds=round(seeded, 1))
                results.append(result)
                print(_row(result), flush=True)
        finally:
            server.stop()
    print()
    print(_breakdown(max(results, key=lambda r: (r["services"], -r["revisions"]))))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _row(r: dict) -> str:
    return (
        f"{r['services']:>4} services, {r['revisions']} revisions/family: {r['total_calls']:>5} calls "
        f"({r['total_calls'] / r['services']:.2f} per service), read {r['read_seconds']:.2f} s, "
        f"write {r['write_seconds']:.2f} s, scan {r['scan_seconds']:.2f} s, {r['findings']} findings"
        + (f", FAILURES: {r['failures']}" if r["failures"] else "")
    )


def _breakdown(r: dict) -> str:
    lines = [f"calls for {r['services']} services ({r['revisions']} revisions per family):"]
    lines += [f"  {action:<52} {n:>5}  ({n / r['services']:.2f} per service)" for action, n in r["calls"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    sys.exit(main())
