"""Binary files where inputs are expected: every one is named, none stops
the scan, nothing is printed from them, and the rest is still scanned."""

from __future__ import annotations

import json
import os
import random

import pytest

from ecs_guard import cli

TASK_DEFINITION = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:latest"}]}


def _binary(seed: int, size: int = 4096) -> bytes:
    generator = random.Random(seed)
    return bytes(generator.randrange(256) for _ in range(size))


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    (tmp_path / "taskdef.json").write_text(json.dumps(TASK_DEFINITION))
    png = b"\x89PNG\r\n\x1a\n" + _binary(1)
    (tmp_path / "image.json").write_bytes(png)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_bytes(b"resource \x00\xff\xfe" + _binary(2))
    (tmp_path / "stack.yaml").write_bytes(b"Resources:\n  A:\n    Type: AWS::ECS::Cluster\n" + _binary(3))
    (tmp_path / "blob.template").write_bytes(_binary(4))
    return tmp_path


def test_binary_files_are_named_and_the_rest_is_scanned(project, capsys):
    code = cli.main(["scan", ".", "--format", "json"])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 3  # inputs that could not be read make the scan incomplete
    named = {problem["file"] for problem in doc["input_problems"]}
    assert {"image.json", "infra/main.tf", "stack.yaml"} <= named, doc["input_problems"]
    assert all(problem["message"] and "\x00" not in problem["message"] for problem in doc["input_problems"])
    assert [f["rule_id"] for f in doc["findings"] if f["rule_id"] == "EG201"] == ["EG201"]  # taskdef.json still read
    assert "Traceback" not in err and "internal error" not in err


def test_a_named_binary_file_is_unreadable_with_its_name(project, capsys):
    code = cli.main(["scan", "blob.template", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [problem["file"] for problem in doc["input_problems"]] == ["blob.template"]
    assert os.path.getsize(project / "blob.template") == 4096
