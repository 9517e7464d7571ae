#!/usr/bin/env python3
"""Loading a large CloudFormation template, with every line, against PyYAML's C loader.

    python benchmarks/bench_cfn_loader.py [--services 1000] [--repeat 5] [--check]

Generates a template of N ECS services (each with its task definition of
two containers with environment variables and secrets, execution and task
roles with an inline policy, a log group, a queue, a target group, a
scalable target and a scaling policy), written in YAML with short-form
tags and in JSON in long form, then measures in this process, best of
--repeat, alternating the two so both see the same machine:

- the baseline: ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the YAML
  text (with constructors for the tags: the plain CSafeLoader refuses them),
  no lines; and the same with the garbage collector off, as load_template
  runs (most of the difference between the two loaders is that);
- ``load_template`` of the YAML text (data and the line of every key and item);
- ``load_template`` of the JSON text (and json.loads of it, for scale).

Times are CPU times of this process (time.process_time): on a busy
machine wall time measures the neighbours. The budget (issue 12): a whole
scan within 3x the C loader, so the loader itself within 2x. Exit code: 0,
or 1 with --check when a ratio exceeds LIMIT, 2 without libyaml.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from ecs_guard.inputs.cloudformation.loader import load_template

LIMIT = 2.0  # load_template / the C loader

HEADER = """AWSTemplateFormatVersion: '2010-09-09'
Description: >-
  Benchmark stack: {n} ECS services on Fargate, each with its task definition,
  roles, queue, logs, target group and scaling.
Parameters:
  Cluster:
    Type: String
  VpcId:
    Type: AWS::EC2::VPC::Id
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  ServiceSecurityGroup:
    Type: AWS::EC2::SecurityGroup::Id
  ImageTag:
    Type: String
    Default: '1.4.2'
Resources:
"""

SERVICE = """  Svc{i}ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{Service: ecs-tasks.amazonaws.com}}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  Svc{i}TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: svc-{i}-data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObject
                  - s3:PutObject
                Resource: !Sub 'arn:${{AWS::Partition}}:s3:::svc-{i}-bucket/*'
              - Effect: Allow
                Action: [sqs:ReceiveMessage, sqs:DeleteMessage]
                Resource: !GetAtt Svc{i}Queue.Arn
  Svc{i}TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub '${{AWS::StackName}}-svc-{i}'
      Cpu: '256'
      Memory: '512'
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !GetAtt Svc{i}ExecutionRole.Arn
      TaskRoleArn: !Ref Svc{i}TaskRole
      ContainerDefinitions:
        - Name: app
          Image: !Sub '123456789012.dkr.ecr.${{AWS::Region}}.amazonaws.com/svc-{i}:${{ImageTag}}'
          Essential: true
          ReadonlyRootFilesystem: true
          PortMappings:
            - ContainerPort: 8080
              Protocol: tcp
          Environment:
            - Name: SERVICE_NAME
              Value: svc-{i}
            - Name: LOG_LEVEL
              Value: info
            - Name: QUEUE_URL
              Value: !Ref Svc{i}Queue
            - Name: FEATURE_FLAGS
              Value: 'a,b,c'
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: !Sub 'arn:aws:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/svc-{i}/db'
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref Svc{i}Logs
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: app
          HealthCheck:
            Command: [CMD-SHELL, 'curl -f http://localhost:8080/health || exit 1']
            Interval: 30
            Retries: 3
        - Name: log-router
          Image: public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0
          Essential: false
          User: '0'
          FirelensConfiguration:
            Type: fluentbit
          Environment:
            - Name: AWS_REGION
              Value: !Ref AWS::Region
            - Name: STAGE
              Value: prod
  Svc{i}Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 30
  Svc{i}Queue:
    Type: AWS::SQS::Queue
  Svc{i}TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      VpcId: !Ref VpcId
      Port: 8080
      Protocol: HTTP
      TargetType: ip
      HealthCheckPath: /health
      HealthCheckEnabled: true
  Svc{i}Service:
    Type: AWS::ECS::Service
    DependsOn: [Svc{i}TargetGroup]
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Svc{i}TaskDefinition
      DesiredCount: 2
      LaunchType: FARGATE
      PlatformVersion: LATEST
      EnableExecuteCommand: false
      DeploymentConfiguration:
        MinimumHealthyPercent: 100
        MaximumPercent: 200
        DeploymentCircuitBreaker: {{Enable: true, Rollback: true}}
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: DISABLED
          Subnets: !Ref Subnets
          SecurityGroups:
            - !Ref ServiceSecurityGroup
      LoadBalancers:
        - ContainerName: app
          ContainerPort: 8080
          TargetGroupArn: !Ref Svc{i}TargetGroup
  Svc{i}ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MinCapacity: 2
      MaxCapacity: 10
      ResourceId: !Join ['/', [service, !Ref Cluster, !GetAtt Svc{i}Service.Name]]
      RoleARN: !Sub 'arn:aws:iam::${{AWS::AccountId}}:role/ecs-autoscaling-{i}'
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
      ScheduledActions:
        - ScheduledActionName: night
          Schedule: cron(0 22 * * ? *)
          ScalableTargetAction: {{MinCapacity: 1, MaxCapacity: 2}}
  Svc{i}ScalingPolicy:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: svc-{i}-cpu
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref Svc{i}ScalableTarget
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 70.0
        ScaleInCooldown: 60
        ScaleOutCooldown: 60
        PredefinedMetricSpecification:
          PredefinedMetricType: ECSServiceAverageCPUUtilization
"""


def yaml_template(services: int) -> str:
    return HEADER.format(n=services) + "".join(SERVICE.format(i=i) for i in range(services))


def _tag_loader() -> type:
    """CSafeLoader with the short-form tags accepted (as a mapping of the
    tag's name), the least a plain yaml.load needs to read a template."""

    class Loader(yaml.CSafeLoader):
        pass

    def construct(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node)}
        return {suffix: loader.construct_mapping(node)}

    Loader.add_multi_constructor("!", construct)
    return Loader


def best_cpu(functions: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best CPU time of each function over `repeat` rounds, taken in turns."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(repeat):
        for name, function in functions.items():
            gc.collect()
            start = time.process_time()
            result = function()
            best[name] = min(best[name], time.process_time() - start)
            del result
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1000, help="services in the generated template (1000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds, best CPU time kept (5)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when a ratio exceeds {LIMIT}")
    args = parser.parse_args(argv)
    if not getattr(yaml, "__with_libyaml__", False):
        print("bench_cfn_loader: PyYAML has no libyaml here: no baseline", file=sys.stderr)
        return 2
    yaml_text = yaml_template(args.services)
    json_text = json.dumps(load_template(yaml_text, "bench.yaml").data, indent=2)
    loader = _tag_loader()

    def without_gc() -> Any:
        gc.disable()
        try:
            return yaml.load(yaml_text, Loader=loader)
        finally:
            gc.enable()

    times = best_cpu(
        {
            "yaml.load (C)": lambda: yaml.load(yaml_text, Loader=loader),
            "yaml.load (C) no GC": without_gc,
            "load_template YAML": lambda: load_template(yaml_text, "bench.yaml"),
            "json.loads": lambda: json.loads(json_text),
            "load_template JSON": lambda: load_template(json_text, "bench.json"),
        },
        args.repeat,
    )
    baseline = times["yaml.load (C)"]
    mb = 1024 * 1024
    print(
        f"template: {args.services} services; YAML {len(yaml_text) / mb:.1f} MB, "
        f"{yaml_text.count(chr(10)):,} lines; JSON {len(json_text) / mb:.1f} MB; best of {args.repeat}, CPU s"
    )
    for name, seconds in times.items():
        print(f"{name:20} {seconds:8.3f}  {seconds / baseline:5.2f}x the C loader")
    yaml_ratio = times["load_template YAML"] / baseline
    json_ratio = times["load_template JSON"] / baseline
    print(
        f"load_template / yaml.load (C): YAML {yaml_ratio:.2f}, JSON {json_ratio:.2f} (limit {LIMIT}); "
        f"YAML {times['load_template YAML'] / times['yaml.load (C) no GC']:.2f}x the C loader with the "
        f"garbage collector off (load_template turns it off); "
        f"JSON {times['load_template JSON'] / times['json.loads']:.2f}x json.loads"
    )
    exceeded = max(yaml_ratio, json_ratio) > LIMIT
    if exceeded:
        print("over the limit", file=sys.stderr)
    return 1 if exceeded and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
