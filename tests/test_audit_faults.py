"""The live audit under injected faults, against moto over real HTTP.

A proxy in front of the moto server (tests/fault_proxy.py) fails chosen
operations: denied, answered with an HTML error page, or left hanging.
Each audit runs `ecs-guard audit` in a child process, as the IAM user of
docs/iam-policy.json, and what the proxy saw is counted independently of
the audit's own bookkeeping. Whatever fails, every finding of a complete
audit is still there or "not evaluated" with the failed call as the
reason, never silently gone, and the exit code is 3.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest
from audit_account import (
    AWS_VARIABLES_TO_CLEAR,
    ECS_GUARD,
    PLAINTEXT_SECRET,
    PRIMARY,
    REGIONS,
    aws_settings,
    run_cli,
)
from fault_proxy import FaultProxy

REGION_ARGS = [arg for region in REGIONS for arg in ("--region", region)]
INTERRUPT_GRACE_SECONDS = 5  # a bound on the child's exit after SIGINT, not a measurement


def audit_via(proxy: FaultProxy, credentials, cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    """`ecs-guard audit ARGV` pointed at the proxy (moto does not enforce IAM here)."""
    return subprocess.run(
        [*ECS_GUARD, "audit", *argv],
        cwd=cwd,
        env=_env(proxy.url, credentials, cwd),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _env(url: str, credentials, cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in AWS_VARIABLES_TO_CLEAR}
    env.update(aws_settings(url, credentials, cwd))
    return env


def scan(cwd: Path, folder: str, output: str) -> tuple[subprocess.CompletedProcess, dict]:
    done = subprocess.run(
        [*ECS_GUARD, "scan", folder, "--format", "json", "-o", output], cwd=cwd, capture_output=True, text=True
    )
    return done, json.loads((cwd / output).read_text())


def pairs(report: dict, kind: str) -> set[tuple[str, str]]:
    return {(r["rule_id"], r["resource"]) for r in report[kind]}


def reasons(report: dict) -> dict[tuple[str, str], str]:
    return {(n["rule_id"], n["resource"]): n["reason"] for n in report["not_evaluated"]}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-faults")


@pytest.fixture(scope="module")
def complete(moto, account, auditor, workdir):
    """The audit with nothing failing: what every faulted audit is compared with."""
    with FaultProxy(moto.url) as proxy:
        done = audit_via(proxy, auditor, workdir, *REGION_ARGS, "--format", "json", "-o", "complete.json")
    assert done.returncode == 1, done.stderr
    return json.loads((workdir / "complete.json").read_text())


def faulted(moto, auditor, workdir: Path, name: str, faults: dict[str, str], *argv: str):
    with FaultProxy(moto.url) as proxy:
        proxy.faults.update(faults)
        done = audit_via(
            proxy, auditor, workdir, *REGION_ARGS, "--save", name, "--format", "json", "-o", f"{name}.json", *argv
        )
    return done, json.loads((workdir / f"{name}.json").read_text()), proxy


@pytest.fixture(scope="module")
def clusters_denied(moto, account, auditor, workdir):
    return faulted(moto, auditor, workdir, "clusters-denied", {"ecs:DescribeClusters": "deny"})


@pytest.fixture(scope="module")
def task_definitions_denied(moto, account, auditor, workdir):
    return faulted(moto, auditor, workdir, "taskdefs-denied", {"ecs:DescribeTaskDefinition": "deny"})


# ----------------------------------------------------------------- nothing vanishes


@pytest.mark.parametrize("fault", ["clusters_denied", "task_definitions_denied"])
def test_no_finding_vanishes_when_a_call_fails(fault, complete, request):
    done, report, _ = request.getfixturevalue(fault)
    assert done.returncode == 3, done.stderr
    vanished = pairs(complete, "findings") - pairs(report, "findings") - pairs(report, "not_evaluated")
    assert vanished == set()
    assert pairs(report, "findings") < pairs(complete, "findings")  # the fault did take findings away


def test_unread_clusters_are_not_evaluated_with_the_failed_call(clusters_denied, account):
    _, report, _ = clusters_denied
    why = reasons(report)
    for arn in account.clusters.values():
        region = arn.split(":")[3]
        for rule in ("EG408", "EG702"):
            assert why[(rule, arn)].startswith(f"ecs:DescribeClusters failed in {region}: AccessDenied"), (rule, arn)


def test_services_of_unread_clusters_are_still_checked(clusters_denied, complete):
    """The services were read: the rules that need nothing of the cluster are unchanged."""
    _, report, _ = clusters_denied
    for rule in ("EG101", "EG404", "EG405", "EG407", "EG409"):
        assert {p for p in pairs(report, "findings") if p[0] == rule} == {
            p for p in pairs(complete, "findings") if p[0] == rule
        }


def test_unread_task_definitions_are_not_evaluated_for_every_task_definition_rule(
    task_definitions_denied, complete, account
):
    _, report, proxy = task_definitions_denied
    why = reasons(report)
    wanted = account.task_definitions_to_read()
    assert proxy.seen["ecs:DescribeTaskDefinition"] == len(wanted)  # denied is not retried
    lost = {(rule, arn) for rule, arn in pairs(complete, "findings") if arn in wanted}
    assert lost and lost <= set(why)
    for rule, arn in lost:
        assert f"ecs:DescribeTaskDefinition failed in {arn.split(':')[3]}: AccessDenied" in why[(rule, arn)]
    # the services running them: not evaluated for what needs the task definition
    assert ("EG401", account.services["svc-no-health-check"]) in why


# ----------------------------------------------------------------- a saved audit rescans to the same outcome


def test_a_saved_audit_with_failed_calls_rescans_to_exit_3_naming_them(task_definitions_denied, workdir):
    done, audited, _ = task_definitions_denied
    rescan, rescanned = scan(workdir, "taskdefs-denied", "taskdefs-rescan.json")
    assert rescan.returncode == done.returncode == 3, rescan.stderr
    for key in ("findings", "not_evaluated", "input_problems", "summary"):
        assert rescanned[key] == audited[key], key
    problems = [p for p in rescanned["input_problems"] if "ecs:DescribeTaskDefinition failed in" in p["message"]]
    assert {p["kind"] for p in problems} == {"unreadable"} and len(problems) >= len(REGIONS)
    console = subprocess.run([*ECS_GUARD, "scan", "taskdefs-denied"], cwd=workdir, capture_output=True, text=True)
    assert console.returncode == 3
    assert "Inputs not read:" in console.stdout
    assert f"ecs:DescribeTaskDefinition failed in {PRIMARY}: AccessDeniedException" in console.stdout


def test_a_cluster_that_does_not_exist_exits_3_and_is_named(moto, account, auditor, tmp_path):
    done = run_cli(
        moto,
        auditor,
        tmp_path,
        "audit",
        "--region",
        PRIMARY,
        "--cluster",
        "prod",
        "--cluster",
        "nope",
        "--save",
        "saved",
        "--format",
        "json",
        "-o",
        "report.json",
    )
    assert done.returncode == 3, done.stderr
    assert "--cluster nope: no such cluster" in done.stderr
    assert "--cluster prod" not in done.stderr
    rescan, rescanned = scan(tmp_path, "saved", "rescan.json")
    assert rescan.returncode == 3
    assert [p["message"] for p in rescanned["input_problems"]] == [
        "--cluster nope: no such cluster in the regions the audit read"
    ]


# ----------------------------------------------------------------- what the saved folder holds


def test_the_saved_folder_is_private_and_holds_no_secret(task_definitions_denied, clusters_denied, workdir):
    """0700 folders, 0600 files, no temporary file left, the secret only as its marker."""
    folder = workdir / "clusters-denied"
    assert folder.stat().st_mode & 0o777 == 0o700
    everything = list(folder.rglob("*"))
    assert any(p.name.startswith("describe-task-definition-plaintext-secret") for p in everything)
    for path in everything:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
        assert not path.name.startswith("."), path
        if path.is_file():
            assert PLAINTEXT_SECRET not in path.read_text(), path


# ----------------------------------------------------------------- server errors, regions, connections


def test_an_html_error_page_is_one_line_with_status_service_and_operation(moto, account, auditor, tmp_path):
    with FaultProxy(moto.url) as proxy:
        proxy.faults["ecs:DescribeClusters"] = "html"
        done = audit_via(
            proxy, auditor, tmp_path, "--region", PRIMARY, "--retry-budget", "0", "--save", "s", "-o", "r.txt"
        )
    assert done.returncode == 3, done.stderr
    assert f"ecs:DescribeClusters failed in {PRIMARY}: HTTP 502 (Bad Gateway)\n" in done.stderr
    assert "<" not in done.stderr and "nginx" not in done.stderr
    manifest = (tmp_path / "s" / "ecs-guard-audit.json").read_text()
    assert "<html" not in manifest.lower() and "nginx" not in manifest


def test_an_unknown_region_is_rejected_before_any_call(moto, auditor, tmp_path):
    with FaultProxy(moto.url) as proxy:
        done = audit_via(proxy, auditor, tmp_path, "--region", PRIMARY, "--region", "moon-1")
    assert done.returncode == 2
    assert done.stderr == (
        "ecs-guard: error: --region moon-1: no such AWS region (regions look like eu-west-1, us-gov-west-1, "
        "cn-north-1)\n"
    )
    assert sum(proxy.seen.values()) == 0


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_an_unreachable_endpoint_is_named_as_such_not_as_credentials(auditor, tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}"
    done = subprocess.run(
        [*ECS_GUARD, "audit", "--region", PRIMARY],
        cwd=tmp_path,
        env=_env(url, auditor, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("ecs-guard: error: cannot reach AWS (ConnectionError): ")
    assert url in done.stderr and "credentials" not in done.stderr and done.stderr.count("\n") == 1


# ----------------------------------------------------------------- retries and Ctrl-C


def test_no_retry_once_the_retry_budget_is_spent(moto, account, auditor, tmp_path):
    """502 is retried by botocore (up to ten attempts each); with no budget
    every failing call is sent exactly once, and the summary says why."""
    with FaultProxy(moto.url) as proxy:
        proxy.faults["ecs:DescribeTaskDefinition"] = "html"
        done = audit_via(
            proxy,
            auditor,
            tmp_path,
            *REGION_ARGS,
            "--retry-budget",
            "0",
            "--save",
            "s",
            "--format",
            "json",
            "-o",
            "r.json",
        )
    assert done.returncode == 3, done.stderr
    manifest = json.loads((tmp_path / "s" / "ecs-guard-audit.json").read_text())["ecsGuardAudit"]
    failed = [f for f in manifest["failures"] if f["operation"] == "DescribeTaskDefinition"]
    assert failed and proxy.seen["ecs:DescribeTaskDefinition"] == len(failed)
    assert f"the retry budget is spent: {len(failed)} failed calls not retried" in done.stderr


def test_ctrl_c_ends_an_audit_whose_calls_hang(moto, account, auditor, tmp_path):
    with FaultProxy(moto.url) as proxy:
        proxy.faults["ecs:ListClusters"] = "hang"
        child = subprocess.Popen(
            [*ECS_GUARD, "audit", *REGION_ARGS],
            cwd=tmp_path,
            env=_env(proxy.url, auditor, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proxy.wait_for("ecs:ListClusters", timeout=120)  # reading has started, in its threads
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=INTERRUPT_GRACE_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert child.returncode == 130
    assert err.endswith("ecs-guard: error: interrupted\n") and "Traceback" not in err
