"""`ecs-guard audit` end to end: moto over HTTP -> snapshot files -> scan -> report.

Each audit runs `python -m ecs_guard.cli audit` in a child process, as an IAM
user allowed exactly docs/iam-policy.json, with moto enforcing IAM. The
seeded account (tests/audit_account.py) says which resources every rule
must flag; the rest must pass.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from audit_account import (
    ECS_GUARD,
    EMPTY_ACCOUNT,
    PLAINTEXT_SECRET,
    PRIMARY,
    REGIONS,
    SECONDARY,
    audit_policy,
    create_auditor,
    run_cli,
)

from ecs_guard.rule import select_rules

pytestmark = pytest.mark.slow  # end to end: real processes (deselect with -m "not slow")

REGION_ARGS = [arg for region in REGIONS for arg in ("--region", region)]
DEFAULT_RULES = [r.id for r in select_rules()]
DENIED = (
    "application-autoscaling:DescribeScalableTargets",
    "elasticloadbalancing:DescribeTargetGroups",
    "iam:GetPolicyVersion",
)
# The rules that need no denied data: their findings must not change when those calls fail.
UNAFFECTED_BY_DENIAL = (
    "EG101",
    "EG102",
    "EG201",
    "EG303",
    "EG402",
    "EG404",
    "EG405",
    "EG407",
    "EG408",
    "EG409",
    "EG410",
    "EG501",
    "EG601",
    "EG602",
    "EG603",
    "EG604",
    "EG701",
    "EG702",
)
ID_KEYS = {
    "service": "serviceArn",
    "task-definition": "taskDefinitionArn",
    "cluster": "clusterArn",
    "task-set": "taskSetArn",
}
FILE_OF = {
    "service": "describe-services-",
    "task-definition": "describe-task-definition-",
    "cluster": "describe-clusters",
    "task-set": "describe-task-sets-|describe-services-",
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-e2e")


@pytest.fixture(scope="module")
def json_audit(moto, account, auditor, workdir):
    """The audit of the realistic account, saved, reported as JSON."""
    done = run_cli(
        moto, auditor, workdir, "audit", *REGION_ARGS, "--save", "snapshot", "--format", "json", "-o", "audit.json"
    )
    return done, json.loads((workdir / "audit.json").read_text())


@pytest.fixture(scope="module")
def sarif_audit(moto, account, auditor, workdir):
    done = run_cli(
        moto,
        auditor,
        workdir,
        "audit",
        *REGION_ARGS,
        "--save",
        "snapshot-sarif",
        "--format",
        "sarif",
        "-o",
        "audit.sarif",
    )
    assert done.returncode == 1, done.stderr
    return json.loads((workdir / "audit.sarif").read_text())


@pytest.fixture(scope="module")
def denied_audit(moto, account, workdir):
    credentials = create_auditor(moto.url, "e2e-restricted-auditor", audit_policy(without=DENIED))
    done = run_cli(
        moto,
        credentials,
        workdir,
        "audit",
        *REGION_ARGS,
        "--save",
        "snapshot-denied",
        "--format",
        "json",
        "-o",
        "denied.json",
    )
    return done, json.loads((workdir / "denied.json").read_text())


def resources(report: dict, rule: str, kind: str = "findings") -> set[str]:
    return {r["resource"] for r in report[kind] if r["rule_id"] == rule}


# ----------------------------------------------------------------- findings


def test_each_rule_the_account_exercises_flags_exactly_its_bad_resources(json_audit, account):
    """The account (audit_account.py) breaks most rules on purpose; a rule it
    does not exercise is covered by its own cases (fixtures/rules)."""
    done, report = json_audit
    assert done.returncode == 1, done.stderr
    exercised = [rule for rule in DEFAULT_RULES if account.expected.get(rule)]
    assert len(exercised) >= 20
    for rule in exercised:
        assert resources(report, rule) == account.expected[rule], rule


def test_a_complete_read_leaves_nothing_unknown(json_audit):
    _, report = json_audit
    assert report["not_evaluated"] == []
    assert report["errors"] == [] and report["input_problems"] == []


def test_both_regions_are_scanned(json_audit):
    _, report = json_audit
    assert {f["resource"].split(":")[3] for f in report["findings"]} == set(REGIONS)
    assert {f["file"].split("/")[1] for f in report["findings"]} == set(REGIONS)


def test_a_saved_snapshot_rescans_offline_to_the_same_result(json_audit, workdir):
    _, audited = json_audit
    rescan = subprocess.run(
        [*ECS_GUARD, "scan", "snapshot", "--format", "json", "-o", "rescan.json"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert rescan.returncode == 1, rescan.stderr
    rescanned = json.loads((workdir / "rescan.json").read_text())
    for key in ("findings", "not_evaluated", "errors", "input_problems", "summary", "files"):
        assert rescanned[key] == audited[key], key


# ----------------------------------------------------------------- SARIF


def test_sarif_points_at_the_snapshot_file_and_line_of_the_resource(sarif_audit, workdir, account):
    results = sarif_audit["runs"][0]["results"]
    assert results
    for result in results:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        arn = location["logicalLocations"][0]["fullyQualifiedName"]
        uri, line = physical["artifactLocation"]["uri"], physical["region"]["startLine"]
        assert physical["artifactLocation"].get("uriBaseId") == "%SRCROOT%" and uri.startswith("snapshot-sarif/")
        lines = (workdir / uri).read_text().splitlines()
        spans = [span for key, value in _identities(workdir / uri, arn) for span in _object_spans(lines, key, value)]
        assert any(start <= line <= end for start, end in spans), (arn, uri, line)
        if result["ruleId"] == "EG101":
            assert '"assignPublicIp": "ENABLED"' in lines[line - 1]
    flagged = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        for r in results
        if account.expected.get(r["ruleId"])
    }
    assert flagged == set().union(*account.expected.values())


def _identities(path: Path, arn: str) -> list[tuple[str, str]]:
    """The members that identify, in the file at `path`, the JSON object a
    result about `arn` may point into: the resource's own object, or the
    object of what it refers to (a service's scalable target or target group)."""
    kind = arn.split(":")[5].split("/")[0]
    if path.name.startswith(("describe-scalable-targets", "describe-scaling-policies")):
        return [("ResourceId", "service/" + "/".join(arn.split("/")[-2:]))]
    if path.name == "describe-target-groups.json":
        services = [
            s
            for f in path.parent.glob("describe-services-*.json")
            for s in json.loads(f.read_text())["services"]
            if s["serviceArn"] == arn
        ]
        return [("TargetGroupArn", lb["targetGroupArn"]) for s in services for lb in s["loadBalancers"]]
    assert re.search(FILE_OF[kind], path.name), (arn, path)
    return [(ID_KEYS[kind], arn)]


def _object_spans(lines: list[str], key: str, arn: str) -> list[tuple[int, int]]:
    """1-based (first, last) lines of every JSON object (written with indent=4)
    that has `"key": "arn"` as its own member."""
    spans = []
    for i, text in enumerate(lines):
        if text.strip().rstrip(",") != f'"{key}": "{arn}"':
            continue
        outer = " " * (len(text) - len(text.lstrip()) - 4)
        start = next(
            j
            for j in range(i, -1, -1)
            if lines[j].startswith(outer) and lines[j].rstrip().endswith("{") and not lines[j].startswith(outer + " ")
        )
        end = next(j for j in range(i, len(lines)) if lines[j].startswith(outer + "}"))
        spans.append((start + 1, end + 1))
    return spans


# ----------------------------------------------------------------- secrets, progress, summary


def test_console_audit_never_prints_the_secret_and_cleans_up(moto, account, auditor, workdir):
    temp = workdir / "tmp"
    temp.mkdir()
    done = run_cli(moto, auditor, workdir, "audit", *REGION_ARGS, "--verbose", extra_env={"TMPDIR": str(temp)})
    assert done.returncode == 1, done.stderr
    assert "plaintext-secret" in done.stdout and "EG501" in done.stdout
    assert PLAINTEXT_SECRET not in done.stdout + done.stderr
    assert list(temp.iterdir()) == []  # the temporary snapshot is gone
    assert "\x1b[" not in done.stderr  # not a terminal: no live display
    assert done.stderr.startswith(f"ecs-guard audit: account 123456789012, {PRIMARY}, {SECONDARY}\n")
    assert re.search(r"read 4 clusters, 19 services, 2 task sets, \d+ task definitions, 4 roles", done.stderr)
    assert re.search(
        r"\d+ API calls \(application-autoscaling \d+, ec2 \d+, ecs \d+, elasticloadbalancing \d+, "
        r"iam \d+, sts 1\)",
        done.stderr,
    )


def test_reports_never_hold_the_secret(json_audit, sarif_audit, workdir):
    assert PLAINTEXT_SECRET not in (workdir / "audit.json").read_text()
    assert PLAINTEXT_SECRET not in (workdir / "audit.sarif").read_text()
    saved = (workdir / "snapshot" / PRIMARY / "describe-task-definition-plaintext-secret-1.json").read_text()
    assert PLAINTEXT_SECRET not in saved  # saved redacted, with the reason EG501 gave
    assert '"value": "ecs-guard:redacted:secret-like name"' in saved


def test_live_display_on_a_terminal(moto, empty_auditor, tmp_path):
    leader, follower = os.openpty()
    try:
        done = run_cli(
            moto,
            empty_auditor,
            tmp_path,
            "audit",
            *REGION_ARGS,
            stderr=follower,
            extra_env={"TERM": "xterm-256color", "COLUMNS": "120"},
        )
        os.close(follower)
        shown = _read_all(leader)
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert "\x1b[" in shown  # drawn live, with cursor control
    assert PRIMARY in shown and SECONDARY in shown
    assert "ecs-guard audit: account 111111111111" in shown


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


# ----------------------------------------------------------------- denied calls


def test_denied_calls_are_reported_and_the_audit_goes_on(denied_audit):
    done, _ = denied_audit
    assert done.returncode == 3
    for action in DENIED:
        service, operation = action.split(":")
        regions = ["global"] if service == "iam" else REGIONS
        for region in regions:
            assert f"{service}:{operation} failed in {region}: AccessDenied" in done.stderr
    assert "iam:GetPolicyVersion failed in global: AccessDenied (3 calls)" in done.stderr


def test_denied_data_makes_rules_not_evaluated_never_pass(denied_audit, json_audit, account):
    _, denied = denied_audit
    for rule in ("EG403", "EG406"):
        assert resources(denied, rule) == set()
    not_evaluated = {(n["rule_id"], n["resource"]): n["reason"] for n in denied["not_evaluated"]}
    for arn in account.services.values():  # every service is REPLICA
        region = arn.split(":")[3]
        assert not_evaluated[("EG403", arn)].startswith(
            f"application-autoscaling:DescribeScalableTargets failed in {region}: AccessDenied"
        )
    for rule in ("EG301", "EG302"):
        assert resources(denied, rule) == set()
        flagged_before = account.expected[rule]
        assert flagged_before <= resources(denied, rule, "not_evaluated")
        assert all("iam:GetPolicyVersion failed in global" in not_evaluated[(rule, arn)] for arn in flagged_before)


def test_denied_target_groups_are_not_known_because_of_the_failed_call(denied_audit, workdir, account):
    """The service's load balancers come from describe-services, which was
    allowed; what each target group checks is what the denied call held."""
    from ecs_guard.inputs import load

    inventory = load([str(workdir / "snapshot-denied")])
    service = next(s for s in inventory.services if s.address == account.services["svc-target-group-unchecked"])
    assert service.target_groups.known and service.target_groups.value
    for target_group in service.target_groups.value:
        assert not target_group.health_check_enabled.known
        assert target_group.health_check_enabled.reason.startswith(
            f"elasticloadbalancing:DescribeTargetGroups failed in {PRIMARY}: "
        )


def test_denied_target_groups_leave_the_health_check_rule_not_evaluated(denied_audit, account):
    _, denied = denied_audit
    unchecked = account.services["svc-target-group-unchecked"]
    assert unchecked not in resources(denied, "EG401")
    assert unchecked in resources(denied, "EG401", "not_evaluated")


@pytest.mark.parametrize("rule", [r for r in UNAFFECTED_BY_DENIAL if r in DEFAULT_RULES])
def test_rules_that_need_no_denied_data_are_unchanged(rule, denied_audit, json_audit):
    _, denied = denied_audit
    _, full = json_audit
    assert resources(denied, rule) == resources(full, rule)


# ----------------------------------------------------------------- accounts, credentials, options


def test_an_empty_account_passes_with_nothing_unknown(moto, empty_auditor, tmp_path):
    done = run_cli(moto, empty_auditor, tmp_path, "audit", *REGION_ARGS, "--format", "json", "-o", "empty.json")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "empty.json").read_text())
    assert report["findings"] == [] and report["not_evaluated"] == [] and report["input_problems"] == []
    assert "read 0 clusters, 0 services" in done.stderr


def test_a_named_profile_and_aws_profile_are_used(moto, empty_auditor, tmp_path):
    (tmp_path / "credentials").write_text(
        "[ops]\naws_access_key_id = {AWS_ACCESS_KEY_ID}\naws_secret_access_key = {AWS_SECRET_ACCESS_KEY}\n".format(
            **empty_auditor
        )
    )
    (tmp_path / "config").write_text("[profile ops]\nregion = eu-west-1\n")
    by_option = run_cli(moto, {}, tmp_path, "audit", "--region", PRIMARY, "--profile", "ops")
    by_variable = run_cli(moto, {}, tmp_path, "audit", "--region", PRIMARY, extra_env={"AWS_PROFILE": "ops"})
    for done in (by_option, by_variable):
        assert done.returncode == 0, done.stderr
        assert f"account {EMPTY_ACCOUNT}" in done.stderr


def test_configuration_errors_are_one_line_and_exit_2(moto, auditor, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.json").write_text("{}")
    cases = [
        (auditor, ("--profile", "nope"), "The config profile (nope) could not be found"),
        (auditor, ("--save", "full"), "--save full: the folder is not empty"),
        ({}, (), "cannot use the AWS credentials: no credentials found"),
    ]
    for credentials, argv, message in cases:
        done = run_cli(moto, credentials, tmp_path, "audit", "--region", PRIMARY, *argv)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"ecs-guard: error: {message}") and done.stderr.count("\n") == 1, done.stderr


def test_the_config_file_applies_to_an_audit_as_to_a_scan(moto, auditor, tmp_path):
    """Ignores and severities from .ecs-guard.yaml apply to an account: the
    audit goes through the same configured scan as `ecs-guard scan`."""
    (tmp_path / ".ecs-guard.yaml").write_text(
        "severity: {EG406: critical}\n"
        "ignores:\n  - rule: EG408\n    reason: insights are billed per cluster; accepted for now\n"
    )
    done = run_cli(moto, auditor, tmp_path, "audit", *REGION_ARGS, "--format", "json", "-o", "report.json")
    assert done.returncode == 1, done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert not [f for f in report["findings"] if f["rule_id"] == "EG408"]
    suppressed = [s for s in report["suppressed"] if s["rule_id"] == "EG408"]
    assert suppressed and all(s["suppression"]["kind"] == "external" for s in suppressed)
    assert {f["severity"] for f in report["findings"] if f["rule_id"] == "EG406"} == {"critical"}
