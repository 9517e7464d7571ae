"""Task definition files in the three forms people keep in repositories,
read into the model with the brief's addresses and lines."""

from __future__ import annotations

import json
import shutil

import pytest
from input_helpers import TASKDEFS, line_of

from ecs_guard.inputs import load

ACCOUNT = "123456789012"


@pytest.fixture
def in_taskdefs(monkeypatch):
    monkeypatch.chdir(TASKDEFS)


def _only_task_definition(*paths):
    inventory = load(list(paths))
    assert inventory.problems == []
    assert len(inventory.task_definitions) == 1
    return inventory, inventory.task_definitions[0]


def test_register_task_definition_input(in_taskdefs):
    inventory, td = _only_task_definition("register-input.json")
    file = "register-input.json"
    assert inventory.files == [file]
    assert td.address == "family:checkout"
    assert (td.location.path, td.location.line) == (file, line_of(file, '"family"'))
    assert td.location.address == "family:checkout"
    assert (td.family.value, td.network_mode.value, td.cpu.value, td.memory.value) == (
        "checkout",
        "awsvpc",
        "512",
        "1024",
    )
    assert td.requires_compatibilities.value == ("FARGATE",)
    assert td.network_mode.location.line == line_of(file, '"networkMode"')
    assert (td.os_family.value, td.os_family.location.line) == ("LINUX", line_of(file, '"operatingSystemFamily"'))
    # an absent attribute is located at the owner: the task definition's "family"
    assert (td.pid_mode.value, td.pid_mode.known, td.pid_mode.location.line) == (None, True, line_of(file, '"family"'))

    checkout, envoy = td.containers.value
    assert [c.address for c in (checkout, envoy)] == ["family:checkout"] * 2
    assert (checkout.name.value, checkout.location.line) == ("checkout", line_of(file, '"name": "checkout"'))
    assert (checkout.user.value, checkout.user.location.line) == ("1000", line_of(file, '"user": "1000"'))
    assert checkout.readonly_root_filesystem.value is True
    assert (checkout.log_driver.value, checkout.log_driver.location.line) == ("awslogs", line_of(file, '"logDriver"'))
    assert checkout.health_check.value is True
    token = checkout.environment.value[1]
    assert (token.name.value, token.value.value) == ("PAYMENT_API_TOKEN", "tok_live_9a8b7c6d5e4f3a2b1c0d")
    assert token.location.line == token.name.location.line == line_of(file, '"name": "PAYMENT_API_TOKEN"')
    assert [e.name.value for e in checkout.environment.value] == ["SPRING_PROFILES_ACTIVE", "PAYMENT_API_TOKEN"]

    envoy_line = line_of(file, '"name": "envoy"')
    assert (envoy.privileged.value, envoy.privileged.location.line) == (True, line_of(file, '"privileged": true'))
    assert (envoy.essential.value, envoy.essential.location.line) == (False, line_of(file, '"essential": false'))
    # absent container attributes: the container's "name"
    assert (envoy.log_driver.value, envoy.log_driver.location.line) == (None, envoy_line)
    assert (envoy.health_check.value, envoy.health_check.location.line) == (False, envoy_line)
    assert (envoy.readonly_root_filesystem.value, envoy.readonly_root_filesystem.location.line) == (None, envoy_line)
    assert envoy.environment.value == ()

    (volume,) = td.volumes.value
    assert (volume.name.value, volume.efs) == ("shared-cache", True)
    assert (volume.transit_encryption.value, volume.transit_encryption.location.line) == (
        "ENABLED",
        line_of(file, '"transitEncryption"'),
    )


def test_roles_of_a_task_definition_file_alone_are_not_known(in_taskdefs):
    _, td = _only_task_definition("register-input.json")
    file = "register-input.json"
    assert (td.task_role_ref.value, td.task_role_ref.location.line) == (
        f"arn:aws:iam::{ACCOUNT}:role/checkout-task",
        line_of(file, '"taskRoleArn"'),
    )
    assert td.execution_role_ref.value == f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    for role in (td.task_role, td.execution_role):
        assert not role.known
        assert role.reason == "iam get-account-authorization-details not in the snapshot"
    assert td.task_role.location.line == line_of(file, '"taskRoleArn"')


def test_console_export(in_taskdefs):
    _, td = _only_task_definition("console-export.json")
    file = "console-export.json"
    arn = f"arn:aws:ecs:us-east-2:{ACCOUNT}:task-definition/nightly-export:14"
    assert td.address == arn
    assert td.location.line == line_of(file, '"family"')
    assert (td.cpu.value, td.memory.value) == ("2048", "1024")
    # no taskRoleArn: known None at the owner, not unknown
    assert (td.task_role_ref.value, td.task_role.value, td.task_role.known) == (None, None, True)
    assert td.task_role.location.line == line_of(file, '"family"')
    assert not td.execution_role.known

    (exporter,) = td.containers.value
    assert exporter.address == arn
    assert (exporter.image.value, exporter.user.value) == ("python:3.12", None)
    assert exporter.user.location.line == line_of(file, '"name": "exporter"')
    key = exporter.environment.value[0]
    assert (key.name.value, key.location.line) == ("AWS_ACCESS_KEY_ID", line_of(file, '"name": "AWS_ACCESS_KEY_ID"'))

    (scratch,) = td.volumes.value
    assert scratch.efs is True
    assert scratch.transit_encryption.value is None
    assert scratch.transit_encryption.location.line == line_of(file, '"efsVolumeConfiguration"')


def test_describe_task_definition_output(in_taskdefs):
    _inventory, td = _only_task_definition("describe-output.json")
    file = "describe-output.json"
    assert td.address == f"arn:aws:ecs:us-east-2:{ACCOUNT}:task-definition/legacy-batch:2"
    assert td.location.line == line_of(file, '"family"')
    assert (td.network_mode.value, td.network_mode.location.line) == ("host", line_of(file, '"networkMode"'))
    assert (td.pid_mode.value, td.pid_mode.location.line) == ("host", line_of(file, '"pidMode"'))
    assert td.requires_compatibilities.value == ("EC2",)
    assert td.cpu.value is None
    assert td.execution_role_ref.value == td.task_role_ref.value == f"arn:aws:iam::{ACCOUNT}:role/batch"
    (batch,) = td.containers.value
    assert (batch.user.value, batch.user.location.line) == ("root", line_of(file, '"user": "root"'))
    assert batch.image.value == f"{ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/batch"


def _authorization_details(*role_names: str) -> dict:
    return {
        "UserDetailList": [],
        "GroupDetailList": [],
        "Policies": [],
        "RoleDetailList": [
            {
                "RoleName": name,
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                "Path": "/",
                "RolePolicyList": [
                    {
                        "PolicyName": "inline",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                        },
                    }
                ],
                "AttachedManagedPolicies": [],
            }
            for name in role_names
        ],
    }


def test_a_task_definition_file_finds_its_roles_in_iam_files_of_the_same_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    shutil.copy(TASKDEFS / "register-input.json", tmp_path / "app" / "taskdef.json")
    (tmp_path / "app" / "iam.json").write_text(json.dumps(_authorization_details("checkout-task")))

    inventory = load(["app"])
    assert inventory.problems == []
    (td,) = inventory.task_definitions
    (role,) = inventory.roles
    assert td.task_role.value is role
    assert role.address == f"arn:aws:iam::{ACCOUNT}:role/checkout-task"
    assert role.location.path == "app/iam.json"
    # the other role is referenced but the IAM data has no such role
    assert not td.execution_role.known
    assert td.execution_role.reason == f"role arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole not in the snapshot"


def test_iam_files_under_another_command_line_path_are_another_estate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder in ("app", "iam"):
        (tmp_path / folder).mkdir()
    shutil.copy(TASKDEFS / "register-input.json", tmp_path / "app" / "taskdef.json")
    (tmp_path / "iam" / "details.json").write_text(json.dumps(_authorization_details("checkout-task")))

    inventory = load(["app", "iam"])
    (td,) = inventory.task_definitions
    assert len(inventory.roles) == 1
    assert not td.task_role.known
    assert td.task_role.reason == "iam get-account-authorization-details not in the snapshot"


def _beside_iam(folder, key: str, role: str, iam_role: str):
    """The task definition of register-input.json with `key` set to `role`,
    read next to IAM data that has the role named `iam_role`."""
    taskdef = json.loads((TASKDEFS / "register-input.json").read_text())
    taskdef[key] = role
    (folder / "taskdef.json").write_text(json.dumps(taskdef, indent=2))
    (folder / "iam.json").write_text(json.dumps(_authorization_details(iam_role)))
    (td,) = load([str(folder)]).task_definitions
    return td


def test_a_role_named_without_an_arn_is_found_by_name(tmp_path):
    td = _beside_iam(tmp_path, "executionRoleArn", "ecsTaskExecutionRole", "ecsTaskExecutionRole")
    assert td.execution_role_ref.value == "ecsTaskExecutionRole"
    assert td.execution_role.value.address == f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"


def test_a_role_of_another_account_with_the_same_name_is_not_taken_for_it(tmp_path):
    td = _beside_iam(tmp_path, "taskRoleArn", "arn:aws:iam::999999999999:role/checkout-task", "checkout-task")
    assert not td.task_role.known
    assert td.task_role.reason == "role arn:aws:iam::999999999999:role/checkout-task not in the snapshot"


def test_a_malformed_task_definition_is_reported_without_its_values_and_the_rest_is_scanned(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.json").write_text(
        json.dumps(
            {"family": "broken", "containerDefinitions": [{"name": "app", "environment": "DB_PASSWORD=hunter2"}]}
        )
    )
    shutil.copy(TASKDEFS / "console-export.json", tmp_path / "good.json")

    inventory = load(["."])
    assert [td.family.value for td in inventory.task_definitions] == ["nightly-export"]
    (problem,) = inventory.problems
    assert (problem.path, problem.kind, problem.line) == ("broken.json", "unreadable", 1)
    assert problem.message == "containerDefinitions[0].environment: expected a list, found a string"
    assert "hunter2" not in str(problem)
