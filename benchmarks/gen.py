#!/usr/bin/env python3
"""Generate large, realistic ECS inputs for benchmarks.

    gen.py plan     N OUT.json   Terraform plan JSON (`terraform show -json`)
    gen.py snapshot N OUT_DIR    AWS CLI describe-* outputs, one file per call
    gen.py hcl      N OUT_DIR    Terraform HCL, one file per app

N is the number of ECS services. Every app has a task definition with two
containers, an execution role, a target group and, for most apps, an
autoscaling target; a deterministic fraction of apps carries each problem in
RULES.md, so a scanner has real findings to report. Output depends only on N.
"""

import json
import os
import sys

AZS = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"]
REGION = "ap-northeast-2"
ACCOUNT = "123456789012"


def app(i):
    """The facts of app i, shared by all three output formats."""
    return {
        "name": f"app{i:05d}",
        "public_ip": i % 7 == 0,
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app{i:05d}:"
        + ("latest" if i % 5 == 0 else f"1.{i % 13}.{i % 3}"),
        "secret_env": i % 11 == 0,
        "wildcard_role": i % 9 == 0,
        "logging": i % 6 != 0,
        "healthcheck": i % 4 != 0,
        "autoscaling": i % 8 != 0,
        "single_az": i % 10 == 0,
        "desired": 1 if i % 12 == 0 else 3,
        "user": None if i % 3 == 0 else "1000",
    }


def containers(a):
    env = [{"name": "ENV", "value": "production"}, {"name": "PORT", "value": "8080"}]
    if a["secret_env"]:
        env.append({"name": "DB_PASSWORD", "value": "s3cr3t-" + a["name"]})
    web = {
        "name": "web",
        "image": a["image"],
        "cpu": 0,
        "essential": True,
        "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
        "environment": env,
        "secrets": [{"name": "API_KEY", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{a['name']}/api-key"}],
        "mountPoints": [],
        "volumesFrom": [],
        "readonlyRootFilesystem": a["user"] is not None,
    }
    if a["user"]:
        web["user"] = a["user"]
    if a["logging"]:
        web["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {"awslogs-group": f"/ecs/{a['name']}", "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"},
        }
    if a["healthcheck"]:
        web["healthCheck"] = {
            "command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"],
            "interval": 30,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 10,
        }
    sidecar = {
        "name": "log-router",
        "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0",
        "essential": False,
        "user": "0",
        "firelensConfiguration": {"type": "fluentbit"},
        "mountPoints": [],
        "volumesFrom": [],
        "portMappings": [],
        "environment": [],
    }
    return [web, sidecar]


def policy_doc(a):
    if a["wildcard_role"]:
        stmt = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    else:
        stmt = [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/{a['name']}:*",
            }
        ]
    return {"Version": "2012-10-17", "Statement": stmt}


TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


# ---------------------------------------------------------------- plan JSON


def plan(n):
    resources, changes, config = [], [], []

    def add(rtype, name, values, refs=None, unknown=None):
        address = f"{rtype}.{name}"
        resources.append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "schema_version": 0,
                "values": values,
                "sensitive_values": {},
            }
        )
        changes.append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": unknown or {"id": True, "arn": True},
                    "before_sensitive": False,
                    "after_sensitive": {},
                },
            }
        )
        config.append(
            {
                "address": address,
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_config_key": "aws",
                "schema_version": 0,
                "expressions": {k: {"references": v} for k, v in (refs or {}).items()},
            }
        )

    add(
        "aws_ecs_cluster",
        "main",
        {
            "name": "main",
            "setting": [{"name": "containerInsights", "value": "enabled"}],
            "tags": None,
            "configuration": [],
            "service_connect_defaults": [],
        },
    )
    for k, az in enumerate(AZS):
        add(
            "aws_subnet",
            f"private_{k}",
            {
                "availability_zone": az,
                "cidr_block": f"10.0.{k}.0/24",
                "map_public_ip_on_launch": False,
                "tags": {"Name": f"private-{az}"},
            },
        )
    for i in range(n):
        a = app(i)
        nm = a["name"]
        add(
            "aws_iam_role",
            f"{nm}_exec",
            {
                "name": f"{nm}-exec",
                "assume_role_policy": json.dumps(TRUST),
                "path": "/",
                "max_session_duration": 3600,
                "tags": None,
            },
        )
        add(
            "aws_iam_role_policy",
            f"{nm}_exec",
            {"name": f"{nm}-exec", "policy": json.dumps(policy_doc(a))},
            refs={"role": [f"aws_iam_role.{nm}_exec.id", f"aws_iam_role.{nm}_exec"]},
        )
        add("aws_cloudwatch_log_group", nm, {"name": f"/ecs/{nm}", "retention_in_days": 30})
        add(
            "aws_ecs_task_definition",
            nm,
            {
                "family": nm,
                "network_mode": "awsvpc",
                "requires_compatibilities": ["FARGATE"],
                "cpu": "512",
                "memory": "1024",
                "container_definitions": json.dumps(containers(a)),
                "execution_role_arn": None,
                "task_role_arn": None,
                "pid_mode": None,
                "ipc_mode": None,
                "volume": [],
                "placement_constraints": [],
                "runtime_platform": [],
                "tags": None,
            },
            refs={"execution_role_arn": [f"aws_iam_role.{nm}_exec.arn", f"aws_iam_role.{nm}_exec"]},
            unknown={"arn": True, "revision": True, "execution_role_arn": True},
        )
        add(
            "aws_lb_target_group",
            nm,
            {
                "name": nm[:32],
                "port": 8080,
                "protocol": "HTTP",
                "target_type": "ip",
                "health_check": [
                    {
                        "enabled": True,
                        "path": "/health",
                        "healthy_threshold": 2,
                        "unhealthy_threshold": 3,
                        "interval": 30,
                        "timeout": 5,
                        "matcher": "200",
                    }
                ]
                if i % 2
                else [],
            },
        )
        subnets = ["aws_subnet.private_0.id"] if a["single_az"] else [f"aws_subnet.private_{k}.id" for k in range(3)]
        add(
            "aws_ecs_service",
            nm,
            {
                "name": nm,
                "desired_count": a["desired"],
                "launch_type": "FARGATE",
                "platform_version": "LATEST",
                "scheduling_strategy": "REPLICA",
                "enable_execute_command": False,
                "network_configuration": [
                    {"assign_public_ip": a["public_ip"], "security_groups": None, "subnets": None}
                ],
                "load_balancer": [
                    {"container_name": "web", "container_port": 8080, "elb_name": None, "target_group_arn": None}
                ]
                if i % 2
                else [],
                "deployment_circuit_breaker": [{"enable": True, "rollback": True}] if i % 3 else [],
                "deployment_controller": [],
                "tags": None,
            },
            refs={
                "cluster": ["aws_ecs_cluster.main.id", "aws_ecs_cluster.main"],
                "task_definition": [f"aws_ecs_task_definition.{nm}.arn", f"aws_ecs_task_definition.{nm}"],
                "network_configuration.subnets": subnets,
                "load_balancer.target_group_arn": [f"aws_lb_target_group.{nm}.arn"],
            },
            unknown={
                "id": True,
                "cluster": True,
                "task_definition": True,
                "network_configuration": [{"subnets": True, "security_groups": True}],
            },
        )
        if a["autoscaling"]:
            add(
                "aws_appautoscaling_target",
                nm,
                {
                    "max_capacity": 10,
                    "min_capacity": 2,
                    "resource_id": f"service/main/{nm}",
                    "scalable_dimension": "ecs:service:DesiredCount",
                    "service_namespace": "ecs",
                },
            )
            add(
                "aws_appautoscaling_policy",
                nm,
                {
                    "name": f"{nm}-cpu",
                    "policy_type": "TargetTrackingScaling",
                    "resource_id": f"service/main/{nm}",
                    "scalable_dimension": "ecs:service:DesiredCount",
                    "service_namespace": "ecs",
                    "target_tracking_scaling_policy_configuration": [
                        {
                            "target_value": 70.0,
                            "predefined_metric_specification": [
                                {"predefined_metric_type": "ECSServiceAverageCPUUtilization"}
                            ],
                        }
                    ],
                },
            )
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
            "root_module": {"resources": config},
        },
    }


# ---------------------------------------------------------------- snapshot


def snapshot(n, out):
    os.makedirs(out, exist_ok=True)
    cluster_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main"

    def dump(name, obj):
        with open(os.path.join(out, name), "w") as f:
            json.dump(obj, f, indent=4)

    dump(
        "describe-clusters.json",
        {
            "clusters": [
                {
                    "clusterArn": cluster_arn,
                    "clusterName": "main",
                    "status": "ACTIVE",
                    "settings": [{"name": "containerInsights", "value": "disabled"}],
                    "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                    "tags": [],
                }
            ],
            "failures": [],
        },
    )
    dump(
        "describe-subnets.json",
        {
            "Subnets": [
                {
                    "SubnetId": f"subnet-0{k}",
                    "AvailabilityZone": az,
                    "VpcId": "vpc-01",
                    "CidrBlock": f"10.0.{k}.0/24",
                    "MapPublicIpOnLaunch": False,
                }
                for k, az in enumerate(AZS)
            ]
        },
    )
    roles, targets, policies, tgs = [], [], [], []
    services = []
    for i in range(n):
        a = app(i)
        nm = a["name"]
        td_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{nm}:3"
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{nm}-exec"
        dump(
            f"describe-task-definition-{nm}.json",
            {
                "taskDefinition": {
                    "taskDefinitionArn": td_arn,
                    "family": nm,
                    "revision": 3,
                    "status": "ACTIVE",
                    "containerDefinitions": containers(a),
                    "executionRoleArn": role_arn,
                    "networkMode": "awsvpc",
                    "requiresCompatibilities": ["FARGATE"],
                    "compatibilities": ["EC2", "FARGATE"],
                    "cpu": "512",
                    "memory": "1024",
                    "volumes": [],
                    "placementConstraints": [],
                    "registeredAt": "2026-11-01T10:00:00.000000+09:00",
                },
                "tags": [],
            },
        )
        roles.append(
            {
                "Path": "/",
                "RoleName": f"{nm}-exec",
                "RoleId": f"AROA{i:016d}",
                "Arn": role_arn,
                "CreateDate": "2026-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": TRUST,
                "RolePolicyList": [{"PolicyName": f"{nm}-exec", "PolicyDocument": policy_doc(a)}],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [],
                "Tags": [],
            }
        )
        tg_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{nm[:32]}/{i:016x}"
        tgs.append(
            {
                "TargetGroupArn": tg_arn,
                "TargetGroupName": nm[:32],
                "Protocol": "HTTP",
                "Port": 8080,
                "VpcId": "vpc-01",
                "HealthCheckEnabled": bool(i % 2),
                "HealthCheckPath": "/health",
                "HealthCheckProtocol": "HTTP",
                "HealthCheckIntervalSeconds": 30,
                "HealthCheckTimeoutSeconds": 5,
                "HealthyThresholdCount": 2,
                "UnhealthyThresholdCount": 3,
                "TargetType": "ip",
            }
        )
        subnets = ["subnet-00"] if a["single_az"] else ["subnet-00", "subnet-01", "subnet-02"]
        services.append(
            {
                "serviceArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/main/{nm}",
                "serviceName": nm,
                "clusterArn": cluster_arn,
                "status": "ACTIVE",
                "desiredCount": a["desired"],
                "runningCount": a["desired"],
                "pendingCount": 0,
                "launchType": "FARGATE",
                "platformVersion": "LATEST",
                "taskDefinition": td_arn,
                "loadBalancers": [{"targetGroupArn": tg_arn, "containerName": "web", "containerPort": 8080}]
                if i % 2
                else [],
                "deploymentConfiguration": {
                    "deploymentCircuitBreaker": {"enable": bool(i % 3), "rollback": bool(i % 3)},
                    "maximumPercent": 200,
                    "minimumHealthyPercent": 100,
                },
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": subnets,
                        "securityGroups": ["sg-01"],
                        "assignPublicIp": "ENABLED" if a["public_ip"] else "DISABLED",
                    }
                },
                "schedulingStrategy": "REPLICA",
                "deploymentController": {"type": "ECS"},
                "enableExecuteCommand": False,
                "createdAt": "2026-11-01T10:00:00.000000+09:00",
            }
        )
        if a["autoscaling"]:
            rid = f"service/main/{nm}"
            targets.append(
                {
                    "ServiceNamespace": "ecs",
                    "ResourceId": rid,
                    "ScalableDimension": "ecs:service:DesiredCount",
                    "MinCapacity": 2,
                    "MaxCapacity": 10,
                    "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
                    "CreationTime": "2026-11-01T10:00:00.000000+09:00",
                }
            )
            policies.append(
                {
                    "PolicyARN": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:scalingPolicy:{i:08x}:resource/ecs/{rid}:policyName/{nm}-cpu",
                    "PolicyName": f"{nm}-cpu",
                    "ServiceNamespace": "ecs",
                    "ResourceId": rid,
                    "ScalableDimension": "ecs:service:DesiredCount",
                    "PolicyType": "TargetTrackingScaling",
                    "TargetTrackingScalingPolicyConfiguration": {
                        "TargetValue": 70.0,
                        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                    },
                    "Alarms": [],
                    "CreationTime": "2026-11-01T10:00:00.000000+09:00",
                }
            )
    for k in range(0, len(services), 10):  # the API returns at most 10 services per call
        dump(f"describe-services-{k // 10:05d}.json", {"services": services[k : k + 10], "failures": []})
    dump("describe-scalable-targets.json", {"ScalableTargets": targets})
    dump("describe-scaling-policies.json", {"ScalingPolicies": policies})
    dump("describe-target-groups.json", {"TargetGroups": tgs})
    dump(
        "get-account-authorization-details.json",
        {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": [], "IsTruncated": False},
    )


# ---------------------------------------------------------------- HCL


def hcl_value(v, ind=0):
    pad = "  " * (ind + 1)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        return "[\n" + ",\n".join(pad + hcl_value(x, ind + 1) for x in v) + "\n" + "  " * ind + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{\n" + "\n".join(f"{pad}{k} = {hcl_value(x, ind + 1)}" for k, x in v.items()) + "\n" + "  " * ind + "}"
    raise TypeError(type(v))


def hcl(n, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "main.tf"), "w") as f:
        f.write(
            'resource "aws_ecs_cluster" "main" {\n  name = "main"\n  setting {\n    name  = "containerInsights"\n'
            '    value = "enabled"\n  }\n}\n'
        )
        for k, az in enumerate(AZS):
            f.write(
                f'\nresource "aws_subnet" "private_{k}" {{\n  vpc_id            = "vpc-01"\n'
                f'  cidr_block        = "10.0.{k}.0/24"\n  availability_zone = "{az}"\n}}\n'
            )
    for i in range(n):
        a = app(i)
        nm = a["name"]
        subnets = (
            "[aws_subnet.private_0.id]"
            if a["single_az"]
            else "[aws_subnet.private_0.id, aws_subnet.private_1.id, aws_subnet.private_2.id]"
        )
        parts = [
            f'''resource "aws_iam_role" "{nm}_exec" {{
  name               = "{nm}-exec"
  assume_role_policy = jsonencode({hcl_value(TRUST, 1)})
}}

resource "aws_iam_role_policy" "{nm}_exec" {{
  name   = "{nm}-exec"
  role   = aws_iam_role.{nm}_exec.id
  policy = jsonencode({hcl_value(policy_doc(a), 1)})
}}

resource "aws_ecs_task_definition" "{nm}" {{
  family                   = "{nm}"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "512"
  memory                   = "1024"
  execution_role_arn       = aws_iam_role.{nm}_exec.arn
  container_definitions    = jsonencode({hcl_value(containers(a), 1)})
}}

resource "aws_lb_target_group" "{nm}" {{
  name        = "{nm}"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-01"
'''
            + (
                """  health_check {
    path                = "/health"
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
"""
                if i % 2
                else ""
            )
            + f'''}}

resource "aws_ecs_service" "{nm}" {{
  name            = "{nm}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.{nm}.arn
  desired_count   = {a["desired"]}
  launch_type     = "FARGATE"

  network_configuration {{
    subnets          = {subnets}
    assign_public_ip = {hcl_value(a["public_ip"])}
  }}
'''
            + (
                f"""
  load_balancer {{
    target_group_arn = aws_lb_target_group.{nm}.arn
    container_name   = "web"
    container_port   = 8080
  }}
"""
                if i % 2
                else ""
            )
            + (
                """
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
"""
                if i % 3
                else ""
            )
            + "}\n"
        ]
        if a["autoscaling"]:
            parts.append(f'''
resource "aws_appautoscaling_target" "{nm}" {{
  max_capacity       = 10
  min_capacity       = 2
  resource_id        = "service/${{aws_ecs_cluster.main.name}}/${{aws_ecs_service.{nm}.name}}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}}

resource "aws_appautoscaling_policy" "{nm}" {{
  name               = "{nm}-cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.{nm}.resource_id
  scalable_dimension = aws_appautoscaling_target.{nm}.scalable_dimension
  service_namespace  = aws_appautoscaling_target.{nm}.service_namespace

  target_tracking_scaling_policy_configuration {{
    target_value = 70.0
    predefined_metric_specification {{
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }}
  }}
}}
''')
        with open(os.path.join(out, f"{nm}.tf"), "w") as f:
            f.write("".join(parts))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("plan", "snapshot", "hcl"):
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "plan":
        with open(out, "w") as f:
            json.dump(plan(n), f)
    elif kind == "snapshot":
        snapshot(n, out)
    else:
        hcl(n, out)
