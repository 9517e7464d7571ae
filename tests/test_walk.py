"""Finding and reading the files under the command-line paths: what is a
candidate, what is skipped, and how each kind of bad file is reported
while the scan goes on."""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import types

import pytest
from input_helpers import TASKDEFS

from ecs_guard.inputs import load
from ecs_guard.inputs.jsondocs.files import NOT_UNDERSTOOD

TASKDEF = (TASKDEFS / "register-input.json").read_text()


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """An empty folder that is the working directory, so display paths are relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _problems(inventory):
    return [(p.path, p.kind, p.line) for p in inventory.problems]


def test_folders_are_walked_recursively_with_relative_posix_display_paths(tree):
    _write(tree / "deploy" / "ecs" / "web" / "taskdef.json", TASKDEF)
    _write(tree / "deploy" / "top.json", TASKDEF.replace('"checkout"', '"top"', 1))
    inventory = load(["deploy"])
    assert inventory.files == ["deploy/ecs/web/taskdef.json", "deploy/top.json"]
    assert [td.address for td in inventory.task_definitions] == ["family:checkout", "family:top"]
    assert inventory.task_definitions[0].location.path == "deploy/ecs/web/taskdef.json"


def test_a_symlink_loop_is_walked_once(tree):
    _write(tree / "app" / "taskdef.json", TASKDEF)
    os.symlink("..", tree / "app" / "up")  # app/up -> . (loops back)
    os.symlink(tree / "app", tree / "app" / "self")  # app/self -> app
    inventory = load(["."])
    assert inventory.files == ["app/taskdef.json"]
    assert len(inventory.task_definitions) == 1
    assert inventory.problems == []


def test_tool_and_vcs_folders_are_skipped(tree):
    for folder in (".git", ".terraform", "node_modules", "__pycache__", ".venv"):
        _write(tree / folder / "x.json", "{ not json")
        _write(tree / "nested" / folder / "y.json", TASKDEF)
    _write(tree / "nested" / ".github" / "taskdef.json", TASKDEF)  # only the listed folders are skipped
    inventory = load(["."])
    assert inventory.problems == []
    assert inventory.files == ["nested/.github/taskdef.json"]


def test_only_json_and_tf_files_are_candidates_when_walking_but_a_named_file_always_is(tree):
    _write(tree / "main.tf", 'resource "aws_ecs_cluster" "main" {}')
    _write(tree / "notes.txt", "not an input")
    _write(tree / "taskdef.txt", TASKDEF)
    _write(tree / "UPPER.JSON", TASKDEF)
    walked = load(["."])
    assert walked.files == ["UPPER.JSON", "main.tf"] and walked.problems == []
    assert [c.address for c in walked.clusters] == ["aws_ecs_cluster.main"]
    named = load(["taskdef.txt"])
    assert named.files == ["taskdef.txt"]
    assert [td.family.value for td in named.task_definitions] == ["checkout"]


def test_invalid_json_is_unreadable_with_its_line(tree):
    _write(tree / "broken.json", '{\n  "family": "web",\n  "containerDefinitions": [\n    {"name": "web",}\n  ]\n}\n')
    inventory = load(["."])
    (problem,) = inventory.problems
    assert (problem.path, problem.kind, problem.line) == ("broken.json", "unreadable", 4)
    assert problem.message.startswith("invalid JSON: ")
    assert str(problem).startswith("broken.json:4: invalid JSON")
    assert inventory.files == []


def test_json_that_is_no_known_input_is_not_understood_when_found_and_unreadable_when_named(tree):
    _write(tree / "package.json", json.dumps({"name": "site", "version": "1.0.0"}))
    assert _problems(load(["."])) == [("package.json", "not-understood", None)]
    named = load(["package.json"])
    assert _problems(named) == [("package.json", "unreadable", None)]
    assert named.problems[0].message == NOT_UNDERSTOOD


def test_a_list_of_task_definitions_is_not_understood_and_says_why(tree):
    _write(tree / "all.json", json.dumps([json.loads(TASKDEF), json.loads(TASKDEF)]))
    (problem,) = load(["."]).problems
    assert problem.kind == "not-understood"
    assert problem.message == NOT_UNDERSTOOD + " (a list of task definitions: write one task definition per file)"


@pytest.mark.parametrize(
    "content, message, line",
    [
        (b'{\n  "family": "caf\xe9",\n  "containerDefinitions": []\n}', "not UTF-8 text", 2),
        ('{"family": "web"}'.encode("utf-16"), "UTF-16 text: ecs-guard reads UTF-8 (save the file as UTF-8)", None),
    ],
)
def test_text_that_is_not_utf8_is_unreadable(tree, content, message, line):
    (tree / "taskdef.json").write_bytes(content)
    assert [(p.message, p.line, p.kind) for p in load(["."]).problems] == [(message, line, "unreadable")]


def test_a_utf8_byte_order_mark_is_accepted(tree):
    (tree / "taskdef.json").write_bytes(b"\xef\xbb\xbf" + TASKDEF.encode())
    inventory = load(["."])
    assert inventory.problems == []
    assert inventory.task_definitions[0].family.location.line == 2


def test_missing_paths_and_broken_symlinks_are_unreadable(tree):
    os.symlink(tree / "gone.json", tree / "dangling.json")
    inventory = load(["nowhere.json", "."])
    assert [(p.path, p.kind, p.message) for p in inventory.problems] == [
        ("nowhere.json", "unreadable", "cannot read the file: No such file or directory"),
        ("dangling.json", "unreadable", "cannot read the file: No such file or directory"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_unreadable(tree):
    secret = _write(tree / "taskdef.json", TASKDEF)
    secret.chmod(0)
    assert _problems(load(["."])) == [("taskdef.json", "unreadable", None)]


def test_one_bad_file_does_not_stop_the_others(tree):
    _write(tree / "a-broken.json", "{")
    _write(tree / "b-package.json", json.dumps({"name": "x"}))
    _write(tree / "c-taskdef.json", TASKDEF)
    shutil.copy(TASKDEFS / "describe-output.json", tree / "d-describe.json")
    inventory = load(["."])
    assert [(p.path, p.kind) for p in inventory.problems] == [
        ("a-broken.json", "unreadable"),
        ("b-package.json", "not-understood"),
    ]
    assert inventory.files == ["c-taskdef.json", "d-describe.json"]
    assert len(inventory.task_definitions) == 2


def test_a_file_reached_twice_is_read_once(tree):
    _write(tree / "app" / "taskdef.json", TASKDEF)
    os.symlink(tree / "app" / "taskdef.json", tree / "link.json")
    inventory = load(["app", "app/taskdef.json", "."])
    assert inventory.files == ["app/taskdef.json"]
    assert len(inventory.task_definitions) == 1


def test_terraform_state_is_reported_not_scanned_and_a_cloudformation_template_is_scanned(tree):
    _write(
        tree / "state.json",
        json.dumps({"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {}}}),
    )
    _write(tree / "template.json", json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}))
    inventory = load(["."])
    assert [(p.path, p.kind, p.message) for p in inventory.problems] == [
        (
            "state.json",
            "not-understood",
            "Terraform JSON that is not a plan (scan the output of `terraform show -json PLANFILE`)",
        ),
    ]
    assert inventory.files == ["template.json"]


def _use_plan_adapter(monkeypatch, load_plan):
    """Stands in for the plan adapter (another module): here only the hand-over is under test."""
    adapter = types.SimpleNamespace(load_plan=load_plan)
    monkeypatch.setitem(sys.modules, "ecs_guard.inputs.terraform.plan.adapter", adapter)
    monkeypatch.setattr("ecs_guard.inputs.terraform.plan.adapter", adapter, raising=False)


@pytest.fixture
def plan_adapter(monkeypatch):
    """The (path, display path) of every file handed to the plan adapter."""
    from ecs_guard.model import Inventory

    calls = []

    def load_plan(path, display, source=None):
        calls.append((path, display))
        return Inventory()

    _use_plan_adapter(monkeypatch, load_plan)
    return calls


def test_plans_go_to_the_plan_adapter_even_when_variables_fill_the_head(tree, plan_adapter):
    variables = {"blob": {"value": "x" * 20000}}
    _write(
        tree / "big.json",
        json.dumps(
            {
                "format_version": "1.2",
                "terraform_version": "1.11.4",
                "variables": variables,
                "planned_values": {},
                "resource_changes": [],
            }
        ),
    )
    _write(tree / "small.json", '{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{}}')
    _write(
        tree / "sorted.json",
        json.dumps(
            {
                "configuration": {"x": "y" * 9000},
                "format_version": "1.2",
                "planned_values": {},
                "terraform_version": "1.11.4",
            }
        ),
    )
    inventory = load(["."])
    assert inventory.problems == []
    assert [display for _, display in plan_adapter] == ["big.json", "small.json", "sorted.json"]
    assert inventory.files == ["big.json", "small.json", "sorted.json"]


def test_a_plan_the_plan_adapter_rejects_is_reported_and_the_scan_goes_on(tree, monkeypatch):
    from ecs_guard.inputs.problems import InputError

    def load_plan(path, display, source=None):
        raise InputError("resource_changes is not a list", 1)

    _use_plan_adapter(monkeypatch, load_plan)
    _write(tree / "plan.json", '{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":{}}')
    _write(tree / "taskdef.json", TASKDEF)
    inventory = load(["."])
    assert [(p.path, p.message, p.line) for p in inventory.problems] == [
        ("plan.json", "resource_changes is not a list", 1)
    ]
    assert inventory.files == ["taskdef.json"]


def test_the_collector_is_paused_while_a_scan_runs_and_left_as_it_was(tree, monkeypatch):
    from ecs_guard import scan as scanning
    from ecs_guard.config import Config

    _write(tree / "taskdef.json", TASKDEF)
    states = []
    real_scan = scanning.scan
    monkeypatch.setattr(scanning, "scan", lambda *a: states.append(gc.isenabled()) or real_scan(*a))
    assert gc.isenabled()
    scanning.configured_scan(["."], Config())
    assert states == [False] and gc.isenabled()
    gc.disable()
    try:
        scanning.configured_scan(["."], Config())
        assert not gc.isenabled()  # a caller that manages the collector keeps managing it
    finally:
        gc.enable()
