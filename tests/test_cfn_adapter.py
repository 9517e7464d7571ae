"""CloudFormation templates through the whole scanner: which files are read,
intrinsics and parameters, links through Ref/GetAtt, lines, and secrets
that never leave the scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecs_guard.cli import main
from ecs_guard.inputs import load
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.rule import get_rule
from ecs_guard.scan import scan

TASK = """\
AWSTemplateFormatVersion: "2010-09-09"
{parameters}Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{}}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      Cpu: 256
      Memory: 512
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - Name: web
          Image: {image}
          Environment:
            - Name: DB_PASSWORD
              Value: {password}
"""


def write(folder: Path, text: str, name: str = "template.yaml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def task(parameters: str = "", image: str = "nginx:1.27", password: str = "!Ref AWS::NoValue") -> str:
    return TASK.format(parameters=parameters, image=image, password=password)


def findings(report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule_id == rule_id]


# ----------------------------------------------------------------- which files


def test_yaml_that_is_no_template_is_not_ours(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n", "pod.yaml")
    write(tmp_path, "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n", "ci.yml")
    write(tmp_path, "Resources:\n  - not a mapping\n", "other.yaml")  # passes the pre-filter, is no template
    inventory = load(["."])
    assert inventory.problems == []
    assert inventory.files == []


def test_a_template_that_cannot_be_read_is_one_problem_with_its_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "Resources:\n  A:\n    Type: AWS::ECS::Cluster\n  A:\n    Type: AWS::ECS::Cluster\n", "bad.yaml")
    write(tmp_path, task())
    inventory = load(["."])
    assert [(p.path, p.line) for p in inventory.problems] == [("bad.yaml", 4)]
    assert [td.address for td in inventory.task_definitions] == ["Task"]  # the rest is scanned


def test_a_json_template_is_scanned_not_reported_as_not_scanned_yet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = {
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"ClusterName": "main"}},
        }
    }
    write(tmp_path, json.dumps(template, indent=2), "stack.json")
    report = scan(["."], rules=[get_rule("EG408")])
    assert report.problems == []
    assert [(f.resource, f.location.path, f.location.line) for f in report.findings] == [("Cluster", "stack.json", 3)]


# ----------------------------------------------------------------- intrinsics and parameters


def test_a_parameter_without_default_is_not_evaluated_and_a_parameters_file_gives_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, task(parameters="Parameters:\n  Image:\n    Type: String\n", image="!Ref Image"))
    report = scan(["."], rules=[get_rule("EG201")])
    assert findings(report, "EG201") == []
    assert [n.reason for n in report.not_evaluated] == [
        "parameter Image has no default and no value in a parameters file (set at deploy time)"
    ]
    for form in (
        [{"ParameterKey": "Image", "ParameterValue": "nginx:latest"}],
        {"Parameters": {"Image": "nginx:latest"}},
    ):
        (tmp_path / "params.json.txt").write_text(json.dumps(form))
        report = scan(["."], rules=[get_rule("EG201")], options=TerraformOptions(cfn_parameters="params.json.txt"))
        assert [(f.resource, f.container) for f in report.findings] == [("Task", "web")]
        assert report.not_evaluated == []


def test_a_bad_parameters_file_is_a_problem_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, task())
    (tmp_path / "p.txt").write_text('{"Image": "x"}')
    inventory = load(["."], TerraformOptions(cfn_parameters="p.txt"))
    assert [p.path for p in inventory.problems] == ["p.txt"]


def test_import_value_roles_are_unknown_never_a_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = task().replace("!GetAtt Role.Arn", "!ImportValue shared-role")
    write(tmp_path, text)
    report = scan(["."], rules=[get_rule("EG301")])
    assert report.findings == []
    assert ["Fn::ImportValue" in n.reason for n in report.not_evaluated] == [True]


def test_get_att_links_the_role_and_its_separate_policy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    policy = (
        "  Wide:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: wide\n"
        "      Roles: [!Ref Role]\n      PolicyDocument:\n        Statement:\n"
        "          - {Effect: Allow, Action: 'ecr:*', Resource: !GetAtt Repo.Arn}\n"
        "  Repo:\n    Type: AWS::ECR::Repository\n"
    )
    write(tmp_path, task().replace("  Task:\n", policy + "  Task:\n"))
    report = scan(["."], rules=[get_rule("EG301")])
    assert [(f.resource, f.location.line) for f in report.findings] == [("Task", 25)]


def test_no_value_removes_the_property(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, task())
    [definition] = load(["."]).task_definitions
    [container] = definition.containers.value
    assert [(e.name.value, e.value.value) for e in container.environment.value] == [("DB_PASSWORD", None)]


@pytest.mark.parametrize(
    ("env", "expected"),
    [("prod", []), ("dev", ["Cluster"])],
)
def test_conditions_over_known_parameters_choose_the_branch(tmp_path, monkeypatch, env, expected):
    monkeypatch.chdir(tmp_path)
    text = (
        f"Parameters:\n  Env:\n    Type: String\n    Default: {env}\n"
        "Conditions:\n  Prod: !Equals [!Ref Env, prod]\n"
        "Resources:\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n"
        "        - Name: containerInsights\n          Value: !If [Prod, enabled, disabled]\n"
    )
    write(tmp_path, text)
    report = scan(["."], rules=[get_rule("EG408")])
    assert [f.resource for f in report.findings] == expected


def test_a_resource_whose_condition_is_false_is_not_deployed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (
        "Conditions:\n  Never: !Equals [a, b]\n"
        "Resources:\n  Cluster:\n    Type: AWS::ECS::Cluster\n    Condition: Never\n"
    )
    write(tmp_path, text)
    assert load(["."]).clusters == []


# ----------------------------------------------------------------- secrets


CANARIES = ("Canary-Env-Value-7f3a9", "Canary-Default-2b8c4", "Canary-NoEcho-9d1e6")


def test_canary_secrets_never_reach_any_output_or_written_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    parameters = (
        "Parameters:\n"
        f"  DbPassword:\n    Type: String\n    Default: {CANARIES[1]}\n"
        f"  ApiToken:\n    Type: String\n    NoEcho: true\n    Default: {CANARIES[2]}\n"
    )
    text = task(parameters=parameters, password=CANARIES[0], image="!Ref ApiToken")
    text += (
        "            - Name: SECRET_KEY\n              Value: !Ref DbPassword\n"
        "            - Name: API_TOKEN\n              Value: !Ref ApiToken\n"
    )
    write(tmp_path, text)
    outputs = []
    for fmt in ("console", "json", "sarif", "github"):
        out_file = tmp_path / f"out.{fmt}"
        main(["scan", "template.yaml", "--format", fmt, "--verbose", "-o", str(out_file)])
        out, err = capsys.readouterr()
        outputs += [out, err, out_file.read_text()]
    main(["baseline", "template.yaml", "-o", str(tmp_path / "baseline.json")])
    outputs += [*capsys.readouterr(), (tmp_path / "baseline.json").read_text()]
    report = scan(["template.yaml"])
    assert len(findings(report, "EG501")) == 3  # the secrets were judged (and redacted)
    for canary in CANARIES:
        assert all(canary not in text for text in outputs), canary
