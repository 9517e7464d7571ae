"""EG501's secret never appears in any checkov output format: checkov prints
(and writes into JSON) a resource's code for every result on it, so the bridge
masks the secret for every ecs-guard check, passed or failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from checkov_run import through_checkov, through_main_ecs_guard
from ecs_guard_answers import secrets_of as secrets_in
from fixture_cases import ROOT, all_cases

from ecs_guard.rule import select_rules
from ecs_guard.scan import scan

SCENARIO = ROOT / "fixtures" / "scenarios" / "fargate-web"
EXAMPLE = ROOT / "examples" / "insecure-fargate"
FORMATS = ("cli", "json", "sarif", "junitxml", "github_failed_only")


def secrets_of(path: Path) -> list[str]:
    """The literal values of the environment variables EG501 flags in `path`, read by ecs-guard."""
    return secrets_in(scan([str(path)]))


SOURCES = {"terraform_plan": "plan.json", "cloudformation": "cloudformation/template.yaml", "terraform": "terraform"}


@pytest.mark.parametrize("folder", [SCENARIO, EXAMPLE], ids=["scenario", "example"])
@pytest.mark.parametrize("framework", list(SOURCES))
def test_no_output_format_shows_the_secret(framework, folder, tmp_path):
    source = folder / SOURCES[framework]
    if framework == "terraform":  # ecs-guard reads Terraform source in the main environment only
        secrets = through_main_ecs_guard([source])[source].secrets
        text = "".join(p.read_text() for p in source.rglob("*.tf"))
    else:
        secrets, text = secrets_of(source), source.read_text()
    assert secrets and all(secret in text for secret in secrets)  # there is a secret to leak
    run = checkov_cli(["-d", str(folder), "--framework", framework], tmp_path)
    assert run.returncode == 1, run.stderr[-2000:]  # failed checks, no crash
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert len(written) == len(FORMATS)
    assert "EG501" in written["results_json.json"]
    for name, text in [*written.items(), ("stdout", run.stdout), ("stderr", run.stderr)]:
        for secret in secrets:
            assert secret not in text, f"the secret is in {name}"


def checkov_cli(arguments: list[str], output: Path) -> subprocess.CompletedProcess:
    """checkov's own command line with ecs-guard's checks only, writing every output format into `output`."""
    checkov = Path(sys.executable).parent / "checkov"
    ids = ",".join(rule.id for rule in select_rules())
    return subprocess.run(
        [
            str(checkov),
            *arguments,
            "--check",
            ids,
            "--skip-download",
            "--external-checks-dir",
            _checks_dir(),
            *[a for f in FORMATS for a in ("-o", f)],
            "--output-file-path",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _checks_dir() -> str:
    from ecs_guard.checkov import checks_dir

    return checks_dir()


EG501_CASES = [c for c in all_cases() if c.rule == "EG501" and c.kind in ("plan", "cloudformation", "hcl") and c.expect]


@pytest.mark.parametrize("case", EG501_CASES, ids=[c.id for c in EG501_CASES])
def test_no_result_of_a_failing_fixture_holds_the_secret(case, tmp_path):
    case.write(tmp_path)
    if case.kind == "hcl":  # ecs-guard reads Terraform source in the main environment only
        path = tmp_path
        secrets = through_main_ecs_guard([path])[path].secrets
    else:
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
