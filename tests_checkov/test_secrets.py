"""EG501's secret never appears in any checkov output format: checkov prints
(and writes into JSON) a resource's code for every result on it, so the bridge
masks the secret for every ecs-guard check, passed or failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from checkov_run import through_checkov
from fixture_cases import ROOT, all_cases

from ecs_guard.rule import select_rules
from ecs_guard.scan import scan

SCENARIO = ROOT / "fixtures" / "scenarios" / "fargate-web"
EXAMPLE = ROOT / "examples" / "insecure-fargate"
FORMATS = ("cli", "json", "sarif", "junitxml", "github_failed_only")


def secrets_of(path: Path) -> list[str]:
    """The literal values of the environment variables EG501 flags in `path`, read by ecs-guard."""
    report = scan([str(path)])
    assert report.inventory is not None
    flagged = {(f.resource, f.container) for f in report.findings if f.rule_id == "EG501"}
    return [
        entry.value.value
        for definition in report.inventory.task_definitions
        for container in definition.containers.value or ()
        if (definition.address, container.name.value) in flagged
        for entry in container.environment.value or ()
        if entry.value.known
        and isinstance(entry.value.value, str)
        and entry.value.value
        and f"'{entry.name.value}'" in " ".join(f.message for f in report.findings if f.rule_id == "EG501")
    ]


@pytest.mark.parametrize("folder", [SCENARIO, EXAMPLE], ids=["scenario", "example"])
@pytest.mark.parametrize("framework", ["terraform_plan", "cloudformation"])
def test_no_output_format_shows_the_secret(framework, folder, tmp_path):
    source = folder / ("plan.json" if framework == "terraform_plan" else "cloudformation/template.yaml")
    secrets = secrets_of(source)
    assert secrets and all(secret in source.read_text() for secret in secrets)  # there is a secret to leak
    checkov = Path(sys.executable).parent / "checkov"
    ids = ",".join(rule.id for rule in select_rules())
    run = subprocess.run(
        [
            str(checkov),
            "-d",
            str(folder),
            "--framework",
            framework,
            "--check",
            ids,
            "--skip-download",
            "--external-checks-dir",
            _checks_dir(),
            *[a for f in FORMATS for a in ("-o", f)],
            "--output-file-path",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr[-2000:]  # failed checks, no crash
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert len(written) == len(FORMATS)
    assert "EG501" in written["results_json.json"]
    for name, text in [*written.items(), ("stdout", run.stdout), ("stderr", run.stderr)]:
        for secret in secrets:
            assert secret not in text, f"the secret is in {name}"


def _checks_dir() -> str:
    from ecs_guard.checkov import checks_dir

    return checks_dir()


EG501_CASES = [c for c in all_cases() if c.rule == "EG501" and c.kind in ("plan", "cloudformation") and c.expect]


@pytest.mark.parametrize("case", EG501_CASES, ids=[c.id for c in EG501_CASES])
def test_no_result_of_a_failing_fixture_holds_the_secret(case, tmp_path):
    case.write(tmp_path)
    path = tmp_path / ("plan.json" if case.kind == "plan" else next(iter(case.files)))
    secrets = secrets_of(path)
    assert secrets
    answers, log = through_checkov(case.kind, path)
    assert any(record.check_id == "EG501" for record in answers.records)
    for record in answers.records:
        text = repr(record.code_block) + repr(record.details) + record.check_name
        for secret in secrets:
            assert secret not in text, f"{record.check_id} {record.check_result['result']}"
    assert not any(secret in line for line in log for secret in secrets)
