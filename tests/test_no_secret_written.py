"""A secret found in a .tf file, or a value Terraform marks sensitive, is
written nowhere by ecs-guard (issue 10, items 2 and 8): not in any report
format, not in a baseline, not in the parse cache, not on the terminal,
in clear or in base64 or hex."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

FORMATS = ("console", "json", "sarif", "github", "junit")
SECRET = "Zq8-eg501-canary-hunter2-Xk"  # EG501: a literal secret under a secret-like name
NAME = "canary-name-7f3a"  # sensitive(): the container's name
TAG = "canary-tag-55b1"  # a sensitive = true variable: the image tag
OUTPUT = "canary-output-c0de"  # a module output declared sensitive = true, used as the log group
CANARIES = (SECRET, NAME, TAG, OUTPUT)

MAIN = f"""
variable "tag" {{
  type      = string
  default   = "{TAG}"
  sensitive = true
}}

module "logs" {{
  source = "./logs"
}}

resource "aws_ecs_task_definition" "t" {{
  family                   = "t"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "8192"
  container_definitions = jsonencode([{{
    name      = sensitive("{NAME}")
    image     = "nginx:${{var.tag}}"
    essential = true
    environment = [{{ name = "DB_PASSWORD", value = "{SECRET}" }}]
    logConfiguration = {{
      logDriver = "awslogs"
      options   = {{ "awslogs-group" = module.logs.group }}
    }}
  }}])
}}
"""
LOGS = f"""
output "group" {{
  value     = "{OUTPUT}"
  sensitive = true
}}
"""


def encodings(text: str) -> list[bytes]:
    raw = text.encode()
    return [raw, base64.b64encode(raw), raw.hex().encode(), raw.hex().upper().encode()]


def leaks(data: bytes) -> list[str]:
    return [canary for canary in CANARIES if any(encoded in data for encoded in encodings(canary))]


@pytest.fixture
def workspace(tmp_path):
    source = tmp_path / "infra"
    (source / "logs").mkdir(parents=True)
    (source / "main.tf").write_text(MAIN)
    (source / "logs" / "main.tf").write_text(LOGS)
    return tmp_path


def ecs_guard(*argv: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ecs_guard", *argv],
        cwd=cwd,
        env=dict(os.environ, XDG_CACHE_HOME=str(cache)),
        capture_output=True,
        timeout=120,
    )


def test_no_canary_is_written_to_any_file_or_stream(workspace):
    cache, reports = workspace / "cache", workspace / "reports"
    reports.mkdir()
    streams = []
    for output_format in FORMATS:
        target = ["-o", str(reports / f"report.{output_format}")]
        result = ecs_guard("scan", "--format", output_format, "-v", *target, "infra", cwd=workspace, cache=cache)
        assert result.returncode == 1, result.stderr
        streams += [(f"{output_format} stdout", result.stdout), (f"{output_format} stderr", result.stderr)]
    result = ecs_guard("scan", "-v", "infra", cwd=workspace, cache=cache)  # the terminal, the cache warm
    streams += [("console stdout", result.stdout), ("console stderr", result.stderr)]
    result = ecs_guard("baseline", "-o", str(reports / "baseline.json"), "infra", cwd=workspace, cache=cache)
    assert result.returncode == 0, result.stderr
    written = [path for folder in (cache, reports) for path in folder.rglob("*") if path.is_file()]
    assert any(path.parent.name != "ecs-guard" for path in cache.rglob("*") if path.is_file())  # the cache was used
    assert len([path for path in written if path.parent == reports]) == len(FORMATS) + 1
    found = {str(path): leaks(path.read_bytes()) for path in written}
    found.update({name: leaks(data) for name, data in streams})
    assert {where: canaries for where, canaries in found.items() if canaries} == {}


def test_the_findings_on_sensitive_values_are_still_reported(workspace):
    result = ecs_guard("scan", "--format", "json", "infra", cwd=workspace, cache=workspace / "cache")
    report = result.stdout.decode()
    assert '"rule_id": "EG501"' in report  # the secret is found...
    assert "container '****' has no" not in report  # (it has a log configuration)
    assert "(container ****)" in report or '"container": "****"' in report  # ... the sensitive name is masked
    result = ecs_guard("scan", "--select", "EG202", "--format", "json", "infra", cwd=workspace, cache=workspace / "c")
    assert "nginx:****" in result.stdout.decode()  # EG202 quotes the image: the sensitive tag is masked
