"""`ecs-guard scan --changed` with CloudFormation: a staged YAML or JSON
template is scanned (with the parameters file beside it), a staged parameters
file scans its template, any file of a CDK cdk.out scans the assembly, and
YAML that is no template (a workflow, a Kubernetes manifest) is skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_cfn_adapter import task
from test_precommit import run, write_files

from ecs_guard.precommit import plan_scan

ROOT = Path(__file__).resolve().parent.parent
COPILOT = ROOT / "fixtures" / "copilot"
ASSEMBLY = ROOT / "fixtures" / "cdk" / "service" / "cdk.out"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    write_files(
        top,
        {
            "stacks/web.yaml": task(image="nginx:latest"),
            "stacks/api.json": json.dumps({"Resources": {"C": {"Type": "AWS::ECS::Cluster"}}}),
            ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n",
            "package.json": '{"name": "infra"}',
        },
    )
    shutil.copytree(COPILOT, top / "copilot")
    shutil.copytree(ASSEMBLY, top / "cdk.out")
    monkeypatch.chdir(top)
    return top


def targets(*changed: str) -> list[tuple[str, str]]:
    return [(t.path, t.kind) for t in plan_scan(changed).targets]


def test_staged_templates_map_to_themselves(repo):
    assert targets("stacks/web.yaml", "stacks/api.json") == [
        ("stacks/api.json", "CloudFormation template"),
        ("stacks/web.yaml", "CloudFormation template"),
    ]


def test_yaml_that_is_no_template_is_skipped(repo):
    assert targets(".github/workflows/ci.yml", "k8s/pod.yaml") == []
    assert dict(plan_scan(["k8s/pod.yaml"]).skipped) == {"k8s/pod.yaml": "not a CloudFormation template"}


def test_a_parameters_file_maps_to_its_template(repo):
    assert targets("copilot/api-test.params.json") == [("copilot/api-test.stack.yml", "CloudFormation template")]


def test_a_file_of_a_cdk_assembly_maps_to_the_assembly(repo):
    assert targets("cdk.out/WebServiceStack.template.json", "cdk.out/manifest.json") == [("cdk.out", "CDK assembly")]


def test_changed_template_is_scanned_through_the_cli(repo, capsys):
    code, out, _ = run(capsys, "scan", "--changed", "stacks/web.yaml", ".github/workflows/ci.yml", "package.json")
    assert code == 1
    assert "stacks/web.yaml" in out and "EG201" in out
    assert "1 file," in out and "0 not understood" in out


def test_changed_parameters_file_scans_the_template_as_deployed(repo, capsys):
    code, out, _ = run(capsys, "scan", "--changed", "copilot/api-test.params.json")
    assert code == 1
    assert "copilot/api-test.stack.yml" in out
    assert "shop/api:latest" in out  # ContainerImage from the parameters file
