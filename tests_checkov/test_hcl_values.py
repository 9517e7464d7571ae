"""Values checkov computes wrongly from Terraform source never reach a rule
as known: each case here, through checkov, answers as `ecs-guard scan`, and
the pair named would be a wrong answer if the bridge took checkov's value."""

from __future__ import annotations

import pytest
from checkov_run import through_checkov, through_main_ecs_guard
from test_equivalence import _assert_same

ROLE = """
resource "aws_iam_role" "execution" {
  name = "web-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([
    { name = "web", image = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2" }
  ])
}
"""

CASES = {
    # checkov evaluates length() of the reference's text: desired_count 0, through a module argument
    "computed-through-a-module": (
        {
            "main.tf": """
resource "aws_ecr_repository" "app" {
  name = "app"
}

module "svc" {
  source  = "./modules/svc"
  desired = length(aws_ecr_repository.app.repository_url) > 0 ? 0 : 1
}
""",
            "modules/svc/main.tf": """
variable "desired" {}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = "main"
  task_definition = "web:1"
  desired_count   = var.desired
  launch_type     = "FARGATE"
}
""",
        },
        ("EG405", "module.svc.aws_ecs_service.web"),
        "unknown",
    ),
    # no instance: the attachment is not the role's
    "count-zero": (
        {
            "main.tf": ROLE
            + """
resource "aws_iam_role_policy_attachment" "admin" {
  count      = 0
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""
        },
        ("EG301", "aws_ecs_task_definition.web"),
        "passed",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_value_checkov_computes_wrongly_is_not_taken(name, tmp_path):
    files, pair, answer = CASES[name]
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    expected = through_main_ecs_guard([tmp_path])[tmp_path]
    assert pair in getattr(expected, answer)
    _assert_same("hcl", tmp_path, expected)
    answers, _ = through_checkov("hcl", tmp_path)
    assert (pair in answers.passed) == (answer == "passed")
