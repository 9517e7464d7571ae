"""Issue 13's "done when": `checkov -d examples/insecure-fargate
--external-checks-dir "$(ecs-guard checkov-dir)"` reports the same rules on
the same resources as `ecs-guard scan` for each form of the example (HCL,
plan, CloudFormation), and EG501's secrets appear in no output format."""

from __future__ import annotations

import json

from checkov_run import through_ecs_guard, through_main_ecs_guard
from fixture_cases import ROOT
from test_secrets import FORMATS, checkov_cli

EXAMPLE = ROOT / "examples" / "insecure-fargate"
TEMPLATE = EXAMPLE / "cloudformation" / "template.yaml"


def test_the_example_through_checkovs_command_line(tmp_path):
    source = EXAMPLE / "terraform"
    expected = {
        "terraform": through_main_ecs_guard([source])[source],
        "terraform_plan": through_ecs_guard(EXAMPLE / "plan.json"),
        "cloudformation": through_ecs_guard(TEMPLATE),
    }
    secrets = {secret for answers in expected.values() for secret in answers.secrets}
    assert secrets

    run = checkov_cli(["-d", str(EXAMPLE)], tmp_path)

    assert run.returncode == 1, run.stderr[-2000:]
    reports = json.loads((tmp_path / "results_json.json").read_text())
    failed = {framework: set() for framework in expected}
    for report in reports if isinstance(reports, list) else [reports]:
        if report["check_type"] in failed:
            for record in report["results"]["failed_checks"]:
                resource = record["resource"]
                if report["check_type"] == "cloudformation":  # AWS::ECS::Service.Logical -> Logical
                    resource = resource.split(".", 1)[1]
                failed[report["check_type"]].add((record["check_id"], resource))
    for framework, answers in expected.items():
        assert answers.failed, framework
        assert failed[framework] == answers.failed, framework
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert len(written) == len(FORMATS)
    for name, text in [*written.items(), ("stdout", run.stdout), ("stderr", run.stderr)]:
        for secret in secrets:
            assert secret not in text, f"the secret is in {name}"
