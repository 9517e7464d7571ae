"""Loaded by checkov from --external-checks-dir: registers ecs-guard's rules.

checkov imports this file by path under its bare name, once per framework
(terraform, terraform_plan, cloudformation): registration is idempotent.
"""

from ecs_guard.checkov.register import register_checks

register_checks()
