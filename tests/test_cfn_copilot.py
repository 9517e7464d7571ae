"""A Copilot-style template scans as deployed with the parameters file lying
beside it (NAME.params.json for NAME.stack.yml, as `copilot svc package`
writes them); such a file in a scanned folder is recognised, never "not
understood"; --cfn-parameters wins over the file beside the template."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ecs_guard.config import Config
from ecs_guard.inputs import load
from ecs_guard.inputs.cloudformation.parameters import parameters_beside
from ecs_guard.inputs.terraform.options import TerraformOptions
from ecs_guard.scan import configured_scan

COPILOT = Path(__file__).resolve().parent.parent / "fixtures" / "copilot"
TEMPLATE = "api-test.stack.yml"
PARAMETERS = "api-test.params.json"


def copied(tmp_path, monkeypatch, *names: str) -> Path:
    for name in names:
        shutil.copyfile(COPILOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def verdicts(report) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.resource) for f in report.findings)


def test_the_template_with_its_parameters_file_scans_as_deployed(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch, TEMPLATE, PARAMETERS)
    report = configured_scan(["."], Config())
    assert report.problems == []  # the parameters file is recognised, not "not understood"
    assert report.files == [TEMPLATE]
    assert verdicts(report) == [
        ("EG101", "Service"),  # EnvName test: AssignPublicIp !If [IsProd, DISABLED, ENABLED] is ENABLED
        ("EG201", "TaskDefinition"),  # ContainerImage ...:latest
        ("EG403", "Service"),
        ("EG406", "Service"),  # TaskCount 1
    ]


def test_without_its_parameters_file_what_depends_on_them_is_not_evaluated(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch, TEMPLATE)
    report = configured_scan(["."], Config())
    assert verdicts(report) == [("EG403", "Service")]
    assert {n.rule_id for n in report.not_evaluated} >= {"EG101", "EG201", "EG406"}
    reasons = {n.rule_id: n.reason for n in report.not_evaluated}
    assert all("parameter" in reasons[rule] for rule in ("EG101", "EG201", "EG406"))


def test_cfn_parameters_wins_over_the_file_beside_the_template(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch, TEMPLATE, PARAMETERS)
    values = json.loads((COPILOT / PARAMETERS).read_text())["Parameters"]
    values.update(EnvName="prod", TaskCount="3", ContainerImage="registry/api:1.4.2")
    (tmp_path / "prod.json.txt").write_text(json.dumps({"Parameters": values}))
    report = configured_scan(["."], Config(), TerraformOptions(cfn_parameters="prod.json.txt"))
    assert verdicts(report) == [("EG403", "Service")]


def test_a_bad_parameters_file_beside_a_template_is_a_problem_naming_it(tmp_path, monkeypatch):
    copied(tmp_path, monkeypatch, TEMPLATE)
    (tmp_path / PARAMETERS).write_text('{"Parameters": ')
    inventory = load(["."])
    assert [(p.path, p.message) for p in inventory.problems] == [(PARAMETERS, "invalid JSON: Expecting value")]
    assert inventory.files == [TEMPLATE]  # the template is still scanned


def test_which_file_lies_beside_which_template(tmp_path):
    for name in ("web.yaml", "web.params.json", "api-test.stack.yml", "api-test.params.json", "solo.yml"):
        (tmp_path / name).write_text("{}")
    assert parameters_beside(str(tmp_path / "web.yaml")) == str(tmp_path / "web.params.json")
    assert parameters_beside(str(tmp_path / "api-test.stack.yml")) == str(tmp_path / "api-test.params.json")
    assert parameters_beside(str(tmp_path / "solo.yml")) is None
    assert parameters_beside(str(tmp_path / "web.params.json")) is None


def test_cli_form_parameter_files_are_recognised_in_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "values.json").write_text(json.dumps([{"ParameterKey": "Image", "ParameterValue": "nginx"}]))
    assert load(["."]).problems == []
